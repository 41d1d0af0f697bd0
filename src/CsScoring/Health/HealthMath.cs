using System.Numerics;
using System.Runtime.CompilerServices;

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
    private const double SmallestNormal = 2.2250738585072014e-308;
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
    public static Vector<double> Log(Vector<double> x)
    {
        var tiny = Vector.LessThan(x, new Vector<double>(SmallestNormal));
        x = Vector.ConditionalSelect(tiny, x * new Vector<double>(Two54), x);
        var k = Vector.ConditionalSelect(tiny, new Vector<double>(-54.0), Vector<double>.Zero);
        var bits = Vector.AsVectorInt64(x);

        // The biased exponent (0..2047) becomes a double exactly through the 2^52 trick, as (double)e does.
        var exponent = Vector.ShiftRightLogical(bits, 52) & new Vector<long>(0x7FF);
        var e = Vector.AsVectorDouble(exponent | new Vector<long>(0x4330000000000000)) - new Vector<double>(4503599627370496.0 + 1023.0);
        k += e;
        var m = Vector.AsVectorDouble((bits & new Vector<long>(MantissaMask)) | new Vector<long>(ExponentOne));
        var big = Vector.GreaterThan(m, new Vector<double>(Sqrt2));
        m = Vector.ConditionalSelect(big, m * new Vector<double>(0.5), m);
        k = Vector.ConditionalSelect(big, k + Vector<double>.One, k);

        var f = m - Vector<double>.One;
        var s = f / (new Vector<double>(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (new Vector<double>(Lg2) + (w * (new Vector<double>(Lg4) + (w * new Vector<double>(Lg6)))));
        var t2 = z * (new Vector<double>(Lg1) + (w * (new Vector<double>(Lg3) + (w * (new Vector<double>(Lg5) + (w * new Vector<double>(Lg7)))))));
        var r = t2 + t1;
        var hfsq = new Vector<double>(0.5) * f * f;
        return (k * new Vector<double>(Ln2Hi)) - ((hfsq - ((s * (hfsq + r)) + (k * new Vector<double>(Ln2Lo)))) - f);
    }
}
