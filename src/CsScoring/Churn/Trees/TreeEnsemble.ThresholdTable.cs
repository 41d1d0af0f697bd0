using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CsScoring.Churn.Trees;

public sealed partial class TreeEnsemble
{
    // About a core's L2 cache: stored for every interval (no node applied one by one), the table makes single rows
    // about twice as fast as with every fourth interval stored, whose per-node fix-ups stall on store forwarding.
    internal const int DefaultTableBudgetBytes = 1024 * 1024;
    private const int MaxTableShift = 5;

    // Trees and thresholds are padded to 16 so that every vector width loads whole vectors.
    private const int TablePadding = 16;
    private const int MaxTableFeatures = 256;
    private const int MaxStackTableTrees = 512;

    // QuickScorer by feature intervals, for processors without AVX-512's two-register permute. The nodes that test
    // one feature, sorted by threshold, split the feature's axis into intervals; a row's value falls in one of them
    // (found by counting the thresholds below it, a few vector compares), and that interval fixes which of those
    // nodes send the row right. The AND of their leaf masks, per tree, is precomputed for every interval (or for
    // every 2^shift-th one, the nodes in between applied one by one, when the table would outgrow its budget). A row
    // is then one vector AND per feature and per group of trees, with no gather, no walk and no data-dependent
    // branch but the NaN test; each tree's leaf is its lowest allowed leaf, exactly as in QuickScorer, and leaf values are added one
    // tree after another in double precision, so scores stay bit-identical to ML.NET's. NaN has its own interval
    // per feature, in which each node sends it where its missing-value default says.
    private readonly ThresholdTable? _table;

    /// <summary>Whether single rows are scored through the feature-interval table (see <see cref="TreeIsa"/>).</summary>
    internal bool HasThresholdTable => _table is not null;

