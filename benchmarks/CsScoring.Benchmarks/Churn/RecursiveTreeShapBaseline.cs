using System.Runtime.InteropServices;
using CsScoring.Churn.Trees;

namespace CsScoring.Benchmarks.Churn;

/// <summary>
/// The recursive TreeSHAP (Lundberg et al. 2018, Algorithm 2) the library used before its per-tree tables, kept
/// verbatim as the baseline of <see cref="ExplanationBenchmarks"/> so the speed-up is measured in the same run.
/// </summary>
internal sealed class RecursiveTreeShapBaseline
{
    private const int StackFeatureLimit = 512;

    // 1/k for every path length a valid tree can have, so the inner loops multiply instead of divide.
    private static readonly double[] s_inverse = CreateInverses(TreeValidator.MaxSupportedDepth + 4);
    private readonly TreeEnsemble _ensemble;
    private readonly int _pathCapacity;

    /// <summary>Prepares TreeSHAP for an ensemble that has covers.</summary>
    /// <param name="ensemble">The trees, with <see cref="TreeEnsemble.HasCovers"/>.</param>
    /// <exception cref="ArgumentException">The ensemble has no covers.</exception>
    public RecursiveTreeShapBaseline(TreeEnsemble ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        if (!ensemble.HasCovers)
        {
            throw new ArgumentException("TreeSHAP needs node covers: build the ensemble with WithCovers(background rows).", nameof(ensemble));
        }

        _ensemble = ensemble;
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

    private void ExplainCore(ReadOnlySpan<float> features, Span<double> phi)
    {
        phi.Clear();
        using var owner = _pathCapacity <= 1024 ? default : ScratchBuffer<PathElement>.Rent(_pathCapacity);
        var path = owner.IsRented ? owner.Span : stackalloc PathElement[_pathCapacity];
        for (var t = 0; t < _ensemble.TreeCount; t++)
        {
            Recurse(_ensemble.Roots[t], features, phi, path, 0, 0, 1, 1, -1);
        }
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

    [StructLayout(LayoutKind.Sequential)]
    private struct PathElement
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }
}
