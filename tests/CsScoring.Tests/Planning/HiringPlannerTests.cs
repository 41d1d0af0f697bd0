using CsScoring.Metrics;
using CsScoring.Planning;
using CsScoring.Segmentation;

namespace CsScoring.Tests.Planning;

public sealed class HiringPlannerTests
{
    private static readonly DateOnly Start = new(2026, 1, 1);

    // ARR grows 10% a quarter (46.41% a year); today's need is 4.0 CSMs, so the quarters need
    // 4.4, 4.84, 5.324 and 5.8564: 5, 5, 6 and 6 people against 4 in seat.
    private static readonly HiringOptions TenPercentAQuarter = new() { AnnualGrowthRate = Math.Pow(1.1, 4) - 1, LeadTimeMonths = 3 };

    [Fact]
    public void Plan_GivenGrowth_ProjectsArrAndHeadcountPerQuarter()
    {
        var plan = HiringPlanner.Plan(1_200_000m, 4.0, Start, [], TenPercentAQuarter, new CapacityOptions());

        Assert.Equal("given", plan.GrowthSource);
        Assert.Equal(4, plan.CurrentCsms);
        Assert.Equal([1_320_000m, 1_452_000m, 1_597_200m, 1_756_920m], plan.Quarters.Select(q => decimal.Round(q.Arr)).ToArray());
        Assert.Equal([4.4, 4.8, 5.3, 5.9], plan.Quarters.Select(q => q.NeededCsms).ToArray());
        Assert.Equal([5, 5, 6, 6], plan.Quarters.Select(q => q.Team).ToArray());
        Assert.Equal([1, 0, 1, 0], plan.Quarters.Select(q => q.Hires).ToArray());

        // Top-down at the default 8% and 10,000 a month: 1,320,000 x 8% / 120,000 = 0.88 -> 0.9.
        Assert.Equal(0.9m, plan.Quarters[0].AffordableCsms);
        Assert.False(plan.Quarters[0].WithinBudget);
    }

    [Fact]
    public void Plan_LeadTime_OpensPositionsBeforeTheQuarterAndMarksTheImpossibleOnesLate()
    {
        var plan = HiringPlanner.Plan(1_200_000m, 4.0, Start, [], TenPercentAQuarter, new CapacityOptions());

        // Quarter 1 starts on the plan's first day: a 3-month lead time cannot make it, so the hire is late.
        Assert.Equal(new Hire(1, 1, Start, new DateOnly(2026, 4, 1), Late: true), plan.Hires[0]);

        // Quarter 3 starts 2026-07-01: open the position 3 months earlier.
        Assert.Equal(new Hire(3, 1, new DateOnly(2026, 4, 1), new DateOnly(2026, 7, 1), Late: false), plan.Hires[1]);
        Assert.Equal(new DateOnly(2026, 7, 1), plan.Quarters[2].Start);
        Assert.Equal(new DateOnly(2026, 9, 30), plan.Quarters[2].End);
    }

    [Fact]
    public void Plan_NoLeadTime_IsNeverLate()
    {
        var plan = HiringPlanner.Plan(1_200_000m, 4.0, Start, [], TenPercentAQuarter with { LeadTimeMonths = 0 }, null);
        Assert.All(plan.Hires, h => Assert.False(h.Late));
        Assert.Equal(Start, plan.Hires[0].OpenBy);
        Assert.Equal(Start, plan.Hires[0].InSeatBy);
    }

    [Fact]
    public void Plan_AffordableBasis_StaffsToWholePeopleTheBudgetPays()
    {
        // 3,000,000 x 8% = 240,000 a year = 2 CSMs at 10,000 a month, flat ARR.
        var plan = HiringPlanner.Plan(3_000_000m, 0.5, Start, [], new HiringOptions { AnnualGrowthRate = 0, Basis = HiringBasis.Affordable, CurrentCsms = 1 }, null);
        Assert.All(plan.Quarters, q => Assert.Equal(2, q.Team));
        Assert.Equal(1, plan.Hires.Single().People);
        Assert.All(plan.Quarters, q => Assert.True(q.WithinBudget));
    }

    [Fact]
    public void Plan_LedgerTrend_ProjectsTheTrailingGrowth()
    {
        // 2% a month for 13 months.
        var history = Enumerable.Range(0, 13).Select(i => new ArrPoint(new DateOnly(2025, 1, 1).AddMonths(i), 1_000_000m * (decimal)Math.Pow(1.02, i))).ToList();
        var plan = HiringPlanner.Plan(history[^1].Arr, 2.0, Start, history, new HiringOptions { Quarters = 8 }, null);

        Assert.Equal("ledger_trend", plan.GrowthSource);
        Assert.Equal(0.02, plan.MonthlyGrowthRate, 9);
        Assert.Equal(8, plan.Quarters.Count);
        Assert.Equal((double)history[^1].Arr * Math.Pow(1.02, 24), (double)plan.Quarters[^1].Arr, 1.0);
    }

    [Fact]
    public void Plan_TooLittleHistory_NamesTheHistory()
        => Assert.Equal("history", Assert.Throws<ArgumentException>(() => HiringPlanner.Plan(1m, 1, Start, [new ArrPoint(Start, 1m)])).ParamName);

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    public void Plan_QuartersOutsideFourToEight_NamesTheOption(int quarters)
        => Assert.Equal(nameof(HiringOptions.Quarters), Assert.Throws<ArgumentOutOfRangeException>(() => HiringPlanner.Plan(1m, 1, Start, [], new HiringOptions { Quarters = quarters, AnnualGrowthRate = 0 })).ParamName);

    [Fact]
    public void MonthlyGrowthRate_UsesTheTrailingWindowOnly()
    {
        // Flat for a year, then 10% in the last month: the 1-month trend sees only the jump.
        var history = Enumerable.Range(0, 13).Select(i => new ArrPoint(new DateOnly(2025, 1, 1).AddMonths(i), 100m)).Append(new ArrPoint(new DateOnly(2026, 2, 1), 110m)).ToList();
        Assert.Equal(0.1, ArrHistory.MonthlyGrowthRate(history, 1), 12);
        Assert.Equal(Math.Pow(1.1, 1 / 12.0) - 1, ArrHistory.MonthlyGrowthRate(history), 12);
    }

    [Fact]
    public void FromLedger_SumsMrrTimesTwelvePerMonth_WithGapsAsZero()
    {
        var ledger = MrrLedger.Create(
        [
            new MrrEntry("a", new DateOnly(2025, 1, 1), 100m),
            new MrrEntry("b", new DateOnly(2025, 1, 1), 50m),
            new MrrEntry("a", new DateOnly(2025, 3, 1), 120m),
        ]);
        var history = ArrHistory.FromLedger(ledger);

        Assert.Equal([new ArrPoint(new DateOnly(2025, 1, 1), 1800m), new ArrPoint(new DateOnly(2025, 2, 1), 0m), new ArrPoint(new DateOnly(2025, 3, 1), 1440m)], history);
    }
}
