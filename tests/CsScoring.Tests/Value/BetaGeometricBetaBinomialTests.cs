using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Value;

public sealed class BgBbTests
{
    private static readonly BgBbParameters Donations = new(1.204, 0.750, 0.657, 2.783);

    [Fact]
    public void Fit_SimulatedHistories_RecoversParameters()
    {
        var truth = new BgBbParameters(1.2, 0.75, 0.66, 2.8);
        var histories = CustomerSimulator.BgBb(truth, 20_000, 6, seed: 31);

        var fit = BgBbModel.Fit(histories);

        BgNbdTests.AssertWithinErrors(fit, [truth.Alpha, truth.Beta, truth.Gamma, truth.Delta]);
        Assert.Equal(20_000, fit.Observations);
    }

    [Fact]
    public void ProbabilityOfTransactions_SumsToOneWithTheExpectedMean()
    {
        double total = 0, mean = 0;
        for (var x = 0; x <= 6; x++)
        {
            var p = Donations.ProbabilityOfTransactions(x, 6);
            total += p;
            mean += x * p;
        }

        Assert.Equal(1.0, total, 12);
        Assert.Equal(Donations.ExpectedTransactions(6), mean, 10);
    }

    [Property(Arbitrary = [typeof(ValueArbitraries)], MaxTest = 100)]
    public void Predictions_Meet_Specification(ParameterCase p, CustomerCase c)
    {
        var model = new BgBbParameters(p.P1, p.P2, p.P3, p.P4);
        var n = 1 + (c.Frequency % 10);
        var x = c.Frequency % (n + 1);
        var tx = x == 0 ? 0 : x + (int)((n - x) * c.Recency / c.Age);
        var history = new DiscreteCustomerSummary(x, tx, n);
        Assert.InRange(model.ProbabilityAlive(history), 0, 1);
        var five = model.ExpectedTransactions(history, 5);
        var ten = model.ExpectedTransactions(history, 10);
        Assert.InRange(five, 0, 5);
        Assert.True(ten >= five);
    }

    [Fact]
    public void Summary_RecencyBeforeFrequency_Throws()
        => Assert.Equal("recency", Assert.Throws<InvalidModelInputException>(() => new DiscreteCustomerSummary(3, 2, 6)).Field);

    [Fact]
    public void DiscountedExpectedTransactions_DiscountsEachOpportunityToItsEnd()
    {
        var model = new BgBbParameters(1.2, 0.75, 0.66, 2.8);
        var customer = new DiscreteCustomerSummary(3, 5, 6);
        var first = model.ExpectedTransactions(customer, 1);
        var second = model.ExpectedTransactions(customer, 2) - first;

        Assert.Equal((first / 1.1) + (second / 1.21), model.DiscountedExpectedTransactions(customer, 2, 0.1), 12);
        Assert.Equal(model.ExpectedTransactions(customer, 5), model.DiscountedExpectedTransactions(customer, 5, 0), 12);
        Assert.Equal(0, model.DiscountedExpectedTransactions(customer, 0, 0.1));
        Assert.Equal("discountRate", Assert.Throws<InvalidModelInputException>(() => model.DiscountedExpectedTransactions(customer, 2, -0.1)).Field);
    }
}
