using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CsScoring.Churn.Trees;

public sealed partial class TreeEnsemble
{
    private const int RowLanes = 16;
    private const int MaxRowFeatures = 32;

    // Single-row evaluation without walking (QuickScorer turned sideways): sixteen trees are the sixteen lanes of an
    // AVX-512 register. Slot k of a lane group holds the k-th split node of each of its trees; one two-register
    // permute fetches the sixteen nodes' feature values from the row (at most 32 features, held in two registers),
    // one compare tests them, and one masked AND clears, per tree, the leaves that each right-going node rules
    // out. A tree's leaf is then its lowest allowed leaf. No load waits on the result of another and nothing
    // branches on the data, whereas a walk waits on one load per level and lock-step walks waste steps on
    // unbalanced trees. Leaf values are still added one tree after another in double precision, so scores stay
    // bit-identical to ML.NET's. Used for ensembles without categorical splits whose trees have at most 32 leaves
    // and read at most 32 distinct features, on processors with AVX-512.
    private readonly RowQuickScorerLayout? _rowScorer;

    /// <summary>Whether single rows are scored by the AVX-512 QuickScorer rather than by walking the trees.</summary>
    internal bool HasRowQuickScorer => _rowScorer is not null;

    private RowQuickScorerLayout? CreateRowQuickScorer()
    {
        var quick = _quickScorer;
        if (quick is null || HasCategoricalSplits || Isa != TreeIsa.Vector512)
        {
            return null;
        }

        // Rows wider than 32 features are packed to the features the trees read, when those are few enough.
        int[]? used = null;
        var position = new int[FeatureCount];
        if (FeatureCount > MaxRowFeatures)
        {
            var read = new SortedSet<int>();
            foreach (var node in Nodes)
            {
                read.Add(node.Feature);
            }

            if (read.Count > MaxRowFeatures)
            {
                return null;
            }

            used = [.. read];
            for (var i = 0; i < used.Length; i++)
            {
                position[used[i]] = i;
            }
        }
        else
        {
            for (var f = 0; f < FeatureCount; f++)
            {
                position[f] = f;
            }
        }

        var trees = Roots.Length;
        var groups = (trees + RowLanes - 1) / RowLanes;
        var slotStart = new int[groups + 1];
        for (var g = 0; g < groups; g++)
        {
            var slots = 0;
            for (var t = g * RowLanes; t < Math.Min(trees, (g + 1) * RowLanes); t++)
            {
                slots = Math.Max(slots, quick.NodeStart[t + 1] - quick.NodeStart[t]);
            }

            slotStart[g + 1] = slotStart[g] + slots;
        }

        var cells = slotStart[groups] * RowLanes;
        var layout = new RowQuickScorerLayout(groups, trees, slotStart, cells, used, quick.LeafValues, HasMissingDefaults);

        // Padding (slots past a tree's last node, lanes past the last tree) reads feature 0 and clears no leaf.
        layout.Mask.AsSpan().Fill(uint.MaxValue);
        for (var t = 0; t < trees; t++)
        {
            var g = t / RowLanes;
            var lane = t % RowLanes;
            var first = quick.NodeStart[t];
            for (var k = first; k < quick.NodeStart[t + 1]; k++)
            {
                var cell = ((slotStart[g] + (k - first)) * RowLanes) + lane;
                layout.Feature[cell] = position[quick.Feature[k] / BatchBlock];
                layout.Threshold[cell] = quick.Threshold[k];
                layout.Mask[cell] = ~quick.LeftMask[k];
                if (layout.NanLeft is not null)
                {
                    layout.NanLeft[cell] = quick.NanLeft[k] ? uint.MaxValue : 0u;
                }
            }

            // The leaf index is LeafBase - lzcnt(lowest allowed bit) = LeafStart + rank.
            layout.LeafBase[t] = quick.LeafStart[t] + 31;
        }

        for (var t = trees; t < groups * RowLanes; t++)
        {
            layout.LeafBase[t] = 31;
        }

        return layout;
    }

