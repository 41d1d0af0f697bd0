using CsScoring.Churn.Explain;
using CsScoring.Churn.Trees;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Churn.Explain;

public sealed class TreeShapTests
{
    private static readonly Lazy<(TreeEnsemble Trees, TreeShap Shap)> s_lightGbm = new(() => Build(TrainedModels.LightGbm));
    private static readonly Lazy<(TreeEnsemble Trees, TreeShap Shap)> s_fastTree = new(() => Build(TrainedModels.FastTree));

    [Theory]
    [InlineData("fast_tree")]
    [InlineData("light_gbm")]
    public void Explain_EqualsBruteForceShapleyValues(string name)
    {
        var (trees, shap) = name == "fast_tree" ? s_fastTree.Value : s_lightGbm.Value;
        var contributions = new double[trees.FeatureCount];
        foreach (var row in TrainedModels.EdgeRows(25, 8))
        {
            var expected = shap.Explain(row, contributions);
            var reference = BruteForce(trees, row);
            Assert.Equal(Conditional(trees, row, 0), expected, 9);
            for (var f = 0; f < trees.FeatureCount; f++)
            {
                Assert.Equal(reference[f], contributions[f], 9);
            }
        }
    }

    [Property(MaxTest = 200)]
    public bool Explain_Meets_Specification(NormalFloat a, NormalFloat b, NormalFloat c, bool missing)
    {
        // Additivity on arbitrary rows: contributions + expected value = raw score.
        var (trees, shap) = s_lightGbm.Value;
        var row = TrainedModels.EdgeRows(1, (int)(a.Get * 1000) & 0xFFFF)[0];
        row[0] = (float)a.Get;
        row[1] = missing ? float.NaN : (float)b.Get;
        row[2] = (float)c.Get;
        var contributions = new double[trees.FeatureCount];
        var expected = shap.Explain(row, contributions);
        return Math.Abs(expected + contributions.Sum() - trees.Sum(row)) <= 1e-9;
    }

    [Fact]
    public void Explain_FloatOverload_SumsToTheRawScoreWithin1e6()
    {
        var (trees, shap) = s_fastTree.Value;
        var contributions = new float[trees.FeatureCount];
        foreach (var row in TrainedModels.GenerateRows(300, 4).Select(r => r.Features))
        {
            var expected = shap.Explain(row, contributions);
            Assert.True(Math.Abs(expected + contributions.Sum(c => (double)c) - trees.Score(row)) <= 1e-6);
        }
    }

    [Fact]
    public void ExpectedValue_IsTheMeanScoreOverTheBackground()
    {
        var rows = TrainedModels.GenerateRows(400, 12).Select(r => r.Features).ToList();
        var trees = TrainedModels.FastTree.Compile().Trees!.WithCovers(rows.SelectMany(r => r).ToArray(), rows.Count);
        var shap = new TreeShap(trees);
        Assert.Equal(rows.Average(r => trees.Sum(r)), shap.ExpectedValue, 9);
    }

    [Fact]
    public void Constructor_WithoutCovers_Throws()
        => Assert.Throws<ArgumentException>(() => new TreeShap(TrainedModels.FastTree.Compile().Trees!));

    [Fact]
    public void Explain_WrongLength_ThrowsNamingBothCounts()
    {
        var (trees, shap) = s_fastTree.Value;
        var error = Assert.Throws<ArgumentException>(() => shap.Explain(new float[3], new float[trees.FeatureCount]));
        Assert.Contains("3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fast_tree")]
    [InlineData("light_gbm")]
    public void Explain_Tables_EqualAlgorithm2PerTreeBitForBit(string name)
    {
        // A budget of 0 tabulates nothing, so every tree runs Algorithm 2 per row; LightGBM's missing-value defaults
        // exercise the NaN state, and rows on, just below and just above thresholds every interval's edges.
        var (trees, shap) = name == "fast_tree" ? s_fastTree.Value : s_lightGbm.Value;
        var reference = new TreeShap(trees, tableBudgetBytes: 0);
        Assert.Equal(trees.TreeCount, shap.TabulatedTrees);
        Assert.Equal(SingleLeafTrees(trees), reference.TabulatedTrees);
        AssertSameContributions(trees, shap, reference, TrainedModels.EdgeRows(300, 17, [.. trees.Nodes.Select(n => n.Threshold)]));
    }

    [Fact]
    public void Explain_PartlyTabulated_EqualsFullyTabulatedBitForBit()
    {
        var (trees, shap) = s_fastTree.Value;
        var partial = new TreeShap(trees, tableBudgetBytes: shap.TableBytes / 3);
        Assert.InRange(partial.TabulatedTrees, 1, trees.TreeCount - 1);
        AssertSameContributions(trees, shap, partial, TrainedModels.EdgeRows(200, 23, [.. trees.Nodes.Select(n => n.Threshold)]));
    }

