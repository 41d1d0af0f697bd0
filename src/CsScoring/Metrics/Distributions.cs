using CsScoring.Value.Numerics;

namespace CsScoring.Metrics;

/// <summary>
/// The probability functions the KPI intervals and tests need: the normal, Student-t and chi-square distributions,
/// computed here so the library carries no numerics dependency.
/// </summary>
/// <remarks>
/// Log-gamma and log-beta are the library's one implementation (the value models use them too); the regularised incomplete
/// gamma and beta functions by their series and continued fractions (Numerical Recipes, 3rd ed., 6.2 and 6.4)
/// iterated to a relative change below 1e-15. Quantiles are found by bisection on the distribution function to
/// 1e-12 in the argument. Pure functions; thread-safe.
/// </remarks>
public static class Distributions
{
    /// <summary>The natural logarithm of the gamma function, for <paramref name="x"/> &gt; 0.</summary>
    /// <param name="x">The argument, &gt; 0.</param>
    public static double LogGamma(double x) => SpecialFunctions.GammaLn(x);

    /// <summary>The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a).</summary>
    /// <param name="a">The shape, &gt; 0.</param>
    /// <param name="x">The argument, &gt;= 0.</param>
    public static double UpperRegularizedGamma(double a, double x)
    {
        if (!(a > 0) || !(x >= 0))
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return 1;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0;
        }

        var logPrefix = (a * Math.Log(x)) - x - LogGamma(a);
        if (x < a + 1)
        {
            // Series for P(a, x).
            double sum = 1 / a, term = sum, ap = a;
            for (var n = 0; n < 10_000; n++)
            {
                ap++;
                term *= x / ap;
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-16)
                {
                    break;
                }
            }

            return Math.Max(0, 1 - (sum * Math.Exp(logPrefix)));
        }

        // Continued fraction for Q(a, x) (modified Lentz).
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * h;
    }

    /// <summary>P(X &gt; x) for X chi-square with <paramref name="degreesOfFreedom"/> degrees of freedom.</summary>
    /// <param name="x">The statistic; 1 for x &lt;= 0.</param>
    /// <param name="degreesOfFreedom">The degrees of freedom, &gt; 0.</param>
    public static double ChiSquareSurvival(double x, double degreesOfFreedom)
        => x <= 0 ? 1 : UpperRegularizedGamma(degreesOfFreedom / 2, x / 2);

    /// <summary>The complementary error function erfc(x) = Q(1/2, x²) for x &gt;= 0, 2 - erfc(-x) below.</summary>
    /// <param name="x">The argument.</param>
    public static double Erfc(double x)
        => x >= 0 ? UpperRegularizedGamma(0.5, x * x) : 2 - UpperRegularizedGamma(0.5, x * x);

    /// <summary>The standard normal distribution function Φ(z).</summary>
    /// <param name="z">The argument.</param>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>The standard normal quantile Φ⁻¹(p).</summary>
    /// <param name="p">A probability in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in (0, 1).</exception>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must be in (0, 1).");
        }

        return Bisect(NormalCdf, p, -40, 40);
    }

    /// <summary>The Student-t distribution function with <paramref name="degreesOfFreedom"/> degrees of freedom.</summary>
    /// <param name="t">The argument.</param>
    /// <param name="degreesOfFreedom">The degrees of freedom, &gt; 0.</param>
    public static double StudentTCdf(double t, double degreesOfFreedom)
    {
        var x = degreesOfFreedom / (degreesOfFreedom + (t * t));
        var tail = 0.5 * RegularizedBeta(degreesOfFreedom / 2, 0.5, x);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The Student-t quantile: the t with P(T &lt;= t) = <paramref name="p"/>, accurate to better than 1e-9.</summary>
    /// <param name="p">A probability in (0, 1).</param>
    /// <param name="degreesOfFreedom">The degrees of freedom, &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in (0, 1) or the degrees of freedom are not positive.</exception>
    public static double StudentTQuantile(double p, double degreesOfFreedom)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must be in (0, 1).");
        }

        if (!(degreesOfFreedom > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "The degrees of freedom must be > 0.");
        }

        // The t quantile of 1 df at 1 - 1e-12 is about 3e11: widen until the bracket holds it.
        var bound = 10.0;
        while (StudentTCdf(bound, degreesOfFreedom) < p || StudentTCdf(-bound, degreesOfFreedom) > p)
        {
            bound *= 10;
            if (bound > 1e300)
            {
                break;
            }
        }

        return Bisect(t => StudentTCdf(t, degreesOfFreedom), p, -bound, bound);
    }

    /// <summary>The regularised incomplete beta function I_x(a, b).</summary>
    /// <param name="a">The first shape, &gt; 0.</param>
    /// <param name="b">The second shape, &gt; 0.</param>
    /// <param name="x">The argument in [0, 1].</param>
    public static double RegularizedBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var logFront = -SpecialFunctions.BetaLn(a, b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(logFront) * BetaFraction(a, b, x) / a
            : 1 - (Math.Exp(logFront) * BetaFraction(b, a, 1 - x) / b);
    }

    private static double BetaFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - (qab * x / qap);
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m < 10_000; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return h;
    }

    private static double Bisect(Func<double, double> cdf, double p, double low, double high)
    {
        for (var i = 0; i < 400 && high - low > 1e-12 * Math.Max(1, Math.Abs(low)); i++)
        {
            var mid = 0.5 * (low + high);
            if (cdf(mid) < p)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return 0.5 * (low + high);
    }
}
