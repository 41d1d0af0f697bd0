using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CsScoring.Health;

/// <summary>
/// The vector operations the batch kernel needs, over one vector width, so one generic kernel serves 128-, 256- and
/// 512-bit vectors (the JIT specialises it for each struct). Comparisons return all-ones/all-zeros lane masks.
/// </summary>
internal interface ISimdOps<TV>
    where TV : struct
{
    static abstract int Count { get; }

    static abstract TV Zero { get; }

    static abstract TV One { get; }

    static abstract TV Create(double value);

    static abstract TV Load(ref double source, nuint offset);

    static abstract void Store(TV value, ref double destination, nuint offset);

    static abstract TV Add(TV left, TV right);

    static abstract TV Subtract(TV left, TV right);

    static abstract TV Multiply(TV left, TV right);

    static abstract TV Divide(TV left, TV right);

    static abstract TV Equal(TV left, TV right);

    static abstract TV GreaterThan(TV left, TV right);

    static abstract TV GreaterOrEqual(TV left, TV right);

    static abstract TV LessThan(TV left, TV right);

    static abstract TV Select(TV mask, TV whenTrue, TV whenFalse);

    static abstract TV And(TV left, TV right);

    static abstract TV Xor(TV left, TV right);

    static abstract double GetElement(TV vector, int index);

    /// <summary>
    /// Writes lane i of a, b, c and d to destination[4i .. 4i + 3]: four columns become records of four values.
    /// </summary>
    static abstract void StoreInterleaved(TV a, TV b, TV c, TV d, ref double destination);

    /// <summary>The unbiased binary exponent of positive normal lanes, exactly, as a double.</summary>
    static abstract TV Exponent(TV x);

    /// <summary>The significand of positive normal lanes, in [1, 2).</summary>
    static abstract TV Mantissa(TV x);
}

