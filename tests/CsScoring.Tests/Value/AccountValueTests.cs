using CsScoring.Value;

namespace CsScoring.Tests.Value;

public sealed class AccountValuationTests
{
    [Fact]
    public void Evaluate_ConvertsTheHorizonProbabilityToAMonthlyHazard()
    {
        var value = AccountValuation.Evaluate(new AccountValueInputs(1000m, 0.8, 0.01, 0.2, 3));
        Assert.Equal(1 - Math.Pow(0.8, 1.0 / 3), value.MonthlyHazard, 12);
        var r = 1 - value.MonthlyHazard;
        Assert.Equal(800 * r / (1.01 - r), (double)value.ExpectedLtv.Value, 6);
    }

    [Fact]
    public void ValueAtRisk_MatchesMonteCarloDefinition()
    {
        // Loss when churning in month τ ≤ H: the margin of months τ..H plus δ^H × LTV.
        var inputs = new AccountValueInputs(500m, 0.7, 0.02, 0.3, 6);
        var value = AccountValuation.Evaluate(inputs);
        var h = value.MonthlyHazard;
        var m = 350.0;
        var delta = 1 / 1.02;
        var ltv = (double)value.ExpectedLtv.Value;
        var expected = 0.0;
        for (var tau = 1; tau <= 6; tau++)
        {
            var lost = Math.Pow(delta, 6) * ltv;
            for (var u = tau; u <= 6; u++)
            {
                lost += m * Math.Pow(delta, u);
            }

            expected += Math.Pow(1 - h, tau - 1) * h * lost;
        }

        Assert.Equal(expected, (double)value.ValueAtRisk, 6);
    }

    [Fact]
    public void NoChurnNoDiscount_LtvUnboundedAndNothingAtRisk()
    {
        var value = AccountValuation.Evaluate(new AccountValueInputs(500m, 0.7, 0, 0, 3));
        Assert.True(value.ExpectedLtv.IsUnbounded);
        Assert.Equal(0m, value.ValueAtRisk);
    }

    [Fact]
    public void ValueAtRisk_RisesWithChurnProbability()
    {
        var previous = -1m;
        for (var p = 0.0; p <= 1.0; p += 0.05)
        {
            var risk = AccountValuation.Evaluate(new AccountValueInputs(500m, 0.7, 0.01, Math.Min(p, 1), 3)).ValueAtRisk;
            Assert.True(risk >= previous);
            previous = risk;
        }
    }

    [Fact]
    public void Evaluate_Batch_AllocatesNothing()
    {
        var inputs = Enumerable.Range(0, 100).Select(i => new AccountValueInputs(100m + i, 0.8, 0.01, i / 100.0, 3)).ToArray();
        var destination = new AccountValue[inputs.Length];
        AccountValuation.Evaluate(inputs, destination);

        var before = GC.GetAllocatedBytesForCurrentThread();
        AccountValuation.Evaluate(inputs, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
