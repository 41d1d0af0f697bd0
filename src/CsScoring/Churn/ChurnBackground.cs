using CsScoring.Churn.Trees;

namespace CsScoring.Churn;

/// <summary>
/// Accumulates the background distribution explanations need, one row at a time, so it can be learnt while
/// streaming a file larger than memory: for trees the number of rows through every node (TreeSHAP's covers), for a
/// linear model the features' means. Not thread-safe; build one per thread and merge nothing.
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
