using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CsScoring.Churn.Trees;

namespace CsScoring.Churn.Explain;

/// <summary>
/// Exact SHAP values of a tree ensemble's raw score (log-odds for churn models) by the polynomial-time TreeSHAP
/// algorithm of Lundberg, Erion and Lee (2018, "Consistent individualized feature attribution for tree
/// ensembles", Algorithm 2), over the compiled trees, with each small tree's answers tabulated once.
/// </summary>
/// <remarks>
/// <para>
/// Each branch is weighted by its share of the background rows that reached its parent (the node covers, see
/// <see cref="TreeEnsemble.WithCovers(ReadOnlySpan{float}, int)"/>); a node no background row reached splits its weight
/// evenly. For every row, <c>sum(contributions) + ExpectedValue</c> equals the ensemble's raw score up to floating
/// rounding (about 1e-12 in double precision).
/// </para>
/// <para>
/// A tree's contributions depend on a row only through the side each split sends it to, and the splits on one
/// feature only through the interval of that feature's thresholds the value falls in (plus NaN where a split has a
/// missing-value default). So for every tree whose intervals combine into at most 4,096 patterns, the contributions
/// of every pattern are computed once, on first use, by Algorithm 2 itself; explaining a row then costs one
/// comparison per distinct threshold and one addition per feature of the tree, instead of Algorithm 2's O(L·D²) per
/// tree (the default 200-tree, 8-leaf models have at most 128 patterns per tree). The tables take at most 64 MiB and
/// 2^20 patterns in all; larger trees, and trees with categorical splits, run Algorithm 2 per row. Either way a
/// row's contributions are the sum, in tree order, of each tree's contributions, so they do not depend on which
/// trees are tabulated; they differ from adding every leaf's share straight into the total only in the order of
/// the floating additions (below 1e-12).
/// </para>
/// <para>
/// A categorical split depends on several features; its effect is credited to the first of its features that is
/// &gt; 0 in the row (the one that sends the row right), else to the first of its features, so contributions still
/// add up. Models trained by CsScoring use one-hot features and have no categorical splits.
/// </para>
/// <para>
/// Immutable and thread-safe (the tables are built once, by the first call that needs them);
/// <see cref="Explain(ReadOnlySpan{float}, Span{float})"/> allocates nothing after that first call.
/// </para>
/// </remarks>
public sealed class TreeShap
{
    /// <summary>The most patterns one tree's table may have.</summary>
    internal const int MaxPatternsPerTree = 4096;

    /// <summary>The most patterns all tables together may have (bounds the time to build them).</summary>
    internal const int MaxTabulatedPatterns = 1 << 20;

    /// <summary>The most memory all tables together may take.</summary>
    internal const long DefaultTableBudgetBytes = 64L << 20;

    private const int StackFeatureLimit = 512;

    // 1/k for every path length a valid tree can have, so the inner loops multiply instead of divide.
    private static readonly double[] s_inverse = CreateInverses(TreeValidator.MaxSupportedDepth + 4);
    private readonly TreeEnsemble _ensemble;
    private readonly int _pathCapacity;
    private readonly long _tableBudgetBytes;
    private Tables? _tables;

    /// <summary>Prepares TreeSHAP for an ensemble that has covers.</summary>
    /// <param name="ensemble">The trees, with <see cref="TreeEnsemble.HasCovers"/>.</param>
    /// <exception cref="ArgumentException">The ensemble has no covers.</exception>
    public TreeShap(TreeEnsemble ensemble)
        : this(ensemble, DefaultTableBudgetBytes)
    {
    }

