using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Value;

public sealed class BgNbdTests
{
    private static readonly BgNbdParameters Cdnow = new(0.2426, 4.4136, 0.7929, 2.4259);

    [Fact]
    public void Fit_SimulatedCustomers_RecoversParameters()
    {
        var truth = new BgNbdParameters(0.5, 6.0, 1.2, 3.5);
        var customers = CustomerSimulator.BgNbd(truth, 20_000, 20, 60, seed: 11);

        var fit = BgNbdModel.Fit(customers);

        AssertWithinErrors(fit, [truth.R, truth.Alpha, truth.A, truth.B]);
    }

    [Fact]
    public void ProbabilityOfTransactions_SumsToOneWithTheExpectedMean()
    {
        double total = 0, mean = 0;
        for (var n = 0; n < 400; n++)
        {
            var p = Cdnow.ProbabilityOfTransactions(n, 39);
            total += p;
            mean += n * p;
        }

        Assert.Equal(1.0, total, 9);
        Assert.Equal(Cdnow.ExpectedTransactions(39), mean, 6);
    }

    [Fact]
    public void ProbabilityAlive_NoRepeatPurchase_IsOne()
        => Assert.Equal(1.0, Cdnow.ProbabilityAlive(new CustomerSummary(0, 0, 30)));

    [Fact]
    public void ExpectedTransactions_PaperExample_MatchesFaderHardieLee2005()
    {
        // The paper's worked example: x = 2, t_x = 30.43, T = 38.86 weeks; 1.226 transactions in the next 39 weeks.
        Assert.Equal(1.226, Cdnow.ExpectedTransactions(new CustomerSummary(2, 30.43, 38.86), 39), 3);
    }

    [Fact]
    public void ExpectedTransactions_AtAEqualToOne_IsContinuous()
    {
        var customer = new CustomerSummary(3, 20, 30);
        var at = new BgNbdParameters(0.5, 5, 1.0, 2).ExpectedTransactions(customer, 20);
        var near = new BgNbdParameters(0.5, 5, 1.0001, 2).ExpectedTransactions(customer, 20);
        Assert.Equal(near, at, 3);
    }

    [Property(Arbitrary = [typeof(ValueArbitraries)], MaxTest = 200)]
    public void Predictions_Meet_Specification(ParameterCase p, CustomerCase c)
    {
        // P(alive) in [0, 1]; expected transactions ≥ 0 and non-decreasing in the horizon; batch equals single.
        var model = new BgNbdParameters(p.P1, p.P2, p.P3, p.P4);
        var customer = c.Summary;
        var alive = model.ProbabilityAlive(customer);
        Assert.InRange(alive, 0, 1);
        var shorter = model.ExpectedTransactions(customer, c.Horizon);
        var longer = model.ExpectedTransactions(customer, c.Horizon * 1.5);
        Assert.True(shorter >= 0 && double.IsFinite(shorter));
        Assert.True(longer >= shorter * (1 - 1e-9), $"E[Y] fell from {shorter} to {longer}");
        Span<double> batch = stackalloc double[1];
        model.ProbabilityAlive([customer], batch);
        Assert.Equal(alive, batch[0]);
    }

