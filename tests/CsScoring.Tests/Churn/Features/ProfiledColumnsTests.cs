using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CsScoring.Churn.Features;
using CsScoring.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CsScoring.Tests.Churn.Features;

public sealed class ProfiledColumnsTests
{
    private static readonly string[] s_seats = ["3", " 40 ", "12.5", "1,234.5", "NA", "", "-", "many", "inf", "1e300", "0", "-0", "7"];
    private static readonly string[] s_sponsor = ["yes", "No", "1", "0", "TRUE", "n", "", "NA", "maybe", "2", "-"];
    private static readonly string[] s_plan = ["basic", "pro", " pro ", "Pro", "", "NA", "-", "gold"];
    private static readonly string[] s_renewal = ["2024-03-11", "2024-02-29T10:00:00", "2024-03", "2024/04/13", "", "NA", "soon", "-", "2024-13-01", "1 Mar 2024"];

    private static FeatureSchema Schema() => new(
        [
            FeatureColumn.Numeric("seats", 12, missingIndicator: true),
            FeatureColumn.Boolean("sponsor", 1, missingIndicator: true),
            FeatureColumn.Categorical("plan", ["basic", "pro"]),
            FeatureColumn.Date("renewal", 30, missingIndicator: true),
        ],
        timeColumn: "as_of");

