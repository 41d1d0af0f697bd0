using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CsScoring.Churn.Trees;

/// <summary>
/// The structural checks a compiled ensemble must pass before it is ever evaluated: they make the unchecked,
/// loop-until-leaf evaluation safe (no index out of range, no endless walk).
/// </summary>
internal static class TreeValidator
{
    /// <summary>The deepest tree accepted; deeper ones would only come from damage (TreeSHAP's scratch grows with depth squared).</summary>
    public const int MaxSupportedDepth = 512;

    /// <summary>Validates every tree and returns the maximum depth.</summary>
    /// <exception cref="ChurnModelException">A check fails (<see cref="ChurnModelError.InvalidModel"/>).</exception>
    public static int Validate(TreeEnsemble ensemble)
    {
        if (ensemble.FeatureCount < 1)
        {
            Fail($"the feature count is {ensemble.FeatureCount}; at least one feature is required");
        }

        var nodes = ensemble.Nodes;
        if (ensemble.MissingValues.Length != nodes.Length)
        {
            Fail("the missing-value defaults do not match the node count");
        }

        if (ensemble.Roots.Length == 0)
        {
            Fail("the ensemble has no trees");
        }

        if (ensemble.CategoricalStart.Length == 0 || ensemble.CategoricalStart[0] != 0
            || ensemble.CategoricalStart[^1] != ensemble.CategoricalFeatures.Length)
        {
            Fail("the categorical split table is inconsistent");
        }

        for (var i = 0; i < ensemble.LeafValues.Length; i++)
        {
            if (!double.IsFinite(ensemble.LeafValues[i]))
            {
                Fail($"leaf {i} has the non-finite value {ensemble.LeafValues[i].ToString(CultureInfo.InvariantCulture)}");
            }
        }

        // Each node and each leaf must have exactly one parent (the root none), and the trees must own disjoint,
        // contiguous ranges: then every walk from a root ends at a leaf within depth <= its node count.
        var nodeSeen = new bool[nodes.Length];
        var leafSeen = new bool[ensemble.LeafValues.Length];
        var maxDepth = 0;
        var stack = new Stack<(int Reference, int Depth)>();
        for (var t = 0; t < ensemble.Roots.Length; t++)
        {
            stack.Push((ensemble.Roots[t], 0));
            while (stack.Count > 0)
            {
                var (reference, depth) = stack.Pop();
                if (reference < 0)
                {
                    var leaf = ~reference;
                    if (leaf >= leafSeen.Length)
                    {
                        Fail($"tree {t} points to leaf {leaf}, beyond the {leafSeen.Length} leaves");
                    }

                    if (leafSeen[leaf])
                    {
                        Fail($"tree {t} reaches leaf {leaf} twice");
                    }

                    leafSeen[leaf] = true;
                    maxDepth = Math.Max(maxDepth, depth);
                    continue;
                }

                if (reference >= nodes.Length)
                {
                    Fail($"tree {t} points to node {reference}, beyond the {nodes.Length} nodes");
                }

                if (nodeSeen[reference])
                {
                    Fail($"tree {t} reaches node {reference} twice (a cycle or a shared subtree)");
                }

                nodeSeen[reference] = true;
                if (depth >= MaxSupportedDepth)
                {
                    Fail($"tree {t} is deeper than {MaxSupportedDepth} splits");
                }

                ref readonly var node = ref nodes[reference];
                CheckSplit(ensemble, t, reference, node);
                stack.Push((node.Right, depth + 1));
                stack.Push((node.Left, depth + 1));
            }
        }

        for (var i = 0; i < nodeSeen.Length; i++)
        {
            if (!nodeSeen[i])
            {
                Fail($"node {i} is not reachable from any root");
            }
        }

        for (var i = 0; i < leafSeen.Length; i++)
        {
            if (!leafSeen[i])
            {
                Fail($"leaf {i} is not reachable from any root");
            }
        }

        ValidateCovers(ensemble);
        return maxDepth;
    }

    private static void CheckSplit(TreeEnsemble ensemble, int tree, int index, in TreeNode node)
    {
        if (node.Feature >= 0)
        {
            if (node.Feature >= ensemble.FeatureCount)
            {
                Fail($"tree {tree}, node {index} splits on feature {node.Feature}, but the model has {ensemble.FeatureCount} features");
            }

            if (!float.IsFinite(node.Threshold))
            {
                Fail($"tree {tree}, node {index} has the non-finite threshold {node.Threshold.ToString(CultureInfo.InvariantCulture)}");
            }

            return;
        }

        var categorical = ~node.Feature;
        if (categorical >= ensemble.CategoricalStart.Length - 1)
        {
            Fail($"tree {tree}, node {index} refers to categorical split {categorical}, which does not exist");
        }

        var start = ensemble.CategoricalStart[categorical];
        var end = ensemble.CategoricalStart[categorical + 1];
        if (end <= start)
        {
            Fail($"tree {tree}, node {index} is a categorical split without features");
        }

        var previous = -1;
        for (var i = start; i < end; i++)
        {
            var feature = ensemble.CategoricalFeatures[i];
            if (feature <= previous || feature >= ensemble.FeatureCount)
            {
                Fail($"tree {tree}, node {index}: categorical feature {feature} is out of order or beyond the {ensemble.FeatureCount} features");
            }

            previous = feature;
        }
    }

    private static void ValidateCovers(TreeEnsemble ensemble)
    {
        if (ensemble.NodeCovers is null)
        {
            return;
        }

        if (ensemble.NodeCovers.Length != ensemble.Nodes.Length || ensemble.LeafCovers is null || ensemble.LeafCovers.Length != ensemble.LeafValues.Length)
        {
            Fail("the node covers do not match the trees");
        }

        foreach (var cover in ensemble.NodeCovers.Concat(ensemble.LeafCovers))
        {
            if (!double.IsFinite(cover) || cover < 0)
            {
                Fail($"a node cover is {cover.ToString(CultureInfo.InvariantCulture)}; covers are finite and >= 0");
            }
        }
    }

    [DoesNotReturn]
    private static void Fail(string problem)
        => throw new ChurnModelException(ChurnModelError.InvalidModel, $"Invalid tree ensemble: {problem}.");
}
