using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CsScoring.Health;

/// <summary>
/// A natural logarithm with a scalar and a vector form that perform the same floating-point operations in the same
/// order, so the single-account and the vectorised batch paths give bit-identical scores (Math.Log and the runtime's
/// vector logarithm may differ in the last bit). The method is fdlibm's: reduce to m·2^k with m in [√½, √2), then
/// a minimax polynomial in s = f / (2 + f); the error is below one unit in the last place.
/// </summary>
internal static class HealthMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Lg1 = 6.666666666666735130e-01;
    private const double Lg2 = 3.999999999940941908e-01;
    private const double Lg3 = 2.857142874366239149e-01;
    private const double Lg4 = 2.222219843214978396e-01;
    private const double Lg5 = 1.818357216161805012e-01;
    private const double Lg6 = 1.531383769920937332e-01;
    private const double Lg7 = 1.479819860511658591e-01;
    private const double Sqrt2 = 1.4142135623730951;
    private const double Two54 = 18014398509481984.0;

    /// <summary>The smallest positive normal double.</summary>
    public const double SmallestNormal = 2.2250738585072014e-308;

    private const long MantissaMask = 0x000FFFFFFFFFFFFF;
    private const long ExponentOne = 0x3FF0000000000000;

    /// <summary>ln(x) for a positive finite x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x)
    {
        var k = 0.0;
        if (x < SmallestNormal)
        {
            x *= Two54;
            k = -54.0;
        }

        var bits = BitConverter.DoubleToInt64Bits(x);
        k += ((bits >> 52) & 0x7FF) - 1023;
        var m = BitConverter.Int64BitsToDouble((bits & MantissaMask) | ExponentOne);
        if (m > Sqrt2)
        {
            m *= 0.5;
            k += 1.0;
        }

        var f = m - 1.0;
        var s = f / (2.0 + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (Lg2 + (w * (Lg4 + (w * Lg6))));
        var t2 = z * (Lg1 + (w * (Lg3 + (w * (Lg5 + (w * Lg7))))));
        var r = t2 + t1;
        var hfsq = 0.5 * f * f;
        return (k * Ln2Hi) - ((hfsq - ((s * (hfsq + r)) + (k * Ln2Lo))) - f);
    }

    /// <summary>ln(x) per lane, bit-identical to <see cref="Log(double)"/> for positive finite lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log<TV, TOps>(TV x)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var tiny = TOps.LessThan(x, TOps.Create(SmallestNormal));
        x = TOps.Select(tiny, TOps.Multiply(x, TOps.Create(Two54)), x);
        var k = TOps.Add(TOps.Select(tiny, TOps.Create(-54.0), TOps.Zero), TOps.Exponent(x));
        return Reduced<TV, TOps>(x, k);
    }

    /// <summary>
    /// ln(x) per lane for lanes known to be normal (at least <see cref="SmallestNormal"/>) or not needed: the same
    /// bits as <see cref="Log{TV, TOps}(TV)"/> there (its exponent gains 0.0, an exact no-op), without the rescaling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LogOfNormal<TV, TOps>(TV x)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
        => Reduced<TV, TOps>(x, TOps.Exponent(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reduced<TV, TOps>(TV x, TV k)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var m = TOps.Mantissa(x);
        var big = TOps.GreaterThan(m, TOps.Create(Sqrt2));
        m = TOps.Select(big, TOps.Multiply(m, TOps.Create(0.5)), m);
        k = TOps.Select(big, TOps.Add(k, TOps.One), k);

        var f = TOps.Subtract(m, TOps.One);
        var s = TOps.Divide(f, TOps.Add(TOps.Create(2.0), f));
        var z = TOps.Multiply(s, s);
        var w = TOps.Multiply(z, z);
        var t1 = TOps.Multiply(w, TOps.Add(TOps.Create(Lg2), TOps.Multiply(w, TOps.Add(TOps.Create(Lg4), TOps.Multiply(w, TOps.Create(Lg6))))));
        var t2 = TOps.Multiply(z, TOps.Add(TOps.Create(Lg1), TOps.Multiply(w, TOps.Add(TOps.Create(Lg3), TOps.Multiply(w, TOps.Add(TOps.Create(Lg5), TOps.Multiply(w, TOps.Create(Lg7))))))));
        var r = TOps.Add(t2, t1);
        var hfsq = TOps.Multiply(TOps.Multiply(TOps.Create(0.5), f), f);
        var inner = TOps.Subtract(TOps.Subtract(hfsq, TOps.Add(TOps.Multiply(s, TOps.Add(hfsq, r)), TOps.Multiply(k, TOps.Create(Ln2Lo)))), f);
        return TOps.Subtract(TOps.Multiply(k, TOps.Create(Ln2Hi)), inner);
    }

    /// <summary>ln(x) per lane of the platform's widest accelerated vector (for tests).</summary>
    public static Vector128<double> Log(Vector128<double> x) => Log<Vector128<double>, Simd128>(x);

    /// <summary>ln(x) per lane (for tests).</summary>
    public static Vector256<double> Log(Vector256<double> x) => Log<Vector256<double>, Simd256>(x);

    /// <summary>ln(x) per lane (for tests).</summary>
    public static Vector512<double> Log(Vector512<double> x) => Log<Vector512<double>, Simd512>(x);
}