    [Property(MaxTest = 60)]
    public Property TryMap_Equals_Mapping_Each_Row_With_The_Reader(int seed, bool distinctBeyondTable)
    {
        var random = new Random(seed);
        var rows = distinctBeyondTable ? ColumnProfiler.MaxDistinct + 300 : random.Next(2, 300);
        var csv = new StringBuilder("as_of,seats,sponsor,plan,renewal,churned\n");
        for (var i = 0; i < rows; i++)
        {
            // Past the distinct values kept, seats are unique numbers kept as floats, and "Nan" (a missing number,
            // not a marker) is kept as what it read as.
            var seats = distinctBeyondTable && i > 50 ? (i % 97 == 0 ? "Nan" : (i + 0.25).ToString(CultureInfo.InvariantCulture)) : Pick(random, s_seats);
            var plan = i < 2 ? s_plan[i] : Pick(random, s_plan);
            csv.Append(CultureInfo.InvariantCulture, $"2024-0{1 + random.Next(3)}-15,\"{seats}\",{Pick(random, s_sponsor)},{plan},{Pick(random, s_renewal)},{random.Next(3)}\n");
        }

        var text = csv.ToString();
        var keptWarnings = new DataWarnings();
        var schema = Schema();
        float[]? features;
        var asOf = new List<int>();
        var kept = new List<long>();
        using (var reader = CsvTableReader.Create(new StringReader(text), "cells.csv", new TabularReadOptions { MissingValues = ["-"], Warnings = keptWarnings }))
        {
            var columns = new ProfiledColumns(reader, [1, 2, 3, 4], seed);
            while (reader.Read())
            {
                var keep = reader.GetSpan(5)[0] != '0';
                var day = reader.GetDate(0).DayNumber;
                columns.Add(reader, day, keep);
                if (keep)
                {
                    asOf.Add(day);
                    kept.Add(reader.RowNumber);
                }
            }

            if (!columns.TryMap(schema, CollectionsMarshal.AsSpan(asOf), out features))
            {
                return false.Label("declined");
            }
        }

        var mappedWarnings = new DataWarnings();
        var expected = new float[kept.Count * schema.FeatureCount];
        var profileOnly = new DataWarnings();
        using (var reader = CsvTableReader.Create(new StringReader(text), "cells.csv", new TabularReadOptions { MissingValues = ["-"], Warnings = mappedWarnings }))
        {
            // The profile's own warnings come first, as they did while profiling.
            var profilers = new[] { 1, 2, 3, 4 }.Select(o => new ColumnProfiler(reader.Columns[o])).ToArray();
            var row = 0;
            var mapper = new FeatureMapper(schema);
            using var profiling = CsvTableReader.Create(new StringReader(text), "cells.csv", new TabularReadOptions { MissingValues = ["-"], Warnings = mappedWarnings });
            while (profiling.Read())
            {
                for (var p = 0; p < profilers.Length; p++)
                {
                    profilers[p].AddCell(profiling, p + 1, profiling.GetDate(0).DayNumber);
                }
            }

            while (reader.Read())
            {
                if (reader.GetSpan(5)[0] != '0')
                {
                    mapper.Map(reader, expected.AsSpan(row++ * schema.FeatureCount, schema.FeatureCount));
                }
            }
        }

        var sameFeatures = MemoryMarshal.AsBytes(features.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan()));
        var sameWarnings = keptWarnings.Items.SequenceEqual(mappedWarnings.Items);
        return (sameFeatures && sameWarnings).Label($"features {sameFeatures}, warnings {sameWarnings}");
    }

    [Fact]
    public void TryMap_Declines_A_Date_Column_Whose_Numbers_Were_Never_Read_As_Dates()
    {
        var csv = new StringBuilder("day\n");
        for (var i = 0; i < ColumnProfiler.MaxDistinct + 10; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{20000101 + i}\n");
        }

        var warnings = new DataWarnings();
        using var reader = CsvTableReader.Create(new StringReader(csv.ToString()), "days.csv", new TabularReadOptions { DateFormat = "yyyyMMdd", Warnings = warnings });
        var columns = new ProfiledColumns(reader, [0]);
        while (reader.Read())
        {
            columns.Add(reader, null, keep: true);
        }

        Assert.False(columns.TryMap(new FeatureSchema([FeatureColumn.Date("day", 0, missingIndicator: true)]), [], out var features));
        Assert.Null(features);
        Assert.True(warnings.IsEmpty);
    }

    [Fact]
    public void NaN_Text_Past_The_Distinct_Values_Kept_Is_An_Imputed_Date()
    {
        // "Nan" reads as a missing number, but is no missing-value marker: Map(reader) imputes it as an unreadable date.
        var csv = new StringBuilder("day\n");
        for (var i = 0; i < ColumnProfiler.MaxDistinct + 10; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{new DateOnly(2000, 1, 1).AddDays(i):yyyy-MM-dd}\n");
        }

        csv.Append("Nan\n NaN \n-nan\n");
        var warnings = new DataWarnings();
        using var reader = CsvTableReader.Create(new StringReader(csv.ToString()), "days.csv", new TabularReadOptions { Warnings = warnings });
        var columns = new ProfiledColumns(reader, [0]);
        while (reader.Read())
        {
            columns.Add(reader, null, keep: true);
        }

        Assert.True(columns.TryMap(new FeatureSchema([FeatureColumn.Date("day", 7, missingIndicator: true)]), [], out var features));
        var rows = ColumnProfiler.MaxDistinct + 10;
        Assert.Equal([7f, 1f, 7f, 1f, 7f, 1f], features[(rows * 2)..]);

        // " NaN " and "-nan" are markers: missing, not imputed.
        var imputed = Assert.Single(warnings.Items, w => w.Code == "imputed-cells");
        Assert.Equal((1L, (long?)(rows + 1)), (imputed.Count, imputed.FirstRow));
    }

    [Fact]
    public void Deferred_Warnings_Follow_The_Imputed_Cells_Of_Their_First_Row()
    {
        const string Csv = "seats,plan\n1,a\n2,b\nx,a\n3,b\n";
        var warnings = new DataWarnings();
        using var reader = CsvTableReader.Create(new StringReader(Csv), "rows.csv", new TabularReadOptions { Warnings = warnings });
        var columns = new ProfiledColumns(reader, [0, 1]);
        while (reader.Read())
        {
            columns.Add(reader, null, keep: reader.RowNumber != 2);
        }

        Assert.Equal(3, columns.KeptRows);
        Assert.Equal(4, columns.RowNumberOf(2));
        columns.DeferWarning(2, new DataWarning("late", "raised later", "rows.csv", null, 4, 1));
        columns.DeferWarning(0, new DataWarning("early", "raised first", "rows.csv", null, 1, 2));
        Assert.True(columns.TryMap(new FeatureSchema([FeatureColumn.Numeric("seats", 2, missingIndicator: true), FeatureColumn.Categorical("plan", ["a"])]), [], out var features));
        Assert.Equal([1f, 0f, 1f, 2f, 1f, 1f, 3f, 0f, 0f], features);
        Assert.Equal(["early", "imputed-cells", "late"], warnings.Items.Select(w => w.Code));
        Assert.Equal(3, warnings.Items[1].FirstRow);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
