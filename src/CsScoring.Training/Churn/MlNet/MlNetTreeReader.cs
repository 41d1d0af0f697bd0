using System.Reflection;
using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using Microsoft.ML.Trainers.FastTree;

namespace CsScoring.Training.Churn.MlNet;

/// <summary>Reads the trees of an ML.NET FastTree or LightGBM model into their portable form (validated when the library compiles them).</summary>
internal static class MlNetTreeReader
{
    // LightGBM's per-node missing-value defaults are not on ML.NET's public tree surface; they sit on the internal
    // tree each public tree wraps. Without them NaN rows would score differently, so their absence is an error.
    private static readonly FieldInfo? s_internalTree = typeof(RegressionTreeBase).GetField("_tree", BindingFlags.NonPublic | BindingFlags.Instance);

    public static PortableTrees Read(TreeEnsembleModelParametersBasedOnRegressionTree model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var trees = model.TrainedTreeEnsemble.Trees;
        var features = new List<int>();
        var thresholds = new List<float>();
        var lefts = new List<int>();
        var rights = new List<int>();
        var missing = new List<float>();
        var leaves = new List<double>();
        var roots = new int[trees.Count];
        var categoricalStart = new List<int> { 0 };
        var categoricalFeatures = new List<int>();
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var nodeCount = tree.NumberOfNodes;
            var leafCount = tree.NumberOfLeaves;
            if (leafCount < 2 || nodeCount != leafCount - 1
                || tree.LeftChild.Count != nodeCount || tree.RightChild.Count != nodeCount
                || tree.NumericalSplitFeatureIndexes.Count != nodeCount || tree.NumericalSplitThresholds.Count != nodeCount
                || tree.CategoricalSplitFlags.Count != nodeCount || tree.LeafValues.Count != leafCount)
            {
                throw new ChurnModelException(ChurnModelError.InvalidModel,
                    $"Invalid tree ensemble: tree {t} has {leafCount} leaves and {nodeCount} nodes with inconsistent array lengths.");
            }

            var defaults = MissingDefaults(tree, t);
            var nodeOffset = features.Count;
            var leafOffset = leaves.Count;
            roots[t] = nodeOffset;
            for (var n = 0; n < nodeCount; n++)
            {
                var feature = tree.NumericalSplitFeatureIndexes[n];
                if (tree.CategoricalSplitFlags[n])
                {
                    feature = ~(categoricalStart.Count - 1);
                    categoricalFeatures.AddRange(tree.GetCategoricalSplitFeaturesAt(n));
                    categoricalStart.Add(categoricalFeatures.Count);
                }

                features.Add(feature);
                thresholds.Add(tree.CategoricalSplitFlags[n] ? 0f : tree.NumericalSplitThresholds[n]);
                lefts.Add(Relocate(tree.LeftChild[n], nodeOffset, leafOffset, nodeCount, leafCount, t));
                rights.Add(Relocate(tree.RightChild[n], nodeOffset, leafOffset, nodeCount, leafCount, t));
                missing.Add(defaults is null ? float.NaN : defaults[n]);
            }

            for (var l = 0; l < leafCount; l++)
            {
                leaves.Add(tree.LeafValues[l]);
            }
        }

        return new PortableTrees(roots, features, thresholds, lefts, rights, missing, leaves, categoricalStart, categoricalFeatures);
    }

    private static int Relocate(int child, int nodeOffset, int leafOffset, int nodeCount, int leafCount, int tree)
    {
        // Range checks here keep a damaged child from aliasing another tree's node after relocation.
        if (child >= 0)
        {
            if (child >= nodeCount)
            {
                throw new ChurnModelException(ChurnModelError.InvalidModel, $"Invalid tree ensemble: tree {tree} points to node {child} of {nodeCount}.");
            }

            return nodeOffset + child;
        }

        if (~child >= leafCount)
        {
            throw new ChurnModelException(ChurnModelError.InvalidModel, $"Invalid tree ensemble: tree {tree} points to leaf {~child} of {leafCount}.");
        }

        return ~(leafOffset + ~child);
    }

    private static float[]? MissingDefaults(RegressionTreeBase tree, int index)
    {
        var internalTree = s_internalTree?.GetValue(tree);
        var field = internalTree?.GetType().GetField("DefaultValueForMissing", BindingFlags.Public | BindingFlags.Instance);
        if (field is null)
        {
            throw new ChurnModelException(ChurnModelError.UnsupportedModel,
                $"Cannot read the missing-value defaults of tree {index} from this ML.NET version; scores of rows with NaN could not be reproduced.");
        }

        var defaults = (float[]?)field.GetValue(internalTree);
        if (defaults is not null && defaults.Length < tree.NumberOfNodes)
        {
            throw new ChurnModelException(ChurnModelError.InvalidModel, $"Invalid tree ensemble: tree {index} has {defaults.Length} missing-value defaults for {tree.NumberOfNodes} nodes.");
        }

        return defaults;
    }
}
