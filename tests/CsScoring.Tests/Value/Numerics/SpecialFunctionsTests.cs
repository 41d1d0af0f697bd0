using CsScoring.Value.Numerics;
using Reference = MathNet.Numerics.SpecialFunctions;

namespace CsScoring.Tests.Value.Numerics;

/// <summary>The value models' special functions against 40-digit values, identities and MathNet.Numerics.</summary>
public sealed class SpecialFunctionsTests
{
    private const double EulerMascheroni = 0.57721566490153286060651209008240243;

    /// <summary>Log-spaced points from 1e-6 to 1e7 plus a linear sweep of (0, 25], where the shift and the series meet.</summary>
    public static TheoryData<double> Grid()
    {
        var data = new TheoryData<double>();
        for (var e = -6.0; e <= 7.0; e += 0.25)
        {
            data.Add(Math.Pow(10, e) * 1.0371);
        }

        for (var x = 0.05; x <= 25; x += 0.35)
        {
            data.Add(x);
        }

        data.Add(9.999999999);
        data.Add(10.0);
        return data;
    }

    [Theory]
    [InlineData(1e-8, 18.420680738180208905)]
    [InlineData(0.1, 2.2527126517342059599)]
    [InlineData(3.7, 1.4280723266653879219)]
    [InlineData(9.999, 12.799575780077412467)]
    [InlineData(10.5, 13.940625219403763633)]
    [InlineData(123.456, 469.60554712992946873)]
    [InlineData(1e6, 12815504.56914761166)]
    [InlineData(-2.5, -0.056243716497674050673)]
    public void GammaLn_MatchesHighPrecisionValues(double x, double expected)
        => AssertClose(expected, SpecialFunctions.GammaLn(x), 2e-15, absolute: 2e-15);

    [Theory]
    [InlineData(1e-3, -1000.5755719318103005)]
    [InlineData(0.3, -3.502524222200132989)]
    [InlineData(1.5, 0.036489973978576520559)]
    [InlineData(7.25, 1.9104535268837360284)]
    [InlineData(12.5, 2.4851956512749120482)]
    [InlineData(1e5, 11.512920464961895087)]
    [InlineData(-0.5, 0.036489973978576520559)]
    public void DiGamma_MatchesHighPrecisionValues(double x, double expected)
        => AssertClose(expected, SpecialFunctions.DiGamma(x), 4e-15, absolute: 1e-15);

    [Theory]
    [InlineData(1e5, 2e5, -190958.88527911684967)]
    [InlineData(0.7, 5e4, -7.3129754525583316925)]
    [InlineData(5e4, 0.7, -7.3129754525583316925)]
    [InlineData(12.5, 30.25, -25.996684066372519286)]
    [InlineData(0.35, 2.4, 0.67622588268013705812)]
    public void BetaLn_MatchesHighPrecisionValues(double a, double b, double expected)
        => AssertClose(expected, SpecialFunctions.BetaLn(a, b), 2e-15);

    [Theory]
    [InlineData(40, 13, 23.210937234627641485)]
    [InlineData(1000, 3, 18.928503864714099544)]
    [InlineData(5000, 2500, 3461.2514648513740343)]
    public void BinomialLn_MatchesHighPrecisionValues(int n, int k, double expected)
        => AssertClose(expected, SpecialFunctions.BinomialLn(n, k), 2e-15);

