using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Value;

public sealed class LtvCalculatorTests
{
    [Fact]
    public void Simple_IsArpaOverChurn()
        => Assert.Equal(5000m, LtvCalculator.Simple(100m, 0.02).Value);

    [Fact]
    public void GrossMargin_AppliesTheMargin()
        => Assert.Equal(4000m, LtvCalculator.GrossMargin(100m, 0.8, 0.02).Value);

    [Fact]
    public void Discounted_IsGuptaFormula()
    {
        // m r / (1 + d − r) = 80 · 0.98 / 0.03.
        var ltv = LtvCalculator.Discounted(80m, 0.98, 0.01);
        Assert.Equal(80m * 0.98m / 0.03m, ltv.Value);
    }

    [Fact]
    public void ZeroChurn_IsUnboundedNotInfinite()
    {
        var figures = LtvCalculator.Compute(new LtvInputs(100m, 0, 0.8, 0));
        Assert.True(figures.Simple.IsUnbounded);
        Assert.True(figures.GrossMargin.IsUnbounded);
        Assert.True(figures.Discounted.IsUnbounded);
        Assert.Equal(LtvStatus.Unbounded, figures.Simple.Status);
        Assert.Throws<InvalidOperationException>(() => figures.Simple.Value);
        Assert.Equal("unbounded", figures.Simple.ToString());
    }

    [Fact]
    public void ZeroChurnWithDiscounting_IsBounded()
        => Assert.Equal(8000m, LtvCalculator.Discounted(80m, 1, 0.01).Value);

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.01)]
    [InlineData(1.5)]
    public void InvalidChurn_ThrowsNamingTheValue(double churn)
    {
        var ex = Assert.Throws<InvalidModelInputException>(() => LtvCalculator.Simple(100m, churn));
        Assert.Equal("churn_rate", ex.Field);
    }

    [Fact]
    public void NegativeArpa_Throws()
        => Assert.Equal("arpa", Assert.Throws<InvalidModelInputException>(() => new LtvInputs(-1m, 0.1)).Field);

    [Fact]
    public void ConvertChurnRate_MonthlyToAnnual_IsOneMinusRetentionToTheTwelfth()
    {
        Assert.Equal(1 - Math.Pow(0.98, 12), LtvCalculator.ConvertChurnRate(0.02, TimeUnit.Month, TimeUnit.Year), 14);
        Assert.Equal(1 - Math.Pow(0.98, 3), LtvCalculator.ConvertChurnRate(0.02, 1, 3), 14);
        Assert.Equal(0.02, LtvCalculator.ConvertChurnRate(LtvCalculator.ConvertChurnRate(0.02, TimeUnit.Month, TimeUnit.Year), TimeUnit.Year, TimeUnit.Month), 14);
    }

    [Fact]
    public void LtvToCacAndPayback_AreRatios()
    {
        Assert.Equal(4m, LtvCalculator.LtvToCac(LtvResult.Bounded(4000m), 1000m).Value);
        Assert.True(LtvCalculator.LtvToCac(LtvResult.Unbounded, 1000m).IsUnbounded);
        Assert.Equal(12.5m, LtvCalculator.CacPaybackMonths(1000m, 100m, 0.8).Value);
        Assert.True(LtvCalculator.CacPaybackMonths(1000m, 0m, 0.8).IsUnbounded);
    }

    [Property(Arbitrary = [typeof(ValueArbitraries)], MaxTest = 300)]
    public void Compute_Meets_Specification(LtvCase c)
    {
        // Unbounded exactly when churn is 0 (and, for the discounted figure, no discounting); otherwise finite and
        // non-negative; margin never raises LTV above revenue LTV; discounting never raises it.
        var figures = LtvCalculator.Compute(new LtvInputs(c.Arpa, c.Churn, c.Margin, c.Discount));
        Assert.Equal(c.Churn == 0, figures.Simple.IsUnbounded);
        Assert.Equal(c.Churn == 0 && c.Discount == 0, figures.Discounted.IsUnbounded);
        if (c.Churn > 0)
        {
            Assert.True(figures.Simple.Value >= 0);
            Assert.True(figures.GrossMargin.Value <= figures.Simple.Value);
            var undiscounted = LtvCalculator.Discounted(c.Arpa * (decimal)c.Margin, 1 - c.Churn, 0).Value;
            Assert.True(figures.Discounted.Value <= undiscounted);
        }

        Span<LtvFigures> batch = stackalloc LtvFigures[1];
        LtvCalculator.Compute([new LtvInputs(c.Arpa, c.Churn, c.Margin, c.Discount)], batch);
        Assert.Equal(figures, batch[0]);
    }

    [Fact]
    public void Compute_Batch_AllocatesNothing()
    {
        var inputs = Enumerable.Range(1, 200).Select(i => new LtvInputs(i * 10m, 0.01 * (i % 7), 0.8, 0.01)).ToArray();
        var destination = new LtvFigures[inputs.Length];
        LtvCalculator.Compute(inputs, destination);

        var before = GC.GetAllocatedBytesForCurrentThread();
        LtvCalculator.Compute(inputs, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
