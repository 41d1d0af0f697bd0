namespace CsScoring.Churn;

/// <summary>
/// Accumulates the background distribution explanations need, one row at a time, so it can be learnt while
/// streaming a file larger than memory: for trees the number of rows through every node (TreeSHAP's covers), for a
/// linear model the features' means. Not thread-safe; build one per thread and merge nothing.
/// </summary>
public sealed class ChurnBackground
{
    private readonly ChurnModel _model;
    private readonly double[] _nodes;
    private readonly double[] _leaves;
    private readonly double[] _sums;
    private readonly long[] _counts;

    internal ChurnBackground(ChurnModel model)
    {
        _model = model;
        var trees = model.Trees;
        _nodes = new double[trees?.NodeCount ?? 0];
        _leaves = new double[trees?.LeafCount ?? 0];
        _sums = trees is null ? new double[model.FeatureCount] : [];
        _counts = trees is null ? new long[model.FeatureCount] : [];
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

        if (_model.Trees is { } trees)
        {
            for (var t = 0; t < trees.TreeCount; t++)
            {
                var node = trees.Roots[t];
                while (node >= 0)
                {
                    _nodes[node]++;
                    node = trees.GoesLeft(node, features) ? trees.Nodes[node].Left : trees.Nodes[node].Right;
                }

                _leaves[~node]++;
            }
        }
        else
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

        if (_model.Trees is { } trees)
        {
            return _model.WithTrees(trees.WithCovers((double[])_nodes.Clone(), (double[])_leaves.Clone()), Rows);
        }

        var means = new double[_sums.Length];
        for (var f = 0; f < means.Length; f++)
        {
            means[f] = _counts[f] == 0 ? 0 : _sums[f] / _counts[f];
        }

        return _model.WithMeans(means, Rows);
    }
}
