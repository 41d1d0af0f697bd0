using CsScoring.Metrics;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Metrics;

public sealed class KaplanMeierTests
{
    // The remission data of Freireich et al. (1963), as used in Kleinbaum and Klein, "Survival Analysis: A
    // Self-Learning Text" (ch. 2): weeks in remission; false = censored.
    private static readonly SurvivalObservation[] SixMp =
    [
        .. new[] { 6, 6, 6, 7, 10, 13, 16, 22, 23 }.Select(t => new SurvivalObservation(t, true)),
        .. new[] { 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35 }.Select(t => new SurvivalObservation(t, false)),
    ];

    private static readonly SurvivalObservation[] Placebo =
        [.. new[] { 1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23 }.Select(t => new SurvivalObservation(t, true))];

    // S(t), Greenwood SE and the log-log 95% band as Kleinbaum and Klein tabulate them for the 6-MP group
    // (the same figures as Stata's `sts list` and R's survfit(conf.type = "log-log")).
    [Theory]
    [InlineData(6, 21, 0.8571, 0.0764, 0.6197, 0.9516)]
    [InlineData(7, 17, 0.8067, 0.0869, 0.5631, 0.9228)]
    [InlineData(10, 15, 0.7529, 0.0963, 0.5032, 0.8894)]
    [InlineData(13, 12, 0.6902, 0.1068, 0.4316, 0.8491)]
    [InlineData(16, 11, 0.6275, 0.1141, 0.3675, 0.8049)]
    [InlineData(22, 7, 0.5378, 0.1282, 0.2678, 0.7468)]
    [InlineData(23, 6, 0.4482, 0.1346, 0.1881, 0.6801)]
    public void Estimate_SixMpGroup_MatchesTheTextbook(double time, int atRisk, double survival, double se, double lower, double upper)
    {
        var step = KaplanMeierCurve.Estimate(SixMp).Steps.Single(s => s.Time == time);
        Assert.Equal(atRisk, step.AtRisk);
        Assert.Equal(survival, step.Survival, 4);
        Assert.Equal(se, step.StdError, 4);
        Assert.Equal(lower, step.Lower, 3);
        Assert.Equal(upper, step.Upper, 3);
    }

    [Fact]
    public void Median_IsTheFirstTimeAtOrBelowHalf_AndCensoringIsCounted()
    {
        var curve = KaplanMeierCurve.Estimate(SixMp);
        Assert.Equal(23, curve.Median);
        Assert.Equal((21, 9), (curve.Count, curve.EventCount));
        // Placebo: S drops to 10/21 at 8 weeks (Kleinbaum and Klein give a median of 8).
        Assert.Equal(8, KaplanMeierCurve.Estimate(Placebo).Median);
    }

    [Fact]
    public void Median_NeverReached_IsNull()
        => Assert.Null(KaplanMeierCurve.Estimate([new(1, true), new(2, false), new(3, false)]).Median);

    [Fact]
    public void PlainBand_IsSymmetricAndClipped()
    {
        var steps = KaplanMeierCurve.Estimate(SixMp, 0.95, SurvivalBand.Plain).Steps;
        var step = steps.Single(s => s.Time == 13);
        Assert.Equal(step.Survival - step.Lower, step.Upper - step.Survival, 10);
        Assert.Equal(0.6902 - (1.959964 * 0.1068), step.Lower, 3);
        Assert.Equal(1.0, steps[0].Upper); // 0.8571 + 1.96 x 0.0764 > 1, clipped
    }

    // Kleinbaum and Klein (ch. 2): log-rank 6-MP vs placebo, O1 = 9, E1 = 19.25, O2 = 21, E2 = 10.75, chi-square 16.79.
    [Fact]
    public void LogRank_RemissionData_MatchesTheTextbook()
    {
        var test = LogRankTest.Compare(SixMp, Placebo);
        Assert.Equal((9, 21), (test.ObservedFirst, test.ObservedSecond));
        Assert.Equal(19.25, test.ExpectedFirst, 2);
        Assert.Equal(10.75, test.ExpectedSecond, 2);
        Assert.Equal(16.79, test.ChiSquare, 2);
        Assert.True(test.PValue < 1e-4);
        Assert.Equal(Distributions.ChiSquareSurvival(test.ChiSquare, 1), test.PValue);
    }

