using CsScoring.Metrics;

namespace CsScoring.Tests.Metrics;

public sealed class DistributionsTests
{
    // Student-t quantiles from the standard tables (e.g. Abramowitz and Stegun, table 26.10), to 10 digits.
    [Theory]
    [InlineData(0.975, 1, 12.7062047362)]
    [InlineData(0.975, 4, 2.7764451052)]
    [InlineData(0.975, 10, 2.2281388520)]
    [InlineData(0.975, 30, 2.0422724563)]
    [InlineData(0.995, 5, 4.0321429836)]
    [InlineData(0.95, 2, 2.9199855804)]
    [InlineData(0.025, 10, -2.2281388520)]
    public void StudentTQuantile_MatchesTables(double p, double df, double expected)
        => Assert.Equal(expected, Distributions.StudentTQuantile(p, df), 1e-6);

    [Fact]
    public void StudentTQuantile_ApproachesTheNormalForLargeDf()
        => Assert.Equal(1.959963985, Distributions.StudentTQuantile(0.975, 1e7), 1e-5);

    // Chi-square critical values from the tables: P(X > 3.841459) = 0.05 for 1 df, P(X > 5.991465) = 0.05 for 2 df,
    // P(X > 6.634897) = 0.01 for 1 df.
    [Theory]
    [InlineData(3.841458821, 1, 0.05)]
    [InlineData(6.634896601, 1, 0.01)]
    [InlineData(5.991464547, 2, 0.05)]
    [InlineData(0, 1, 1)]
    public void ChiSquareSurvival_MatchesTables(double x, double df, double expected)
        => Assert.Equal(expected, Distributions.ChiSquareSurvival(x, df), 1e-8);

    [Fact]
    public void ChiSquareSurvival_OneDf_IsErfcOfRootHalf()
    {
        // For 1 df, P(X > x) = erfc(sqrt(x / 2)); erfc(1) = 0.1572992070502851 (tables).
        Assert.Equal(0.1572992070502851, Distributions.ChiSquareSurvival(2, 1), 1e-12);
    }

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.5, 0)]
    [InlineData(0.95, 1.6448536269514722)]
    public void NormalQuantile_MatchesTables(double p, double expected)
        => Assert.Equal(expected, Distributions.NormalQuantile(p), 1e-9);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(double.NaN)]
    public void Quantiles_RejectProbabilitiesOutsideTheOpenInterval(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Distributions.NormalQuantile(p));
        Assert.Throws<ArgumentOutOfRangeException>(() => Distributions.StudentTQuantile(p, 3));
    }
}