    [Fact]
    public void Explain_CategoricalSplitsMissingDefaultsAndStumps_AddUpAndEqualAlgorithm2()
    {
        // Tree 0: a categorical split over features 1 and 3 (never tabulated) above a numeric split; tree 1: feature 0
        // split twice (three intervals) with a missing-value default, and feature 2; tree 2: a single leaf.
        var nodes = new[]
        {
            new TreeNode { Feature = ~0, Left = 1, Right = ~1 },
            new TreeNode { Feature = 0, Threshold = 0.5f, Left = ~0, Right = ~2 },
            new TreeNode { Feature = 0, Threshold = -0.25f, Left = ~3, Right = 3 },
            new TreeNode { Feature = 0, Threshold = 0.75f, Left = 4, Right = ~4 },
            new TreeNode { Feature = 2, Threshold = 0f, Left = ~5, Right = ~6 },
        };
        var raw = new TreeEnsemble(4, nodes, [float.NaN, float.NaN, 1f, float.NaN, float.NaN], [1, 2, 4, 8, 16, 32, 64, 128], [0, 2, ~7], [0, 2], [1, 3], null, null);
        var random = new Random(3);
        var rows = new List<float[]>();
        for (var i = 0; i < 400; i++)
        {
            var row = new float[4];
            for (var f = 0; f < row.Length; f++)
            {
                row[f] = random.Next(8) switch { 0 => float.NaN, 1 => 0f, 2 => 0.75f, 3 => -0.25f, _ => (float)((random.NextDouble() * 2) - 1) };
            }

            rows.Add(row);
        }

        var trees = raw.WithCovers(rows.Take(150).SelectMany(r => r).ToArray(), 150);
        var shap = new TreeShap(trees);
        Assert.Equal(2, shap.TabulatedTrees);
        AssertSameContributions(trees, shap, new TreeShap(trees, tableBudgetBytes: 0), rows);
        var contributions = new double[4];
        foreach (var row in rows)
        {
            var expected = shap.Explain(row, contributions);
            Assert.Equal(trees.Sum(row), expected + contributions.Sum(), 12);
        }
    }

