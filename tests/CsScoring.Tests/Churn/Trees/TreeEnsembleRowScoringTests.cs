using System.Runtime.Intrinsics.X86;
using CsScoring.Churn.Trees;

namespace CsScoring.Tests.Churn.Trees;

/// <summary>
/// Single-row scores of random ensembles against a plain walk of the ML.NET rules (x &lt;= threshold goes left, NaN
/// goes right, leaf values summed in tree order in double): every layout must agree bit for bit.
/// </summary>
public sealed class TreeEnsembleRowScoringTests
{
    [Theory]
    [InlineData(20, 100, 20, 1)]      // the benchmark's shape: 7 lane groups, the last one partly filled
    [InlineData(5, 16, 32, 2)]        // one full group of 32-leaf trees
    [InlineData(32, 17, 31, 3)]       // the widest row held in registers as is
    [InlineData(40, 37, 12, 4)]       // wider rows whose trees read at most 32 features: packed
    [InlineData(100, 30, 20, 5)]      // trees reading more than 32 features: the walk
    [InlineData(3, 9, 1, 6)]          // single-leaf trees only
    [InlineData(20, 25, 64, 7)]       // trees with more than 32 leaves: the walk
    [InlineData(20, 40, 20, 8, true)] // LightGBM-style missing-value defaults on some nodes
    [InlineData(40, 33, 31, 9, true)]
    public void Score_RandomEnsembles_EqualsReferenceWalk(int features, int treeCount, int maxLeaves, int seed, bool missingDefaults = false)
    {
        var random = new Random(seed);
        var readable = features == 40 ? 30 : features;
        var (trees, thresholds) = RandomEnsemble(random, features, readable, treeCount, maxLeaves, missingDefaults);
        Assert.Equal(missingDefaults, trees.HasMissingDefaults);
        if (Avx512F.IsSupported && Avx512CD.IsSupported)
        {
            Assert.Equal(maxLeaves <= 32 && readable <= 32 && features != 100, trees.HasRowQuickScorer);
        }

        // An odd number of rows, so batches also score one row alone after the pairs.
        const int Rows = 2_001;
        var flat = new float[Rows * features];
        for (var i = 0; i < flat.Length; i++)
        {
            flat[i] = random.Next(10) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                3 or 4 => thresholds[random.Next(thresholds.Count)],               // exactly on a threshold: left
                5 => MathF.BitIncrement(thresholds[random.Next(thresholds.Count)]), // just above: right
                _ => (float)((random.NextDouble() * 4) - 2),
            };
        }

        var batch = new float[Rows];
        trees.ScoreBatch(flat, Rows, batch);
        for (var r = 0; r < Rows; r++)
        {
            var row = flat.AsSpan(r * features, features);
            var expected = ReferenceScore(trees, row);
            Assert.Equal(expected, trees.Score(row));
            Assert.Equal(expected, batch[r]);
        }
    }

    private static float ReferenceScore(TreeEnsemble trees, ReadOnlySpan<float> row)
    {
        var sum = 0.0;
        foreach (var root in trees.Roots)
        {
            var node = root;
            while (node >= 0)
            {
                var split = trees.Nodes[node];
                var value = row[split.Feature];
                if (float.IsNaN(value))
                {
                    value = trees.MissingValues[node];
                }

                node = value <= split.Threshold ? split.Left : split.Right;
            }

            sum += trees.LeafValues[~node];
        }

        return (float)sum;
    }

    private static (TreeEnsemble Trees, List<float> Thresholds) RandomEnsemble(Random random, int features, int readable, int treeCount, int maxLeaves, bool missingDefaults)
    {
        var nodes = new List<TreeNode>();
        var leaves = new List<double>();
        var roots = new int[treeCount];
        var thresholds = new List<float>();
        for (var t = 0; t < treeCount; t++)
        {
            // Grow by splitting a random leaf until the tree has its leaf count (unbalanced shapes, like boosting's).
            var leafCount = maxLeaves == 1 ? 1 : random.Next(Math.Max(2, maxLeaves - 3), maxLeaves + 1);
            var first = nodes.Count;
            var firstLeaf = leaves.Count;
            roots[t] = ~leaves.Count;
            leaves.Add(random.NextDouble() - 0.5);
            var open = new List<(int Parent, bool Left)> { (-1, false) };
            for (var l = 1; l < leafCount; l++)
            {
                var pick = random.Next(open.Count);
                var (parent, isLeft) = open[pick];
                open.RemoveAt(pick);
                var leafOfSlot = parent < 0 ? ~roots[t] : ~(isLeft ? nodes[parent].Left : nodes[parent].Right);
                var threshold = (float)((random.NextDouble() * 3) - 1.5);
                thresholds.Add(threshold);
                var index = nodes.Count;
                nodes.Add(new TreeNode { Feature = random.Next(readable), Threshold = threshold, Left = ~leafOfSlot, Right = ~leaves.Count });
                leaves.Add(random.NextDouble() - 0.5);
                if (parent < 0)
                {
                    roots[t] = index;
                }
                else
                {
                    var p = nodes[parent];
                    if (isLeft)
                    {
                        p.Left = index;
                    }
                    else
                    {
                        p.Right = index;
                    }

                    nodes[parent] = p;
                }

                open.Add((index, true));
                open.Add((index, false));
            }

            Assert.Equal(leafCount, leaves.Count - firstLeaf);
            Assert.Equal(leafCount - 1, nodes.Count - first);
        }

        // A model wider than 32 features whose trees read more than 32 of them.
        if (features == 100)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var n = nodes[i];
                n.Feature = i % 100;
                nodes[i] = n;
            }
        }

        if (thresholds.Count == 0)
        {
            thresholds.Add(0.5f);
        }

        // Defaults on about a third of the nodes, half of them sending NaN left (at or below the threshold).
        var missing = nodes.Select(n => !missingDefaults || random.Next(3) != 0 ? float.NaN : random.Next(2) == 0 ? n.Threshold : n.Threshold + 1f).ToArray();
        return (new TreeEnsemble(features, [.. nodes], missing, [.. leaves], roots, [0], [], null, null), thresholds);
    }
}
