using CsScoring.Churn.Trees;

namespace CsScoring.Tests.Churn.Trees;

/// <summary>
/// Covers from leaf counts (each row's leaf per tree, found in batches, then counted up the trees) against walking
/// every row down every tree and counting each node it passes, as the covers were first computed: the same numbers
/// for every layout and instruction-set level, with NaN, infinities, signed zeros and values on split thresholds.
/// </summary>
public sealed class TreeEnsembleCoverTests
{
    [Theory]
    [InlineData(20, 100, 20, 1)]      // QuickScorer, several blocks per tree
    [InlineData(5, 16, 32, 2)]        // 32-leaf trees: every leaf bit in use
    [InlineData(40, 37, 12, 4)]       // wider rows
    [InlineData(100, 30, 20, 5)]      // trees reading more than 32 features
    [InlineData(3, 9, 1, 6)]          // single-leaf trees only
    [InlineData(20, 25, 64, 7)]       // more than 32 leaves: the walk
    [InlineData(20, 40, 20, 8, true)] // missing-value defaults sending NaN either way
    [InlineData(40, 33, 31, 9, true)]
    public void CountLeaves_RandomEnsembles_EqualsWalkingEveryRow(int features, int treeCount, int maxLeaves, int seed, bool missingDefaults = false)
    {
        var random = new Random(seed);
        var readable = features == 40 ? 30 : features;
        var (trees, thresholds) = TreeEnsembleRowScoringTests.RandomEnsemble(random, features, readable, treeCount, maxLeaves, missingDefaults);
        const int Rows = 1_001;
        var flat = TreeEnsembleRowScoringTests.RandomRows(random, Rows, features, thresholds);

        // Chosen rows in any order, some twice, some not at all.
        int[] chosen = [.. Enumerable.Range(0, 1_500).Select(_ => random.Next(Rows))];
        AssertCovers(trees, flat, chosen);

        // The public builder over whole matrices goes through the same counts.
        var (nodes, leaves) = ReferenceCovers(trees, flat, [.. Enumerable.Range(0, Rows)]);
        var covered = trees.WithCovers(flat, Rows);
        Assert.Equal(nodes, covered.NodeCovers);
        Assert.Equal(leaves, covered.LeafCovers);
    }

    [Fact]
    public void CountLeaves_CategoricalSplitsAndMissingDefaults_EqualsWalkingEveryRow()
    {
        // Every fifth node of a random ensemble turned into a categorical split over one to three features (in order).
        var random = new Random(12);
        var (plain, thresholds) = TreeEnsembleRowScoringTests.RandomEnsemble(random, 24, 24, 40, 20, missingDefaults: true);
        var nodes = plain.Nodes.ToArray();
        var categoricalStart = new List<int> { 0 };
        var categoricalFeatures = new List<int>();
        for (var i = 0; i < nodes.Length; i += 5)
        {
            nodes[i].Feature = ~(categoricalStart.Count - 1);
            categoricalFeatures.AddRange(Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(24)).Distinct().Order());
            categoricalStart.Add(categoricalFeatures.Count);
        }

        var trees = new TreeEnsemble(24, nodes, plain.MissingValues, plain.LeafValues, plain.Roots, [.. categoricalStart], [.. categoricalFeatures], null, null);
        Assert.True(trees.HasCategoricalSplits);
        var flat = TreeEnsembleRowScoringTests.RandomRows(random, 700, 24, thresholds);
        AssertCovers(trees, flat, [.. Enumerable.Range(0, 900).Select(_ => random.Next(700))]);
    }

    [Fact]
    public void AddLeafCounts_WrongLengths_Throw()
    {
        var (trees, _) = TreeEnsembleRowScoringTests.RandomEnsemble(new Random(3), 4, 4, 3, 5, missingDefaults: false);
        Assert.Throws<ArgumentException>(() => trees.AddLeafCounts(new double[trees.LeafCount + 1], new double[trees.NodeCount], new double[trees.LeafCount]));
        Assert.Throws<ArgumentException>(() => trees.CountLeaves(new float[4], [0], new double[trees.LeafCount - 1]));
    }

    // Every level this processor runs, and batch lengths around the 64-row block (empty, partial, whole, one over).
    private static void AssertCovers(TreeEnsemble trees, float[] flat, int[] chosen)
    {
        foreach (var isa in Enum.GetValues<TreeIsa>().Where(TreeIsaSupport.IsSupported))
        {
            var pinned = trees.WithIsa(isa);
            foreach (var count in new[] { 0, 1, 31, 63, 64, 65, 200, chosen.Length })
            {
                var rows = chosen.AsSpan(0, count).ToArray();
                var (expectedNodes, expectedLeaves) = ReferenceCovers(trees, flat, rows);
                var counts = new double[trees.LeafCount];
                pinned.CountLeaves(flat, rows, counts);
                Assert.Equal(expectedLeaves, counts);

                // Added onto covers that already hold counts, as parts of a background are.
                var nodeCovers = Enumerable.Repeat(3.0, trees.NodeCount).ToArray();
                var leafCovers = Enumerable.Repeat(3.0, trees.LeafCount).ToArray();
                pinned.AddLeafCounts(counts, nodeCovers, leafCovers);
                Assert.True(expectedNodes.Select(c => c + 3).SequenceEqual(nodeCovers), $"{isa}, {count} rows: node covers");
                Assert.True(expectedLeaves.Select(c => c + 3).SequenceEqual(leafCovers), $"{isa}, {count} rows: leaf covers");
            }
        }
    }

    // The rules of ML.NET, row by row: NaN takes the node's missing value, x <= threshold goes left, a categorical
    // node goes right when any of its features is above 0.
    private static (double[] Nodes, double[] Leaves) ReferenceCovers(TreeEnsemble trees, float[] flat, int[] rows)
    {
        var nodes = new double[trees.NodeCount];
        var leaves = new double[trees.LeafCount];
        var width = trees.FeatureCount;
        foreach (var r in rows)
        {
            var row = flat.AsSpan(r * width, width);
            foreach (var root in trees.Roots)
            {
                var node = root;
                while (node >= 0)
                {
                    nodes[node]++;
                    var split = trees.Nodes[node];
                    bool left;
                    if (split.Feature < 0)
                    {
                        left = true;
                        for (var i = trees.CategoricalStart[~split.Feature]; i < trees.CategoricalStart[~split.Feature + 1]; i++)
                        {
                            var value = row[trees.CategoricalFeatures[i]];
                            left &= !((float.IsNaN(value) ? trees.MissingValues[node] : value) > 0f);
                        }
                    }
                    else
                    {
                        var value = row[split.Feature];
                        left = (float.IsNaN(value) ? trees.MissingValues[node] : value) <= split.Threshold;
                    }

                    node = left ? split.Left : split.Right;
                }

                leaves[~node]++;
            }
        }

        return (nodes, leaves);
    }
}
