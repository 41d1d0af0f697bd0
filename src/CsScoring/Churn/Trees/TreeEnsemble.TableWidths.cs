using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CsScoring.Churn.Trees;

public sealed partial class TreeEnsemble
{
    // The three vector widths of the feature-interval table. Each does the same integer and comparison work lane
    // by lane, so all three give the same leaves; only the number of lanes per instruction differs.
    internal interface ITableWidth
    {
        /// <summary>
        /// How many of a feature's sorted thresholds are below <paramref name="value"/> (not NaN): first how many
        /// blocks of 16 lie wholly below it (<paramref name="coarse"/> holds every block's last threshold, padded with
        /// +Infinity to a multiple of 16), then how many of the next block's 16 do.
        /// </summary>
        static abstract int CountBelow(ref float coarse, int coarseLength, ref float thresholds, float value);

        /// <summary>allowed[t] = AND over the rows at <paramref name="offsets"/> of masks[offset + t], for t &lt; stride.</summary>
        static abstract void AndRows(ref uint masks, ref int offsets, int rows, int stride, ref uint allowed);

        /// <summary>index[t] = leafBase[t] + the biased float exponent of allowed[t]'s lowest set bit (its rank + 127).</summary>
        static abstract void LeafIndexes(ref uint allowed, ref int leafBase, int stride, ref int index);
    }

    private readonly struct Width128 : ITableWidth
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int CountBelow(ref float coarse, int coarseLength, ref float thresholds, float value)
        {
            var x = Vector128.Create(value);
            var blocks = 0;
            for (var i = 0; i < coarseLength; i += 16)
            {
                blocks += Below16(ref Unsafe.Add(ref coarse, i), x);
            }

            return (16 * blocks) + Below16(ref Unsafe.Add(ref thresholds, 16 * blocks), x);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Below16(ref float values, Vector128<float> x)
        {
            var bits = Vector128.LessThan(Vector128.LoadUnsafe(ref values), x).ExtractMostSignificantBits()
                | (Vector128.LessThan(Vector128.LoadUnsafe(ref values, 4), x).ExtractMostSignificantBits() << 4)
                | (Vector128.LessThan(Vector128.LoadUnsafe(ref values, 8), x).ExtractMostSignificantBits() << 8)
                | (Vector128.LessThan(Vector128.LoadUnsafe(ref values, 12), x).ExtractMostSignificantBits() << 12);
            return BitOperations.PopCount(bits);
        }

        public static void AndRows(ref uint masks, ref int offsets, int rows, int stride, ref uint allowed)
        {
            var v = 0;
            for (; v + 16 <= stride; v += 16)
            {
                Vector128<uint> a0 = Vector128<uint>.AllBitsSet, a1 = a0, a2 = a0, a3 = a0;
                for (var i = 0; i < rows; i++)
                {
                    ref var row = ref Unsafe.Add(ref masks, Unsafe.Add(ref offsets, i) + v);
                    a0 &= Vector128.LoadUnsafe(ref row);
                    a1 &= Vector128.LoadUnsafe(ref row, 4);
                    a2 &= Vector128.LoadUnsafe(ref row, 8);
                    a3 &= Vector128.LoadUnsafe(ref row, 12);
                }

                ref var destination = ref Unsafe.Add(ref allowed, v);
                a0.StoreUnsafe(ref destination);
                a1.StoreUnsafe(ref destination, 4);
                a2.StoreUnsafe(ref destination, 8);
                a3.StoreUnsafe(ref destination, 12);
            }
        }

        public static void LeafIndexes(ref uint allowed, ref int leafBase, int stride, ref int index)
        {
            for (var v = 0; v < stride; v += 4)
            {
                var a = Vector128.LoadUnsafe(ref allowed, (nuint)v).AsInt32();
                var exponent = Vector128.ShiftRightLogical(Vector128.ConvertToSingle(a & -a).AsInt32(), 23) & Vector128.Create(0xFF);
                (Vector128.LoadUnsafe(ref leafBase, (nuint)v) + exponent).StoreUnsafe(ref index, (nuint)v);
            }
        }
    }