    // A budget of 0 tabulates nothing: every tree runs Algorithm 2 per row (the reference the tables are tested against).
    internal TreeShap(TreeEnsemble ensemble, long tableBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        if (!ensemble.HasCovers)
        {
            throw new ArgumentException("TreeSHAP needs node covers: build the ensemble with WithCovers(background rows).", nameof(ensemble));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(tableBudgetBytes);
        _ensemble = ensemble;
        _tableBudgetBytes = tableBudgetBytes;
        var depth = ensemble.MaxDepth + 3;
        _pathCapacity = depth * (depth + 1) / 2;
        var expected = 0.0;
        for (var t = 0; t < ensemble.TreeCount; t++)
        {
            expected += ExpectedValueOf(ensemble.Roots[t]);
        }

        ExpectedValue = expected;
    }

    /// <summary>The ensemble's mean raw score over the background rows: the base the contributions start from.</summary>
    public double ExpectedValue { get; }

    /// <summary>The number of features (the length of the rows and of the contributions).</summary>
    public int FeatureCount => _ensemble.FeatureCount;

    /// <summary>The compiled trees explained.</summary>
    public TreeEnsemble Ensemble => _ensemble;

    /// <summary>How many trees are explained from their tables (the others run Algorithm 2 per row).</summary>
    internal int TabulatedTrees => GetTables().TabulatedTrees;

    /// <summary>The memory the tables take, in bytes.</summary>
    internal long TableBytes => GetTables().Bytes;

    /// <summary>Computes each feature's contribution to one row's raw score.</summary>
    /// <param name="features">The row; NaN and infinities are evaluated as in scoring.</param>
    /// <param name="contributions">Receives one contribution per feature (overwritten).</param>
    /// <returns>The expected value: <c>sum(contributions) + expected value = raw score</c>.</returns>
    /// <exception cref="ArgumentException">A span is not <see cref="FeatureCount"/> long.</exception>
    public double Explain(ReadOnlySpan<float> features, Span<float> contributions)
    {
        CheckLengths(features, contributions.Length);
        using var owner = FeatureCount <= StackFeatureLimit ? default : ScratchBuffer<double>.Rent(FeatureCount);
        var phi = owner.IsRented ? owner.Span : stackalloc double[FeatureCount];
        ExplainCore(features, phi);
        for (var i = 0; i < phi.Length; i++)
        {
            contributions[i] = (float)phi[i];
        }

        return ExpectedValue;
    }

    /// <summary>
    /// Computes the contributions of several rows at once: the same numbers as <see cref="Explain(ReadOnlySpan{float}, Span{float})"/>
    /// row by row, computed tree by tree over blocks of rows so each tree's table is read from cache for the whole
    /// block instead of once per row (a portfolio's other work between two rows evicts the tables).
    /// </summary>
    /// <param name="rows">The rows, one after another, <see cref="FeatureCount"/> values each.</param>
    /// <param name="contributions">Receives <see cref="FeatureCount"/> contributions per row, in the rows' order.</param>
    /// <returns>The expected value.</returns>
    /// <exception cref="ArgumentException">The rows are not whole, or the contributions not as long as the rows.</exception>
    /// <remarks>Allocation-free after the tables are built (scratch comes from the shared array pool).</remarks>
    public double ExplainBatch(ReadOnlySpan<float> rows, Span<float> contributions) => ExplainBatch(rows, contributions, vectorized: true);

    // vectorized: false takes the scalar path on any CPU (the path of CPUs without AVX2), so tests reach both.
    internal double ExplainBatch(ReadOnlySpan<float> rows, Span<float> contributions, bool vectorized)
    {
        var width = FeatureCount;
        if (width == 0 || rows.Length % width != 0)
        {
            throw new ArgumentException($"Expected whole rows of {width} features, got {rows.Length} values.", nameof(rows));
        }

        if (contributions.Length != rows.Length)
        {
            ThrowHelper.WrongLength(nameof(contributions), rows.Length, contributions.Length);
        }

        var tables = GetTables();
        var count = rows.Length / width;
        if (tables.TabulatedTrees < _ensemble.TreeCount)
        {
            for (var r = 0; r < count; r++)
            {
                Explain(rows.Slice(r * width, width), contributions.Slice(r * width, width));
            }

            return ExpectedValue;
        }

        const int BlockRows = 64;
        var block = Math.Min(count, BlockRows);
        if (vectorized && Avx2.IsSupported)
        {
            ExplainBatchAvx2(tables, rows, contributions, count, block);
            return ExpectedValue;
        }

        using var phiOwner = ScratchBuffer<double>.Rent(block * width);
        using var rightOwner = ScratchBuffer<float>.Rent(block * width);
        var phi = phiOwner.Span;
        var right = rightOwner.Span;
        ref var trees = ref MemoryMarshal.GetArrayDataReference(tables.Trees);
        ref var entries = ref MemoryMarshal.GetArrayDataReference(tables.Entries);
        ref var values = ref MemoryMarshal.GetArrayDataReference(tables.Values);
        ref var treeFeatures = ref MemoryMarshal.GetArrayDataReference(tables.Features);
        for (var start = 0; start < count; start += block)
        {
            var n = Math.Min(block, count - start);
            var x = rows.Slice(start * width, n * width);
            phi[..x.Length].Clear();
            for (var i = 0; i < x.Length; i++)
            {
                right[i] = float.IsNaN(x[i]) ? float.PositiveInfinity : x[i];
            }

            ref var r0 = ref MemoryMarshal.GetReference(right);
            ref var x0 = ref MemoryMarshal.GetReference(x);
            ref var total0 = ref MemoryMarshal.GetReference(phi);
            for (var t = 0; t < tables.Trees.Length; t++)
            {
                ref readonly var tree = ref Unsafe.Add(ref trees, t);
                for (int r = 0, offset = 0; r < n; r++, offset += width)
                {
                    AddPattern(in tree, ref entries, ref values, ref treeFeatures, ref Unsafe.Add(ref r0, offset), ref Unsafe.Add(ref x0, offset), ref Unsafe.Add(ref total0, offset));
                }
            }

            var output = contributions.Slice(start * width, n * width);
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = (float)phi[i];
            }
        }

        return ExpectedValue;
    }

