using CsScoring.Churn.Features;
using CsScoring.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CsScoring.Tests.Churn.Features;

public sealed class FeatureMapperTests
{
    private static FeatureSchema Schema() => new(
        [
            FeatureColumn.Numeric("seats", 12, missingIndicator: true),
            FeatureColumn.Boolean("sponsor", 1, missingIndicator: false),
            FeatureColumn.Categorical("plan", ["basic", "pro"]),
            FeatureColumn.Date("renewal_date", 30, missingIndicator: true),
        ],
        timeColumn: "as_of");

    [Fact]
    public void FeatureNames_FollowColumnOrderWithIndicatorsAndOneHot()
    {
        Assert.Equal(
            ["seats", "seats_missing", "sponsor", "plan=basic", "plan=pro", "renewal_date", "renewal_date_missing"],
            Schema().FeatureNames);
        Assert.Equal(7, Schema().FeatureCount);
    }

    [Fact]
    public void Map_Dictionary_AppliesEveryRule()
    {
        var mapper = new FeatureMapper(Schema());
        var features = new float[7];
        mapper.Map(new Dictionary<string, string?>
        {
            ["seats"] = " 40 ",
            ["sponsor"] = "No",
            ["plan"] = "pro",
            ["renewal_date"] = "2024-03-11",
            ["as_of"] = "2024-03-01",
        }, features);
        Assert.Equal([40f, 0f, 0f, 0f, 1f, 10f, 0f], features);
    }

    [Theory]
    [InlineData("NA")]
    [InlineData("NaN")]
    [InlineData("#N/A")]
    [InlineData("NULL")]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    public void Map_MissingMarkerOrAbsurdNumber_ImputesAndFlags(string cell)
    {
        var mapper = new FeatureMapper(Schema());
        var features = new float[7];
        mapper.Map(new Dictionary<string, string?> { ["seats"] = cell, ["sponsor"] = "yes", ["plan"] = "pro", ["renewal_date"] = "2024-03-11", ["as_of"] = "2024-03-01" }, features);
        Assert.Equal([12f, 1f, 1f, 0f, 1f, 10f, 0f], features);
    }

    [Fact]
    public void Map_TimestampWithOffset_KeepsItsLocalDate()
    {
        var mapper = new FeatureMapper(Schema());
        var features = new float[7];
        mapper.Map(new Dictionary<string, string?> { ["seats"] = "1", ["sponsor"] = "yes", ["plan"] = "pro", ["renewal_date"] = "2024-03-11T23:30:00-05:00", ["as_of"] = "2024-03-01T00:30:00+09:00" }, features);
        Assert.Equal(10f, features[5]);
    }

    [Fact]
    public void Map_AmbiguousDate_Throws()
    {
        var mapper = new FeatureMapper(Schema());
        var features = new float[7];
        Assert.Throws<DataFormatException>(() => mapper.Map(new Dictionary<string, string?> { ["renewal_date"] = "01/03/2024", ["as_of"] = "2024-03-01" }, features));
    }

