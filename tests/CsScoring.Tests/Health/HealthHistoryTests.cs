using CsScoring.Conditions;
using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class HealthHistoryTests
{
    private static readonly CompiledScorecard Scorecard = HealthTestData.Mixed().Compile();

    private static HealthScore At(double score, CompiledScorecard? scorecard = null)
    {
        scorecard ??= Scorecard;
        return new HealthScore(score, scorecard.BandOf(score), 1, HealthStatus.Scored, scorecard.Version);
    }

    [Theory]
    [InlineData(50, 52, TrendDirection.Flat)]
    [InlineData(50, 48, TrendDirection.Flat)]
    [InlineData(50, 53, TrendDirection.Up)]
    [InlineData(50, 46.5, TrendDirection.Down)]
    public void Trend_DeadBand_DecidesDirection(double previous, double current, TrendDirection expected)
    {
        var trend = HealthTrend.Between(At(previous), At(current), deadBand: 2);
        Assert.Equal(expected, trend.Direction);
        Assert.Equal(current - previous, trend.Delta, 12);
        Assert.False(trend.ScorecardChanged);
    }

    [Fact]
    public void Trend_DifferentScorecardVersion_IsReported()
    {
        var other = HealthTestData.Mixed(minimumCoverage: 0.7).Compile();
        var trend = HealthTrend.Between(At(50), At(60, other), 2);
        Assert.True(trend.ScorecardChanged);
        Assert.Equal(TrendDirection.Up, trend.Direction);
    }

    [Fact]
    public void Trend_UnscoredSide_IsUnknown()
    {
        var unscored = new HealthScore(double.NaN, -1, 0.1, HealthStatus.InsufficientData, Scorecard.Version);
        Assert.Equal(TrendDirection.Unknown, HealthTrend.Between(unscored, At(50), 2).Direction);
        Assert.Throws<ArgumentOutOfRangeException>(() => HealthTrend.Between(At(1), At(2), double.NaN));
    }

    [Fact]
    public void Override_BeforeExpiry_ReplacesScoreAndBand()
    {
        var o = new HealthOverride { Score = 20, Reason = "champion left", Expires = new DateOnly(2025, 3, 31) };
        var outcome = o.Apply(At(80), new DateOnly(2025, 3, 31), Scorecard);
        Assert.Equal(OverrideState.Applied, outcome.State);
        Assert.Equal(20, outcome.Result.Score);
        Assert.Equal(0, outcome.Result.Band);
        Assert.Same(o, outcome.Override);
    }

    [Fact]
    public void Override_AfterExpiry_IsIgnoredAndReported()
    {
        var o = new HealthOverride { Score = 20, Reason = "champion left", Expires = new DateOnly(2025, 3, 31) };
        var outcome = o.Apply(At(80), new DateOnly(2025, 4, 1), Scorecard);
        Assert.Equal(OverrideState.Expired, outcome.State);
        Assert.Equal(80, outcome.Result.Score);
    }

    [Fact]
    public void Override_Invalid_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealthOverride { Score = 101, Reason = "x", Expires = default });
        Assert.Throws<ArgumentException>(() => new HealthOverride { Score = 10, Reason = " ", Expires = default });
    }

    [Fact]
    public void Selector_FirstMatchingRuleWins_ElseFallback()
    {
        var onboarding = HealthTestData.Mixed(minimumCoverage: 0.1).Compile();
        var enterprise = HealthTestData.Mixed(minimumCoverage: 0.2).Compile();
        var selector = new ScorecardSelector(
            [
                new ScorecardRule { Scorecard = onboarding, When = [Condition.Compare("tenure_months", ConditionOperator.LessThan, 3)] },
                new ScorecardRule { Scorecard = enterprise, When = [Condition.Is("plan", "Enterprise")] },
            ],
            Scorecard);
        Assert.Same(onboarding, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "2", ["plan"] = "enterprise" }));
        Assert.Same(enterprise, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "12", ["plan"] = "enterprise" }));
        Assert.Same(Scorecard, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "12" }));
        Assert.Same(Scorecard, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "NaN" }));
    }

    [Fact]
    public void Rollup_WeightsChildrenByArr_SkipsUnscored()
    {
        var unscored = new HealthScore(double.NaN, -1, 0.2, HealthStatus.InsufficientData, Scorecard.Version);
        var parent = HealthRollup.Combine([At(80), At(20), unscored], [300_000, 100_000, 600_000], Scorecard);
        Assert.Equal(65, parent.Score, 12);
        Assert.Equal(1, parent.Band);
        Assert.Equal((0.3 * 1) + (0.1 * 1) + (0.6 * 0.2), parent.Coverage, 12);
        Assert.Throws<ArgumentException>(() => HealthRollup.Combine([At(1)], [-5], Scorecard));
        Assert.Equal(HealthStatus.InsufficientData, HealthRollup.Combine([unscored], [10], Scorecard).Status);
    }

    [Fact]
    public void Rollup_ByParent_GroupsChildren()
    {
        var parents = HealthRollup.ByParent(["p1", "p2", "p1", null], [At(90), At(10), At(30), At(50)], [1, 1, 2, 5], Scorecard);
        Assert.Equal(["p1", "p2"], parents.Keys);
        Assert.Equal(50, parents["p1"].Score, 12);
        Assert.Equal(10, parents["p2"].Score, 12);
    }
}
