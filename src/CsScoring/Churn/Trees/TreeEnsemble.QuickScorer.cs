using System.Numerics;
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
    // node over eight rows are one SIMD compare on a feature-major block, with no dependent loads and no branches;
    // walking, by contrast, waits on a load per level. Used when every tree has at most 32 leaves and none has a
    // categorical split.
    private readonly QuickScorerLayout? _quickScorer;

    private QuickScorerLayout? CreateQuickScorer()
    {
        if (!Vector256.IsHardwareAccelerated || HasCategoricalSplits)
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

    /// <summary>Adds every tree's leaf value, in tree order, to the sums of a feature-major block of rows.</summary>
    private void BlockQuickScorer(Span<float> columns, int count, Span<double> sums)
    {
        var layout = _quickScorer!;
        ref var x = ref MemoryMarshal.GetReference(columns);
        ref var sum = ref MemoryMarshal.GetReference(sums);
        ref var features = ref MemoryMarshal.GetArrayDataReference(layout.Feature);
        ref var thresholds = ref MemoryMarshal.GetArrayDataReference(layout.Threshold);
        ref var masks = ref MemoryMarshal.GetArrayDataReference(layout.LeftMask);
        ref var nanLeft = ref MemoryMarshal.GetArrayDataReference(layout.NanLeft);
        ref var leafValues = ref MemoryMarshal.GetArrayDataReference(layout.LeafValues);
        Span<uint> bits = stackalloc uint[BatchBlock];
        ref var bit = ref MemoryMarshal.GetReference(bits);
        var groups = (count + 7) / 8;
        for (var t = 0; t < layout.Trees; t++)
        {
            var first = layout.NodeStart[t];
            var end = layout.NodeStart[t + 1];
            for (var g = 0; g < groups; g++)
            {
                var allowed = Vector256<uint>.AllBitsSet;
                var offset = g * 8;
                for (var k = first; k < end; k++)
                {
                    var values = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, Unsafe.Add(ref features, k) + offset));
                    var threshold = Vector256.Create(Unsafe.Add(ref thresholds, k));

                    // Right: !(x <= t), which sends NaN right; where the node's default sends NaN left: x > t.
                    var right = Unsafe.Add(ref nanLeft, k)
                        ? Vector256.GreaterThan(values, threshold).AsUInt32()
                        : ~Vector256.LessThanOrEqual(values, threshold).AsUInt32();
                    allowed = Vector256.AndNot(allowed, right & Vector256.Create(Unsafe.Add(ref masks, k)));
                }

                allowed.StoreUnsafe(ref bit, (nuint)offset);
            }

            // The leaf of each row is its lowest allowed leaf; sums grow tree by tree, as ML.NET adds them.
            ref var leaves = ref Unsafe.Add(ref leafValues, layout.LeafStart[t]);
            for (var r = 0; r < count; r++)
            {
                Unsafe.Add(ref sum, r) += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(Unsafe.Add(ref bit, r)));
            }
        }
    }

    private sealed class QuickScorerLayout(int trees, int nodes, int leaves)
    {
        public int Trees { get; } = trees;

        public int[] NodeStart { get; } = new int[trees + 1];

        public int[] LeafStart { get; } = new int[trees + 1];

        /// <summary>Per node, in tree order: the feature's offset in a feature-major block.</summary>
        public int[] Feature { get; } = new int[nodes];

        public float[] Threshold { get; } = new float[nodes];

        public bool[] NanLeft { get; } = new bool[nodes];

        /// <summary>Per node: the leaves (by left-to-right rank) of its left subtree.</summary>
        public uint[] LeftMask { get; } = new uint[nodes];

        /// <summary>Leaf values by tree, then left-to-right rank.</summary>
        public double[] LeafValues { get; } = new double[leaves];
    }
}
