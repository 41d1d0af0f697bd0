using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CsScoring.Churn.Manifest;

namespace CsScoring.Churn.Trees;

/// <summary>
/// A validated tree ensemble compiled into flat arrays: the sum of one leaf value per tree, evaluated exactly as
/// ML.NET 5.0.1 evaluates FastTree and LightGBM trees.
/// </summary>
/// <remarks>
/// <para>
/// Decision rules (those of ML.NET): a numeric node sends the row left when <c>x &lt;= threshold</c>, so NaN goes
/// right like +Infinity, unless the node carries a missing-value default (LightGBM), which then stands in for NaN;
/// a categorical node sends the row right when any of its features is &gt; 0. Leaf values are summed in tree order
/// in double precision and the sum is rounded to <see cref="float"/>, as ML.NET does, so scores match bit for bit.
/// </para>
/// <para>
/// Instances are immutable and thread-safe. Construction validates every tree (children in range, each node
/// reached exactly once from the root so no cycle can exist, leaf counts consistent, thresholds and leaf values
/// finite, feature indexes within <see cref="FeatureCount"/>); evaluation then runs without bounds checks.
/// </para>
/// </remarks>
public sealed partial class TreeEnsemble
{
    // Internal nodes of every tree, tree after tree. A child >= 0 is a node index; a child < 0 is the leaf ~child.
    internal readonly TreeNode[] Nodes;

    // Per node: the value NaN is replaced with before the comparison (NaN itself where the node has no default).
    internal readonly float[] MissingValues;

    internal readonly double[] LeafValues;

    // Per tree: its root (a node index, or ~leaf for a single-leaf tree).
    internal readonly int[] Roots;

    // Categorical splits: node.Feature = ~k, features CategoricalFeatures[CategoricalStart[k] .. CategoricalStart[k + 1]).
    internal readonly int[] CategoricalStart;
    internal readonly int[] CategoricalFeatures;

    // Per node and per leaf: how many background rows pass through it (TreeSHAP's cover); null until computed.
    internal readonly double[]? NodeCovers;
    internal readonly double[]? LeafCovers;

    // The evaluation layout: leaves then split nodes in one array, addressed from the first split node, so a split
    // node is at index n >= 0 and leaf j at index ~j < 0 (ML.NET's own child encoding), and every leaf is a node
    // whose two children are itself. Walks then need no "is it a leaf?" branch per step: several walks advance in
    // lock step until all indexes are negative (one AND of them is), and each step picks its child without a branch.
    private readonly TreeNode[] _flat;
    private readonly byte[] _nanLeft;

    internal TreeEnsemble(int featureCount, TreeNode[] nodes, float[] missingValues, double[] leafValues, int[] roots,
        int[] categoricalStart, int[] categoricalFeatures, double[]? nodeCovers, double[]? leafCovers, TreeIsa? isa = null, int tableBudgetBytes = DefaultTableBudgetBytes)
    {
        Isa = isa ?? TreeIsaSupport.Best;
        if (!TreeIsaSupport.IsSupported(Isa))
        {
            throw new PlatformNotSupportedException($"This processor cannot evaluate trees with {Isa} instructions.");
        }

        FeatureCount = featureCount;
        Nodes = nodes;
        MissingValues = missingValues;
        LeafValues = leafValues;
        Roots = roots;
        CategoricalStart = categoricalStart;
        CategoricalFeatures = categoricalFeatures;
        NodeCovers = nodeCovers;
        LeafCovers = leafCovers;
        HasCategoricalSplits = categoricalStart.Length > 1;
        foreach (var value in missingValues)
        {
            if (!float.IsNaN(value))
            {
                HasMissingDefaults = true;
                break;
            }
        }

        MaxDepth = TreeValidator.Validate(this);

        var leafCount = leafValues.Length;
        _flat = new TreeNode[leafCount + nodes.Length];
        _nanLeft = new byte[_flat.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            _flat[leafCount + i] = node;
            _nanLeft[leafCount + i] = (byte)(missingValues[i] <= node.Threshold ? 1 : 0);
        }

        for (var leaf = 0; leaf < leafCount; leaf++)
        {
            _flat[leafCount + ~leaf] = new TreeNode { Feature = 0, Threshold = 0f, Left = ~leaf, Right = ~leaf };
        }

        _quickScorer = CreateQuickScorer();
        _rowScorer = CreateRowQuickScorer();
        _table = _rowScorer is null ? CreateThresholdTable(tableBudgetBytes) : null;
        if (!HasMissingDefaults && !HasCategoricalSplits)
        {
            _rowNodes = OffsetNodes(sizeof(float));
            _columnNodes = OffsetNodes(sizeof(float) * BatchBlock);
            _rootOffsets = [.. roots.Select(r => r * NodeSize)];
        }
    }