    private ThresholdTable? CreateThresholdTable(int budgetBytes)
    {
        var quick = _quickScorer;
        if (quick is null || Isa == TreeIsa.Scalar)
        {
            return null;
        }

        var trees = Roots.Length;
        var nodeTree = new int[quick.Feature.Length];
        var byFeature = new SortedDictionary<int, List<int>>();
        for (var t = 0; t < trees; t++)
        {
            for (var k = quick.NodeStart[t]; k < quick.NodeStart[t + 1]; k++)
            {
                nodeTree[k] = t;
                var feature = quick.Feature[k] / BatchBlock;
                if (!byFeature.TryGetValue(feature, out var list))
                {
                    byFeature[feature] = list = [];
                }

                list.Add(k);
            }
        }

        if (byFeature.Count > MaxTableFeatures)
        {
            return null;
        }

        var used = byFeature.Keys.ToArray();
        var sorted = new int[used.Length][];
        var uniqueOf = new int[used.Length][];
        var uniqueCount = new int[used.Length];
        for (var i = 0; i < used.Length; i++)
        {
            sorted[i] = [.. byFeature[used[i]].OrderBy(k => quick.Threshold[k]).ThenBy(k => k)];
            uniqueOf[i] = new int[sorted[i].Length];
            var unique = 0;
            for (var j = 0; j < sorted[i].Length; j++)
            {
                // Thresholds equal under float comparison (0 and -0 included) send every value the same way.
                if (j > 0 && quick.Threshold[sorted[i][j]] != quick.Threshold[sorted[i][j - 1]])
                {
                    unique++;
                }

                uniqueOf[i][j] = unique;
            }

            uniqueCount[i] = sorted[i].Length == 0 ? 0 : unique + 1;
        }

        var stride = RoundUp(trees, TablePadding);
        var shift = 0;
        while (TableBytes(uniqueCount, shift, stride) > budgetBytes)
        {
            if (++shift > MaxTableShift)
            {
                return null;
            }
        }

        var table = new ThresholdTable(trees, stride, shift, used, uniqueCount, quick.Feature.Length, quick.LeafValues);
        table.Masks.AsSpan().Fill(uint.MaxValue);
        table.Thresholds.AsSpan().Fill(float.PositiveInfinity);
        table.Coarse.AsSpan().Fill(float.PositiveInfinity);
        var current = new uint[stride];
        int thresholdAt = 0, coarseAt = 0, rowAt = 0, fixAt = 0, fixStartAt = 0;
        for (var i = 0; i < used.Length; i++)
        {
            var nodes = sorted[i];
            var m = uniqueCount[i];
            table.ThresholdStart[i] = thresholdAt;
            table.ThresholdLength[i] = RoundUp(m + 1, TablePadding);
            table.CoarseStart[i] = coarseAt;
            table.CoarseLength[i] = RoundUp(table.ThresholdLength[i] / TablePadding, TablePadding);
            table.FixBase[i] = fixStartAt;
            for (var j = 0; j < nodes.Length; j++)
            {
                var k = nodes[j];
                table.Thresholds[thresholdAt + uniqueOf[i][j]] = quick.Threshold[k];
                table.FixTree[fixAt + j] = nodeTree[k];
                table.FixMask[fixAt + j] = ~quick.LeftMask[k];
            }

            for (int u = 0, j = 0; u <= m; u++)
            {
                while (j < nodes.Length && uniqueOf[i][j] < u)
                {
                    j++;
                }

                table.FixStart[fixStartAt + u] = fixAt + j;
            }

            // Row c holds, per tree, the AND of the masks of the nodes whose threshold is among the feature's
            // c * 2^shift lowest: the nodes a value above exactly those thresholds sends right.
            table.RowStart[i] = rowAt;
            current.AsSpan().Fill(uint.MaxValue);
            var next = 0;
            for (var c = 0; c <= m >> shift; c++)
            {
                for (; next < nodes.Length && uniqueOf[i][next] < c << shift; next++)
                {
                    current[nodeTree[nodes[next]]] &= ~quick.LeftMask[nodes[next]];
                }

                current.CopyTo(table.Masks, rowAt);
                rowAt += stride;
            }

            // NaN's row: the nodes without a default that sends NaN left.
            table.NanRow[i] = rowAt;
            foreach (var k in nodes)
            {
                if (!quick.NanLeft[k])
                {
                    table.Masks[rowAt + nodeTree[k]] &= ~quick.LeftMask[k];
                }
            }

            rowAt += stride;
            for (var j = 0; j < table.ThresholdLength[i] / TablePadding; j++)
            {
                table.Coarse[coarseAt + j] = table.Thresholds[thresholdAt + (TablePadding * j) + TablePadding - 1];
            }

            coarseAt += table.CoarseLength[i];
            thresholdAt += table.ThresholdLength[i];
            fixAt += nodes.Length;
            fixStartAt += m + 1;
        }

        // The leaf index is LeafBase + the biased exponent of the lowest allowed bit converted to float.
        for (var t = 0; t < stride; t++)
        {
            table.LeafBase[t] = (t < trees ? quick.LeafStart[t] : 0) - 127;
        }

        return table;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static long TableBytes(int[] uniqueCount, int shift, int stride)
    {
        long rows = 0;
        foreach (var m in uniqueCount)
        {
            rows += (m >> shift) + 2;
        }

        return rows * stride * sizeof(uint);
    }

    private double SumThresholdTable(ReadOnlySpan<float> features) => Isa switch
    {
        TreeIsa.Vector512 => SumThresholdTable<Width512>(features),
        TreeIsa.Vector256 => SumThresholdTable<Width256>(features),
        _ => SumThresholdTable<Width128>(features),
    };

    // The scratch is written in full before it is read (offsets and below per used feature, every allowed mask by
    // AndRows, every index by LeafIndexes), so zeroing it first on each call is wasted work on the hot path.
    [SkipLocalsInit]
    private double SumThresholdTable<TWidth>(ReadOnlySpan<float> features)
        where TWidth : struct, ITableWidth
    {
        var table = _table!;
        int[]? rented = null;
        var scratch = table.Stride <= MaxStackTableTrees
            ? stackalloc int[(2 * table.Stride) + (2 * table.Used.Length)]
            : (rented = ArrayPool<int>.Shared.Rent((2 * table.Stride) + (2 * table.Used.Length))).AsSpan();
        try
        {
            var index = scratch[..table.Stride];
            LeafIndexes<TWidth>(table, features, index, scratch[table.Stride..]);
            ref var leaves = ref MemoryMarshal.GetArrayDataReference(table.LeafValues);
            ref var i = ref MemoryMarshal.GetReference(index);
            var trees = table.Trees;
            var sum = 0.0;
            var t = 0;
            for (; t + 4 <= trees; t += 4)
            {
                sum += Unsafe.Add(ref leaves, Unsafe.Add(ref i, t));
                sum += Unsafe.Add(ref leaves, Unsafe.Add(ref i, t + 1));
                sum += Unsafe.Add(ref leaves, Unsafe.Add(ref i, t + 2));
                sum += Unsafe.Add(ref leaves, Unsafe.Add(ref i, t + 3));
            }

            for (; t < trees; t++)
            {
                sum += Unsafe.Add(ref leaves, Unsafe.Add(ref i, t));
            }

            return sum;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Each tree's leaf (its index in the table's leaf values) for one row of <see cref="FeatureCount"/> values;
    /// <paramref name="work"/> holds at least <c>Stride + 2 * Used.Length</c> values.
    /// </summary>
    private static void LeafIndexes<TWidth>(ThresholdTable table, ReadOnlySpan<float> features, Span<int> index, Span<int> work)
        where TWidth : struct, ITableWidth
    {
        // Features and table offsets were validated or computed at construction, and callers pass FeatureCount
        // values, so the unchecked reads below stay inside the arrays.
        ref var x = ref MemoryMarshal.GetReference(features);
        ref var used = ref MemoryMarshal.GetArrayDataReference(table.Used);
        ref var thresholds = ref MemoryMarshal.GetArrayDataReference(table.Thresholds);
        ref var thresholdStart = ref MemoryMarshal.GetArrayDataReference(table.ThresholdStart);
        ref var coarse = ref MemoryMarshal.GetArrayDataReference(table.Coarse);
        ref var coarseStart = ref MemoryMarshal.GetArrayDataReference(table.CoarseStart);
        ref var coarseLength = ref MemoryMarshal.GetArrayDataReference(table.CoarseLength);
        ref var rowStart = ref MemoryMarshal.GetArrayDataReference(table.RowStart);
        ref var nanRow = ref MemoryMarshal.GetArrayDataReference(table.NanRow);
        ref var offsets = ref MemoryMarshal.GetReference(work);
        var count = table.Used.Length;
        ref var below = ref Unsafe.Add(ref offsets, count);
        ref var allowed = ref Unsafe.As<int, uint>(ref Unsafe.Add(ref below, count));
        var shift = table.Shift;
        var stride = table.Stride;
        for (var i = 0; i < count; i++)
        {
            var value = Unsafe.Add(ref x, Unsafe.Add(ref used, i));
            if (float.IsNaN(value))
            {
                Unsafe.Add(ref offsets, i) = Unsafe.Add(ref nanRow, i);
                Unsafe.Add(ref below, i) = -1;
                continue;
            }

            // The value goes right at exactly the nodes whose threshold is below it (!(x <= t) for a number).
            var n = TWidth.CountBelow(
                ref Unsafe.Add(ref coarse, Unsafe.Add(ref coarseStart, i)), Unsafe.Add(ref coarseLength, i), ref Unsafe.Add(ref thresholds, Unsafe.Add(ref thresholdStart, i)), value);
            Unsafe.Add(ref offsets, i) = Unsafe.Add(ref rowStart, i) + ((n >> shift) * stride);
            Unsafe.Add(ref below, i) = n;
        }

        TWidth.AndRows(ref MemoryMarshal.GetArrayDataReference(table.Masks), ref offsets, count, stride, ref allowed);
        if (shift > 0)
        {
            ApplyFixUps(table, ref below, ref allowed);
        }

        TWidth.LeafIndexes(ref allowed, ref MemoryMarshal.GetArrayDataReference(table.LeafBase), stride, ref MemoryMarshal.GetReference(index));
    }

    // The nodes between a row's stored interval and its own: thresholds below the value, past the last stored row.
    private static void ApplyFixUps(ThresholdTable table, ref int below, ref uint allowed)
    {
        ref var fixStart = ref MemoryMarshal.GetArrayDataReference(table.FixStart);
        ref var fixTree = ref MemoryMarshal.GetArrayDataReference(table.FixTree);
        ref var fixMask = ref MemoryMarshal.GetArrayDataReference(table.FixMask);
        var shift = table.Shift;
        for (var i = 0; i < table.Used.Length; i++)
        {
            var n = Unsafe.Add(ref below, i);
            if (n < 0)
            {
                continue;
            }

            ref var starts = ref Unsafe.Add(ref fixStart, table.FixBase[i]);
            var end = Unsafe.Add(ref starts, n);
            for (var k = Unsafe.Add(ref starts, (n >> shift) << shift); k < end; k++)
            {
                Unsafe.Add(ref allowed, Unsafe.Add(ref fixTree, k)) &= Unsafe.Add(ref fixMask, k);
            }
        }
    }

    private sealed class ThresholdTable(int trees, int stride, int shift, int[] used, int[] uniqueCount, int nodes, double[] leafValues)
    {
        public int Trees { get; } = trees;

        /// <summary>Trees rounded up to 16: the length of a table row.</summary>
        public int Stride { get; } = stride;

        /// <summary>Rows are stored for every 2^Shift-th interval.</summary>
        public int Shift { get; } = shift;

        /// <summary>The features some node reads, ascending.</summary>
        public int[] Used { get; } = used;

        /// <summary>
        /// Per used feature: its sorted distinct thresholds, padded with +Infinity to a multiple of 16 (at least one
        /// padding value, so the block after the last full one always exists).
        /// </summary>
        public float[] Thresholds { get; } = new float[uniqueCount.Sum(m => RoundUp(m + 1, TablePadding))];

        /// <summary>Per used feature: the last threshold of each block of 16, padded with +Infinity to a multiple of 16.</summary>
        public float[] Coarse { get; } = new float[uniqueCount.Sum(m => RoundUp(RoundUp(m + 1, TablePadding) / TablePadding, TablePadding))];

        public int[] CoarseStart { get; } = new int[used.Length];

        public int[] CoarseLength { get; } = new int[used.Length];

        public int[] ThresholdStart { get; } = new int[used.Length];

        public int[] ThresholdLength { get; } = new int[used.Length];

        /// <summary>Per used feature: the offset of its first row in <see cref="Masks"/>.</summary>
        public int[] RowStart { get; } = new int[used.Length];

        /// <summary>Per used feature: the offset of the row for NaN.</summary>
        public int[] NanRow { get; } = new int[used.Length];

        /// <summary>Rows of <see cref="Stride"/> masks: per tree, the leaves still allowed.</summary>
        public uint[] Masks { get; } = new uint[TableBytes(uniqueCount, shift, stride) / sizeof(uint)];

        /// <summary>Per used feature: where its entries of <see cref="FixStart"/> begin.</summary>
        public int[] FixBase { get; } = new int[used.Length];

        /// <summary>Per used feature and distinct threshold (and one past the last): its first node in the fix-up lists.</summary>
        public int[] FixStart { get; } = new int[uniqueCount.Sum() + used.Length];

        /// <summary>Nodes by feature, then threshold: the tree of each.</summary>
        public int[] FixTree { get; } = new int[nodes];

        /// <summary>Nodes by feature, then threshold: the leaves each leaves allowed when it sends a row right.</summary>
        public uint[] FixMask { get; } = new uint[nodes];

        /// <summary>Per tree (padded to <see cref="Stride"/>): its first leaf in <see cref="LeafValues"/> minus 127.</summary>
        public int[] LeafBase { get; } = new int[stride];

        /// <summary>Leaf values by tree, then left-to-right rank.</summary>
        public double[] LeafValues { get; } = leafValues;
    }
}
