using System.Runtime.Intrinsics.X86;
using CsScoring.Churn.Trees;

namespace CsScoring.Tests.Churn.Trees;

/// <summary>
/// Single-row and batch scores of random ensembles against a plain walk of the ML.NET rules (x &lt;= threshold goes
/// left, NaN goes right, leaf values summed in tree order in double): every layout, at every instruction-set level
/// this processor can run (AVX-512, AVX2, SSE or NEON, scalar), must agree bit for bit.
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

        // An odd number of rows, so batches end on partial blocks.
        const int Rows = 2_001;
        var flat = RandomRows(random, Rows, features, thresholds);
        var expected = new float[Rows];
        for (var r = 0; r < Rows; r++)
        {
            expected[r] = ReferenceScore(trees, flat.AsSpan(r * features, features));
        }

        foreach (var isa in SupportedLevels())
        {
            var pinned = trees.WithIsa(isa);
            Assert.Equal(isa, pinned.Isa);
            Assert.Equal(isa != TreeIsa.Scalar && maxLeaves <= 32 && !pinned.HasRowQuickScorer, pinned.HasThresholdTable);
            AssertScores(pinned, flat, features, expected, isa.ToString());
        }

        Assert.Equal(TreeIsaSupport.Best, trees.Isa);
    }

    [Fact]
    public void Score_TableOverBudget_StoresEveryFewIntervalsAndStaysExact()
    {
        var random = new Random(21);
        var (trees, thresholds) = RandomEnsemble(random, 20, 20, 100, 20, missingDefaults: true);
        const int Rows = 1_000;
        var flat = RandomRows(random, Rows, 20, thresholds);
        var expected = new float[Rows];
        for (var r = 0; r < Rows; r++)
        {
            expected[r] = ReferenceScore(trees, flat.AsSpan(r * 20, 20));
        }

        var levels = SupportedLevels().Where(l => l is TreeIsa.Vector128 or TreeIsa.Vector256).ToArray();
        Assert.NotEmpty(levels);
        foreach (var isa in levels)
        {
            // 64 KB holds every 16th interval of this model: the nodes in between are applied one by one.
            var small = trees.WithIsa(isa, tableBudgetBytes: 64 * 1024);
            Assert.True(small.HasThresholdTable);
            Assert.False(trees.WithIsa(isa, tableBudgetBytes: 1024).HasThresholdTable);
            AssertScores(small, flat, 20, expected, isa.ToString());
            AssertScores(trees.WithIsa(isa, tableBudgetBytes: 1024), flat, 20, expected, isa + " without a table");
        }
    }

    private static IEnumerable<TreeIsa> SupportedLevels()
        => Enum.GetValues<TreeIsa>().Where(TreeIsaSupport.IsSupported);

    private static void AssertScores(TreeEnsemble trees, float[] flat, int features, float[] expected, string level)
    {
        var rows = expected.Length;
        var batch = new float[rows];
        trees.ScoreBatch(flat, rows, batch);
        for (var r = 0; r < rows; r++)
        {
            var row = flat.AsSpan(r * features, features);
            Assert.True(BitConverter.SingleToInt32Bits(expected[r]) == BitConverter.SingleToInt32Bits(trees.Score(row)), $"{level}: single row {r}");
            Assert.True(BitConverter.SingleToInt32Bits(expected[r]) == BitConverter.SingleToInt32Bits(batch[r]), $"{level}: batch row {r}");
        }

        // Batches of every length up to two blocks and a few rows (the 4-row and 64-row remainders).
        for (var count = 0; count <= 131; count += 7)
        {
            var part = new float[count];
            trees.ScoreBatch(flat.AsSpan(0, count * features), count, part);
            Assert.Equal(expected.AsSpan(0, count).ToArray(), part);
        }
    }

    internal static float[] RandomRows(Random random, int rows, int features, List<float> thresholds)
    {
        var flat = new float[rows * features];
        for (var i = 0; i < flat.Length; i++)
        {
            flat[i] = random.Next(11) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                3 or 4 => thresholds[random.Next(thresholds.Count)],               // exactly on a threshold: left
                5 => MathF.BitIncrement(thresholds[random.Next(thresholds.Count)]), // just above: right
                6 => random.Next(2) == 0 ? 0f : -0f,                                // signed zeros against zero thresholds
                _ => (float)((random.NextDouble() * 4) - 2),
            };
        }

        return flat;
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

    internal static (TreeEnsemble Trees, List<float> Thresholds) RandomEnsemble(Random random, int features, int readable, int treeCount, int maxLeaves, bool missingDefaults)
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
                var threshold = random.Next(8) switch
                {
                    0 => 0f,
                    1 => -0f,
                    _ => (float)((random.NextDouble() * 3) - 1.5),
                };
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
