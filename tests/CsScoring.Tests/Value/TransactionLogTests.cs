using System.Globalization;
using CsScoring.Data;
using CsScoring.Value;

namespace CsScoring.Tests.Value;

public sealed class TransactionLogTests
{
    [Fact]
    public void Summarize_MergesSameDayPurchasesAndSplitsTheHoldout()
    {
        var log = new[]
        {
            new Transaction("a", new DateOnly(2024, 1, 1), 10m),
            new Transaction("a", new DateOnly(2024, 1, 1), 5m),
            new Transaction("a", new DateOnly(2024, 1, 15), 20m),
            new Transaction("a", new DateOnly(2024, 1, 29), 40m),
            new Transaction("a", new DateOnly(2024, 3, 1), 7m),
            new Transaction("b", new DateOnly(2024, 1, 22), 9m),
            new Transaction("c", new DateOnly(2024, 3, 5), 9m),
        };

        var summaries = TransactionLog.Summarize(log, new DateOnly(2024, 2, 12), TimeUnit.Week);

        Assert.Equal(2, summaries.Count);
        var a = summaries[0];
        Assert.Equal("a", a.CustomerId);
        Assert.Equal(new CustomerSummary(2, 4, 6, 30), a.Summary);
        Assert.Equal(1, a.HoldoutTransactions);
        Assert.Equal(7m, a.HoldoutValue);
        Assert.Equal(new CustomerSummary(0, 0, 3), summaries[1].Summary);
    }

    [Fact]
    public void Read_NegativeAmount_NamesRowAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"csscoring-log-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "customer_id,date,amount\na,2024-01-01,10\na,2024-01-05,-3\n");
        try
        {
            using var reader = TabularReader.Open(path);
            var ex = Assert.Throws<DataFormatException>(() => TransactionLog.Read(reader));
            Assert.Equal(2, ex.Row);
            Assert.Equal("amount", ex.Column);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [ClvDataFact]
    public void Summarize_CdnowLog_ReproducesThePublishedSummary()
    {
        var log = File.ReadLines(ClvReferenceData.File("CDNOW_sample.txt"))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new Transaction(f[1], DateOnly.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture), decimal.Parse(f[4], CultureInfo.InvariantCulture)))
            .ToList();

        var summaries = TransactionLog.Summarize(log, new DateOnly(1997, 9, 30), TimeUnit.Week)
            .ToDictionary(s => int.Parse(s.CustomerId, CultureInfo.InvariantCulture));
        var reference = ClvReferenceData.CdnowSummaries();

        Assert.Equal(reference.Length, summaries.Count);
        for (var i = 0; i < reference.Length; i++)
        {
            var mine = summaries[i + 1].Summary;
            Assert.Equal(reference[i].Frequency, mine.Frequency);
            Assert.Equal(reference[i].Recency, mine.Recency, 0.006);
            Assert.Equal(reference[i].Age, mine.Age, 0.006);
            Assert.Equal(reference[i].MonetaryValue, mine.MonetaryValue, 0.006);
        }

        // And the fit from the raw log is the published one.
        var fit = BgNbdModel.Fit(summaries.Values.Select(s => s.Summary).ToArray());
        Approx.Relative(0.2426, fit.Parameters.R, 1e-3, "r");
        Approx.Relative(-9582.43, fit.LogLikelihood, 1e-3, "log-likelihood");
    }
}
