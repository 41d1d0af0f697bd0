using CsScoring.Data;
using CsScoring.Metrics;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Metrics;

public sealed class MrrBridgeTests
{
    private static readonly DateOnly Dec = new(2024, 12, 1);

    private static MrrHistory History(params (string Id, int Month, decimal Mrr)[] rows)
        => MrrHistory.Create(rows.Select(r => new MrrEntry(r.Id, Dec.AddMonths(r.Month), r.Mrr)), null);

    // Months: 0 = Dec 2024, 1 = Jan 2025, 2 = Feb 2025. The Feb bridge, by hand:
    // opening (Jan) = 100 + 50 + 80 = 230; new D 40; expansion A 20; contraction B 20; churned C 80;
    // reactivated E 70 (paid in Dec, not in Jan); closing = 120 + 30 + 40 + 70 = 260 = 230 + 40 + 20 + 70 - 20 - 80.
    private static MrrHistory Example() => History(
        ("A", 1, 100), ("A", 2, 120),
        ("B", 1, 50), ("B", 2, 30),
        ("C", 1, 80),
        ("D", 2, 40),
        ("E", 0, 60), ("E", 1, 0), ("E", 2, 70));

    [Fact]
    public void Periods_HandComputedMonth_ClassifiesEveryMovement()
    {
        var feb = MrrBridge.Periods(Example(), PeriodLength.Month).Single(p => p.Period == "2025-02");

        Assert.Equal((230m, 40m, 20m, 20m, 80m, 70m, 260m), (feb.OpeningMrr, feb.NewMrr, feb.ExpansionMrr, feb.ContractionMrr, feb.ChurnedMrr, feb.ReactivatedMrr, feb.ClosingMrr));
        Assert.Equal((3, 4, 1, 1, 1), (feb.CustomersStart, feb.CustomersEnd, feb.NewCustomers, feb.ChurnedCustomers, feb.ReactivatedCustomers));
        Assert.True(feb.Reconciles);
        Assert.Equal(1.0 / 3, feb.LogoChurn, 12);
        Assert.Equal(100.0 / 230, feb.GrossMrrChurn, 12);
        Assert.Equal(80.0 / 230, feb.NetMrrChurn, 12);
        Assert.Equal(130.0 / 230, feb.Grr, 12);    // (230 - 80 - 20) / 230
        Assert.Equal(150.0 / 230, feb.Nrr, 12);    // (230 - 80 - 20 + 20) / 230: new and reactivated excluded
        Assert.Equal(1.3, feb.QuickRatio, 12);     // (40 + 20 + 70) / (80 + 20)
        Assert.Equal(65m, feb.Arpa);               // 260 / 4
        Assert.Equal(3120m, feb.Arr);              // 260 x 12
    }

    [Fact]
    public void Periods_FirstPeriodIsTheBaseline_NotReported()
        => Assert.Equal(["2025-01", "2025-02"], MrrBridge.Periods(Example(), PeriodLength.Month).Select(p => p.Period));

    [Fact]
    public void QuickRatio_NothingLost_HasAStatusInsteadOfInfinity()
    {
        var gain = MrrBridge.Periods(History(("A", 0, 100), ("A", 1, 150)), PeriodLength.Month).Single();
        Assert.Equal(QuickRatioStatus.NoLosses, gain.QuickRatioStatus);
        Assert.True(double.IsNaN(gain.QuickRatio));

        var flat = MrrBridge.Periods(History(("A", 0, 100), ("A", 1, 100)), PeriodLength.Month).Single();
        Assert.Equal(QuickRatioStatus.NoMovement, flat.QuickRatioStatus);
        Assert.Equal(1.0, flat.Grr);
    }

    [Fact]
    public void Rates_NoStartingCustomers_AreNaN()
    {
        var first = MrrBridge.Periods(History(("A", 0, 0), ("A", 1, 100)), PeriodLength.Month).Single();
        Assert.Equal(100m, first.NewMrr);
        Assert.True(double.IsNaN(first.LogoChurn) && double.IsNaN(first.Grr) && double.IsNaN(first.Nrr));
        Assert.Null(MrrBridge.Periods(History(("A", 0, 100), ("A", 1, 0)), PeriodLength.Month).Single().Arpa);
    }

    // Quarter edge case: paying in Mar (the opening) and Jun (the closing) with a gap in Apr-May. Practice differs:
    // by default the ends are compared (retained, no movement); the option counts a churn and a reactivation.
    [Fact]
    public void Quarter_ChurnAndReturnInOnePeriod_FollowsTheOption()
    {
        var history = MrrHistory.Create(
            [new("X", new DateOnly(2025, 3, 1), 100), new("X", new DateOnly(2025, 6, 1), 100), new("Y", new DateOnly(2025, 3, 1), 50), new("Y", new DateOnly(2025, 4, 1), 50), new("Y", new DateOnly(2025, 5, 1), 50), new("Y", new DateOnly(2025, 6, 1), 50)],
            null);

        var retained = MrrBridge.Periods(history, PeriodLength.Quarter).Single();
        Assert.Equal("2025-Q2", retained.Period);
        Assert.Equal((0m, 0m, 0, 0), (retained.ChurnedMrr, retained.ReactivatedMrr, retained.ChurnedCustomers, retained.ReactivatedCustomers));
        Assert.Equal(1.0, retained.Grr);

        var interrupted = MrrBridge.Periods(history, PeriodLength.Quarter, new MrrBridgeOptions { InterruptedCustomers = InterruptedCustomers.ChurnedAndReactivated }).Single();
        Assert.Equal((100m, 100m, 1, 1), (interrupted.ChurnedMrr, interrupted.ReactivatedMrr, interrupted.ChurnedCustomers, interrupted.ReactivatedCustomers));
        Assert.Equal(50.0 / 150, interrupted.Grr, 12);
        Assert.True(interrupted.Reconciles);
    }

