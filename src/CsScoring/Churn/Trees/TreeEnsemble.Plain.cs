using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CsScoring.Churn.Trees;

public sealed partial class TreeEnsemble
{
    /// <summary>Rows per batch block; the block is stored feature-major, so feature f of row r is at f * 64 + r.</summary>
    internal const int BatchBlock = 64;

    private const int NodeSize = 16;
    private const int MaxStackFeatures = 512;

    // The fastest layout, for ensembles with neither categorical splits nor missing-value defaults (FastTree): the
    // flat nodes again, but children and features stored as byte offsets (children from the first split node,
    // leaves at negative offsets; features into a row, or into a feature-major block), so a step is a few loads, one
    // compare and no index arithmetic. NaN inputs are turned into +Infinity first, which every finite threshold
    // sends right, exactly as ML.NET sends NaN.
    private readonly TreeNode[]? _rowNodes;
    private readonly TreeNode[]? _columnNodes;
    private readonly int[]? _rootOffsets;

    private TreeNode[] OffsetNodes(int featureStride)
    {
        var nodes = new TreeNode[_flat.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = _flat[i];
            nodes[i] = new TreeNode
            {
                Threshold = node.Threshold,
                Feature = node.Feature * featureStride,
                Left = node.Left * NodeSize,
                Right = node.Right * NodeSize,
            };
        }

        return nodes;
    }

