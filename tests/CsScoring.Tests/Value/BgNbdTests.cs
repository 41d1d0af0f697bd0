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

    [Theory]
    [InlineData(0, 0.0, 38.86)]
    [InlineData(2, 30.43, 38.86)]
    [InlineData(12, 20.0, 38.86)]
    public void ConditionalProbabilityOfTransactions_SumsToOneWithTheConditionalMean(int x, double tx, double age)
    {
        var customer = new CustomerSummary(x, tx, age);
        double total = 0, mean = 0;
        for (var n = 0; n < 600; n++)
        {
            var p = Cdnow.ProbabilityOfTransactions(customer, n, 52);
            total += p;
            mean += n * p;
        }

        Assert.Equal(1.0, total, 9);
        Assert.Equal(Cdnow.ExpectedTransactions(customer, 52), mean, 6);
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
