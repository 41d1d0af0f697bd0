using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Value;

public sealed class GammaGammaTests
{
    [Fact]
    public void Fit_SimulatedSpend_RecoversParameters()
    {
        var truth = new GammaGammaParameters(6, 4, 15);
        var customers = CustomerSimulator.GammaGammaSpend(truth, CustomerSimulator.BgNbd(new BgNbdParameters(1, 2, 1, 4), 20_000, 20, 60, 21), 22);

        var fit = GammaGammaModel.Fit(customers);

        BgNbdTests.AssertWithinErrors(fit, [truth.P, truth.Q, truth.Gamma]);
    }

    [Property(Arbitrary = [typeof(ValueArbitraries)], MaxTest = 200)]
    public void ExpectedSpend_Meets_Specification(ParameterCase p, CustomerCase c)
    {
        // The expected spend lies between the population mean and the customer's own mean.
        var model = new GammaGammaParameters(p.P1, p.P2 + 1, p.P3);
        var spend = model.ExpectedSpend(c.Frequency, c.MonetaryValue);
        var population = model.MeanSpend();
        if (c.Frequency == 0)
        {
            Assert.Equal(population, spend);
            return;
        }

        Assert.InRange(spend, Math.Min(population, c.MonetaryValue) * (1 - 1e-12), Math.Max(population, c.MonetaryValue) * (1 + 1e-12));
    }

    [Fact]
    public void Fit_ZeroSpendWithRepeatPurchases_ThrowsNamingTheRow()
    {
        var ex = Assert.Throws<InvalidModelInputException>(() => GammaGammaModel.Fit([new CustomerSummary(2, 5, 10, 20), new CustomerSummary(3, 5, 10, 0)]));
        Assert.Equal(1, ex.Row);
        Assert.Equal("monetary_value", ex.Field);
    }
}