    // Eight rows at a time per tree: the block is transposed (feature-major), so each threshold is one compare of eight
    // values, the eight rows' patterns index the table through gathers, and each contribution is added to eight rows'
    // totals at once. Every lane does the scalar path's operations on its row, in the same order (a double addition
    // per tree and feature, trees in order), so the bits are the same.
    private unsafe void ExplainBatchAvx2(Tables tables, ReadOnlySpan<float> rows, Span<float> contributions, int count, int block)
    {
        const int Lanes = 8;
        var width = FeatureCount;
        var stride = (block + Lanes - 1) / Lanes * Lanes;
        using var rightOwner = ScratchBuffer<float>.Rent(width * stride);
        using var nanOwner = ScratchBuffer<int>.Rent(width * stride);
        using var phiOwner = ScratchBuffer<double>.Rent(width * stride);
        var rightT = rightOwner.Span;
        var nanT = nanOwner.Span;
        var phiT = phiOwner.Span;
        fixed (float* right = rightT)
        fixed (int* nan = nanT)
        fixed (double* phi = phiT)
        fixed (double* values = tables.Values)
        fixed (SplitEntry* entries = tables.Entries)
        fixed (int* treeFeatures = tables.Features)
        {
            for (var start = 0; start < count; start += block)
            {
                var n = Math.Min(block, count - start);
                var groups = (n + Lanes - 1) / Lanes * Lanes;

                // Lanes past the last row read zeros: a valid pattern whose sums are never copied out.
                rightT.Clear();
                nanT.Clear();
                phiT.Clear();
                var x = rows.Slice(start * width, n * width);
                for (var r = 0; r < n; r++)
                {
                    for (var f = 0; f < width; f++)
                    {
                        var value = x[(r * width) + f];
                        var isNan = float.IsNaN(value);
                        right[(f * stride) + r] = isNan ? float.PositiveInfinity : value;
                        nan[(f * stride) + r] = isNan ? -1 : 0;
                    }
                }

                for (var t = 0; t < tables.Trees.Length; t++)
                {
                    var tree = tables.Trees[t];
                    var table = values + tree.ValueStart;
                    var treeWidth = tree.FeatureEnd - tree.FeatureStart;
                    var rowWidth = Vector256.Create(treeWidth);
                    for (var g = 0; g < groups; g += Lanes)
                    {
                        var pattern = Vector256<int>.Zero;
                        for (var e = tree.EntryStart; e < tree.NanStart; e++)
                        {
                            var entry = entries[e];
                            var past = Avx.CompareGreaterThan(Avx.LoadVector256(right + (entry.Feature * stride) + g), Vector256.Create(entry.Threshold));
                            pattern = Avx2.Add(pattern, Avx2.And(past.AsInt32(), Vector256.Create(entry.Stride)));
                        }

                        for (var e = tree.NanStart; e < tree.EntryEnd; e++)
                        {
                            var entry = entries[e];
                            pattern = Avx2.Add(pattern, Avx2.And(Avx.LoadVector256(nan + (entry.Feature * stride) + g), Vector256.Create(entry.Stride)));
                        }

                        var index = Avx2.MultiplyLow(pattern, rowWidth);
                        var low = index.GetLower();
                        var high = index.GetUpper();
                        for (var u = 0; u < treeWidth; u++)
                        {
                            var total = phi + (treeFeatures[tree.FeatureStart + u] * stride) + g;
                            Avx.Store(total, Avx.Add(Avx.LoadVector256(total), Avx2.GatherVector256(table + u, low, 8)));
                            Avx.Store(total + 4, Avx.Add(Avx.LoadVector256(total + 4), Avx2.GatherVector256(table + u, high, 8)));
                        }
                    }
                }

                var output = contributions.Slice(start * width, n * width);
                for (var r = 0; r < n; r++)
                {
                    for (var f = 0; f < width; f++)
                    {
                        output[(r * width) + f] = (float)phi[(f * stride) + r];
                    }
                }
            }
        }
    }

