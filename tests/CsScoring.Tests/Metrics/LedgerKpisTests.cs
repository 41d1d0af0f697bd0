using CsScoring.Metrics;

namespace CsScoring.Tests.Metrics;

public sealed class LedgerKpisTests
{
    private static readonly DateOnly Jan = new(2025, 1, 1);
    private static readonly DateOnly Feb = new(2025, 2, 1);
    private static readonly DateOnly Mar = new(2025, 3, 1);

    // A pays throughout; B churns in March; C starts in February (100, then 120); D has one unpaid month.
    private static MrrLedger Ledger() => MrrLedger.Create(
    [
        new("A", Jan, 100m), new("A", Feb, 100m), new("A", Mar, 100m),
        new("B", Jan, 50m), new("B", Feb, 50m),
        new("C", Feb, 100m), new("C", Mar, 120m),
        new("D", Mar, 0m),
    ]);

    [Fact]
    public void Arpa_IsTheMonthsMrrOverItsPayingAccounts()
    {
        Assert.Equal(110m, LedgerKpis.Arpa(Ledger(), Mar));
        Assert.Equal(83.33m, LedgerKpis.Arpa(Ledger(), Feb));
    }

    [Fact]
    public void TrailingLogoChurn_PoolsChurnedOverStartingAccounts()
    {
        // February: 2 at start, 0 churned; March: 3 at start, 1 churned. January is the ledger's first month.
        Assert.Equal(1.0 / 5, LedgerKpis.TrailingLogoChurn(Ledger(), Mar, months: 12), 12);
        Assert.Equal(1.0 / 3, LedgerKpis.TrailingLogoChurn(Ledger(), Mar, months: 1), 12);
        Assert.Equal(0, LedgerKpis.TrailingLogoChurn(Ledger(), Jan, months: 12));
    }

    [Fact]
    public void MeanStartingMrr_AveragesTheFirstPaidMonthOfTheCohortsAccounts()
    {
        Assert.Equal(100m, LedgerKpis.MeanStartingMrr(Ledger(), [Feb]));
        Assert.Equal(0m, LedgerKpis.MeanStartingMrr(Ledger(), [Mar]));
        Assert.Equal(83.33m, LedgerKpis.MeanStartingMrr(Ledger(), [Jan, Feb]));
    }

    [Fact]
    public void TrailingLogoChurn_NonPositiveWindow_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => LedgerKpis.TrailingLogoChurn(Ledger(), Mar, months: 0));
}
