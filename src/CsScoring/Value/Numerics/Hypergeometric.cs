
namespace CsScoring.Value.Numerics;

/// <summary>
/// The Gauss hypergeometric function ₂F₁(a, b; c; z) for real parameters and −1 &lt; z &lt; 1, summed in log space:
/// the running sum is rescaled whenever it grows large, so terms that would overflow (large b near z = 1, as in
/// Pareto/NBD fits far from the optimum) keep full precision, and the result is returned as log|F| and a sign.
/// </summary>
/// <remarks>
/// The series is summed until the terms are past their peak and below 1e-17 of the sum. With positive a, b, c
/// every term is positive, so there is no cancellation however close z is to 1 (only more terms).
/// </remarks>
internal static class Hypergeometric
{
    private const double RescaleAbove = 1e200;
    private const long MaxTerms = 50_000_000;

    /// <summary>log|₂F₁(a, b; c; z)|, with its sign in <paramref name="sign"/>.</summary>
    public static double Log2F1(double a, double b, double c, double z, out int sign)
    {
        if (!(z > -1 && z < 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(z), z, "2F1 is evaluated for -1 < z < 1 only.");
        }

        if (c <= 0 && c == Math.Floor(c))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(c), c, "2F1 has a pole when c is zero or a negative whole number.");
        }

        var sum = 1.0;
        var term = 1.0;
        var logScale = 0.0;
        for (long j = 0; j < MaxTerms; j++)
        {
            var ratio = (a + j) * (b + j) / ((c + j) * (j + 1)) * z;
            term *= ratio;
            sum += term;
            if (term == 0)
            {
                break;
            }

            if (Math.Abs(sum) > RescaleAbove)
            {
                sum /= RescaleAbove;
                term /= RescaleAbove;
                logScale += Math.Log(RescaleAbove);
            }

            // Past the peak (|ratio| < 1 and shrinking), the tail is at most |term| · q / (1 − q).
            var q = Math.Abs(ratio);
            if (q < 1 && Math.Abs(term) * q / (1 - q) <= 1e-17 * Math.Abs(sum) && j + 1 > (b - 1) * Math.Abs(z))
            {
                sign = sum < 0 ? -1 : 1;
                return Math.Log(Math.Abs(sum)) + logScale;
            }
        }

        if (Math.Abs(term) <= 1e-17 * Math.Abs(sum))
        {
            sign = sum < 0 ? -1 : 1;
            return Math.Log(Math.Abs(sum)) + logScale;
        }

        throw new CsScoringException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The hypergeometric series 2F1({a}, {b}; {c}; {z}) did not converge in {MaxTerms} terms."));
    }

    /// <summary>₂F₁(a, b; c; z) as a number (may overflow to infinity where <see cref="Log2F1"/> does not).</summary>
    public static double Value(double a, double b, double c, double z)
    {
        var log = Log2F1(a, b, c, z, out var sign);
        return sign * Math.Exp(log);
    }

    /// <summary>
    /// F = ₂F₁(a, b; a + 1; z) for a, b &gt; 0 and 0 ≤ z &lt; 1 (the Pareto/NBD form) together with its partial
    /// derivatives in a (with c = a + 1 tied to it), b and z, all scaled by exp(−<paramref name="logScale"/>) so
    /// log F = log(<paramref name="f"/>) + logScale.
    /// </summary>
    public static void ParetoSeries(double a, double b, double z, out double f, out double fa, out double fb, out double fz, out double logScale)
    {
        // t_j = a / (a + j) · (b)_j / j! · z^j; d log t_j / da = 1/a − 1/(a + j); d log t_j / db = Σ_{k<j} 1/(b + k);
        // d t_j / dz = j t_j / z, summed with the z factor left out of one power so z = 0 needs no special case.
        f = 1.0;
        fa = 0.0;
        fb = 0.0;
        fz = 0.0;
        logScale = 0.0;
        var inner = 1.0; // (b)_j / j! · z^j
        var harmonic = 0.0;
        var zPowerMinusOne = 1.0; // (b)_j / j! · z^(j-1) · j carried through the recursion below
        for (long j = 1; j < MaxTerms; j++)
        {
            harmonic += 1.0 / (b + j - 1);
            var growth = (b + j - 1) / j;
            var previousInner = inner;
            inner *= growth * z;
            zPowerMinusOne = previousInner * growth * j; // (b)_j/j! · j · z^(j-1)
            var weight = a / (a + j);
            var term = weight * inner;
            f += term;
            fa += term * ((1.0 / a) - (1.0 / (a + j)));
            fb += term * harmonic;
            fz += weight * zPowerMinusOne;
            if (f > RescaleAbove)
            {
                f /= RescaleAbove;
                fa /= RescaleAbove;
                fb /= RescaleAbove;
                fz /= RescaleAbove;
                inner /= RescaleAbove;
                logScale += Math.Log(RescaleAbove);
            }

            var q = growth * z;
            if (term == 0 && j > b)
            {
                return;
            }

            // Past the peak the tails of all four sums are bounded by the current term times q / (1 − q).
            if (q < 1 && j > (b - 1) * z && weight * (inner * (1 + harmonic) + zPowerMinusOne) * q / (1 - q) <= 1e-17 * f)
            {
                return;
            }
        }

        throw new CsScoringException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The hypergeometric series 2F1({a}, {b}; {a + 1}; {z}) did not converge in {MaxTerms} terms."));
    }
}