    [Fact]
    public void LogRank_IdenticalGroups_HasNoEvidence()
    {
        var test = LogRankTest.Compare(SixMp, SixMp);
        Assert.Equal(0, test.ChiSquare, 12);
        Assert.Equal(1, test.PValue, 12);
    }

    [Fact]
    public void Lifetimes_FromLedger_CensorActiveAccountsAndLeaveOutTheFirstMonth()
    {
        var jan = new DateOnly(2025, 1, 1);
        var history = MrrHistory.Create(
        [
            new("old", jan, 10), new("old", jan.AddMonths(1), 10),
            new("churn", jan.AddMonths(1), 5), new("churn", jan.AddMonths(2), 5), new("churn", jan.AddMonths(4), 5),
            new("active", jan.AddMonths(2), 7), new("active", jan.AddMonths(3), 7), new("active", jan.AddMonths(4), 7),
        ], null);
        var lifetimes = LedgerSurvival.Lifetimes(history);
        Assert.Equal(1, lifetimes.LeftTruncated);
        // churn: paid Feb-Mar then stopped (its April return does not revive it) -> event at 2 months;
        // active: paid Mar-May, still paying in the last month -> censored at 3.
        Assert.Equal([new SurvivalObservation(3, false), new SurvivalObservation(2, true)], lifetimes.Observations);
    }

    [Fact]
    public void Cohorts_LogoAndRevenueRetentionByStartMonth()
    {
        var jan = new DateOnly(2025, 1, 1);
        var history = MrrHistory.Create(
        [
            new("seed", jan, 1), new("seed", jan.AddMonths(2), 1),
            new("a", jan.AddMonths(1), 100), new("a", jan.AddMonths(2), 150),
            new("b", jan.AddMonths(1), 100),
        ], null);
        var row = Assert.Single(LedgerSurvival.Cohorts(history, PeriodLength.Month));
        Assert.Equal(("2025-02", 2, 200m), (row.Cohort, row.Customers, row.StartingMrr));
        Assert.Equal([1.0, 0.5], row.LogoRetention);
        Assert.Equal([1.0, 0.75], row.RevenueRetention);
    }

    [Fact]
    public void Cohorts_ByQuarter_UseTheQuartersLastMonth()
    {
        var history = MrrHistory.Create(
        [
            new("seed", new DateOnly(2025, 1, 1), 1),
            new("a", new DateOnly(2025, 6, 1), 100), new("a", new DateOnly(2025, 9, 1), 120),
            new("b", new DateOnly(2025, 4, 1), 100),
        ], null);
        var row = Assert.Single(LedgerSurvival.Cohorts(history, PeriodLength.Quarter));
        Assert.Equal(("2025-Q2", 1, 100m), (row.Cohort, row.Customers, row.StartingMrr));
        Assert.Equal([1.0, 1.0], row.LogoRetention);
        Assert.Equal([1.0, 1.2], row.RevenueRetention);
    }

    [Property(MaxTest = 200)]
    public void Curve_IsNonIncreasing_AndInsideItsBand(PositiveInt[] times, bool[] events, bool plain)
    {
        var n = Math.Min(times.Length, events.Length);
        var data = Enumerable.Range(0, n).Select(i => new SurvivalObservation(times[i].Get % 20, events[i])).ToArray();
        var curve = KaplanMeierCurve.Estimate(data, 0.95, plain ? SurvivalBand.Plain : SurvivalBand.LogLog);
        var previous = 1.0;
        foreach (var step in curve.Steps)
        {
            Assert.True(step.Survival <= previous + 1e-15);
            Assert.InRange(step.Survival, step.Lower - 1e-12, step.Upper + 1e-12);
            Assert.InRange(step.Lower, 0, 1);
            Assert.InRange(step.Upper, 0, 1);
            previous = step.Survival;
        }
    }
}