    private double SumRowQuickScorer(ReadOnlySpan<float> features)
    {
        var layout = _rowScorer!;

        // The row in two registers.
        Span<float> row = stackalloc float[MaxRowFeatures];
        ref var packed = ref MemoryMarshal.GetReference(row);
        Pack(layout, features, row);
        var lower = Vector512.LoadUnsafe(ref packed);
        var upper = Vector512.LoadUnsafe(ref packed, RowLanes);

        ref var feature = ref MemoryMarshal.GetArrayDataReference(layout.Feature);
        ref var threshold = ref MemoryMarshal.GetArrayDataReference(layout.Threshold);
        ref var mask = ref MemoryMarshal.GetArrayDataReference(layout.Mask);
        ref var leafBase = ref MemoryMarshal.GetArrayDataReference(layout.LeafBase);
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(layout.LeafValues);
        ref var slotStart = ref MemoryMarshal.GetArrayDataReference(layout.SlotStart);
        Span<int> leafIndex = stackalloc int[RowLanes];
        ref var index = ref MemoryMarshal.GetReference(leafIndex);
        var sum = 0.0;
        var trees = layout.Trees;
        for (var g = 0; g < layout.Groups; g++)
        {
            var allowed = Vector512<uint>.AllBitsSet;
            var cell = (nuint)Unsafe.Add(ref slotStart, g) * RowLanes;
            var end = (nuint)Unsafe.Add(ref slotStart, g + 1) * RowLanes;
            if (layout.NanLeft is null)
            {
                for (; cell < end; cell += RowLanes)
                {
                    var values = Avx512F.PermuteVar16x32x2(lower, Vector512.LoadUnsafe(ref feature, cell), upper);

                    // Right where !(x <= threshold), so NaN goes right as in ML.NET; a right-going node rules out
                    // the leaves of its left subtree (the zeros of its mask): a masked AND in the right-going lanes.
                    var right = Avx512F.CompareNotLessThanOrEqual(values, Vector512.LoadUnsafe(ref threshold, cell)).AsUInt32();
                    allowed = Vector512.ConditionalSelect(right, allowed & Vector512.LoadUnsafe(ref mask, cell), allowed);
                }
            }
            else
            {
                ref var nanLeft = ref MemoryMarshal.GetArrayDataReference(layout.NanLeft);
                for (; cell < end; cell += RowLanes)
                {
                    var values = Avx512F.PermuteVar16x32x2(lower, Vector512.LoadUnsafe(ref feature, cell), upper);

                    // As above, except that NaN goes left where the node's missing-value default does.
                    var right = Avx512F.CompareNotLessThanOrEqual(values, Vector512.LoadUnsafe(ref threshold, cell)).AsUInt32();
                    var nan = Avx512F.CompareUnordered(values, values).AsUInt32();
                    right = Vector512.AndNot(right, nan & Vector512.LoadUnsafe(ref nanLeft, cell));
                    allowed = Vector512.ConditionalSelect(right, allowed & Vector512.LoadUnsafe(ref mask, cell), allowed);
                }
            }

            // Lowest allowed leaf: isolate the lowest set bit and count the zeros above it.
            var lowest = allowed & (Vector512<uint>.Zero - allowed);
            var leaf = Vector512.LoadUnsafe(ref leafBase, (nuint)g * RowLanes) - Avx512CD.LeadingZeroCount(lowest).AsInt32();
            leaf.StoreUnsafe(ref index);

            // Tree order, as ML.NET adds them; a full group without loop overhead.
            var count = trees - (g * RowLanes);
            if (count >= RowLanes)
            {
                sum = AddLeaves16(sum, ref leaves, ref index);
                continue;
            }

            for (var lane = 0; lane < count; lane++)
            {
                sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, lane));
            }
        }

        return sum;
    }

    // The row in 32 lanes; lanes past the last feature are never read by a real node, so they may hold anything.
    // Callers pass FeatureCount values, and packed indexes were taken from validated nodes.
    private static void Pack(RowQuickScorerLayout layout, ReadOnlySpan<float> features, Span<float> row)
    {
        if (layout.Used is null)
        {
            features.CopyTo(row);
            return;
        }

        ref var x = ref MemoryMarshal.GetReference(features);
        ref var packed = ref MemoryMarshal.GetReference(row);
        var used = layout.Used;
        for (var i = 0; i < used.Length; i++)
        {
            Unsafe.Add(ref packed, i) = Unsafe.Add(ref x, used[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double AddLeaves16(double sum, ref double leaves, ref int index)
    {
        sum += Unsafe.Add(ref leaves, index);
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 1));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 2));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 3));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 4));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 5));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 6));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 7));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 8));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 9));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 10));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 11));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 12));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 13));
        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, 14));
        return sum + Unsafe.Add(ref leaves, Unsafe.Add(ref index, 15));
    }

    private sealed class RowQuickScorerLayout(int groups, int trees, int[] slotStart, int cells, int[]? used, double[] leafValues, bool missingDefaults)
    {
        public int Groups { get; } = groups;

        public int Trees { get; } = trees;

        /// <summary>Per lane group: its first slot; slot s of the group is cells s * 16 .. s * 16 + 15.</summary>
        public int[] SlotStart { get; } = slotStart;

        /// <summary>Per cell: the feature's position in the packed row.</summary>
        public int[] Feature { get; } = new int[cells];

        public float[] Threshold { get; } = new float[cells];

        /// <summary>Per cell: every leaf (by left-to-right rank) except those of the node's left subtree.</summary>
        public uint[] Mask { get; } = new uint[cells];

        /// <summary>Per cell: all ones where the node's missing-value default sends NaN left; null without defaults.</summary>
        public uint[]? NanLeft { get; } = missingDefaults ? new uint[cells] : null;

        /// <summary>Per tree (lane): its first leaf in <see cref="LeafValues"/> plus 31.</summary>
        public int[] LeafBase { get; } = new int[groups * RowLanes];

        /// <summary>The features the packed row holds, or <see langword="null"/> when it is the row itself.</summary>
        public int[]? Used { get; } = used;

        /// <summary>Leaf values by tree, then left-to-right rank.</summary>
        public double[] LeafValues { get; } = leafValues;
    }
}