    [Property(MaxTest = 300)]
    public bool Explain_Tabulated_Meets_Specification(NormalFloat a, NormalFloat b, NormalFloat c, byte special, int seed)
    {
        // Contributions + expected value = raw score, and the tables give Algorithm 2's values bit for bit, on rows
        // with arbitrary values (NaN and infinities included) in the features the trees split on.
        var (trees, shap) = s_fastTree.Value;
        var row = TrainedModels.EdgeRows(1, seed & 0xFFFF)[0];
        row[0] = (float)a.Get;
        row[1] = (float)b.Get;
        row[2] = (float)c.Get;
        row[special % 4] = (special / 4 % 4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => row[special % 4] };
        var tabulated = new double[trees.FeatureCount];
        var expected = shap.Explain(row, tabulated);
        var recursive = new double[trees.FeatureCount];
        s_fastTreeRecursive.Value.Explain(row, recursive);
        return Math.Abs(expected + tabulated.Sum() - trees.Sum(row)) <= 1e-9
            && tabulated.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(recursive.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData("fast_tree", true, true)]
    [InlineData("fast_tree", true, false)]
    [InlineData("fast_tree", false, true)]
    [InlineData("light_gbm", true, true)]
    [InlineData("light_gbm", true, false)]
    public void ExplainBatch_EqualsExplainRowByRowBitForBit(string name, bool fullyTabulated, bool vectorized)
    {
        // 150 rows: two whole blocks and a part (of 22 rows, not a whole number of vector lanes); a partly tabulated
        // ensemble takes the row-by-row path.
        var (trees, shap) = name == "fast_tree" ? s_fastTree.Value : s_lightGbm.Value;
        var explainer = fullyTabulated ? shap : new TreeShap(trees, tableBudgetBytes: shap.TableBytes / 3);
        var rows = TrainedModels.EdgeRows(150, 29, [.. trees.Nodes.Select(n => n.Threshold)]);
        var batch = new float[rows.Count * trees.FeatureCount];
        Assert.Equal(explainer.ExpectedValue, explainer.ExplainBatch(rows.SelectMany(r => r).ToArray(), batch, vectorized));
        var single = new float[trees.FeatureCount];
        for (var r = 0; r < rows.Count; r++)
        {
            explainer.Explain(rows[r], single);
            Assert.Equal(single.Select(BitConverter.SingleToInt32Bits), batch.Skip(r * trees.FeatureCount).Take(trees.FeatureCount).Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void ExplainBatch_PartialRowsOrShortOutput_ThrowsAndAfterWarmUpAllocatesNothing()
    {
        var (trees, shap) = s_fastTree.Value;
        Assert.Throws<ArgumentException>(() => shap.ExplainBatch(new float[trees.FeatureCount + 1], new float[trees.FeatureCount + 1]));
        Assert.Throws<ArgumentException>(() => shap.ExplainBatch(new float[trees.FeatureCount * 2], new float[trees.FeatureCount]));
        var rows = TrainedModels.EdgeRows(100, 31).SelectMany(r => r).ToArray();
        var output = new float[rows.Length];
        shap.ExplainBatch(rows, output);
        var before = GC.GetAllocatedBytesForCurrentThread();
        shap.ExplainBatch(rows, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Explain_AfterTheTablesAreBuilt_AllocatesNothing()
    {
        var (trees, shap) = s_fastTree.Value;
        var recursive = s_fastTreeRecursive.Value;
        var rows = TrainedModels.EdgeRows(50, 41);
        var single = new float[trees.FeatureCount];
        var precise = new double[trees.FeatureCount];
        for (var i = 0; i < 3; i++)
        {
            shap.Explain(rows[i], single);
            shap.Explain(rows[i], precise);
            recursive.Explain(rows[i], single);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var row in rows)
        {
            shap.Explain(row, single);
            shap.Explain(row, precise);
            recursive.Explain(row, single);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Tables_StayWithinTheirBudget()
    {
        var (trees, shap) = s_fastTree.Value;
        Assert.True(shap.TableBytes <= TreeShap.DefaultTableBudgetBytes + (64L * trees.NodeCount) + (32L * trees.TreeCount));
        var budget = shap.TableBytes / 4;
        var small = new TreeShap(trees, tableBudgetBytes: budget);
        Assert.True(small.TabulatedTrees < shap.TabulatedTrees);
        Assert.True(small.TableBytes <= budget + (64L * trees.NodeCount) + (32L * trees.TreeCount));
    }

    private static readonly Lazy<TreeShap> s_fastTreeRecursive = new(() => new TreeShap(s_fastTree.Value.Trees, tableBudgetBytes: 0));

    private static int SingleLeafTrees(TreeEnsemble trees) => trees.Roots.Count(r => r < 0);

    private static void AssertSameContributions(TreeEnsemble trees, TreeShap actual, TreeShap reference, IEnumerable<float[]> rows)
    {
        var left = new double[trees.FeatureCount];
        var right = new double[trees.FeatureCount];
        foreach (var row in rows)
        {
            Assert.Equal(reference.Explain(row, right), actual.Explain(row, left));
            for (var f = 0; f < left.Length; f++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(right[f]), BitConverter.DoubleToInt64Bits(left[f]));
            }
        }
    }

    private static (TreeEnsemble, TreeShap) Build(TrainedModel model)
    {
        var rows = TrainedModels.GenerateRows(600, 31).Select(r => r.Features).ToList();
        var trees = model.Compile().Trees!.WithCovers(rows.SelectMany(r => r).ToArray(), rows.Count);
        return (trees, new TreeShap(trees));
    }

    // Shapley values from their definition over all 2^n coalitions, with the path-dependent value function
    // v(S) = sum over trees of E[f(x) | x_S] (unknown features follow both branches in proportion to the covers).
    private static double[] BruteForce(TreeEnsemble trees, float[] row)
    {
        var n = trees.FeatureCount;
        var values = new double[1 << n];
        for (var mask = 0; mask < values.Length; mask++)
        {
            values[mask] = Conditional(trees, row, mask);
        }

        var factorial = new double[n + 1];
        factorial[0] = 1;
        for (var i = 1; i <= n; i++)
        {
            factorial[i] = factorial[i - 1] * i;
        }

        var phi = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var mask = 0; mask < values.Length; mask++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    continue;
                }

                var size = System.Numerics.BitOperations.PopCount((uint)mask);
                phi[i] += factorial[size] * factorial[n - size - 1] / factorial[n] * (values[mask | (1 << i)] - values[mask]);
            }
        }

        return phi;
    }

    private static double Conditional(TreeEnsemble trees, float[] row, int known)
    {
        var total = 0.0;
        for (var t = 0; t < trees.TreeCount; t++)
        {
            total += Walk(trees, trees.Roots[t], row, known);
        }

        return total;
    }

    private static double Walk(TreeEnsemble trees, int reference, float[] row, int known)
    {
        if (reference < 0)
        {
            return trees.LeafValues[~reference];
        }

        var node = trees.Nodes[reference];
        if ((known & (1 << node.Feature)) != 0)
        {
            return Walk(trees, trees.GoesLeft(reference, row) ? node.Left : node.Right, row, known);
        }

        var left = Cover(trees, node.Left);
        var right = Cover(trees, node.Right);
        var share = left + right > 0 ? left / (left + right) : 0.5;
        return (share * Walk(trees, node.Left, row, known)) + ((1 - share) * Walk(trees, node.Right, row, known));
    }

    private static double Cover(TreeEnsemble trees, int reference)
        => reference >= 0 ? trees.NodeCovers![reference] : trees.LeafCovers![~reference];
}