    [Fact]
    public void Quarter_NewAndGoneWithinThePeriod_IsInvisible()
    {
        var history = MrrHistory.Create(
            [new("A", new DateOnly(2025, 3, 1), 10), new("A", new DateOnly(2025, 6, 1), 10), new("B", new DateOnly(2025, 4, 1), 99)], null);
        var q2 = MrrBridge.Periods(history, PeriodLength.Quarter).Single();
        Assert.Equal((0m, 0m, 0, 0), (q2.NewMrr, q2.ChurnedMrr, q2.NewCustomers, q2.ChurnedCustomers));
    }

    [Fact]
    public void Quarter_CutShortByTheLedger_IsPartial()
    {
        var history = MrrHistory.Create([new("A", new DateOnly(2025, 3, 1), 10), new("A", new DateOnly(2025, 5, 1), 12)], null);
        var q2 = MrrBridge.Periods(history, PeriodLength.Quarter).Single();
        Assert.True(q2.Partial);
        Assert.Equal(new DateOnly(2025, 5, 1), q2.ClosingMonth);
        Assert.Equal(2m, q2.ExpansionMrr);
    }

    [Fact]
    public void TrailingTwelveMonths_ComparesTheLastMonthWithTwelveBefore()
    {
        Assert.Null(MrrBridge.TrailingTwelveMonths(Example()));
        var rows = new List<(string, int, decimal)> { ("keep", 0, 100), ("keep", 12, 80), ("lose", 0, 50), ("late", 6, 30), ("late", 12, 30) };
        var ttm = MrrBridge.TrailingTwelveMonths(History([.. rows]))!;
        Assert.Equal("2025-01..2025-12", ttm.Period);
        Assert.Equal((150m, 20m, 50m, 30m), (ttm.OpeningMrr, ttm.ContractionMrr, ttm.ChurnedMrr, ttm.NewMrr));
        Assert.Equal(80.0 / 150, ttm.Grr, 12);
        Assert.Equal(0.5, ttm.LogoChurn);
    }

