using CsScoring.Value.Numerics;

namespace CsScoring.Tests.Value.Numerics;

/// <summary>Sample moments and CDF points of the seeded variates, against the exact values (4 standard errors).</summary>
public sealed class VariatesTests
{
    private const int Draws = 200_000;

    [Theory]
    [InlineData(0.3, 1.0)]
    [InlineData(1.0, 2.0)]
    [InlineData(2.5, 0.5)]
    [InlineData(40.0, 3.0)]
    public void Gamma_HasTheRightMomentsAndShape(double shape, double rate)
    {
        var random = new Random(17);
        var draws = new double[Draws];
        for (var i = 0; i < Draws; i++)
        {
            draws[i] = Variates.Gamma(random, shape, rate);
        }

        Assert.All(draws, d => Assert.True(d >= 0));
        var mean = shape / rate;
        var variance = shape / (rate * rate);
        AssertMoments(draws, mean, variance, fourthCentral: (3 * shape * (shape + 2)) / Math.Pow(rate, 4));

        // The shape, not just two moments: the fraction below the mean matches the CDF there.
        var cdf = MathNet.Numerics.Distributions.Gamma.CDF(shape, rate, mean);
        var below = draws.Count(d => d <= mean) / (double)Draws;
        Assert.True(Math.Abs(below - cdf) <= 4 * Math.Sqrt(cdf * (1 - cdf) / Draws), $"P(X <= mean) {below} vs {cdf}");
    }

    [Theory]
    [InlineData(0.5, 0.5)]
    [InlineData(1.2, 3.5)]
    [InlineData(20.0, 4.0)]
    public void Beta_HasTheRightMoments(double a, double b)
    {
        var random = new Random(23);
        var draws = new double[Draws];
        for (var i = 0; i < Draws; i++)
        {
            draws[i] = Variates.Beta(random, a, b);
        }

        Assert.All(draws, d => Assert.InRange(d, 0, 1));
        var mean = a / (a + b);
        var variance = a * b / ((a + b) * (a + b) * (a + b + 1));
        AssertMoments(draws, mean, variance, fourthCentral: null);
    }

    [Fact]
    public void ExponentialAndNormal_HaveTheRightMoments()
    {
        var random = new Random(29);
        var exponential = new double[Draws];
        var normal = new double[Draws];
        for (var i = 0; i < Draws; i++)
        {
            exponential[i] = Variates.Exponential(random, 4);
            normal[i] = Variates.StandardNormal(random);
        }

        AssertMoments(exponential, 0.25, 1.0 / 16, fourthCentral: 9.0 / 256);
        AssertMoments(normal, 0, 1, fourthCentral: 3);
    }

    [Fact]
    public void SameSeed_GivesTheSameStream()
    {
        var a = new Random(99);
        var b = new Random(99);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(Variates.Gamma(a, 0.7, 2), Variates.Gamma(b, 0.7, 2));
            Assert.Equal(Variates.Beta(a, 2, 3), Variates.Beta(b, 2, 3));
        }
    }

    private static void AssertMoments(double[] draws, double mean, double variance, double? fourthCentral)
    {
        var n = draws.Length;
        var sampleMean = draws.Average();
        Assert.True(Math.Abs(sampleMean - mean) <= 4 * Math.Sqrt(variance / n), $"mean {sampleMean} vs {mean}");
        var sampleVariance = draws.Sum(d => (d - sampleMean) * (d - sampleMean)) / (n - 1);

        // The variance's standard error needs the fourth central moment; bound it generously when it is not given.
        var m4 = fourthCentral ?? draws.Sum(d => Math.Pow(d - sampleMean, 4)) / n;
        var varianceError = Math.Sqrt((m4 - (variance * variance)) / n);
        Assert.True(Math.Abs(sampleVariance - variance) <= 4 * varianceError, $"variance {sampleVariance} vs {variance}");
    }
}