    /// <summary>Computes each feature's contribution in double precision.</summary>
    /// <param name="features">The row.</param>
    /// <param name="contributions">Receives one contribution per feature (overwritten).</param>
    /// <returns>The expected value.</returns>
    /// <exception cref="ArgumentException">A span is not <see cref="FeatureCount"/> long.</exception>
    public double Explain(ReadOnlySpan<float> features, Span<double> contributions)
    {
        CheckLengths(features, contributions.Length);
        ExplainCore(features, contributions);
        return ExpectedValue;
    }

    private void CheckLengths(ReadOnlySpan<float> features, int contributions)
    {
        if (features.Length != FeatureCount)
        {
            ThrowHelper.WrongLength(nameof(features), FeatureCount, features.Length);
        }

        if (contributions != FeatureCount)
        {
            ThrowHelper.WrongLength(nameof(contributions), FeatureCount, contributions);
        }
    }

    private Tables GetTables() => Volatile.Read(ref _tables) ?? BuildTables();

    private void ExplainCore(ReadOnlySpan<float> features, Span<double> phi)
    {
        phi.Clear();
        var tables = GetTables();
        using var owner = FeatureCount <= StackFeatureLimit ? default : ScratchBuffer<float>.Rent(FeatureCount);
        var right = owner.IsRented ? owner.Span : stackalloc float[FeatureCount];
        for (var f = 0; f < right.Length; f++)
        {
            var value = features[f];
            right[f] = float.IsNaN(value) ? float.PositiveInfinity : value;
        }

        if (tables.TabulatedTrees < _ensemble.TreeCount)
        {
            ExplainMixed(tables, features, right, phi);
            return;
        }

        ref var trees = ref MemoryMarshal.GetArrayDataReference(tables.Trees);
        ref var entries = ref MemoryMarshal.GetArrayDataReference(tables.Entries);
        ref var values = ref MemoryMarshal.GetArrayDataReference(tables.Values);
        ref var treeFeatures = ref MemoryMarshal.GetArrayDataReference(tables.Features);
        ref var r = ref MemoryMarshal.GetReference(right);
        ref var x = ref MemoryMarshal.GetReference(features);
        ref var total = ref MemoryMarshal.GetReference(phi);
        for (var t = 0; t < tables.Trees.Length; t++)
        {
            AddPattern(in Unsafe.Add(ref trees, t), ref entries, ref values, ref treeFeatures, ref r, ref x, ref total);
        }
    }