    [Fact]
    public void TrailingTwelveMonthTrend_OneWindowPerClosingMonth_EndingWithTheTrailingTwelveMonths()
    {
        Assert.Empty(MrrBridge.TrailingTwelveMonthTrend(Example(), 12));
        var rows = new List<(string, int, decimal)> { ("keep", 0, 100), ("keep", 12, 80), ("keep", 13, 80), ("lose", 0, 50), ("late", 6, 30), ("late", 13, 30) };
        var trend = MrrBridge.TrailingTwelveMonthTrend(History([.. rows]), 12);
        Assert.Equal(["2025-01..2025-12", "2025-02..2026-01"], trend.Select(w => w.Period));
        Assert.Equal(MrrBridge.TrailingTwelveMonths(History([.. rows]))!.Nrr, trend[^1].Nrr, 12);
        Assert.Single(MrrBridge.TrailingTwelveMonthTrend(History([.. rows]), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MrrBridge.TrailingTwelveMonthTrend(Example(), 0));
    }

    [Fact]
    public void RateConversion_MonthlyToAnnualAndBack()
    {
        // 1 - 0.98^12 = 0.215283 (by hand).
        Assert.Equal(0.21528327626520016, RateConversion.ChurnRate(0.02, 1, 12), 12);
        Assert.Equal(0.02, RateConversion.ChurnRate(0.21528327626520016, 12, 1), 12);
        Assert.Equal(0.9 * 0.9 * 0.9 * 0.9, RateConversion.RetentionRate(0.9, 3, 12), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => RateConversion.ChurnRate(1.5, 1, 12));
    }

    [Fact]
    public void Read_BadRows_NameFileRowAndColumn_OrAreCountedWhenSkipping()
    {
        const string text = "account_id,month,mrr\nA,2025-01-01,10\nA,2025-01-15,11\nB,January,5\nC,2025-02-01,-3\nD,2025-02,7\n";
        var error = Assert.Throws<DataFormatException>(() => MrrHistory.Read(CsvTableReader.Create(new StringReader(text), "ledger.csv")));
        Assert.Equal(("ledger.csv", 2L, "month"), (error.SourceName, error.Row, error.Column));
        Assert.Contains("already has an entry", error.Message, StringComparison.Ordinal);

        var history = MrrHistory.Read(CsvTableReader.Create(new StringReader(text), "ledger.csv"), new MrrHistoryOptions { SkipBadRows = true });
        Assert.Equal(3, history.SkippedRows);
        Assert.Equal(2, history.AccountCount);
        Assert.Contains(history.Warnings, w => w.Contains("'January' is not a period", StringComparison.Ordinal));
        Assert.Contains(history.Warnings, w => w.Contains("MRR must be >= 0", StringComparison.Ordinal) && w.Contains("mrr", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_SegmentColumn_TakesTheLatestMonthsSegment()
    {
        const string text = "account_id,month,mrr,plan\nA,2025-01-01,10,starter\nA,2025-02-01,20,growth\nB,2025-01-01,5,starter\nB,2025-02-01,5,starter\n";
        var history = MrrHistory.Read(CsvTableReader.Create(new StringReader(text), "l.csv"), new MrrHistoryOptions { SegmentColumn = "plan" });
        Assert.Equal(["growth", "starter"], history.Segments);
        var growth = MrrBridge.Periods(history, PeriodLength.Month, null, "growth").Single();
        Assert.Equal((10m, 10m, 20m), (growth.OpeningMrr, growth.ExpansionMrr, growth.ClosingMrr));
    }

    [Fact]
    public void Window_AnyTwoMonths_AndRejectsABackwardWindow()
    {
        var history = Example();
        var window = MrrBridge.Window(history, new DateOnly(2024, 12, 1), new DateOnly(2025, 2, 1));
        Assert.Equal("2025-01..2025-02", window.Period);
        // Dec: only E (60). Feb: A 120, B 30, D 40, E 70. E is retained across the window's ends (expansion 10);
        // A, B and D never paid up to the opening month, so they are new.
        Assert.Equal((60m, 10m, 190m, 0m, 260m), (window.OpeningMrr, window.ExpansionMrr, window.NewMrr, window.ReactivatedMrr, window.ClosingMrr));
        Assert.Throws<ArgumentException>(() => MrrBridge.Window(history, new DateOnly(2025, 2, 1), new DateOnly(2025, 1, 1)));
    }

    [Fact]
    public void Reactivation_AfterAYearAway_IsNotNew()
    {
        var history = History(("A", 0, 10), ("A", 13, 25), ("B", 12, 5), ("B", 13, 5));
        var back = MrrBridge.Periods(history, PeriodLength.Month).Single(p => p.Period == "2026-01");
        Assert.Equal((25m, 0m, 1, 0), (back.ReactivatedMrr, back.NewMrr, back.ReactivatedCustomers, back.NewCustomers));
        Assert.Equal(25m, history.MrrOf("A", ReportingPeriods.MonthIndex(new DateOnly(2026, 1, 1))));
        Assert.Equal(0m, history.MrrOf("A", ReportingPeriods.MonthIndex(new DateOnly(2025, 6, 1))));
        Assert.Equal(0m, history.MrrOf("nobody", ReportingPeriods.MonthIndex(new DateOnly(2026, 1, 1))));
    }

    [Fact]
    public void Create_RejectsNegativeMrrAndRepeatedMonths()
    {
        Assert.Throws<ArgumentException>(() => History(("A", 0, -1)));
        Assert.Throws<ArgumentException>(() => History(("A", 0, 1), ("A", 0, 2)));
        Assert.Throws<ArgumentException>(() => MrrHistory.Create([], null));
    }

    [Property(MaxTest = 200)]
    public void Bridge_Reconciles_AndRetentionIsBounded(byte[] accounts, byte[] months, NonNegativeInt[] values, bool interrupted)
    {
        var n = Math.Min(accounts.Length, Math.Min(months.Length, values.Length));
        var seen = new HashSet<(int, int)>();
        var entries = new List<MrrEntry>();
        for (var i = 0; i < n; i++)
        {
            var (a, m) = (accounts[i] % 6, months[i] % 14);
            if (seen.Add((a, m)))
            {
                entries.Add(new MrrEntry($"A{a}", Dec.AddMonths(m), (values[i].Get % 500) * 1.25m));
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        var history = MrrHistory.Create(entries, null);
        var options = new MrrBridgeOptions { InterruptedCustomers = interrupted ? InterruptedCustomers.ChurnedAndReactivated : InterruptedCustomers.Retained };
        var windows = MrrBridge.Periods(history, PeriodLength.Month, options)
            .Concat(MrrBridge.Periods(history, PeriodLength.Quarter, options))
            .Append(MrrBridge.TrailingTwelveMonths(history, options)).OfType<MrrBridgePeriod>();
        foreach (var p in windows)
        {
            Assert.True(p.Reconciles, p.Period);
            Assert.Equal(history.TotalMrr(ReportingPeriods.MonthIndex(p.ClosingMonth)), p.ClosingMrr);
            Assert.Equal(history.TotalMrr(ReportingPeriods.MonthIndex(p.OpeningMonth)), p.OpeningMrr);
            if (p.OpeningMrr > 0)
            {
                Assert.InRange(p.Grr, 0, 1);
                Assert.True(p.Nrr >= p.Grr);
            }
        }
    }
}
