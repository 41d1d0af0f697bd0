using CsScoring.Value;
using CsScoring.Value.Numerics;

namespace CsScoring.Tests.Value.Numerics;

/// <summary>Every analytic gradient agrees with central differences of its own likelihood.</summary>
public sealed class GradientTests
{
    [Theory]
    [InlineData(0.25, 4.4, 0.8, 2.4)]
    [InlineData(2.0, 0.7, 3.0, 0.5)]
    public void BgNbdGradient_MatchesFiniteDifferences(double r, double alpha, double a, double b)
    {
        var customers = CustomerSimulator.BgNbd(new BgNbdParameters(0.5, 3, 1, 2), 300, 5, 40, seed: 3);
        var objective = new BgNbdObjective(customers);
        AssertGradient(ref objective, [r, alpha, a, b]);
    }

    [Theory]
    [InlineData(0.55, 10.6, 0.6, 11.7)]
    [InlineData(0.55, 12.0, 0.6, 8.0)]
    [InlineData(1.5, 2.0, 2.0, 30.0)]
    [InlineData(0.8, 3.0, 0.5, 4000.0)]
    [InlineData(0.8, 5000.0, 0.5, 2.0)]
    public void ParetoNbdGradient_MatchesFiniteDifferences(double r, double alpha, double s, double beta)
    {
        var customers = CustomerSimulator.ParetoNbd(new ParetoNbdParameters(0.6, 8, 0.7, 10), 300, 5, 40, seed: 4);
        var objective = new ParetoNbdObjective(customers);
        AssertGradient(ref objective, [r, alpha, s, beta]);
    }

    [Fact]
    public void GammaGammaGradient_MatchesFiniteDifferences()
    {
        var customers = CustomerSimulator.GammaGammaSpend(new GammaGammaParameters(6, 4, 15), CustomerSimulator.BgNbd(new BgNbdParameters(1, 3, 1, 3), 300, 20, 40, 5), 6);
        var objective = new GammaGammaObjective(customers);
        AssertGradient(ref objective, [5.0, 3.0, 12.0]);
    }

    [Fact]
    public void BgBbGradient_MatchesFiniteDifferences()
    {
        var objective = new BgBbObjective(CustomerSimulator.BgBb(new BgBbParameters(1.2, 0.75, 0.66, 2.8), 500, 6, 7));
        AssertGradient(ref objective, [1.0, 0.9, 0.5, 3.0]);
    }

    [Fact]
    public void SbgGradient_MatchesFiniteDifferences()
    {
        var objective = new SbgObjective();
        objective.Add([1000, 631, 468, 382, 326, 289, 262, 241], 0);
        objective.Add([500, 320, 250], 1);
        AssertGradient(ref objective, [0.9, 1.4]);
    }

    private static void AssertGradient<T>(ref T objective, double[] theta)
        where T : struct, IObjective
    {
        var u = theta.Select(v => Math.Log(v)).ToArray();
        var gradient = new double[theta.Length];
        var scratch = new double[theta.Length];
        objective.Evaluate(u, gradient);
        for (var i = 0; i < u.Length; i++)
        {
            const double h = 1e-6;
            var plus = (double[])u.Clone();
            var minus = (double[])u.Clone();
            plus[i] += h;
            minus[i] -= h;
            var numeric = (objective.Evaluate(plus, scratch) - objective.Evaluate(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-5 * Math.Max(1, Math.Abs(numeric)), $"component {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }
}