    // Trees over the tables' limits run Algorithm 2 into a per-tree scratch vector that is then added like a table row,
    // so every tree reaches the total through the same single addition per feature.
    private void ExplainMixed(Tables tables, ReadOnlySpan<float> features, Span<float> right, Span<double> phi)
    {
        using var treeOwner = FeatureCount <= StackFeatureLimit ? default : ScratchBuffer<double>.Rent(FeatureCount);
        var treePhi = treeOwner.IsRented ? treeOwner.Span : stackalloc double[FeatureCount];
        treePhi.Clear();
        using var pathOwner = _pathCapacity <= 1024 ? default : ScratchBuffer<PathElement>.Rent(_pathCapacity);
        var path = pathOwner.IsRented ? pathOwner.Span : stackalloc PathElement[_pathCapacity];
        ref var entries = ref MemoryMarshal.GetArrayDataReference(tables.Entries);
        ref var values = ref MemoryMarshal.GetArrayDataReference(tables.Values);
        ref var treeFeatures = ref MemoryMarshal.GetArrayDataReference(tables.Features);
        ref var r = ref MemoryMarshal.GetReference(right);
        ref var x = ref MemoryMarshal.GetReference(features);
        ref var total = ref MemoryMarshal.GetReference(phi);
        for (var t = 0; t < tables.Trees.Length; t++)
        {
            ref readonly var tree = ref tables.Trees[t];
            if (tree.ValueStart >= 0)
            {
                AddPattern(in tree, ref entries, ref values, ref treeFeatures, ref r, ref x, ref total);
                continue;
            }

            Recurse(_ensemble.Roots[t], features, treePhi, path, 0, 0, 1, 1, -1);
            for (var u = tree.FeatureStart; u < tree.FeatureEnd; u++)
            {
                var feature = tables.Features[u];
                phi[feature] += treePhi[feature];
                treePhi[feature] = 0;
            }
        }
    }

