using CsScoring.Churn.Features;
using CsScoring.Data;

namespace CsScoring.Tests.Churn.Features;

public sealed class ColumnProfilerTests
{
    [Fact]
    public void Add_MissingMarkers_CountAsBlank_SoTheColumnStaysNumeric()
    {
        var profiler = new ColumnProfiler("csat");
        foreach (var cell in new[] { "4.5", "NA", "3", "#N/A", "NULL", "2", "None", "-", "nan", "5" })
        {
            profiler.Add(cell);
        }

        var profile = profiler.Build();
        Assert.Equal(6, profile.Blank);
        Assert.Equal(4, profile.NumericCount);
        Assert.Equal(4, profile.DistinctCount);
    }

    [Fact]
    public void Add_Infinity_IsNotANumber()
    {
        var profiler = new ColumnProfiler("x");
        profiler.Add("Infinity");
        profiler.Add("1e300");
        profiler.Add("2");
        var profile = profiler.Build();
        Assert.Equal(1, profile.NumericCount);
        Assert.Equal(2, profile.Blank);
        Assert.Equal(2, profile.NumericMedian);
    }

    [Fact]
    public void AddCell_UsesTheReadersDecimalMarkAndMarkers()
    {
        var path = Path.Combine(Path.GetTempPath(), "csscoring-profile-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, "id;ratio\nA;0,45\nB;n.d.\nC;1,5\n");
        try
        {
            var profiler = new ColumnProfiler("ratio");
            using (var reader = TabularReader.Open(path, new TabularReadOptions { MissingValues = ["n.d."] }))
            {
                while (reader.Read())
                {
                    profiler.AddCell(reader, 1);
                }
            }

            var profile = profiler.Build();
            Assert.Equal(2, profile.NumericCount);
            Assert.Equal(1, profile.Blank);
            Assert.Equal((0.45 + 1.5) / 2, profile.NumericMedian, 12);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
