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