    [Fact]
    public void KnownClosedForms_Hold()
    {
        AssertClose(0.5 * Math.Log(Math.PI), SpecialFunctions.GammaLn(0.5), 2e-15);
        Assert.True(Math.Abs(SpecialFunctions.GammaLn(1)) <= 1e-15);
        Assert.True(Math.Abs(SpecialFunctions.GammaLn(2)) <= 1e-15);
        AssertClose(-EulerMascheroni, SpecialFunctions.DiGamma(1), 1e-15);
        AssertClose(-EulerMascheroni - (2 * Math.Log(2)), SpecialFunctions.DiGamma(0.5), 1e-15);
        AssertClose(-Math.Log(1e6), SpecialFunctions.BetaLn(1, 1e6), 1e-15);
        Assert.Equal(0.0, SpecialFunctions.BinomialLn(7, 0));
        Assert.Equal(double.NegativeInfinity, SpecialFunctions.BinomialLn(7, 8));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.GammaLn(0));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.GammaLn(-3));
        Assert.True(double.IsNaN(SpecialFunctions.DiGamma(-2)));
        Assert.True(double.IsNaN(SpecialFunctions.BetaLn(0, 1)));
    }

    [Fact]
    public void GammaLn_OfWholeNumbers_IsTheLogFactorial()
    {
        var logFactorial = 0.0;
        for (var n = 1; n <= 170; n++)
        {
            AssertClose(logFactorial, SpecialFunctions.GammaLn(n), 1e-15, absolute: 2e-15);
            logFactorial += Math.Log(n);
        }
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void RecurrenceIdentities_Hold(double x)
    {
        // log Γ(x + 1) − log Γ(x) = log x and ψ(x + 1) − ψ(x) = 1/x, across the switch between shift and series.
        var gammaScale = Math.Abs(SpecialFunctions.GammaLn(x)) + Math.Abs(SpecialFunctions.GammaLn(x + 1));
        Assert.True(Math.Abs(SpecialFunctions.GammaLn(x + 1) - SpecialFunctions.GammaLn(x) - Math.Log(x)) <= 4e-15 * Math.Max(1, gammaScale), $"GammaLn at {x}");
        var psiScale = Math.Abs(SpecialFunctions.DiGamma(x)) + Math.Abs(SpecialFunctions.DiGamma(x + 1)) + (1 / x);
        Assert.True(Math.Abs(SpecialFunctions.DiGamma(x + 1) - SpecialFunctions.DiGamma(x) - (1 / x)) <= 4e-15 * Math.Max(1, psiScale), $"DiGamma at {x}");
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void GammaLnAndDiGamma_AgreeWithMathNet(double x)
    {
        // Near the zeros of log Γ (x = 1, 2) and of ψ (x ≈ 1.46) only an absolute comparison is meaningful.
        AssertClose(Reference.GammaLn(x), SpecialFunctions.GammaLn(x), 1e-13, absolute: 1e-14);
        AssertClose(Reference.DiGamma(x), SpecialFunctions.DiGamma(x), 1e-13, absolute: 1e-14);
    }

    [Theory]
    [InlineData(-1.3)]
    [InlineData(-3.2)]
    [InlineData(-5.6)]
    [InlineData(-7.1)]
    public void Reflection_AgreesWithMathNet(double x)
    {
        // Points where Γ(x) > 0: MathNet's log-gamma is NaN where Γ is negative, ours is log |Γ|.
        AssertClose(Reference.GammaLn(x), SpecialFunctions.GammaLn(x), 1e-13, absolute: 1e-14);
        AssertClose(Reference.DiGamma(x), SpecialFunctions.DiGamma(x), 1e-13, absolute: 1e-14);
        AssertClose(Reference.DiGamma(x - 0.5), SpecialFunctions.DiGamma(x - 0.5), 1e-13, absolute: 1e-14);
    }

    [Fact]
    public void BetaLnAndBinomialLn_AgreeWithMathNet()
    {
        double[] points = [0.013, 0.25, 0.8, 1, 2.4, 7.5, 9.99, 10, 13.7, 48, 250, 3e3, 1e5];
        foreach (var a in points)
        {
            foreach (var b in points)
            {
                // MathNet sums three log-gammas; its own rounding grows with their size, so the tolerance does too.
                var reference = Reference.BetaLn(a, b);
                var scale = Math.Abs(Reference.GammaLn(a)) + Math.Abs(Reference.GammaLn(b)) + Math.Abs(Reference.GammaLn(a + b));
                var actual = SpecialFunctions.BetaLn(a, b);
                Assert.True(Math.Abs(actual - reference) <= (1e-13 * Math.Abs(reference)) + (4e-15 * Math.Max(1, scale)), $"BetaLn({a}, {b}): {actual} vs {reference}");
            }
        }

        for (var n = 0; n <= 300; n += 7)
        {
            for (var k = 0; k <= n; k += 3)
            {
                AssertClose(Reference.BinomialLn(n, k), SpecialFunctions.BinomialLn(n, k), 1e-13, absolute: 1e-13);
            }
        }
    }

    private static void AssertClose(double expected, double actual, double relative, double absolute = 0)
        => Assert.True(
            Math.Abs(actual - expected) <= Math.Max(relative * Math.Abs(expected), absolute),
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");
}
