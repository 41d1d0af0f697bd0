using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CsScoring.Churn.Trees;

public sealed partial class TreeEnsemble
{
    private const int MaxQuickScorerLeaves = 32;

    // Batch evaluation without walking (QuickScorer, Lucchese et al. 2015, in its vectorised form): number each
    // tree's leaves left to right; a node whose test sends a row right rules out every leaf of its left subtree, so
    // after all of a tree's nodes are tested, the row's leaf is the lowest leaf still allowed. The tests of one
    // node over four or eight rows are one SIMD compare on a feature-major block, with no dependent loads and no
    // branches; walking, by contrast, waits on a load per level. Used when every tree has at most 32 leaves and none
    // has a categorical split; this layout is also the source of the row QuickScorer and the feature-interval table.
    private readonly QuickScorerLayout? _quickScorer;

    private QuickScorerLayout? CreateQuickScorer()
    {
        if (HasCategoricalSplits)
        {
            return null;
        }

        var layout = new QuickScorerLayout(Roots.Length, Nodes.Length, LeafValues.Length);
        var leafRank = 0;
        var node = 0;
        for (var t = 0; t < Roots.Length; t++)
        {
            layout.NodeStart[t] = node;
            layout.LeafStart[t] = leafRank;
            var ranks = new Dictionary<int, int>();
            InOrderLeaves(Roots[t], ranks);
            if (ranks.Count > MaxQuickScorerLeaves)
            {
                return null;
            }

            foreach (var (leaf, rank) in ranks)
            {
                layout.LeafValues[leafRank + rank] = LeafValues[leaf];
                layout.Leaf[leafRank + rank] = leaf;
            }

            leafRank += ranks.Count;
            var stack = new Stack<int>();
            if (Roots[t] >= 0)
            {
                stack.Push(Roots[t]);
            }

            while (stack.Count > 0)
            {
                var n = stack.Pop();
                var split = Nodes[n];
                layout.Feature[node] = split.Feature * BatchBlock;
                layout.Threshold[node] = split.Threshold;
                layout.NanLeft[node] = MissingValues[n] <= split.Threshold;
                layout.LeftMask[node] = LeavesUnder(split.Left, ranks);
                node++;
                if (split.Right >= 0)
                {
                    stack.Push(split.Right);
                }

                if (split.Left >= 0)
                {
                    stack.Push(split.Left);
                }
            }
        }

        layout.NodeStart[Roots.Length] = node;
        for (var t = 0; t < Roots.Length; t++)
        {
            layout.NanLeftStart[t] = layout.PartitionByNanLeft(layout.NodeStart[t], layout.NodeStart[t + 1]);
        }

        layout.LeafStart[Roots.Length] = leafRank;
        return layout;
    }

    private void InOrderLeaves(int reference, Dictionary<int, int> ranks)
    {
        if (reference < 0)
        {
            ranks[~reference] = ranks.Count;
            return;
        }

        InOrderLeaves(Nodes[reference].Left, ranks);
        InOrderLeaves(Nodes[reference].Right, ranks);
    }

    private uint LeavesUnder(int reference, Dictionary<int, int> ranks)
    {
        if (reference < 0)
        {
            return 1u << ranks[~reference];
        }

        return LeavesUnder(Nodes[reference].Left, ranks) | LeavesUnder(Nodes[reference].Right, ranks);
    }

