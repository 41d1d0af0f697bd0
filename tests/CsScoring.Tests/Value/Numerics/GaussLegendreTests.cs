using CsScoring.Value.Numerics;

namespace CsScoring.Tests.Value.Numerics;

public sealed class GaussLegendreTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(32)]
    public void Rule_IntegratesPolynomialsUpToDegree2nMinus1Exactly(int points)
    {
        var (nodes, weights) = GaussLegendre.Rule(points);
        for (var degree = 0; degree < 2 * points; degree++)
        {
            var sum = 0.0;
            for (var i = 0; i < points; i++)
            {
                sum += weights[i] * Math.Pow(nodes[i], degree);
            }

            var exact = degree % 2 == 1 ? 0 : 2.0 / (degree + 1);
            Assert.True(Math.Abs(sum - exact) <= 1e-14, $"degree {degree}: {sum} vs {exact}");
        }

        Assert.Equal(nodes.OrderBy(x => x), nodes);
    }

    [Fact]
    public void Rule16_MatchesMathNet()
    {
        var (nodes, weights) = GaussLegendre.Rule(16);
        var reference = new MathNet.Numerics.Integration.GaussLegendreRule(-1, 1, 16);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(reference.Abscissas[i], nodes[i], 15);
            Assert.Equal(reference.Weights[i], weights[i], 15);
        }
    }
}