internal readonly struct Simd128 : ISimdOps<Vector128<double>>
{
    public static int Count => Vector128<double>.Count;

    public static Vector128<double> Zero => Vector128<double>.Zero;

    public static Vector128<double> One => Vector128<double>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Create(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(ref double source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> left, Vector128<double> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> left, Vector128<double> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> left, Vector128<double> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Divide(Vector128<double> left, Vector128<double> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Equal(Vector128<double> left, Vector128<double> right) => Vector128.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> GreaterThan(Vector128<double> left, Vector128<double> right) => Vector128.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> GreaterOrEqual(Vector128<double> left, Vector128<double> right) => Vector128.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> LessThan(Vector128<double> left, Vector128<double> right) => Vector128.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Select(Vector128<double> mask, Vector128<double> whenTrue, Vector128<double> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> And(Vector128<double> left, Vector128<double> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Xor(Vector128<double> left, Vector128<double> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector128<double> vector, int index) => vector.GetElement(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vector128<double> a, Vector128<double> b, Vector128<double> c, Vector128<double> d, ref double destination)
    {
        if (Sse2.IsSupported)
        {
            Sse2.UnpackLow(a, b).StoreUnsafe(ref destination);
            Sse2.UnpackLow(c, d).StoreUnsafe(ref destination, 2);
            Sse2.UnpackHigh(a, b).StoreUnsafe(ref destination, 4);
            Sse2.UnpackHigh(c, d).StoreUnsafe(ref destination, 6);
            return;
        }

        Vector128.Create(a.ToScalar(), b.ToScalar()).StoreUnsafe(ref destination);
        Vector128.Create(c.ToScalar(), d.ToScalar()).StoreUnsafe(ref destination, 2);
        Vector128.Create(a.GetElement(1), b.GetElement(1)).StoreUnsafe(ref destination, 4);
        Vector128.Create(c.GetElement(1), d.GetElement(1)).StoreUnsafe(ref destination, 6);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Exponent(Vector128<double> x)
    {
        // The biased exponent (0..2047) becomes a double exactly through the 2^52 trick.
        var biased = Vector128.ShiftRightLogical(x.AsInt64(), 52) & Vector128.Create(0x7FFL);
        return (biased | Vector128.Create(0x4330000000000000L)).AsDouble() - Vector128.Create(4503599627370496.0 + 1023.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Mantissa(Vector128<double> x)
        => ((x.AsInt64() & Vector128.Create(0x000FFFFFFFFFFFFFL)) | Vector128.Create(0x3FF0000000000000L)).AsDouble();
}

internal readonly struct Simd256 : ISimdOps<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;

    public static Vector256<double> Zero => Vector256<double>.Zero;

    public static Vector256<double> One => Vector256<double>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Create(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref double source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> left, Vector256<double> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> left, Vector256<double> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> left, Vector256<double> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> left, Vector256<double> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Equal(Vector256<double> left, Vector256<double> right) => Vector256.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> GreaterThan(Vector256<double> left, Vector256<double> right) => Vector256.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> GreaterOrEqual(Vector256<double> left, Vector256<double> right) => Vector256.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LessThan(Vector256<double> left, Vector256<double> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> mask, Vector256<double> whenTrue, Vector256<double> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> And(Vector256<double> left, Vector256<double> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Xor(Vector256<double> left, Vector256<double> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector256<double> vector, int index) => vector.GetElement(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vector256<double> a, Vector256<double> b, Vector256<double> c, Vector256<double> d, ref double destination)
    {
        if (Avx.IsSupported)
        {
            // Pairs within each 128-bit half, then the halves put together: records 0 and 2 from the low pairs.
            var abLow = Avx.UnpackLow(a, b);
            var abHigh = Avx.UnpackHigh(a, b);
            var cdLow = Avx.UnpackLow(c, d);
            var cdHigh = Avx.UnpackHigh(c, d);
            Avx.Permute2x128(abLow, cdLow, 0x20).StoreUnsafe(ref destination);
            Avx.Permute2x128(abHigh, cdHigh, 0x20).StoreUnsafe(ref destination, 4);
            Avx.Permute2x128(abLow, cdLow, 0x31).StoreUnsafe(ref destination, 8);
            Avx.Permute2x128(abHigh, cdHigh, 0x31).StoreUnsafe(ref destination, 12);
            return;
        }

        Simd128.StoreInterleaved(a.GetLower(), b.GetLower(), c.GetLower(), d.GetLower(), ref destination);
        Simd128.StoreInterleaved(a.GetUpper(), b.GetUpper(), c.GetUpper(), d.GetUpper(), ref Unsafe.Add(ref destination, 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exponent(Vector256<double> x)
    {
        var biased = Vector256.ShiftRightLogical(x.AsInt64(), 52) & Vector256.Create(0x7FFL);
        return (biased | Vector256.Create(0x4330000000000000L)).AsDouble() - Vector256.Create(4503599627370496.0 + 1023.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Mantissa(Vector256<double> x)
        => ((x.AsInt64() & Vector256.Create(0x000FFFFFFFFFFFFFL)) | Vector256.Create(0x3FF0000000000000L)).AsDouble();
}

internal readonly struct Simd512 : ISimdOps<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    public static Vector512<double> Zero => Vector512<double>.Zero;

    public static Vector512<double> One => Vector512<double>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Create(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref double source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> left, Vector512<double> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> left, Vector512<double> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> left, Vector512<double> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> left, Vector512<double> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Equal(Vector512<double> left, Vector512<double> right) => Vector512.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> GreaterThan(Vector512<double> left, Vector512<double> right) => Vector512.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> GreaterOrEqual(Vector512<double> left, Vector512<double> right) => Vector512.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LessThan(Vector512<double> left, Vector512<double> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Select(Vector512<double> mask, Vector512<double> whenTrue, Vector512<double> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> And(Vector512<double> left, Vector512<double> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Xor(Vector512<double> left, Vector512<double> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector512<double> vector, int index) => vector.GetElement(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vector512<double> a, Vector512<double> b, Vector512<double> c, Vector512<double> d, ref double destination)
    {
        if (Avx512F.IsSupported)
        {
            // a0 b0 a1 b1 .. and c0 d0 c1 d1 .., then two pairs of each per store.
            var ab = Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11);
            var abUpper = Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15);
            var low = Vector512.Create(0L, 1, 8, 9, 2, 3, 10, 11);
            var high = Vector512.Create(4L, 5, 12, 13, 6, 7, 14, 15);
            var ab0 = Avx512F.PermuteVar8x64x2(a, ab, b);
            var cd0 = Avx512F.PermuteVar8x64x2(c, ab, d);
            var ab1 = Avx512F.PermuteVar8x64x2(a, abUpper, b);
            var cd1 = Avx512F.PermuteVar8x64x2(c, abUpper, d);
            Avx512F.PermuteVar8x64x2(ab0, low, cd0).StoreUnsafe(ref destination);
            Avx512F.PermuteVar8x64x2(ab0, high, cd0).StoreUnsafe(ref destination, 8);
            Avx512F.PermuteVar8x64x2(ab1, low, cd1).StoreUnsafe(ref destination, 16);
            Avx512F.PermuteVar8x64x2(ab1, high, cd1).StoreUnsafe(ref destination, 24);
            return;
        }

        Simd256.StoreInterleaved(a.GetLower(), b.GetLower(), c.GetLower(), d.GetLower(), ref destination);
        Simd256.StoreInterleaved(a.GetUpper(), b.GetUpper(), c.GetUpper(), d.GetUpper(), ref Unsafe.Add(ref destination, 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exponent(Vector512<double> x)
    {
        var biased = Vector512.ShiftRightLogical(x.AsInt64(), 52) & Vector512.Create(0x7FFL);
        return (biased | Vector512.Create(0x4330000000000000L)).AsDouble() - Vector512.Create(4503599627370496.0 + 1023.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Mantissa(Vector512<double> x)
        => ((x.AsInt64() & Vector512.Create(0x000FFFFFFFFFFFFFL)) | Vector512.Create(0x3FF0000000000000L)).AsDouble();
}