    private ref byte OffsetBase(TreeNode[] nodes)
        => ref Unsafe.As<TreeNode, byte>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(nodes), LeafValues.Length));

    // Sixteen, then eight, trees walk side by side for the row: more independent chains hide more load latency,
    // while the lock-step waste (about two steps per useful one) grows only slowly with the lane count. Leaves are
    // added in tree order, so the sum is bit-identical to ML.NET's.
    private double SumPlain(ReadOnlySpan<float> features)
    {
        Span<float> row = stackalloc float[features.Length];
        for (var f = 0; f < row.Length; f++)
        {
            var value = features[f];
            row[f] = float.IsNaN(value) ? float.PositiveInfinity : value;
        }

        ref var x = ref Unsafe.As<float, byte>(ref MemoryMarshal.GetReference(row));
        ref var nodes = ref OffsetBase(_rowNodes!);
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(LeafValues);
        ref var roots = ref MemoryMarshal.GetArrayDataReference(_rootOffsets!);
        var trees = _rootOffsets!.Length;
        var sum = 0.0;
        var t = 0;
        for (; t + 16 <= trees; t += 16)
        {
            ref var r = ref Unsafe.Add(ref roots, t);
            int o0 = r, o1 = Unsafe.Add(ref r, 1), o2 = Unsafe.Add(ref r, 2), o3 = Unsafe.Add(ref r, 3);
            int o4 = Unsafe.Add(ref r, 4), o5 = Unsafe.Add(ref r, 5), o6 = Unsafe.Add(ref r, 6), o7 = Unsafe.Add(ref r, 7);
            int o8 = Unsafe.Add(ref r, 8), o9 = Unsafe.Add(ref r, 9), o10 = Unsafe.Add(ref r, 10), o11 = Unsafe.Add(ref r, 11);
            int o12 = Unsafe.Add(ref r, 12), o13 = Unsafe.Add(ref r, 13), o14 = Unsafe.Add(ref r, 14), o15 = Unsafe.Add(ref r, 15);
            while ((o0 & o1 & o2 & o3 & o4 & o5 & o6 & o7 & o8 & o9 & o10 & o11 & o12 & o13 & o14 & o15) >= 0)
            {
                o0 = OffsetStep(ref nodes, o0, ref x);
                o1 = OffsetStep(ref nodes, o1, ref x);
                o2 = OffsetStep(ref nodes, o2, ref x);
                o3 = OffsetStep(ref nodes, o3, ref x);
                o4 = OffsetStep(ref nodes, o4, ref x);
                o5 = OffsetStep(ref nodes, o5, ref x);
                o6 = OffsetStep(ref nodes, o6, ref x);
                o7 = OffsetStep(ref nodes, o7, ref x);
                o8 = OffsetStep(ref nodes, o8, ref x);
                o9 = OffsetStep(ref nodes, o9, ref x);
                o10 = OffsetStep(ref nodes, o10, ref x);
                o11 = OffsetStep(ref nodes, o11, ref x);
                o12 = OffsetStep(ref nodes, o12, ref x);
                o13 = OffsetStep(ref nodes, o13, ref x);
                o14 = OffsetStep(ref nodes, o14, ref x);
                o15 = OffsetStep(ref nodes, o15, ref x);
            }

            sum += Unsafe.Add(ref leaves, ~(o0 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o1 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o2 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o3 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o4 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o5 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o6 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o7 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o8 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o9 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o10 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o11 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o12 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o13 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o14 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o15 >> 4));
        }

        for (; t + 8 <= trees; t += 8)
        {
            ref var r = ref Unsafe.Add(ref roots, t);
            int o0 = r, o1 = Unsafe.Add(ref r, 1), o2 = Unsafe.Add(ref r, 2), o3 = Unsafe.Add(ref r, 3);
            int o4 = Unsafe.Add(ref r, 4), o5 = Unsafe.Add(ref r, 5), o6 = Unsafe.Add(ref r, 6), o7 = Unsafe.Add(ref r, 7);
            while ((o0 & o1 & o2 & o3 & o4 & o5 & o6 & o7) >= 0)
            {
                o0 = OffsetStep(ref nodes, o0, ref x);
                o1 = OffsetStep(ref nodes, o1, ref x);
                o2 = OffsetStep(ref nodes, o2, ref x);
                o3 = OffsetStep(ref nodes, o3, ref x);
                o4 = OffsetStep(ref nodes, o4, ref x);
                o5 = OffsetStep(ref nodes, o5, ref x);
                o6 = OffsetStep(ref nodes, o6, ref x);
                o7 = OffsetStep(ref nodes, o7, ref x);
            }

            sum += Unsafe.Add(ref leaves, ~(o0 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o1 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o2 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o3 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o4 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o5 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o6 >> 4));
            sum += Unsafe.Add(ref leaves, ~(o7 >> 4));
        }

        for (; t < trees; t++)
        {
            var o = Unsafe.Add(ref roots, t);
            while (o >= 0)
            {
                o = OffsetStep(ref nodes, o, ref x);
            }

            sum += Unsafe.Add(ref leaves, ~(o >> 4));
        }

        return sum;
    }

    // One tree at a time over a feature-major block (NaN already replaced), eight rows in lock step.
    private void BlockPlain(Span<float> columns, int count, Span<double> sums)
    {
        ref var nodes = ref OffsetBase(_columnNodes!);
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(LeafValues);
        ref var column = ref Unsafe.As<float, byte>(ref MemoryMarshal.GetReference(columns));
        ref var sum = ref MemoryMarshal.GetReference(sums);
        foreach (var root in _rootOffsets!)
        {
            var r = 0;
            for (; r + 8 <= count; r += 8)
            {
                ref var x = ref Unsafe.Add(ref column, r * sizeof(float));
                int o0 = root, o1 = root, o2 = root, o3 = root, o4 = root, o5 = root, o6 = root, o7 = root;
                while ((o0 & o1 & o2 & o3 & o4 & o5 & o6 & o7) >= 0)
                {
                    o0 = OffsetStep(ref nodes, o0, ref x);
                    o1 = OffsetStep(ref nodes, o1, ref Unsafe.Add(ref x, 4));
                    o2 = OffsetStep(ref nodes, o2, ref Unsafe.Add(ref x, 8));
                    o3 = OffsetStep(ref nodes, o3, ref Unsafe.Add(ref x, 12));
                    o4 = OffsetStep(ref nodes, o4, ref Unsafe.Add(ref x, 16));
                    o5 = OffsetStep(ref nodes, o5, ref Unsafe.Add(ref x, 20));
                    o6 = OffsetStep(ref nodes, o6, ref Unsafe.Add(ref x, 24));
                    o7 = OffsetStep(ref nodes, o7, ref Unsafe.Add(ref x, 28));
                }

                ref var s0 = ref Unsafe.Add(ref sum, r);
                s0 += Unsafe.Add(ref leaves, ~(o0 >> 4));
                Unsafe.Add(ref s0, 1) += Unsafe.Add(ref leaves, ~(o1 >> 4));
                Unsafe.Add(ref s0, 2) += Unsafe.Add(ref leaves, ~(o2 >> 4));
                Unsafe.Add(ref s0, 3) += Unsafe.Add(ref leaves, ~(o3 >> 4));
                Unsafe.Add(ref s0, 4) += Unsafe.Add(ref leaves, ~(o4 >> 4));
                Unsafe.Add(ref s0, 5) += Unsafe.Add(ref leaves, ~(o5 >> 4));
                Unsafe.Add(ref s0, 6) += Unsafe.Add(ref leaves, ~(o6 >> 4));
                Unsafe.Add(ref s0, 7) += Unsafe.Add(ref leaves, ~(o7 >> 4));
            }

            for (; r < count; r++)
            {
                ref var x = ref Unsafe.Add(ref column, r * sizeof(float));
                var o = root;
                while (o >= 0)
                {
                    o = OffsetStep(ref nodes, o, ref x);
                }

                Unsafe.Add(ref sum, r) += Unsafe.Add(ref leaves, ~(o >> 4));
            }
        }
    }

    // Offsets come from validated nodes (features < FeatureCount, children inside the array), so the unchecked
    // reads stay in bounds; a leaf's children are itself, so extra steps on a finished walk change nothing.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int OffsetStep(ref byte nodes, int offset, ref byte x)
    {
        ref var node = ref Unsafe.Add(ref nodes, offset);
        var value = Unsafe.As<byte, float>(ref Unsafe.Add(ref x, Unsafe.As<byte, int>(ref Unsafe.Add(ref node, 4))));
        var right = Unsafe.BitCast<bool, byte>(value > Unsafe.As<byte, float>(ref node));
        return Unsafe.As<byte, int>(ref Unsafe.Add(ref node, 8 + (right << 2)));
    }
}
