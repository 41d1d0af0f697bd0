using System.Globalization;
using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace CsScoring.Training.Churn;

/// <summary>
/// One learner with its hyperparameters. Every trainer runs single-threaded with a fixed seed, so the same data and
/// seed give the same model bytes.
/// </summary>
internal sealed record TrainerSpec(ModelKind Kind, int Trees = TrainerSpec.DefaultTrees, int Leaves = TrainerSpec.DefaultLeaves, int MinLeaf = 50, double LearningRate = TrainerSpec.DefaultLearningRate, double L2 = 1.0)
{
    public const int DefaultTrees = 200;

    public const int DefaultLeaves = 8;

    public const double DefaultLearningRate = 0.05;

    /// <summary>The default settings: small trees with large leaves suit churn data (few positives, noisy labels).</summary>
    public static TrainerSpec Default(ModelKind kind, int rows)
        => new(kind) { MinLeaf = Math.Clamp(rows / 100, 2, 50) };

    /// <summary>For <see cref="ModelKind.Blend"/>: the components and their weights (see <see cref="BlendSpec"/>); otherwise <see langword="null"/>.</summary>
    public BlendSpec? Blend { get; init; }

    public string Name => Kind switch
    {
        ModelKind.FastTree => "fast_tree",
        ModelKind.LightGbm => "light_gbm",
        ModelKind.Blend => "blend",
        _ => "logistic_regression",
    };

    public IReadOnlyDictionary<string, double> Hyperparameters => Blend is { } blend ? blend.Hyperparameters : Kind == ModelKind.LogisticRegression
        ? new SortedDictionary<string, double>(StringComparer.Ordinal) { ["l2_regularization"] = L2, ["l1_regularization"] = 0 }
        : new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["number_of_trees"] = Trees,
            ["number_of_leaves"] = Leaves,
            ["minimum_example_count_per_leaf"] = MinLeaf,
            ["learning_rate"] = LearningRate,
        };

    public string Describe() => Blend is { } blend ? blend.Describe() : Kind == ModelKind.LogisticRegression
        ? string.Create(CultureInfo.InvariantCulture, $"{Name} (l2 {L2})")
        : string.Create(CultureInfo.InvariantCulture, $"{Name} ({Trees} trees, {Leaves} leaves, min {MinLeaf} per leaf, learning rate {LearningRate})");

    public void Validate()
    {
        if (Trees < 1 || Leaves < 2 || MinLeaf < 1 || !(LearningRate > 0 && LearningRate <= 1) || !(L2 >= 0))
        {
            throw new ArgumentException($"invalid trainer settings: {Describe()} (trees >= 1, leaves >= 2, min per leaf >= 1, learning rate in (0, 1], l2 >= 0)");
        }
    }

    /// <summary>Trains on a view with <c>Features</c> and <c>Label</c>; returns ML.NET's prediction transformer.</summary>
    public ITransformer Fit(MLContext ml, IDataView data, int seed)
    {
        var features = MatrixDataView.FeaturesColumn;
        var label = MatrixDataView.LabelColumn;
        var weight = data.Schema.GetColumnOrNull(MatrixDataView.WeightColumn) is null ? null : MatrixDataView.WeightColumn;
        switch (Kind)
        {
            case ModelKind.Blend:
                throw new InvalidOperationException("a blend is not one learner: its components are fitted on their own and combined by BlendFitter");
            case ModelKind.FastTree:
                return ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    FeatureColumnName = features,
                    LabelColumnName = label,
                    ExampleWeightColumnName = weight,
                    NumberOfTrees = Trees,
                    NumberOfLeaves = Leaves,
                    MinimumExampleCountPerLeaf = MinLeaf,
                    LearningRate = LearningRate,
                    NumberOfThreads = 1,
                    Seed = seed,
                    FeatureFirstUsePenalty = 0,
                    DiskTranspose = false,
                }).Fit(data);
            case ModelKind.LightGbm:
                return ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    FeatureColumnName = features,
                    LabelColumnName = label,
                    ExampleWeightColumnName = weight,
                    NumberOfIterations = Trees,
                    NumberOfLeaves = Leaves,
                    MinimumExampleCountPerLeaf = MinLeaf,
                    LearningRate = LearningRate,
                    NumberOfThreads = 1,
                    Seed = seed,
                    Silent = true,
                    Verbose = false,
                    UseCategoricalSplit = false,
                    HandleMissingValue = true,
                    Booster = new GradientBooster.Options { L2Regularization = L2 },
                }).Fit(data);
            default:
                return ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    FeatureColumnName = features,
                    LabelColumnName = label,
                    ExampleWeightColumnName = weight,
                    L2Regularization = (float)L2,
                    L1Regularization = 0,
                    NumberOfThreads = 1,
                    OptimizationTolerance = 1e-7f,
                    MaximumNumberOfIterations = 2000,
                    HistorySize = 20,
                }).Fit(data);
        }
    }

    /// <summary>
    /// The <c>auto</c> search space, in the order it is tried: the three baselines first, then variations of the
    /// tree learners over leaves, trees, learning rate and minimum rows per leaf (seeded order).
    /// </summary>
    public static IReadOnlyList<TrainerSpec> SearchSpace(int seed)
    {
        var baselines = new List<TrainerSpec>
        {
            new(ModelKind.FastTree),
            new(ModelKind.LogisticRegression),
            new(ModelKind.LightGbm),
        };
        var grid = new List<TrainerSpec>();
        foreach (var kind in new[] { ModelKind.FastTree, ModelKind.LightGbm })
        {
            foreach (var leaves in new[] { 8, 31 })
            {
                foreach (var (trees, rate) in new[] { (100, 0.1), (400, 0.03) })
                {
                    foreach (var minLeaf in new[] { 10, 50 })
                    {
                        grid.Add(new TrainerSpec(kind, trees, leaves, minLeaf, rate));
                    }
                }
            }
        }

        var shuffled = grid.ToArray();
        new Random(seed).Shuffle(shuffled);
        return [.. baselines, .. shuffled];
    }
}
