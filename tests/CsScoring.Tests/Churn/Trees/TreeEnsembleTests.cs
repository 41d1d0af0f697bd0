using CsScoring.Churn;
using CsScoring.Churn.Trees;

namespace CsScoring.Tests.Churn.Trees;

public sealed class TreeEnsembleTests
{
    // One tree: node 0 splits feature 0 at 1.0 into leaf 0 (left) and node 1; node 1 splits feature 1 at 0 into leaves 1 and 2.
    private static TreeNode[] Nodes() =>
    [
        new TreeNode { Feature = 0, Threshold = 1f, Left = ~0, Right = 1 },
        new TreeNode { Feature = 1, Threshold = 0f, Left = ~1, Right = ~2 },
    ];

    private static TreeEnsemble Build(TreeNode[] nodes, double[]? leaves = null, float[]? missing = null, int features = 2)
        => new(features, nodes, missing ?? [float.NaN, float.NaN], leaves ?? [1, 2, 3], [0], [0], [], null, null);

    [Fact]
    public void Score_FollowsMlNetRules()
    {
        var trees = Build(Nodes());
        Assert.Equal(1f, trees.Score([1f, 5f]));                     // x <= threshold goes left
        Assert.Equal(2f, trees.Score([1.5f, 0f]));
        Assert.Equal(3f, trees.Score([float.NaN, float.NaN]));       // NaN goes right, like +Infinity
        Assert.Equal(3f, trees.Score([float.PositiveInfinity, 1f]));
        Assert.Equal(1f, trees.Score([float.NegativeInfinity, 1f]));
    }

    [Fact]
    public void Score_MissingDefault_StandsInForNaN()
    {
        var trees = Build(Nodes(), missing: [0f, float.NaN]);
        Assert.Equal(1f, trees.Score([float.NaN, 7f]));
    }

    [Fact]
    public void Score_CategoricalSplit_GoesRightWhenAnyFeatureIsPositive()
    {
        var nodes = new[] { new TreeNode { Feature = ~0, Left = ~0, Right = ~1 } };
        var trees = new TreeEnsemble(4, nodes, [float.NaN], [10, 20], [0], [0, 2], [1, 3], null, null);
        Assert.Equal(10f, trees.Score([5f, 0f, 9f, 0f]));
        Assert.Equal(20f, trees.Score([0f, 0f, 0f, 0.5f]));
        Assert.Equal(10f, trees.Score([0f, float.NaN, 0f, 0f]));
    }

    private static readonly Dictionary<string, TreeNode[]> s_damaged = new()
    {
        { "child out of range", [new TreeNode { Feature = 0, Threshold = 1f, Left = ~0, Right = 5 }, new TreeNode { Feature = 1, Left = ~1, Right = ~2 }] },
        { "leaf out of range", [new TreeNode { Feature = 0, Threshold = 1f, Left = ~7, Right = 1 }, new TreeNode { Feature = 1, Left = ~1, Right = ~2 }] },
        { "cycle", [new TreeNode { Feature = 0, Threshold = 1f, Left = ~0, Right = 1 }, new TreeNode { Feature = 1, Left = 0, Right = ~2 }] },
        { "self loop", [new TreeNode { Feature = 0, Threshold = 1f, Left = ~0, Right = 1 }, new TreeNode { Feature = 1, Left = 1, Right = ~2 }] },
        { "shared leaf", [new TreeNode { Feature = 0, Threshold = 1f, Left = ~0, Right = 1 }, new TreeNode { Feature = 1, Left = ~0, Right = ~2 }] },
        { "feature out of range", [new TreeNode { Feature = 0, Threshold = 1f, Left = ~0, Right = 1 }, new TreeNode { Feature = 9, Left = ~1, Right = ~2 }] },
        { "NaN threshold", [new TreeNode { Feature = 0, Threshold = float.NaN, Left = ~0, Right = 1 }, new TreeNode { Feature = 1, Left = ~1, Right = ~2 }] },
        { "infinite threshold", [new TreeNode { Feature = 0, Threshold = float.PositiveInfinity, Left = ~0, Right = 1 }, new TreeNode { Feature = 1, Left = ~1, Right = ~2 }] },
    };

    [Fact]
    public void ScoreBatch_WideRowsWithCategoricalAndMissingDefaults_EqualsSingleRows()
    {
        // 100 features (the block no longer fits the stack buffer), a categorical node and a NaN default.
        var nodes = new[]
        {
            new TreeNode { Feature = ~0, Left = 1, Right = 2 },
            new TreeNode { Feature = 7, Threshold = 0.5f, Left = ~0, Right = ~1 },
            new TreeNode { Feature = 99, Threshold = -0.25f, Left = ~2, Right = ~3 },
        };
        var trees = new TreeEnsemble(100, nodes, [float.NaN, 1f, float.NaN], [1, 2, 4, 8], [0], [0, 3], [3, 50, 98], null, null);
        var random = new Random(5);
        const int Rows = 300;
        var flat = new float[Rows * 100];
        for (var i = 0; i < flat.Length; i++)
        {
            flat[i] = random.Next(6) switch { 0 => float.NaN, 1 => 0f, _ => (float)(random.NextDouble() * 2 - 1) };
        }

        var scores = new float[Rows];
        trees.ScoreBatch(flat, Rows, scores);
        for (var r = 0; r < Rows; r++)
        {
            Assert.Equal(trees.Score(flat.AsSpan(r * 100, 100)), scores[r]);
        }

        Assert.Contains(scores, s => s == 1f);
        Assert.Contains(scores, s => s == 8f);
    }

    public static TheoryData<string> Damaged => new(s_damaged.Keys);

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Constructor_DamagedTree_ThrowsInvalidModel(string damage)
    {
        var error = Assert.Throws<ChurnModelException>(() => Build(s_damaged[damage]));
        Assert.Equal(ChurnModelError.InvalidModel, error.Error);
    }

    [Fact]
    public void Constructor_NonFiniteLeaf_ThrowsInvalidModel()
        => Assert.Equal(ChurnModelError.InvalidModel, Assert.Throws<ChurnModelException>(() => Build(Nodes(), leaves: [1, double.NaN, 3])).Error);

    [Fact]
    public void Constructor_UnreachableLeaf_ThrowsInvalidModel()
        => Assert.Equal(ChurnModelError.InvalidModel, Assert.Throws<ChurnModelException>(() => Build(Nodes(), leaves: [1, 2, 3, 4])).Error);

    [Fact]
    public void ScoreBatch_WrongLengths_Throw()
    {
        var trees = Build(Nodes());
        Assert.Throws<ArgumentException>(() => trees.ScoreBatch(new float[5], 3, new float[3]));
        Assert.Throws<ArgumentException>(() => trees.ScoreBatch(new float[6], 3, new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => trees.ScoreBatch(new float[6], -1, new float[3]));
    }
}
