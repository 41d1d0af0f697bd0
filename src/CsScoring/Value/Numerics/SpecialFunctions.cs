namespace CsScoring.Value.Numerics;

/// <summary>
/// Log-gamma, log-beta, log-binomial and digamma for the value models, accurate to a few units in the last place over
/// the arguments the models use. Log-gamma is Stirling's series for x ≥ 10 (eight Bernoulli terms, truncation error
/// below 1e-17 there) and Lanczos' approximation below it (a shift to x ≥ 10 would cancel away a few digits near
/// x = 1 and 2); digamma is the asymptotic series for x ≥ 10 and the recurrence ψ(x) = ψ(x + 1) − 1/x below it.
/// Negative non-integers use the reflection formulas (log-gamma gives log |Γ(x)|); the poles (0, −1, −2, …) give +∞
/// for log-gamma and NaN for digamma.
/// </summary>
internal static class SpecialFunctions
{
    private const double SeriesFrom = 10.0;
    private const double HalfLogTwoPi = 0.91893853320467274178032973640562;

    /// <summary>Godfrey's Lanczos coefficients for g = 607/128, n = 15 (relative error below 1e-15 for Γ).</summary>
    private static readonly double[] LanczosCoefficients =
    [
        57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, .339946499848118887e-4,
        .465236289270485756e-4, -.983744753048795646e-4, .158088703224912494e-3, -.210264441724104883e-3,
        .217439618115212643e-3, -.164318106536763890e-3, .844182239838527433e-4, -.261908384015814087e-4,
        .368991826595316234e-5,
    ];

    /// <summary>log |Γ(x)|.</summary>
    public static double GammaLn(double x)
    {
        if (x >= SeriesFrom)
        {
            return ((x - 0.5) * Math.Log(x)) - x + HalfLogTwoPi + StirlingCorrection(x);
        }

        if (x > 0)
        {
            // Lanczos: Γ(x) = Γ(x + 1) / x with g = 607/128 (Numerical Recipes, 3rd ed., gammln).
            var t = x + 5.24218750000000000;
            var series = 0.999999999999997092;
            var y = x;
            for (var j = 0; j < LanczosCoefficients.Length; j++)
            {
                y += 1;
                series += LanczosCoefficients[j] / y;
            }

            return ((x + 0.5) * Math.Log(t)) - t + Math.Log(2.5066282746310005 * series / x);
        }

        if (double.IsNaN(x) || double.IsNegativeInfinity(x))
        {
            return double.NaN;
        }

        if (x == Math.Floor(x))
        {
            return double.PositiveInfinity;
        }

        // Γ(x) Γ(1 − x) = π / sin(πx).
        return Math.Log(Math.PI / Math.Abs(SinPi(x))) - GammaLn(1 - x);
    }

    /// <summary>log B(a, b) for a, b &gt; 0, without the cancellation of three log-gammas when a and b are large.</summary>
    public static double BetaLn(double a, double b)
    {
        if (!(a > 0 && b > 0))
        {
            return double.NaN;
        }

        var small = Math.Min(a, b);
        var large = Math.Max(a, b);
        if (small >= SeriesFrom)
        {
            // Stirling for all three terms; the −x parts cancel exactly and the logs combine into log1p.
            var sum = small + large;
            return -0.5 * Math.Log(large) + HalfLogTwoPi + ((small - 0.5) * Math.Log(small / sum)) - (large * Log1P(small / large))
                + StirlingCorrection(small) + StirlingCorrection(large) - StirlingCorrection(sum);
        }

        if (large >= SeriesFrom)
        {
            // log Γ(large) − log Γ(small + large) by Stirling, differenced analytically.
            var sum = small + large;
            var ratio = -((large - 0.5) * Log1P(small / large)) - (small * Math.Log(sum)) + small
                + StirlingCorrection(large) - StirlingCorrection(sum);
            return GammaLn(small) + ratio;
        }

        return GammaLn(a) + GammaLn(b) - GammaLn(a + b);
    }

    /// <summary>log of the binomial coefficient C(n, k); −∞ when k &lt; 0 or k &gt; n.</summary>
    public static double BinomialLn(int n, int k)
    {
        if (k < 0 || k > n || n < 0)
        {
            return double.NegativeInfinity;
        }

        if (k == 0 || k == n)
        {
            return 0;
        }

        return -Math.Log(n + 1.0) - BetaLn(n - k + 1.0, k + 1.0);
    }

    /// <summary>The digamma function ψ(x) = d log Γ(x) / dx.</summary>
    public static double DiGamma(double x)
    {
        if (double.IsNaN(x) || double.IsNegativeInfinity(x))
        {
            return double.NaN;
        }

        if (x <= 0)
        {
            if (x == Math.Floor(x))
            {
                return double.NaN;
            }

            // ψ(1 − x) − ψ(x) = π cot(πx).
            return DiGamma(1 - x) - (Math.PI * CosPi(x) / SinPi(x));
        }

        var shift = 0.0;
        while (x < SeriesFrom)
        {
            shift -= 1 / x;
            x += 1;
        }

        if (double.IsPositiveInfinity(x))
        {
            return x;
        }

        // ψ(x) ~ log x − 1/(2x) − Σ B_2k / (2k x^2k); the next term at x = 10 is below 5e-17.
        var inv2 = 1 / (x * x);
        var series = inv2 * ((1.0 / 12) - (inv2 * ((1.0 / 120) - (inv2 * ((1.0 / 252) - (inv2 * ((1.0 / 240) - (inv2 * ((1.0 / 132) - (inv2 * ((691.0 / 32760) - (inv2 / 12))))))))))));
        return shift + Math.Log(x) - (0.5 / x) - series;
    }

    /// <summary>log Γ(x) − [(x − ½) log x − x + ½ log 2π] for x ≥ 10: Σ B_2k / (2k (2k − 1) x^(2k−1)), eight terms.</summary>
    private static double StirlingCorrection(double x)
    {
        var inv = 1 / x;
        var inv2 = inv * inv;
        return inv * ((1.0 / 12) - (inv2 * ((1.0 / 360) - (inv2 * ((1.0 / 1260) - (inv2 * ((1.0 / 1680) - (inv2 * ((1.0 / 1188) - (inv2 * ((691.0 / 360360) - (inv2 * ((1.0 / 156) - (inv2 * 3617.0 / 122400))))))))))))));
    }

    /// <summary>log(1 + x) to full precision for x &gt; −1 (Goldberg's correction of the rounding in 1 + x).</summary>
    private static double Log1P(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>sin(πx) with the argument reduced first, so it is exact at the integers and half-integers.</summary>
    private static double SinPi(double x)
    {
        var r = x - (2 * Math.Floor(x / 2)); // in [0, 2)
        return r <= 1 ? Math.Sin(Math.PI * r) : -Math.Sin(Math.PI * (r - 1));
    }

    private static double CosPi(double x) => SinPi(x + 0.5);
}