    // The flat array's element for index 0 (the first split node); leaves sit before it.
    private ref TreeNode FlatBase => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_flat), LeafValues.Length);

    /// <summary>Compiles trees in their portable form (<see cref="PortableTrees"/>, as <c>scorer.json</c> holds them).</summary>
    /// <param name="trees">The trees.</param>
    /// <param name="featureCount">The length of the model's feature vector.</param>
    /// <returns>The validated, compiled ensemble (without covers).</returns>
    /// <exception cref="ChurnModelException">The trees fail validation (<see cref="ChurnModelError.InvalidModel"/>).</exception>
    public static TreeEnsemble FromPortable(PortableTrees trees, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(trees);
        return ChurnScorer.TreesFrom(trees, featureCount);
    }

    /// <summary>The trees in their portable form.</summary>
    /// <returns>A copy of the trees' arrays (covers are not part of it).</returns>
    public PortableTrees ToPortable() => new(
        [.. Roots],
        [.. Nodes.Select(n => n.Feature)],
        [.. Nodes.Select(n => n.Threshold)],
        [.. Nodes.Select(n => n.Left)],
        [.. Nodes.Select(n => n.Right)],
        [.. MissingValues],
        [.. LeafValues],
        [.. CategoricalStart],
        [.. CategoricalFeatures]);

    /// <summary>The widest vector instructions this instance evaluates with.</summary>
    internal TreeIsa Isa { get; }

    /// <summary>
    /// A copy of this ensemble that evaluates with at most the given instructions and, for single rows without
    /// AVX-512, a feature-interval table of at most the given size (so tests can run every path).
    /// </summary>
    internal TreeEnsemble WithIsa(TreeIsa isa, int tableBudgetBytes = DefaultTableBudgetBytes)
        => new(FeatureCount, Nodes, MissingValues, LeafValues, Roots, CategoricalStart, CategoricalFeatures, NodeCovers, LeafCovers, isa, tableBudgetBytes);

    /// <summary>The length of the feature vector the trees read.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of trees.</summary>
    public int TreeCount => Roots.Length;

    /// <summary>The number of split nodes over all trees.</summary>
    public int NodeCount => Nodes.Length;

    /// <summary>The number of leaves over all trees.</summary>
    public int LeafCount => LeafValues.Length;

    /// <summary>The largest number of splits from a root to a leaf.</summary>
    public int MaxDepth { get; }

    /// <summary>Whether some node is a categorical split (a set of features, any of them &gt; 0 goes right).</summary>
    public bool HasCategoricalSplits { get; }

    /// <summary>Whether some node replaces NaN by a default value (LightGBM's missing-value handling).</summary>
    public bool HasMissingDefaults { get; }

    /// <summary>Whether node covers (counts of background rows per node) are known, as TreeSHAP needs.</summary>
    public bool HasCovers => NodeCovers is not null;

    /// <summary>
    /// The ensemble's raw score for one row: the sum of the trees' leaf values, rounded to <see cref="float"/>
    /// (ML.NET's <c>Score</c> column, before any calibration).
    /// </summary>
    /// <param name="features">The feature vector; NaN and infinities are allowed.</param>
    /// <returns>The raw score.</returns>
    /// <exception cref="ArgumentException"><paramref name="features"/> does not have <see cref="FeatureCount"/> values.</exception>
    /// <remarks>Allocation-free and thread-safe.</remarks>
    public float Score(ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureCount)
        {
            ThrowHelper.WrongLength(nameof(features), FeatureCount, features.Length);
        }

        return (float)Sum(features);
    }

    /// <summary>
    /// The raw scores of many rows: with vector instructions (AVX-512, AVX2, SSE or NEON), QuickScorer over
    /// feature-major blocks of 64 rows; otherwise, or for categorical splits or trees over 32 leaves, tree by tree
    /// over blocks of rows.
    /// </summary>
    /// <param name="rowMajor">The rows one after another, <see cref="FeatureCount"/> values each.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="scores">Receives one score per row.</param>
    /// <exception cref="ArgumentException">The lengths do not match <paramref name="rows"/>.</exception>
    public void ScoreBatch(ReadOnlySpan<float> rowMajor, int rows, Span<float> scores)
    {
        CheckBatch(rowMajor, rows, scores.Length, FeatureCount);
        ScoreBatchCore(rowMajor, rows, scores);
    }

    /// <summary>
    /// A copy of this ensemble whose node covers count the background rows that pass through each node, as exact
    /// TreeSHAP needs (Lundberg et al. 2018 weight each branch by its share of the training data).
    /// </summary>
    /// <param name="backgroundRowMajor">Representative rows (usually the training rows), <see cref="FeatureCount"/> values each.</param>
    /// <param name="rows">The number of rows; at least 1.</param>
    /// <returns>The ensemble with covers; the trees and scores are unchanged.</returns>
    /// <exception cref="ArgumentException">The lengths do not match or <paramref name="rows"/> is 0.</exception>
    public TreeEnsemble WithCovers(ReadOnlySpan<float> backgroundRowMajor, int rows)
    {
        CheckBatch(backgroundRowMajor, rows, rows, FeatureCount);
        if (rows == 0)
        {
            throw new ArgumentException("At least one background row is needed to compute covers.", nameof(rows));
        }

        var counts = new double[LeafValues.Length];
        CountLeaves(backgroundRowMajor, [.. Enumerable.Range(0, rows)], counts);
        var nodeCovers = new double[Nodes.Length];
        var leafCovers = new double[LeafValues.Length];
        AddLeafCounts(counts, nodeCovers, leafCovers);
        return WithCovers(nodeCovers, leafCovers);
    }

    /// <summary>A copy of this ensemble with the given covers (validated: one per node and per leaf, finite, &gt;= 0).</summary>
    internal TreeEnsemble WithCovers(double[] nodeCovers, double[] leafCovers)
        => new(FeatureCount, Nodes, MissingValues, LeafValues, Roots, CategoricalStart, CategoricalFeatures, nodeCovers, leafCovers, Isa);

    internal double Sum(ReadOnlySpan<float> features)
    {
        if (_rowScorer is not null)
        {
            return SumRowQuickScorer(features);
        }

        if (_table is not null)
        {
            return SumThresholdTable(features);
        }

        if (HasCategoricalSplits)
        {
            return HasMissingDefaults ? SumCore<Full>(features) : SumCore<CategoricalOnly>(features);
        }

        return HasMissingDefaults ? SumCore<MissingOnly>(features) : SumCore<Plain>(features);
    }

    internal void ScoreBatchCore(ReadOnlySpan<float> rowMajor, int rows, Span<float> scores)
    {
        // QuickScorer over feature-major blocks; with AVX-512 too, where 8-lane compares of 64-row blocks beat the
        // row QuickScorer's two rows at a time.
        if (_quickScorer is not null && Isa != TreeIsa.Scalar)
        {
            if (Isa == TreeIsa.Vector128)
            {
                ScoreRowsBlockQuickScorer<Block128>(rowMajor, rows, scores);
            }
            else
            {
                ScoreRowsBlockQuickScorer<Block256>(rowMajor, rows, scores);
            }

            return;
        }

        if (HasCategoricalSplits)
        {
            if (HasMissingDefaults)
            {
                BatchCore<Full>(rowMajor, rows, scores);
            }
            else
            {
                BatchCore<CategoricalOnly>(rowMajor, rows, scores);
            }
        }
        else if (HasMissingDefaults)
        {
            BatchCore<MissingOnly>(rowMajor, rows, scores);
        }
        else
        {
            BatchCore<Plain>(rowMajor, rows, scores);
        }
    }

    /// <summary>Whether a row goes to the left child of a node (the one rule used by scoring and by TreeSHAP).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool GoesLeft(int node, ReadOnlySpan<float> features)
    {
        ref readonly var n = ref Nodes[node];
        if (n.Feature < 0)
        {
            return !AnyPositive(~n.Feature, node, ref MemoryMarshal.GetReference(features), 1);
        }

        var value = features[n.Feature];
        if (float.IsNaN(value))
        {
            value = MissingValues[node];
        }

        return value <= n.Threshold;
    }

    // Eight trees walk side by side for one row, so their independent chains of loads overlap; leaf values are
    // still added in tree order, which keeps the sum bit-identical to ML.NET's.
    private double SumCore<TMode>(ReadOnlySpan<float> features)
        where TMode : struct, IEvaluationMode
    {
        ref var x = ref MemoryMarshal.GetReference(features);
        ref var flat = ref FlatBase;
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(LeafValues);
        ref var roots = ref MemoryMarshal.GetArrayDataReference(Roots);
        var trees = Roots.Length;
        if (_rowNodes is not null && features.Length <= MaxStackFeatures)
        {
            return SumPlain(features);
        }

        var sum = 0.0;
        var t = 0;
        for (; t + 8 <= trees; t += 8)
        {
            ref var r = ref Unsafe.Add(ref roots, t);
            int n0 = r, n1 = Unsafe.Add(ref r, 1), n2 = Unsafe.Add(ref r, 2), n3 = Unsafe.Add(ref r, 3);
            int n4 = Unsafe.Add(ref r, 4), n5 = Unsafe.Add(ref r, 5), n6 = Unsafe.Add(ref r, 6), n7 = Unsafe.Add(ref r, 7);
            while ((n0 & n1 & n2 & n3 & n4 & n5 & n6 & n7) >= 0)
            {
                n0 = Step<TMode>(ref flat, n0, ref x);
                n1 = Step<TMode>(ref flat, n1, ref x);
                n2 = Step<TMode>(ref flat, n2, ref x);
                n3 = Step<TMode>(ref flat, n3, ref x);
                n4 = Step<TMode>(ref flat, n4, ref x);
                n5 = Step<TMode>(ref flat, n5, ref x);
                n6 = Step<TMode>(ref flat, n6, ref x);
                n7 = Step<TMode>(ref flat, n7, ref x);
            }

            sum += Unsafe.Add(ref leaves, ~n0);
            sum += Unsafe.Add(ref leaves, ~n1);
            sum += Unsafe.Add(ref leaves, ~n2);
            sum += Unsafe.Add(ref leaves, ~n3);
            sum += Unsafe.Add(ref leaves, ~n4);
            sum += Unsafe.Add(ref leaves, ~n5);
            sum += Unsafe.Add(ref leaves, ~n6);
            sum += Unsafe.Add(ref leaves, ~n7);
        }

        for (; t < trees; t++)
        {
            var n = Unsafe.Add(ref roots, t);
            while (n >= 0)
            {
                n = Step<TMode>(ref flat, n, ref x);
            }

            sum += Unsafe.Add(ref leaves, ~n);
        }

        return sum;
    }

    // Tree by tree over a block of rows: one tree's nodes stay in cache while the block's rows walk it. The block is
    // first transposed (feature-major), so eight rows walking side by side read their values from one base address
    // plus a constant, and their independent loads overlap without running out of registers.
    private void BatchCore<TMode>(ReadOnlySpan<float> rowMajor, int rows, Span<float> scores)
        where TMode : struct, IEvaluationMode
    {
        const int Block = BatchBlock;
        var width = FeatureCount;
        Span<double> sums = stackalloc double[Block];
        float[]? rented = null;
        var columns = width * Block <= 4096 ? stackalloc float[width * Block] : (rented = ArrayPool<float>.Shared.Rent(width * Block)).AsSpan(0, width * Block);
        try
        {
            ref var flat = ref FlatBase;
            ref var leaves = ref MemoryMarshal.GetArrayDataReference(LeafValues);
            for (var start = 0; start < rows; start += Block)
            {
                var count = Math.Min(Block, rows - start);
                var block = rowMajor.Slice(start * width, count * width);
                for (var r = 0; r < count; r++)
                {
                    for (var f = 0; f < width; f++)
                    {
                        var value = block[(r * width) + f];

                        // Where no node has a missing-value default, NaN goes right everywhere, as +Infinity does
                        // against finite thresholds; the plain path then needs no NaN test.
                        columns[(f * Block) + r] = _columnNodes is not null && float.IsNaN(value) ? float.PositiveInfinity : value;
                    }
                }

                sums.Clear();
                if (_columnNodes is not null)
                {
                    BlockPlain(columns, count, sums);
                    for (var r = 0; r < count; r++)
                    {
                        scores[start + r] = (float)sums[r];
                    }

                    continue;
                }

                ref var sum = ref MemoryMarshal.GetReference(sums);
                ref var x = ref MemoryMarshal.GetReference(columns);
                foreach (var root in Roots)
                {
                    var r = 0;
                    for (; r + 8 <= count; r += 8)
                    {
                        ref var x0 = ref Unsafe.Add(ref x, r);
                        int n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root;
                        while ((n0 & n1 & n2 & n3 & n4 & n5 & n6 & n7) >= 0)
                        {
                            n0 = StepColumn<TMode>(ref flat, n0, ref x0, Block);
                            n1 = StepColumn<TMode>(ref flat, n1, ref Unsafe.Add(ref x0, 1), Block);
                            n2 = StepColumn<TMode>(ref flat, n2, ref Unsafe.Add(ref x0, 2), Block);
                            n3 = StepColumn<TMode>(ref flat, n3, ref Unsafe.Add(ref x0, 3), Block);
                            n4 = StepColumn<TMode>(ref flat, n4, ref Unsafe.Add(ref x0, 4), Block);
                            n5 = StepColumn<TMode>(ref flat, n5, ref Unsafe.Add(ref x0, 5), Block);
                            n6 = StepColumn<TMode>(ref flat, n6, ref Unsafe.Add(ref x0, 6), Block);
                            n7 = StepColumn<TMode>(ref flat, n7, ref Unsafe.Add(ref x0, 7), Block);
                        }

                        ref var s0 = ref Unsafe.Add(ref sum, r);
                        s0 += Unsafe.Add(ref leaves, ~n0);
                        Unsafe.Add(ref s0, 1) += Unsafe.Add(ref leaves, ~n1);
                        Unsafe.Add(ref s0, 2) += Unsafe.Add(ref leaves, ~n2);
                        Unsafe.Add(ref s0, 3) += Unsafe.Add(ref leaves, ~n3);
                        Unsafe.Add(ref s0, 4) += Unsafe.Add(ref leaves, ~n4);
                        Unsafe.Add(ref s0, 5) += Unsafe.Add(ref leaves, ~n5);
                        Unsafe.Add(ref s0, 6) += Unsafe.Add(ref leaves, ~n6);
                        Unsafe.Add(ref s0, 7) += Unsafe.Add(ref leaves, ~n7);
                    }

                    for (; r < count; r++)
                    {
                        var n = root;
                        while (n >= 0)
                        {
                            n = StepColumn<TMode>(ref flat, n, ref Unsafe.Add(ref x, r), Block);
                        }

                        Unsafe.Add(ref sum, r) += Unsafe.Add(ref leaves, ~n);
                    }
                }

                var destination = scores.Slice(start, count);
                for (var r = 0; r < count; r++)
                {
                    destination[r] = (float)sums[r];
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    // A step for a row stored feature-major: feature f of the row is at x[f * stride].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StepColumn<TMode>(ref TreeNode flat, int index, ref float x, int stride)
        where TMode : struct, IEvaluationMode
    {
        ref var node = ref Unsafe.Add(ref flat, index);
        if (TMode.Categorical && node.Feature < 0)
        {
            return AnyPositive(~node.Feature, index, ref x, stride) ? node.Right : node.Left;
        }

        var value = Unsafe.Add(ref x, node.Feature * stride);
        int right = Unsafe.BitCast<bool, byte>(!(value <= node.Threshold));
        if (TMode.Missing)
        {
            right &= ~(Unsafe.BitCast<bool, byte>(float.IsNaN(value)) & NanLeft(index));
        }

        return Unsafe.Add(ref node.Left, right);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte NanLeft(int index) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_nanLeft), LeafValues.Length + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Step<TMode>(ref TreeNode flat, int index, ref float x)
        where TMode : struct, IEvaluationMode
    {
        // Indexes were validated at construction (features < FeatureCount, children in range, leaves loop on
        // themselves), and callers pass rows of FeatureCount values, so the unchecked reads stay inside the arrays.
        ref var node = ref Unsafe.Add(ref flat, index);
        if (TMode.Categorical && node.Feature < 0)
        {
            return AnyPositive(~node.Feature, index, ref x, 1) ? node.Right : node.Left;
        }

        var value = Unsafe.Add(ref x, node.Feature);

        // Right unless x <= threshold (so NaN goes right), or NaN where the node's default sends it left. The
        // comparisons become 0/1 values, not branches: a random row would mispredict half of them.
        int right = Unsafe.BitCast<bool, byte>(!(value <= node.Threshold));
        if (TMode.Missing)
        {
            right &= ~(Unsafe.BitCast<bool, byte>(float.IsNaN(value)) & NanLeft(index));
        }

        return Unsafe.Add(ref node.Left, right);
    }

    private bool AnyPositive(int categorical, int node, ref float x, int stride)
    {
        var missing = MissingValues[node];
        for (var i = CategoricalStart[categorical]; i < CategoricalStart[categorical + 1]; i++)
        {
            var value = Unsafe.Add(ref x, CategoricalFeatures[i] * stride);
            if (float.IsNaN(value))
            {
                value = missing;
            }

            if (value > 0f)
            {
                return true;
            }
        }

        return false;
    }

    internal static void CheckBatch(ReadOnlySpan<float> rowMajor, int rows, int outputs, int width)
    {
        if (rows < 0)
        {
            ThrowNegativeRows(rows);
        }

        if (rowMajor.Length != (long)rows * width)
        {
            ThrowHelper.WrongLength(nameof(rowMajor), (long)rows * width, rowMajor.Length);
        }

        if (outputs < rows)
        {
            ThrowHelper.DestinationTooShort("destination", rows, outputs);
        }
    }

    [DoesNotReturn]
    private static void ThrowNegativeRows(int rows)
        => throw new ArgumentOutOfRangeException(nameof(rows), rows, "The number of rows must be >= 0.");

    internal interface IEvaluationMode
    {
        static abstract bool Categorical { get; }

        static abstract bool Missing { get; }
    }

    private readonly struct Plain : IEvaluationMode
    {
        public static bool Categorical => false;

        public static bool Missing => false;
    }

    private readonly struct MissingOnly : IEvaluationMode
    {
        public static bool Categorical => false;

        public static bool Missing => true;
    }

    private readonly struct CategoricalOnly : IEvaluationMode
    {
        public static bool Categorical => true;

        public static bool Missing => false;
    }

    private readonly struct Full : IEvaluationMode
    {
        public static bool Categorical => true;

        public static bool Missing => true;
    }
}

/// <summary>One split node: 16 bytes, so four share a cache line.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TreeNode
{
    public float Threshold;

    /// <summary>The feature index, or <c>~k</c> for the k-th categorical split.</summary>
    public int Feature;

    public int Left;

    public int Right;
}
