using CsScoring.Data;
using CsScoring.Metrics;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Metrics;

public sealed class MrrLedgerTests
{
    private static readonly DateOnly Jan = new(2025, 1, 1);

    private static MrrLedger Ledger(params (string Id, int Month, decimal Mrr)[] rows)
        => MrrLedger.Create(rows.Select(r => new MrrEntry(r.Id, Jan.AddMonths(r.Month), r.Mrr)));

    [Fact]
    public void MovementsIn_ClassifiesEveryKindOfChange()
    {
        var ledger = Ledger(
            ("grow", 0, 100), ("grow", 1, 150),
            ("shrink", 0, 100), ("shrink", 1, 60),
            ("leave", 0, 80),
            ("new", 1, 40),
            ("back", 0, 0), ("back", -2, 30), ("back", 1, 30),
            ("flat", 0, 10), ("flat", 1, 10));

        var m = ledger.MovementsIn(Jan.AddMonths(1));

        Assert.Equal(290m, m.StartingMrr);
        Assert.Equal(40m, m.NewMrr);
        Assert.Equal(50m, m.ExpansionMrr);
        Assert.Equal(40m, m.ContractionMrr);
        Assert.Equal(80m, m.ChurnedMrr);
        Assert.Equal(30m, m.ReactivationMrr);
        Assert.Equal(4, m.StartingCustomers);
        Assert.Equal(1, m.NewCustomers);
        Assert.Equal(1, m.ChurnedCustomers);
        Assert.Equal(1, m.ReactivatedCustomers);
        Assert.Equal(0.25, m.LogoChurnRate);
        Assert.Equal(290m - 80m - 40m + 50m + 40m + 30m, m.EndingMrr);
        Assert.Equal(m.EndingMrr, ledger.TotalMrr(Jan.AddMonths(1)));
    }

    [Fact]
    public void RetentionBetween_CapsGrossAndKeepsExpansionInNet()
    {
        var ledger = Ledger(("a", 0, 100), ("a", 12, 150), ("b", 0, 100), ("b", 12, 50), ("c", 0, 100), ("new", 12, 500));
        var r = ledger.RetentionBetween(Jan, Jan.AddMonths(12));
        Assert.Equal(3, r.Customers);
        Assert.Equal(2, r.RetainedCustomers);
        Assert.Equal(150.0 / 300.0, r.GrossRevenueRetention, 12);
        Assert.Equal(200.0 / 300.0, r.NetRevenueRetention, 12);
    }

    [Property(MaxTest = 200)]
    public void Bridge_Meets_Specification(NonNegativeInt[] before, NonNegativeInt[] after)
    {
        var n = Math.Min(before.Length, after.Length);
        var rows = new List<(string, int, decimal)>();
        for (var i = 0; i < n; i++)
        {
            rows.Add(($"a{i}", 0, before[i].Get % 500));
            rows.Add(($"a{i}", 1, after[i].Get % 500));
        }

        rows.Add(("anchor", 0, 1));
        var ledger = Ledger([.. rows]);
        var m = ledger.MovementsIn(Jan.AddMonths(1));
        var ending = rows.Where(r => r.Item2 == 1).Sum(r => r.Item3);
        Assert.Equal(ending, m.EndingMrr);
        var retention = ledger.RetentionBetween(Jan, Jan.AddMonths(1));
        Assert.InRange(retention.GrossRevenueRetention, 0, 1);
        Assert.True(retention.NetRevenueRetention >= retention.GrossRevenueRetention);
    }

    [Fact]
    public void Create_RepeatedMonth_Throws()
        => Assert.Throws<ArgumentException>(() => Ledger(("a", 0, 1), ("a", 0, 2)));

    [Fact]
    public void Read_NegativeMrr_NamesRowAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledger-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "account_id,month,mrr\nA,2025-01-01,10\nA,2025-02-01,-3\n");
        try
        {
            using var reader = TabularReader.Open(path);
            var ex = Assert.Throws<DataFormatException>(() => MrrLedger.Read(reader));
            Assert.Equal(2, ex.Row);
            Assert.Equal("mrr", ex.Column);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
