using System.Globalization;
using System.Text;
using CsScoring.Churn.Features;
using CsScoring.Data;
using FsCheck.Xunit;

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

    [Property(MaxTest = 60)]
    public void AddCell_Meets_Specification(int seed)
    {
        // The same profile, warnings and errors as the profiler before its reading cache, whatever the cells.
        var random = new Random(seed);
        var cells = Enumerable.Range(0, random.Next(1, 1500)).Select(_ => RandomCell(random, random.Next(1, 40))).ToList();
        var options = random.Next(2) == 0
            ? new TabularReadOptions { DecimalMark = '.', Warnings = new DataWarnings() }
            : new TabularReadOptions { DecimalMark = ',', Delimiter = ';', MissingValues = ["n.d."], Warnings = new DataWarnings() };
        var referenceOptions = new TabularReadOptions
        {
            DecimalMark = options.DecimalMark, Delimiter = options.Delimiter, MissingValues = options.MissingValues, Warnings = new DataWarnings(),
        };
        var fast = new ColumnProfiler("v", seed);
        var reference = new ReferenceColumnProfiler("v", seed);
        var fastErrors = Feed(cells, options, seed, (reader, asOf, direct) => Add(fast, reader, asOf, direct));
        var referenceErrors = Feed(cells, referenceOptions, seed, (reader, asOf, direct) => Add(reference, reader, asOf, direct));

        Assert.Equal(referenceErrors, fastErrors);
        Assert.Equal(Describe(reference.Build()), Describe(fast.Build()));
        Assert.Equal(Describe(referenceOptions.Warnings), Describe(options.Warnings));
    }

    [Fact]
    public void Add_MoreValuesThanTheSampleAndTheDistinctCap_MatchesTheReference()
    {
        // Past 10,000 distinct values and 200,000 numbers: the truncated table and the reservoir sample.
        var random = new Random(11);
        var fast = new ColumnProfiler("x", 3);
        var reference = new ReferenceColumnProfiler("x", 3);
        for (var i = 0; i < ColumnProfiler.SampleSize + 30_000; i++)
        {
            var cell = i % 7 == 0 ? "cat_" + (i % 13).ToString(CultureInfo.InvariantCulture)
                : i % 11 == 0 ? string.Empty
                : (random.NextDouble() * 1e4 - 5e3).ToString(i % 3 == 0 ? "E3" : "R", CultureInfo.InvariantCulture);
            fast.Add(cell);
            reference.Add(cell);
        }

        var profile = fast.Build();
        Assert.True(profile.DistinctTruncated);
        Assert.Equal(Describe(reference.Build()), Describe(profile));
    }

    [Theory]
    [InlineData("0", "-0", "0", "-0")]
    [InlineData("-0", "0", "1", "-1")]
    [InlineData("-0.0", "0.0", "5", "0", "-0", "-5")]
    [InlineData("3", "1", "2")]
    [InlineData("4", "1", "3", "2")]
    public void Build_MedianOfSignedZeros_IsTheSortedMiddle(params string[] cells)
    {
        var fast = new ColumnProfiler("x");
        var reference = new ReferenceColumnProfiler("x");
        foreach (var cell in cells)
        {
            fast.Add(cell);
            reference.Add(cell);
        }

        Assert.Equal(BitConverter.DoubleToInt64Bits(reference.Build().NumericMedian), BitConverter.DoubleToInt64Bits(fast.Build().NumericMedian));
    }

    [Fact]
    public void Add_AKnownCategory_AllocatesNothing()
    {
        var profiler = new ColumnProfiler("plan");
        foreach (var cell in new[] { "basic", "pro", " enterprise ", "yes" })
        {
            profiler.Add(cell);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            profiler.Add(i % 2 == 0 ? "pro" : "enterprise");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(501, profiler.Build().TopValues.Single(v => v.Key == "enterprise").Value);
    }

    private static void Add(ColumnProfiler profiler, TabularReader reader, int? asOf, bool direct)
    {
        if (direct)
        {
            profiler.Add(reader.GetSpan(0), asOf);
        }
        else
        {
            profiler.AddCell(reader, 0, asOf);
        }
    }

    private static void Add(ReferenceColumnProfiler profiler, TabularReader reader, int? asOf, bool direct)
    {
        if (direct)
        {
            profiler.Add(reader.GetSpan(0), asOf);
        }
        else
        {
            profiler.AddCell(reader, 0, asOf);
        }
    }

    // Reads the cells as a one-column file and adds each, now and then by text (the default rules) rather than from
    // the reader, so the rules change under the profiler; returns the errors met, in order.
    private static List<string> Feed(List<string> cells, TabularReadOptions options, int seed, Action<TabularReader, int?, bool> add)
    {
        var csv = new StringBuilder("v\n");
        foreach (var cell in cells)
        {
            csv.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').Append('\n');
        }

        var random = new Random(seed);
        var errors = new List<string>();
        using var reader = CsvTableReader.Create(new StringReader(csv.ToString()), "cells.csv", options);
        while (reader.Read())
        {
            int? asOf = random.Next(3) == 0 ? null : 738_000 + random.Next(1000);
            try
            {
                add(reader, asOf, random.Next(8) == 0);
            }
            catch (DataFormatException ex)
            {
                errors.Add(ex.Message);
            }
        }

        return errors;
    }

    private static readonly string[] Fixed =
    [
        "", "  ", "NA", "null", "-", "nan", "NaN", "nAn", "n.d.", "N.D.", "0", "-0", "-0.0", "+5", "007", "1e3", "2.5E-3", "-1.5e+2", "1,234", "1,234.5",
        "12,5", "1.234,5", "0,45", "Infinity", "-inf", "∞", "1e300", "1e15", "1000000000000001", "3.14159265358979", "2024-03-01", "2024-03",
        "2024/03", "15/03/2024", "3/15/2024", "01/03/2025", "2024-03-01T10:00:00Z", "2024-02-30", "1 Mar 2025", "March 1, 2025",
        "ada@example.com", "a@b", "x@@y.com", "+1 555-0100", "555 0100 22", "(555) 010-0199", "1234567.5", "yes", "No", "Y", "n", "TRUE",
        "false", "1", " 1 ", "Zürich", "東京", "naïve café", "ß", "say \"hi\"", "a,b", " padded ", "a;b", "\uFFFD",
    ];

    private static string RandomCell(Random random, int categories) => random.Next(5) switch
    {
        0 => Fixed[random.Next(Fixed.Length)],
        1 => "cat_" + random.Next(categories).ToString(CultureInfo.InvariantCulture),
        2 => (random.NextDouble() * 2000 - 1000).ToString(random.Next(3) switch { 0 => "R", 1 => "0.##", _ => "E2" }, CultureInfo.InvariantCulture),
        3 => random.Next(-50, 50).ToString(CultureInfo.InvariantCulture),
        _ => new string(Enumerable.Range(0, random.Next(0, 6)).Select(_ => "ab 1.,-/@é"[random.Next(10)]).ToArray()),
    };

    private static string Describe(ColumnProfile p) => string.Join("|",
        p.Name, p.Rows, p.Blank, p.NumericCount, p.BooleanCount, p.DateCount, p.TrueCount, p.DistinctTruncated,
        p.NumericMedian.ToString("R", CultureInfo.InvariantCulture), p.DateMedian.ToString("R", CultureInfo.InvariantCulture),
        p.IntegersOnly, p.EmailLikeCount, p.PhoneLikeCount, string.Join("\u0001", p.TopValues.Select(v => v.Key + "=" + v.Value.ToString(CultureInfo.InvariantCulture))));

    private static string Describe(DataWarnings? warnings) => string.Join("\n", warnings?.Describe() ?? []);
}