    private readonly struct Width256 : ITableWidth
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int CountBelow(ref float coarse, int coarseLength, ref float thresholds, float value)
        {
            var x = Vector256.Create(value);
            var blocks = 0;
            for (var i = 0; i < coarseLength; i += 16)
            {
                blocks += Below16(ref Unsafe.Add(ref coarse, i), x);
            }

            return (16 * blocks) + Below16(ref Unsafe.Add(ref thresholds, 16 * blocks), x);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Below16(ref float values, Vector256<float> x)
        {
            var bits = Vector256.LessThan(Vector256.LoadUnsafe(ref values), x).ExtractMostSignificantBits()
                | (Vector256.LessThan(Vector256.LoadUnsafe(ref values, 8), x).ExtractMostSignificantBits() << 8);
            return BitOperations.PopCount(bits);
        }

        public static void AndRows(ref uint masks, ref int offsets, int rows, int stride, ref uint allowed)
        {
            var v = 0;
            for (; v + 32 <= stride; v += 32)
            {
                Vector256<uint> a0 = Vector256<uint>.AllBitsSet, a1 = a0, a2 = a0, a3 = a0;
                for (var i = 0; i < rows; i++)
                {
                    ref var row = ref Unsafe.Add(ref masks, Unsafe.Add(ref offsets, i) + v);
                    a0 &= Vector256.LoadUnsafe(ref row);
                    a1 &= Vector256.LoadUnsafe(ref row, 8);
                    a2 &= Vector256.LoadUnsafe(ref row, 16);
                    a3 &= Vector256.LoadUnsafe(ref row, 24);
                }

                ref var destination = ref Unsafe.Add(ref allowed, v);
                a0.StoreUnsafe(ref destination);
                a1.StoreUnsafe(ref destination, 8);
                a2.StoreUnsafe(ref destination, 16);
                a3.StoreUnsafe(ref destination, 24);
            }

            // The last 16 trees when the stride is an odd multiple of 16.
            if (v < stride)
            {
                Vector256<uint> a0 = Vector256<uint>.AllBitsSet, a1 = a0;
                for (var i = 0; i < rows; i++)
                {
                    ref var row = ref Unsafe.Add(ref masks, Unsafe.Add(ref offsets, i) + v);
                    a0 &= Vector256.LoadUnsafe(ref row);
                    a1 &= Vector256.LoadUnsafe(ref row, 8);
                }

                a0.StoreUnsafe(ref Unsafe.Add(ref allowed, v));
                a1.StoreUnsafe(ref Unsafe.Add(ref allowed, v), 8);
            }
        }

        public static void LeafIndexes(ref uint allowed, ref int leafBase, int stride, ref int index)
        {
            for (var v = 0; v < stride; v += 8)
            {
                var a = Vector256.LoadUnsafe(ref allowed, (nuint)v).AsInt32();
                var exponent = Vector256.ShiftRightLogical(Vector256.ConvertToSingle(a & -a).AsInt32(), 23) & Vector256.Create(0xFF);
                (Vector256.LoadUnsafe(ref leafBase, (nuint)v) + exponent).StoreUnsafe(ref index, (nuint)v);
            }
        }
    }

    private readonly struct Width512 : ITableWidth
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int CountBelow(ref float coarse, int coarseLength, ref float thresholds, float value)
        {
            var x = Vector512.Create(value);
            var blocks = 0;
            for (var i = 0; i < coarseLength; i += 16)
            {
                blocks += BitOperations.PopCount(Vector512.LessThan(Vector512.LoadUnsafe(ref coarse, (nuint)i), x).ExtractMostSignificantBits());
            }

            return (16 * blocks) + BitOperations.PopCount(Vector512.LessThan(Vector512.LoadUnsafe(ref thresholds, (nuint)(16 * blocks)), x).ExtractMostSignificantBits());
        }

        public static void AndRows(ref uint masks, ref int offsets, int rows, int stride, ref uint allowed)
        {
            var v = 0;
            for (; v + 64 <= stride; v += 64)
            {
                Vector512<uint> a0 = Vector512<uint>.AllBitsSet, a1 = a0, a2 = a0, a3 = a0;
                for (var i = 0; i < rows; i++)
                {
                    ref var row = ref Unsafe.Add(ref masks, Unsafe.Add(ref offsets, i) + v);
                    a0 &= Vector512.LoadUnsafe(ref row);
                    a1 &= Vector512.LoadUnsafe(ref row, 16);
                    a2 &= Vector512.LoadUnsafe(ref row, 32);
                    a3 &= Vector512.LoadUnsafe(ref row, 48);
                }

                ref var destination = ref Unsafe.Add(ref allowed, v);
                a0.StoreUnsafe(ref destination);
                a1.StoreUnsafe(ref destination, 16);
                a2.StoreUnsafe(ref destination, 32);
                a3.StoreUnsafe(ref destination, 48);
            }

            for (; v < stride; v += 16)
            {
                var a = Vector512<uint>.AllBitsSet;
                for (var i = 0; i < rows; i++)
                {
                    a &= Vector512.LoadUnsafe(ref Unsafe.Add(ref masks, Unsafe.Add(ref offsets, i) + v));
                }

                a.StoreUnsafe(ref Unsafe.Add(ref allowed, v));
            }
        }

        public static void LeafIndexes(ref uint allowed, ref int leafBase, int stride, ref int index)
        {
            for (var v = 0; v < stride; v += 16)
            {
                var a = Vector512.LoadUnsafe(ref allowed, (nuint)v).AsInt32();
                var exponent = Vector512.ShiftRightLogical(Vector512.ConvertToSingle(a & -a).AsInt32(), 23) & Vector512.Create(0xFF);
                (Vector512.LoadUnsafe(ref leafBase, (nuint)v) + exponent).StoreUnsafe(ref index, (nuint)v);
            }
        }
    }
}
