using CsScoring.Portfolio;
using CsScoring.Value;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CsScoring.Tests.Portfolio;

public sealed class PortfolioValueTests
{
    public static class Arbitraries
    {
        public static Arbitrary<decimal> Money() => Gen.Choose(0, 100_000_000).Select(c => c / 100m).ToArbitrary();

        public static Arbitrary<double> Probability() => Gen.Choose(0, 1_000_000).Select(k => k / 1_000_000.0).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public bool ValueAtRisk_Meets_Specification(decimal potential, double p)
    {
        var value = PortfolioValue.Of(LtvResult.Bounded(potential), p);
        return value.AtRisk.Value >= 0 && value.AtRisk.Value <= potential && value.Expected.Value + value.AtRisk.Value == potential;
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public bool ExpectedValue_IsNonIncreasingInChurnProbability(decimal potential, double p, double q)
    {
        var (low, high) = p <= q ? (p, q) : (q, p);
        return PortfolioValue.Of(LtvResult.Bounded(potential), high).Expected.Value <= PortfolioValue.Of(LtvResult.Bounded(potential), low).Expected.Value;
    }

    [Fact]
    public void UnboundedPotential_KeepsItsStatus_NeverZero()
    {
        var value = PortfolioValue.Of(LtvResult.Unbounded, 0.3);
        Assert.True(value.Potential.IsUnbounded);
        Assert.True(value.Expected.IsUnbounded);
        Assert.True(value.AtRisk.IsUnbounded);
        Assert.Equal(0m, PortfolioValue.Of(LtvResult.Unbounded, 0).AtRisk.Value);
        Assert.Equal(0m, PortfolioValue.Of(LtvResult.Unbounded, 1).Expected.Value);
    }

    [Fact]
    public void Of_ProbabilityOutOfRange_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => PortfolioValue.Of(LtvResult.Bounded(1), 1.5));

    [Fact]
    public void ValueModel_DependsOnTenureNotContractPosition_AndIsUnboundedWithoutDiscountOrChurn()
    {
        var model = new PortfolioValueModel { Retention = new SbgParameters(1.5, 6), MonthlyDiscountRate = 0.01 };
        Assert.True(model.PotentialValue(100m, 24).Value > model.PotentialValue(100m, 1).Value); // survivors are likelier to stay
        Assert.Equal(Math.Round(100m * (decimal)(0.98 / 0.03), 2), new PortfolioValueModel().PotentialValue(100m, 5).Value);
        Assert.True(new PortfolioValueModel { MonthlyRetention = 1, MonthlyDiscountRate = 0 }.PotentialValue(100m, 5).IsUnbounded);
        Assert.Equal(0m, new PortfolioValueModel { MonthlyRetention = 1, MonthlyDiscountRate = 0 }.PotentialValue(0m, 5).Value);
    }

    [Fact]
    public void WithRetentionFrom_NoLedger_KeepsTheConstantRetentionAndSaysWhy()
    {
        var defaults = new PortfolioValueModel();
        var model = defaults.WithRetentionFrom(null, out var source);
        Assert.Same(defaults, model);
        Assert.Null(model.Retention);
        Assert.Contains("no MRR ledger", source, StringComparison.Ordinal);
    }
}
