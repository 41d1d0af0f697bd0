using CsScoring.Value.Numerics;

namespace CsScoring.Tests.Value.Numerics;

public sealed class HypergeometricTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    [InlineData(-0.7)]
    public void Log2F1_LogarithmIdentity_MatchesClosedForm(double z)
    {
        // 2F1(1, 1; 2; z) = −log(1 − z) / z.
        var expected = -Math.Log(1 - z) / z;
        Assert.Equal(expected, Hypergeometric.Value(1, 1, 2, z), 12);
    }

    [Fact]
    public void Log2F1_PowerIdentity_MatchesClosedForm()
    {
        // 2F1(a, b; b; z) = (1 − z)^−a.
        Assert.Equal(Math.Pow(1 - 0.9, -2.5), Hypergeometric.Value(2.5, 3.7, 3.7, 0.9), 8);
    }

    [Fact]
    public void Log2F1_HugeTerms_StaysFiniteInLogSpace()
    {
        // (1 − z)^−a with a = 400, z = 0.9: 10^400 overflows a double; its log does not.
        var log = Hypergeometric.Log2F1(400, 2, 2, 0.9, out var sign);
        Assert.Equal(1, sign);
        Assert.Equal(-400 * Math.Log(0.1), log, 6);
    }

    [Fact]
    public void Log2F1_OutsideUnitInterval_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric.Value(1, 1, 2, 1.0));

    [Theory]
    [InlineData(3.2, 1.6, 0.0)]
    [InlineData(3.2, 1.6, 0.3)]
    [InlineData(12.5, 30.0, 0.8)]
    public void ParetoSeries_Derivatives_MatchFiniteDifferences(double a, double b, double z)
    {
        Hypergeometric.ParetoSeries(a, b, z, out var f, out var fa, out var fb, out var fz, out var scale);
        double F(double aa, double bb, double zz) => Hypergeometric.Value(aa, bb, aa + 1, zz);
        var h = 1e-6;
        var value = f * Math.Exp(scale);
        Assert.Equal(F(a, b, z), value, value * 1e-12);
        Assert.Equal((F(a + h, b, z) - F(a - h, b, z)) / (2 * h), fa * Math.Exp(scale), Math.Abs(value) * 1e-6);
        Assert.Equal((F(a, b + h, z) - F(a, b - h, z)) / (2 * h), fb * Math.Exp(scale), Math.Abs(value) * 1e-6);
        Assert.Equal((F(a, b, z + h) - F(a, b, Math.Max(z - h, 0))) / (z > 0 ? 2 * h : h), fz * Math.Exp(scale), Math.Abs(value) * 1e-4);
    }
}
