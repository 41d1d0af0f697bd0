using CsScoring.Churn.Trees;

namespace CsScoring.Churn;

/// <summary>
/// Accumulates the background distribution explanations need, one row at a time, so it can be learnt while
/// streaming a file larger than memory: for trees the number of rows through every node (TreeSHAP's covers), for a
/// linear model the features' means. Not thread-safe: build one per thread and <see cref="Add(ChurnBackground)"/> them
/// together.
/// </summary>
public sealed class ChurnBackground
{
    private readonly ChurnModel _model;
    private readonly TreeEnsemble[] _trees;
    private readonly double[][] _nodes;
    private readonly double[][] _leaves;
    private readonly double[] _sums;
    private readonly long[] _counts;

    internal ChurnBackground(ChurnModel model)
    {
        _model = model;

        // A tree model has one ensemble; a blend one per tree component (and means when any component is linear).
        var scorer = model.Scorer;
        var parts = scorer.IsBlend ? scorer.Components.ToArray() : [scorer];
        _trees = [.. parts.Where(p => p.Trees is not null).Select(p => p.Trees!)];
        _nodes = [.. _trees.Select(t => new double[t.NodeCount])];
        _leaves = [.. _trees.Select(t => new double[t.LeafCount])];
        var linear = parts.Any(p => p.Trees is null);
        _sums = linear ? new double[model.FeatureCount] : [];
        _counts = linear ? new long[model.FeatureCount] : [];
    }

    /// <summary>The number of rows added.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds one row.</summary>
    /// <param name="features">The row's feature vector.</param>
    /// <exception cref="ArgumentException">The row does not have the model's feature count.</exception>
    /// <remarks>Allocation-free.</remarks>
    public void Add(ReadOnlySpan<float> features)
    {
        if (features.Length != _model.FeatureCount)
        {
            ThrowHelper.WrongLength(nameof(features), _model.FeatureCount, features.Length);
        }

        for (var k = 0; k < _trees.Length; k++)
        {
            var trees = _trees[k];
            var nodes = _nodes[k];
            var leaves = _leaves[k];
            for (var t = 0; t < trees.TreeCount; t++)
            {
                var node = trees.Roots[t];
                while (node >= 0)
                {
                    nodes[node]++;
                    node = trees.GoesLeft(node, features) ? trees.Nodes[node].Left : trees.Nodes[node].Right;
                }

                leaves[~node]++;
            }
        }

        if (_sums.Length > 0)
        {
            for (var f = 0; f < features.Length; f++)
            {
                if (float.IsFinite(features[f]))
                {
                    _sums[f] += features[f];
                    _counts[f]++;
                }
            }
        }

        Rows++;
    }

    /// <summary>
    /// Adds chosen rows of a feature matrix, with the same result as adding them one by one in order: tree covers
    /// come from each row's leaf per tree, found for many rows at once by the batch scorer and counted, then added up
    /// the trees (whole counts, so exact); a linear model's sums are added row after row as <see cref="Add(ReadOnlySpan{float})"/> does.
    /// </summary>
    /// <param name="rowMajor">Feature vectors, one after another (<see cref="ChurnModel.FeatureCount"/> values each).</param>
    /// <param name="rows">Indices of the rows to add, each a row of <paramref name="rowMajor"/> (checked by the caller).</param>
    internal void Add(ReadOnlySpan<float> rowMajor, ReadOnlySpan<int> rows)
    {
        for (var k = 0; k < _trees.Length; k++)
        {
            var counts = new double[_trees[k].LeafCount];
            _trees[k].CountLeaves(rowMajor, rows, counts);
            _trees[k].AddLeafCounts(counts, _nodes[k], _leaves[k]);
        }

        if (_sums.Length > 0)
        {
            var width = _model.FeatureCount;
            for (var i = 0; i < rows.Length; i++)
            {
                var features = rowMajor.Slice(rows[i] * width, width);
                for (var f = 0; f < features.Length; f++)
                {
                    if (float.IsFinite(features[f]))
                    {
                        _sums[f] += features[f];
                        _counts[f]++;
                    }
                }
            }
        }

        Rows += rows.Length;
    }

    /// <summary>
    /// Adds the rows another builder of the same model has accumulated, so a background can be learnt on several
    /// threads at once. Tree covers are counts, so they come out the same whatever the split; a linear model's sums
    /// are added in the order of the calls, so a fixed split gives the same means on every machine.
    /// </summary>
    /// <param name="other">A builder from <see cref="ChurnModel.CreateBackground"/> of the same model instance.</param>
    /// <exception cref="ArgumentException"><paramref name="other"/> belongs to another model, or is this builder.</exception>
    public void Add(ChurnBackground other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other._model, _model) || ReferenceEquals(other, this))
        {
            throw new ArgumentException("The other background must come from CreateBackground of the same model instance, and not be this one.", nameof(other));
        }

        for (var k = 0; k < _trees.Length; k++)
        {
            AddTo(_nodes[k], other._nodes[k]);
            AddTo(_leaves[k], other._leaves[k]);
        }

        AddTo(_sums, other._sums);
        for (var f = 0; f < _counts.Length; f++)
        {
            _counts[f] += other._counts[f];
        }

        Rows += other.Rows;
    }

    private static void AddTo(double[] target, double[] source)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }

    /// <summary>The model with explanations enabled by the rows added so far.</summary>
    /// <returns>A new model instance; the original is unchanged.</returns>
    /// <exception cref="InvalidOperationException">No row was added.</exception>
    public ChurnModel Build()
    {
        if (Rows == 0)
        {
            throw new InvalidOperationException("Add at least one background row before building.");
        }

        var covered = _trees.Select((trees, k) => trees.WithCovers((double[])_nodes[k].Clone(), (double[])_leaves[k].Clone())).ToList();
        double[]? means = null;
        if (_sums.Length > 0)
        {
            means = new double[_sums.Length];
            for (var f = 0; f < means.Length; f++)
            {
                means[f] = _counts[f] == 0 ? 0 : _sums[f] / _counts[f];
            }
        }

        if (_model.Scorer.IsBlend)
        {
            return _model.WithBlendBackground(covered, means, Rows);
        }

        return covered.Count > 0 ? _model.WithTrees(covered[0], Rows) : _model.WithMeans(means!, Rows);
    }
}