    [Fact]
    public void Map_Reader_CountsUnparsableCellsPerColumn_NotMissingOnes()
    {
        var path = Path.Combine(Path.GetTempPath(), "csscoring-map-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, "as_of,seats,sponsor,plan,renewal_date\n2024-03-01,lots,1,pro,soon\n2024-03-01,NA,1,pro,2024-03-11\n2024-03-01,Infinity,1,pro,\n");
        try
        {
            var warnings = new DataWarnings();
            var mapper = new FeatureMapper(Schema());
            var features = new float[7];
            using (var reader = TabularReader.Open(path, new TabularReadOptions { Warnings = warnings }))
            {
                while (reader.Read())
                {
                    mapper.Map(reader, features);
                }
            }

            var counts = warnings.Items.Where(w => w.Code == "imputed-cells").ToDictionary(w => w.Column!, w => w.Count);
            Assert.Equal(2, counts["seats"]);
            Assert.Equal(1, counts["renewal_date"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Map_MissingAndUnparsable_ImputesAndFlags()
    {
        var mapper = new FeatureMapper(Schema());
        var features = new float[7];
        features.AsSpan().Fill(99);
        mapper.Map(new Dictionary<string, string?>
        {
            ["seats"] = "n/a",
            ["sponsor"] = "maybe",
            ["plan"] = "enterprise",
            ["renewal_date"] = "2024-03-11",
        }, features);

        // No as_of: the date cannot be measured, so it is missing too.
        Assert.Equal([12f, 1f, 1f, 0f, 0f, 30f, 1f], features);
    }

    [Fact]
    public void Map_NaNText_IsMissing()
    {
        var mapper = new FeatureMapper(Schema());
        var features = new float[7];
        mapper.Map(new Dictionary<string, string?> { ["seats"] = "NaN", ["as_of"] = "2024-01-01" }, features);
        Assert.Equal(12f, features[0]);
        Assert.Equal(1f, features[1]);
    }

    [Fact]
    public void Map_WrongDestinationLength_ThrowsNamingBothLengths()
    {
        var mapper = new FeatureMapper(Schema());
        var error = Assert.Throws<ArgumentException>(() => mapper.Map(new Dictionary<string, string?>(), new float[6]));
        Assert.Contains("6", error.Message, StringComparison.Ordinal);
        Assert.Contains("7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_Reader_EqualsDictionaryMapping()
    {
        var path = Path.Combine(Path.GetTempPath(), $"csscoring-mapper-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "as_of,plan,seats,extra,sponsor,renewal_date\n2024-03-01,basic,,x,yes,2024-02-20\n2024-03-01,pro,7,y,0,\n");
        try
        {
            var mapper = new FeatureMapper(Schema());
            using var reader = TabularReader.Open(path);
            var rows = new List<float[]>();
            while (reader.Read())
            {
                var features = new float[7];
                mapper.Map(reader, features);
                rows.Add(features);
            }

            Assert.Equal([12f, 1f, 1f, 1f, 0f, -10f, 0f], rows[0]);
            Assert.Equal([7f, 0f, 0f, 0f, 1f, 30f, 1f], rows[1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Map_ReaderWithoutSchemaColumn_ThrowsNamingTheColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"csscoring-mapper-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "as_of,plan\n2024-03-01,basic\n");
        try
        {
            using var reader = TabularReader.Open(path);
            Assert.True(reader.Read());
            var error = Assert.Throws<DataFormatException>(() => new FeatureMapper(Schema()).Map(reader, new float[7]));
            Assert.Contains("seats", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Map_Dictionary_AllocatesNothingAfterWarmUp()
    {
        var mapper = new FeatureMapper(Schema());
        var row = new Dictionary<string, string?> { ["seats"] = "3", ["sponsor"] = "y", ["plan"] = "basic", ["renewal_date"] = "2024-05-01", ["as_of"] = "2024-04-01" };
        var features = new float[7];
        mapper.Map(row, features);
        var before = GC.GetAllocatedBytesForCurrentThread();
        mapper.Map(row, features);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Property(MaxTest = 200)]
    public Property Map_Meets_Specification(int seats, bool blank, int planIndex)
    {
        var mapper = new FeatureMapper(Schema());
        string[] plans = ["basic", "pro", "other", ""];
        var plan = plans[Math.Abs(planIndex % plans.Length)];
        var features = new float[7];
        mapper.Map(new Dictionary<string, string?>
        {
            ["seats"] = blank ? "" : seats.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["plan"] = plan,
        }, features);
        var oneHot = features[3] + features[4];
        var expectedHot = plan is "basic" or "pro" ? 1f : 0f;
        return (features[1] == (blank ? 1f : 0f)
                && features[0] == (blank ? 12f : (float)seats)
                && oneHot == expectedHot).ToProperty();
    }
}
