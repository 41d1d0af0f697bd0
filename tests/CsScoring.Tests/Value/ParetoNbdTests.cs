using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Value;

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