    /// <summary>
    /// Raw scores of many rows by QuickScorer over feature-major blocks of 64 rows: per tree, each node is one
    /// broadcast threshold compared with a block's values, several vectors of rows at a time, and each tree's leaf
    /// per row is its lowest allowed leaf. Then four rows at a time add their leaf values, each row strictly in tree
    /// order. NaN needs no substitution: nodes are grouped by where their default sends NaN, and each group uses the
    /// comparison that sends NaN that way.
    /// </summary>
    private void ScoreRowsBlockQuickScorer<TBlock>(ReadOnlySpan<float> rowMajor, int rows, Span<float> scores)
        where TBlock : struct, IBlockWidth
    {
        const int Block = BatchBlock;
        var layout = _quickScorer!;
        var width = FeatureCount;
        var trees = layout.Trees;
        var columns = ArrayPool<float>.Shared.Rent(width * Block);
        var indexes = ArrayPool<int>.Shared.Rent(Math.Max(1, trees) * Block);
        try
        {
            ref var x = ref MemoryMarshal.GetArrayDataReference(columns);
            ref var index = ref MemoryMarshal.GetArrayDataReference(indexes);
            ref var leaves = ref MemoryMarshal.GetArrayDataReference(layout.LeafValues);
            for (var start = 0; start < rows; start += Block)
            {
                var count = Math.Min(Block, rows - start);
                var block = rowMajor.Slice(start * width, count * width);
                for (var r = 0; r < count; r++)
                {
                    var row = block.Slice(r * width, width);
                    for (var f = 0; f < row.Length; f++)
                    {
                        Unsafe.Add(ref x, (f * Block) + r) = row[f];
                    }
                }

                // Rows past count hold values of an earlier block (or zeros): evaluated, never read.
                for (var t = 0; t < trees; t++)
                {
                    for (var offset = 0; offset < count; offset += TBlock.RowsPerPass)
                    {
                        TBlock.Tree(layout, t, ref x, offset, ref Unsafe.Add(ref index, (t * Block) + offset));
                    }
                }

                var p = 0;
                for (; p + 4 <= count; p += 4)
                {
                    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    ref var i = ref Unsafe.Add(ref index, p);
                    for (var t = 0; t < trees; t++)
                    {
                        ref var it = ref Unsafe.Add(ref i, t * Block);
                        s0 += Unsafe.Add(ref leaves, it);
                        s1 += Unsafe.Add(ref leaves, Unsafe.Add(ref it, 1));
                        s2 += Unsafe.Add(ref leaves, Unsafe.Add(ref it, 2));
                        s3 += Unsafe.Add(ref leaves, Unsafe.Add(ref it, 3));
                    }

                    scores[start + p] = (float)s0;
                    scores[start + p + 1] = (float)s1;
                    scores[start + p + 2] = (float)s2;
                    scores[start + p + 3] = (float)s3;
                }

                for (; p < count; p++)
                {
                    var sum = 0.0;
                    for (var t = 0; t < trees; t++)
                    {
                        sum += Unsafe.Add(ref leaves, Unsafe.Add(ref index, (t * Block) + p));
                    }

                    scores[start + p] = (float)sum;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(columns);
            ArrayPool<int>.Shared.Return(indexes);
        }
    }

    // One tree over a pass of rows of a feature-major block: the vectors of allowed leaves stay in registers while
    // the tree's nodes stream past, and each row's leaf index (into the layout's leaf values) is stored at
    // index[row], rows of the pass consecutive.
    internal interface IBlockWidth
    {
        static abstract int RowsPerPass { get; }

        static abstract void Tree(QuickScorerLayout layout, int tree, ref float block, int rowOffset, ref int index);
    }

    private readonly struct Block128 : IBlockWidth
    {
        public static int RowsPerPass => 32;

        public static void Tree(QuickScorerLayout layout, int tree, ref float block, int rowOffset, ref int index)
        {
            ref var features = ref MemoryMarshal.GetArrayDataReference(layout.Feature);
            ref var thresholds = ref MemoryMarshal.GetArrayDataReference(layout.Threshold);
            ref var masks = ref MemoryMarshal.GetArrayDataReference(layout.LeftMask);
            ref var rows = ref Unsafe.Add(ref block, rowOffset);
            Vector128<uint> a0 = Vector128<uint>.AllBitsSet, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            var nanLeft = layout.NanLeftStart[tree];
            var end = layout.NodeStart[tree + 1];
            for (var k = layout.NodeStart[tree]; k < nanLeft; k++)
            {
                // Left where x <= t, so NaN goes right; a right-going row keeps only the leaves outside the left subtree.
                ref var x = ref Unsafe.Add(ref rows, Unsafe.Add(ref features, k));
                var t = Vector128.Create(Unsafe.Add(ref thresholds, k));
                var keep = Vector128.Create(~Unsafe.Add(ref masks, k));
                a0 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x)).AsUInt32() | keep;
                a1 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x, 4)).AsUInt32() | keep;
                a2 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x, 8)).AsUInt32() | keep;
                a3 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x, 12)).AsUInt32() | keep;
                a4 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x, 16)).AsUInt32() | keep;
                a5 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x, 20)).AsUInt32() | keep;
                a6 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x, 24)).AsUInt32() | keep;
                a7 &= Vector128.GreaterThanOrEqual(t, Vector128.LoadUnsafe(ref x, 28)).AsUInt32() | keep;
            }

            for (var k = nanLeft; k < end; k++)
            {
                // Right where x > t, so NaN goes left, as these nodes' missing-value defaults say.
                ref var x = ref Unsafe.Add(ref rows, Unsafe.Add(ref features, k));
                var t = Vector128.Create(Unsafe.Add(ref thresholds, k));
                var left = Vector128.Create(Unsafe.Add(ref masks, k));
                a0 = Vector128.AndNot(a0, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x)).AsUInt32() & left);
                a1 = Vector128.AndNot(a1, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x, 4)).AsUInt32() & left);
                a2 = Vector128.AndNot(a2, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x, 8)).AsUInt32() & left);
                a3 = Vector128.AndNot(a3, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x, 12)).AsUInt32() & left);
                a4 = Vector128.AndNot(a4, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x, 16)).AsUInt32() & left);
                a5 = Vector128.AndNot(a5, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x, 20)).AsUInt32() & left);
                a6 = Vector128.AndNot(a6, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x, 24)).AsUInt32() & left);
                a7 = Vector128.AndNot(a7, Vector128.LessThan(t, Vector128.LoadUnsafe(ref x, 28)).AsUInt32() & left);
            }

            var bases = Vector128.Create(layout.LeafStart[tree] - 127);
            LeafIndex(a0, bases).StoreUnsafe(ref index);
            LeafIndex(a1, bases).StoreUnsafe(ref index, 4);
            LeafIndex(a2, bases).StoreUnsafe(ref index, 8);
            LeafIndex(a3, bases).StoreUnsafe(ref index, 12);
            LeafIndex(a4, bases).StoreUnsafe(ref index, 16);
            LeafIndex(a5, bases).StoreUnsafe(ref index, 20);
            LeafIndex(a6, bases).StoreUnsafe(ref index, 24);
            LeafIndex(a7, bases).StoreUnsafe(ref index, 28);
        }

        // The lowest allowed leaf's rank is the biased exponent of its bit converted to float, minus 127.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> LeafIndex(Vector128<uint> allowed, Vector128<int> bases)
        {
            var a = allowed.AsInt32();
            return bases + (Vector128.ShiftRightLogical(Vector128.ConvertToSingle(a & -a).AsInt32(), 23) & Vector128.Create(0xFF));
        }
    }

    private readonly struct Block256 : IBlockWidth
    {
        public static int RowsPerPass => 64;

        public static void Tree(QuickScorerLayout layout, int tree, ref float block, int rowOffset, ref int index)
        {
            ref var features = ref MemoryMarshal.GetArrayDataReference(layout.Feature);
            ref var thresholds = ref MemoryMarshal.GetArrayDataReference(layout.Threshold);
            ref var masks = ref MemoryMarshal.GetArrayDataReference(layout.LeftMask);
            ref var rows = ref Unsafe.Add(ref block, rowOffset);
            Vector256<uint> a0 = Vector256<uint>.AllBitsSet, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            var nanLeft = layout.NanLeftStart[tree];
            var end = layout.NodeStart[tree + 1];
            for (var k = layout.NodeStart[tree]; k < nanLeft; k++)
            {
                ref var x = ref Unsafe.Add(ref rows, Unsafe.Add(ref features, k));
                var t = Vector256.Create(Unsafe.Add(ref thresholds, k));
                var keep = Vector256.Create(~Unsafe.Add(ref masks, k));
                a0 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x)).AsUInt32() | keep;
                a1 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x, 8)).AsUInt32() | keep;
                a2 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x, 16)).AsUInt32() | keep;
                a3 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x, 24)).AsUInt32() | keep;
                a4 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x, 32)).AsUInt32() | keep;
                a5 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x, 40)).AsUInt32() | keep;
                a6 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x, 48)).AsUInt32() | keep;
                a7 &= Vector256.GreaterThanOrEqual(t, Vector256.LoadUnsafe(ref x, 56)).AsUInt32() | keep;
            }

            for (var k = nanLeft; k < end; k++)
            {
                ref var x = ref Unsafe.Add(ref rows, Unsafe.Add(ref features, k));
                var t = Vector256.Create(Unsafe.Add(ref thresholds, k));
                var left = Vector256.Create(Unsafe.Add(ref masks, k));
                a0 = Vector256.AndNot(a0, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x)).AsUInt32() & left);
                a1 = Vector256.AndNot(a1, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x, 8)).AsUInt32() & left);
                a2 = Vector256.AndNot(a2, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x, 16)).AsUInt32() & left);
                a3 = Vector256.AndNot(a3, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x, 24)).AsUInt32() & left);
                a4 = Vector256.AndNot(a4, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x, 32)).AsUInt32() & left);
                a5 = Vector256.AndNot(a5, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x, 40)).AsUInt32() & left);
                a6 = Vector256.AndNot(a6, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x, 48)).AsUInt32() & left);
                a7 = Vector256.AndNot(a7, Vector256.LessThan(t, Vector256.LoadUnsafe(ref x, 56)).AsUInt32() & left);
            }

            var bases = Vector256.Create(layout.LeafStart[tree] - 127);
            LeafIndex(a0, bases).StoreUnsafe(ref index);
            LeafIndex(a1, bases).StoreUnsafe(ref index, 8);
            LeafIndex(a2, bases).StoreUnsafe(ref index, 16);
            LeafIndex(a3, bases).StoreUnsafe(ref index, 24);
            LeafIndex(a4, bases).StoreUnsafe(ref index, 32);
            LeafIndex(a5, bases).StoreUnsafe(ref index, 40);
            LeafIndex(a6, bases).StoreUnsafe(ref index, 48);
            LeafIndex(a7, bases).StoreUnsafe(ref index, 56);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> LeafIndex(Vector256<uint> allowed, Vector256<int> bases)
        {
            var a = allowed.AsInt32();
            return bases + (Vector256.ShiftRightLogical(Vector256.ConvertToSingle(a & -a).AsInt32(), 23) & Vector256.Create(0xFF));
        }
    }

    internal sealed class QuickScorerLayout(int trees, int nodes, int leaves)
    {
        public int Trees { get; } = trees;

        public int[] NodeStart { get; } = new int[trees + 1];

        public int[] LeafStart { get; } = new int[trees + 1];

        /// <summary>Per tree: its first node whose missing-value default sends NaN left (those come last).</summary>
        public int[] NanLeftStart { get; } = new int[trees];

        /// <summary>Per node, in tree order: the feature's offset in a feature-major block.</summary>
        public int[] Feature { get; } = new int[nodes];

        public float[] Threshold { get; } = new float[nodes];

        public bool[] NanLeft { get; } = new bool[nodes];

        /// <summary>Per node: the leaves (by left-to-right rank) of its left subtree.</summary>
        public uint[] LeftMask { get; } = new uint[nodes];

        /// <summary>Leaf values by tree, then left-to-right rank.</summary>
        public double[] LeafValues { get; } = new double[leaves];

        /// <summary>By tree, then left-to-right rank: the leaf's index in the ensemble.</summary>
        public int[] Leaf { get; } = new int[leaves];

        // A tree's nodes may come in any order (QuickScorer ANDs their masks); those sending NaN left go last.
        public int PartitionByNanLeft(int first, int end)
        {
            var order = Enumerable.Range(first, end - first).OrderBy(k => NanLeft[k]).ThenBy(k => k).ToArray();
            var feature = order.Select(k => Feature[k]).ToArray();
            var threshold = order.Select(k => Threshold[k]).ToArray();
            var nanLeft = order.Select(k => NanLeft[k]).ToArray();
            var leftMask = order.Select(k => LeftMask[k]).ToArray();
            feature.CopyTo(Feature, first);
            threshold.CopyTo(Threshold, first);
            nanLeft.CopyTo(NanLeft, first);
            leftMask.CopyTo(LeftMask, first);
            var firstNanLeft = Array.IndexOf(nanLeft, true);
            return firstNanLeft < 0 ? end : first + firstNanLeft;
        }
    }
}