    // One tree from its table. The row's pattern is a mixed-radix number whose digit for a feature counts the tree's
    // thresholds on it that send the value right, plus one for NaN where a split on it has a missing-value default;
    // each threshold is one entry that adds its feature's stride, so the pattern takes one loop without branches
    // (`right` holds the row with NaN as +Infinity, which every finite threshold sends right as scoring sends NaN).
    // The table's row for the pattern is then added to the total. Indexes were validated when the table was built.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPattern(in TreeTable tree, ref SplitEntry entries, ref double values, ref int treeFeatures,
        ref float right, ref float x, ref double total)
    {
        var pattern = 0;
        for (var e = tree.EntryStart; e < tree.NanStart; e++)
        {
            ref readonly var entry = ref Unsafe.Add(ref entries, e);
            pattern += (Unsafe.Add(ref right, entry.Feature) > entry.Threshold ? 1 : 0) * entry.Stride;
        }

        for (var e = tree.NanStart; e < tree.EntryEnd; e++)
        {
            ref readonly var entry = ref Unsafe.Add(ref entries, e);
            pattern += (float.IsNaN(Unsafe.Add(ref x, entry.Feature)) ? 1 : 0) * entry.Stride;
        }

        var width = tree.FeatureEnd - tree.FeatureStart;
        ref var row = ref Unsafe.Add(ref values, tree.ValueStart + (pattern * width));
        ref var features = ref Unsafe.Add(ref treeFeatures, tree.FeatureStart);
        for (var u = 0; u < width; u++)
        {
            Unsafe.Add(ref total, Unsafe.Add(ref features, u)) += Unsafe.Add(ref row, u);
        }
    }

    private Tables BuildTables()
    {
        var built = new TableBuilder(this).Build();
        return Interlocked.CompareExchange(ref _tables, built, null) ?? built;
    }

    private double ExpectedValueOf(int reference)
    {
        if (reference < 0)
        {
            return _ensemble.LeafValues[~reference];
        }

        var node = _ensemble.Nodes[reference];
        var left = Fraction(node.Left, node.Right);
        return (left * ExpectedValueOf(node.Left)) + ((1 - left) * ExpectedValueOf(node.Right));
    }

    // The share of a node's weight that goes to `child`: its cover over the two children's (even when no
    // background row reached the node), so shares always add to one and the contributions add up.
    private double Fraction(int child, int sibling)
    {
        var childCover = Cover(child);
        var total = childCover + Cover(sibling);
        return total > 0 ? childCover / total : 0.5;
    }

    private double Cover(int reference)
        => reference >= 0 ? _ensemble.NodeCovers![reference] : _ensemble.LeafCovers![~reference];

    private void Recurse(int reference, ReadOnlySpan<float> features, Span<double> phi, Span<PathElement> arena,
        int offset, int uniqueDepth, double parentZero, double parentOne, int parentFeature)
    {
        // This level's path lives after the parent's; it starts as a copy of it, extended by the parent's split.
        var parentOffset = offset;
        offset = parentOffset + uniqueDepth + 1;
        var path = arena[offset..];
        if (uniqueDepth > 0)
        {
            arena.Slice(parentOffset, uniqueDepth + 1).CopyTo(path);
        }

        Extend(path, uniqueDepth, parentZero, parentOne, parentFeature);
        if (reference < 0)
        {
            var value = _ensemble.LeafValues[~reference];
            for (var i = 1; i <= uniqueDepth; i++)
            {
                var weight = UnwoundSum(path, uniqueDepth, i);
                ref readonly var element = ref path[i];
                phi[element.Feature] += weight * (element.One - element.Zero) * value;
            }

            return;
        }

        ref readonly var node = ref _ensemble.Nodes[reference];
        var feature = SplitFeature(reference, node, features);
        var left = _ensemble.GoesLeft(reference, features);
        var hot = left ? node.Left : node.Right;
        var cold = left ? node.Right : node.Left;
        var hotZero = Fraction(hot, cold);
        var coldZero = 1 - hotZero;
        double incomingZero = 1, incomingOne = 1;

        // A feature met again on the path is undone first, so each feature appears once.
        var pathIndex = 0;
        for (; pathIndex <= uniqueDepth; pathIndex++)
        {
            if (path[pathIndex].Feature == feature)
            {
                break;
            }
        }

        if (pathIndex != uniqueDepth + 1)
        {
            incomingZero = path[pathIndex].Zero;
            incomingOne = path[pathIndex].One;
            Unwind(path, uniqueDepth, pathIndex);
            uniqueDepth--;
        }

        // A branch with neither weight adds nothing (every path weight below it is multiplied by zero), and
        // skipping it keeps the unwinding free of 0/0.
        if (hotZero * incomingZero > 0 || incomingOne > 0)
        {
            Recurse(hot, features, phi, arena, offset, uniqueDepth + 1, hotZero * incomingZero, incomingOne, feature);
        }

        if (coldZero * incomingZero > 0)
        {
            Recurse(cold, features, phi, arena, offset, uniqueDepth + 1, coldZero * incomingZero, 0, feature);
        }
    }

    private int SplitFeature(int reference, in TreeNode node, ReadOnlySpan<float> features)
    {
        if (node.Feature >= 0)
        {
            return node.Feature;
        }

        var categorical = ~node.Feature;
        var start = _ensemble.CategoricalStart[categorical];
        var end = _ensemble.CategoricalStart[categorical + 1];
        var missing = _ensemble.MissingValues[reference];
        for (var i = start; i < end; i++)
        {
            var value = features[_ensemble.CategoricalFeatures[i]];
            if (float.IsNaN(value))
            {
                value = missing;
            }

            if (value > 0f)
            {
                return _ensemble.CategoricalFeatures[i];
            }
        }

        return _ensemble.CategoricalFeatures[start];
    }

    private static void Extend(Span<PathElement> path, int uniqueDepth, double zero, double one, int feature)
    {
        path[uniqueDepth] = new PathElement { Feature = feature, Zero = zero, One = one, Weight = uniqueDepth == 0 ? 1 : 0 };
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            path[i + 1].Weight += one * path[i].Weight * (i + 1) / (uniqueDepth + 1);
            path[i].Weight = zero * path[i].Weight * (uniqueDepth - i) / (uniqueDepth + 1);
        }
    }

    private static void Unwind(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var one = path[pathIndex].One;
        var zero = path[pathIndex].Zero;
        var next = path[uniqueDepth].Weight;
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                var previous = path[i].Weight;
                path[i].Weight = next * (uniqueDepth + 1) / ((i + 1) * one);
                next = previous - (path[i].Weight * zero * (uniqueDepth - i) / (uniqueDepth + 1));
            }
            else
            {
                path[i].Weight = path[i].Weight * (uniqueDepth + 1) / (zero * (uniqueDepth - i));
            }
        }

        for (var i = pathIndex; i < uniqueDepth; i++)
        {
            path[i].Feature = path[i + 1].Feature;
            path[i].Zero = path[i + 1].Zero;
            path[i].One = path[i + 1].One;
        }
    }

    // The weight a feature's removal leaves on the path (the sum of its unwound weights); multiplications by the
    // inverses replace the divisions of the textbook form, which dominate the cost.
    private static double UnwoundSum(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var one = path[pathIndex].One;
        var zero = path[pathIndex].Zero;
        var next = path[uniqueDepth].Weight;
        var total = 0.0;
        var depthPlusOne = (double)(uniqueDepth + 1);
        var inverseDepthPlusOne = 1.0 / depthPlusOne;
        if (one != 0)
        {
            var inverseOne = 1.0 / one;
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                var share = next * depthPlusOne * inverseOne * s_inverse[i + 1];
                total += share;
                next = path[i].Weight - (share * zero * (uniqueDepth - i) * inverseDepthPlusOne);
            }
        }
        else if (zero != 0)
        {
            var inverseZero = 1.0 / zero;
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                total += path[i].Weight * depthPlusOne * inverseZero * s_inverse[uniqueDepth - i];
            }
        }

        return total;
    }

    private static double[] CreateInverses(int count)
    {
        var inverses = new double[count];
        for (var k = 1; k < count; k++)
        {
            inverses[k] = 1.0 / k;
        }

        return inverses;
    }

    // Tabulates the trees in order while the limits allow; a tree's pattern p has, for its i-th feature, the digit
    // (p / stride_i) % states_i, and its row holds Algorithm 2's contributions for a row whose feature values are
    // representatives of those digits (a threshold itself for "exceeds the ones below it", +Infinity for "exceeds all",
    // NaN for the missing-value state), so every row with that pattern takes exactly the same branches.
    private sealed class TableBuilder(TreeShap shap)
    {
        private readonly TreeEnsemble _ensemble = shap._ensemble;
        private readonly List<SplitEntry> _entries = [];
        private readonly List<double> _values = [];
        private readonly List<int> _features = [];

        public Tables Build()
        {
            var trees = new TreeTable[_ensemble.TreeCount];
            var row = new float[_ensemble.FeatureCount];
            var treePhi = new double[_ensemble.FeatureCount];
            var path = new PathElement[shap._pathCapacity];
            var splits = new SortedDictionary<int, (SortedSet<float> Thresholds, bool HasDefault)>();
            var categoricalFeatures = new SortedSet<int>();
            long bytes = 0;
            var patternsUsed = 0;
            var tabulated = 0;
            for (var t = 0; t < trees.Length; t++)
            {
                var root = _ensemble.Roots[t];
                CollectSplits(root, splits, categoricalFeatures);
                var featureStart = _features.Count;
                _features.AddRange(splits.Keys.Union(categoricalFeatures).Order());
                var width = _features.Count - featureStart;
                var patterns = categoricalFeatures.Count == 0 ? Patterns(splits) : int.MaxValue;
                var cost = (long)patterns * width * sizeof(double);
                if (patterns > MaxPatternsPerTree || patternsUsed + patterns > MaxTabulatedPatterns || bytes + cost > shap._tableBudgetBytes)
                {
                    trees[t] = new TreeTable { FeatureStart = featureStart, FeatureEnd = _features.Count, ValueStart = -1 };
                    continue;
                }

                // Digits in feature order: (feature, sorted distinct thresholds, states, stride).
                var digits = new List<(int Feature, float[] Thresholds, int States, int Stride)>(splits.Count);
                var stride = 1;
                foreach (var (feature, (thresholds, hasDefault)) in splits)
                {
                    var states = thresholds.Count + (hasDefault ? 2 : 1);
                    digits.Add((feature, [.. thresholds], states, stride));
                    stride *= states;
                }

                var table = new TreeTable { EntryStart = _entries.Count, FeatureStart = featureStart, FeatureEnd = _features.Count, ValueStart = _values.Count };
                foreach (var (feature, thresholds, _, digitStride) in digits)
                {
                    foreach (var threshold in thresholds)
                    {
                        _entries.Add(new SplitEntry { Feature = feature, Threshold = threshold, Stride = digitStride });
                    }
                }

                table.NanStart = _entries.Count;
                foreach (var (feature, thresholds, states, digitStride) in digits)
                {
                    if (states == thresholds.Length + 2)
                    {
                        _entries.Add(new SplitEntry { Feature = feature, Threshold = float.NaN, Stride = digitStride });
                    }
                }

                table.EntryEnd = _entries.Count;
                for (var pattern = 0; pattern < patterns; pattern++)
                {
                    foreach (var (feature, thresholds, states, digitStride) in digits)
                    {
                        var digit = pattern / digitStride % states;
                        row[feature] = digit == thresholds.Length + 1 ? float.NaN
                            : digit == thresholds.Length ? float.PositiveInfinity
                            : thresholds[digit];
                    }

                    if (root >= 0)
                    {
                        shap.Recurse(root, row, treePhi, path, 0, 0, 1, 1, -1);
                    }

                    for (var u = table.FeatureStart; u < table.FeatureEnd; u++)
                    {
                        _values.Add(treePhi[_features[u]]);
                        treePhi[_features[u]] = 0;
                    }
                }

                trees[t] = table;
                bytes += cost;
                patternsUsed += patterns;
                tabulated++;
            }

            var values = _values.ToArray();
            var entries = _entries.ToArray();
            var features = _features.ToArray();
            var total = (values.LongLength * sizeof(double)) + (entries.LongLength * Unsafe.SizeOf<SplitEntry>())
                + (features.LongLength * sizeof(int)) + (trees.LongLength * Unsafe.SizeOf<TreeTable>());
            return new Tables(trees, entries, values, features, tabulated, total);
        }

        // The tree's numeric splits by feature (distinct thresholds, and whether a split replaces NaN by a default),
        // and the features of its categorical splits.
        private void CollectSplits(int root, SortedDictionary<int, (SortedSet<float> Thresholds, bool HasDefault)> splits, SortedSet<int> categoricalFeatures)
        {
            splits.Clear();
            categoricalFeatures.Clear();
            var pending = new Stack<int>();
            if (root >= 0)
            {
                pending.Push(root);
            }

            while (pending.TryPop(out var reference))
            {
                var node = _ensemble.Nodes[reference];
                if (node.Feature < 0)
                {
                    var categorical = ~node.Feature;
                    for (var i = _ensemble.CategoricalStart[categorical]; i < _ensemble.CategoricalStart[categorical + 1]; i++)
                    {
                        categoricalFeatures.Add(_ensemble.CategoricalFeatures[i]);
                    }
                }
                else
                {
                    if (!splits.TryGetValue(node.Feature, out var split))
                    {
                        split = ([], false);
                    }

                    split.Thresholds.Add(node.Threshold);
                    splits[node.Feature] = (split.Thresholds, split.HasDefault || !float.IsNaN(_ensemble.MissingValues[reference]));
                }

                foreach (var child in (ReadOnlySpan<int>)[node.Left, node.Right])
                {
                    if (child >= 0)
                    {
                        pending.Push(child);
                    }
                }
            }
        }

        // The number of patterns (the product of the features' state counts), or int.MaxValue past the per-tree limit.
        private static int Patterns(SortedDictionary<int, (SortedSet<float> Thresholds, bool HasDefault)> splits)
        {
            long patterns = 1;
            foreach (var (thresholds, hasDefault) in splits.Values)
            {
                patterns *= thresholds.Count + (hasDefault ? 2 : 1);
                if (patterns > MaxPatternsPerTree)
                {
                    return int.MaxValue;
                }
            }

            return (int)patterns;
        }
    }

    private sealed class Tables(TreeTable[] trees, SplitEntry[] entries, double[] values, int[] features, int tabulatedTrees, long bytes)
    {
        public readonly TreeTable[] Trees = trees;
        public readonly SplitEntry[] Entries = entries;
        public readonly double[] Values = values;

        // Per tree, the features its contributions go to (a table row's columns, in this order).
        public readonly int[] Features = features;
        public readonly int TabulatedTrees = tabulatedTrees;
        public readonly long Bytes = bytes;
    }

    // A tree's slices of the tables: threshold entries [EntryStart, NanStart), NaN entries [NanStart, EntryEnd), the
    // features of its contributions, its rows of values (ValueStart < 0: explained by Algorithm 2 per row).
    private struct TreeTable
    {
        public int EntryStart;
        public int NanStart;
        public int EntryEnd;
        public int FeatureStart;
        public int FeatureEnd;
        public int ValueStart;
    }

    // One threshold of a tree (or, with a NaN threshold, a feature's missing-value state): adds Stride to the
    // pattern when the row's value is past it.
    private struct SplitEntry
    {
        public int Feature;
        public float Threshold;
        public int Stride;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PathElement
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }
}