    [Fact]
    public void BatchPredictions_AllocateNothing()
    {
        var customers = CustomerSimulator.BgNbd(Cdnow, 500, 10, 40, 1);
        var destination = new double[customers.Length];
        Cdnow.ProbabilityAlive(customers, destination);
        Cdnow.ExpectedTransactions(customers, 52, destination);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Cdnow.ProbabilityAlive(customers, destination);
        Cdnow.ExpectedTransactions(customers, 52, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Fit_RecencyAfterAge_ThrowsNamingTheValue()
    {
        var ex = Assert.Throws<InvalidModelInputException>(() => new CustomerSummary(2, 40, 30));
        Assert.Equal("recency", ex.Field);
        Assert.Contains("40", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_NegativeFrequency_Throws()
        => Assert.Equal("frequency", Assert.Throws<InvalidModelInputException>(() => new CustomerSummary(-1, 0, 30)).Field);

    [Fact]
    public void Parameters_NonPositive_ThrowNamingTheParameter()
        => Assert.Equal("alpha", Assert.Throws<InvalidModelInputException>(() => new BgNbdParameters(1, 0, 1, 1)).Field);

    [Fact]
    public void Fit_NoRepeatCustomers_Throws()
        => Assert.Throws<InvalidModelInputException>(() => BgNbdModel.Fit([new CustomerSummary(0, 0, 10), new CustomerSummary(0, 0, 20)]));

    internal static void AssertWithinErrors<T>(ModelFit<T> fit, double[] truth)
        where T : struct
    {
        Assert.True(fit.Converged);
        for (var i = 0; i < truth.Length; i++)
        {
            var se = fit.StandardErrors[i];
            Assert.True(se > 0 && double.IsFinite(se), $"{fit.ParameterNames[i]}: standard error {se}");
            Assert.True(Math.Abs(fit.Values[i] - truth[i]) <= 4 * se, $"{fit.ParameterNames[i]}: fitted {fit.Values[i]}, true {truth[i]}, se {se}");
        }
    }
}

public sealed class ParetoNbdTests
{
    private static readonly ParetoNbdParameters Cdnow = new(0.5532, 10.578, 0.6062, 11.669);

    [Fact]
    public void Fit_SimulatedCustomers_RecoversParameters()
    {
        var truth = new ParetoNbdParameters(0.8, 8.0, 0.9, 12.0);
        var customers = CustomerSimulator.ParetoNbd(truth, 10_000, 20, 60, seed: 12);

        var fit = ParetoNbdModel.Fit(customers);

        BgNbdTests.AssertWithinErrors(fit, [truth.R, truth.Alpha, truth.S, truth.Beta]);
    }

    [Theory]
    [InlineData(0.5532, 10.578, 0.6062, 11.669)]
    [InlineData(0.5532, 12.0, 0.6062, 7.0)]
    public void ProbabilityOfTransactions_SumsToOneWithTheExpectedMean(double r, double alpha, double s, double beta)
    {
        var model = new ParetoNbdParameters(r, alpha, s, beta);
        double total = 0, mean = 0;
        for (var n = 0; n < 300; n++)
        {
            var p = model.ProbabilityOfTransactions(n, 39);
            total += p;
            mean += n * p;
        }

        Assert.Equal(1.0, total, 6);
        Assert.Equal(model.ExpectedTransactions(39), mean, 4);
    }

    [Fact]
    public void ExpectedTransactions_SEqualToOne_IsContinuous()
    {
        var customer = new CustomerSummary(3, 20, 30);
        var at = new ParetoNbdParameters(0.5, 10, 1.0, 10).ExpectedTransactions(customer, 20);
        var near = new ParetoNbdParameters(0.5, 10, 1.000001, 10).ExpectedTransactions(customer, 20);
        Assert.Equal(near, at, 5);
    }

    [Fact]
    public void ProbabilityAlive_MatchesLikelihoodRatio()
    {
        // P(alive) = the "alive at T" part of the likelihood over the whole.
        var customer = new CustomerSummary(4, 12, 38);
        var alive = Cdnow.ProbabilityAlive(customer);
        Assert.InRange(alive, 0.05, 0.95);
        var logAliveLikelihood = CsScoring.Value.Numerics.LogMath.LogRisingFactorial(Cdnow.R, 4) + (Cdnow.R * Math.Log(Cdnow.Alpha)) + (Cdnow.S * Math.Log(Cdnow.Beta))
            - ((Cdnow.R + 4) * Math.Log(Cdnow.Alpha + 38)) - (Cdnow.S * Math.Log(Cdnow.Beta + 38));
        Assert.Equal(Math.Exp(logAliveLikelihood - Cdnow.LogLikelihood(customer)), alive, 12);
    }

    [Property(Arbitrary = [typeof(ValueArbitraries)], MaxTest = 200)]
    public void Predictions_Meet_Specification(ParameterCase p, CustomerCase c)
    {
        var model = new ParetoNbdParameters(p.P1, p.P2, p.P3, p.P4);
        var customer = c.Summary;
        Assert.InRange(model.ProbabilityAlive(customer), 0, 1);
        var shorter = model.ExpectedTransactions(customer, c.Horizon);
        var longer = model.ExpectedTransactions(customer, c.Horizon * 1.5);
        Assert.True(shorter >= 0 && double.IsFinite(shorter));
        Assert.True(longer >= shorter * (1 - 1e-9), $"E[Y] fell from {shorter} to {longer}");
        Assert.True(double.IsFinite(model.LogLikelihood(customer)));
    }

    [Fact]
    public void BatchPredictions_AllocateNothing()
    {
        var customers = CustomerSimulator.ParetoNbd(Cdnow, 500, 10, 40, 1);
        var destination = new double[customers.Length];
        Cdnow.ExpectedTransactions(customers, 52, destination);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Cdnow.ProbabilityAlive(customers, destination);
        Cdnow.ExpectedTransactions(customers, 52, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

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
}
