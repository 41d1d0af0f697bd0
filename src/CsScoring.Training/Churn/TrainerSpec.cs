using System.Globalization;
using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using CsScoring.Training.Churn.MlNet;

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
    public ITransformer Fit(MLContext ml, MatrixDataView data, int seed)
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
                return FitLogistic(ml, data, weight);
        }
    }

    /// <summary>
    /// Logistic regression on standardised features, folded back into weights on the raw features. One L2 penalty
    /// on raw features punishes a weight on a 0/1 flag as much as one on an income in the thousands, and L-BFGS
    /// converges badly on such a badly scaled problem; on standardised features the penalty treats every feature
    /// alike. The folding keeps the saved model a plain linear model on the raw features (scorer.json, ONNX and
    /// the library's inference unchanged): <c>w_j' = w_j s_j</c> and <c>b' = b - sum_j w_j s_j m_j</c>.
    /// </summary>
    private ITransformer FitLogistic(MLContext ml, MatrixDataView data, string? weight)
    {
        var (shift, scale) = data.Standardisation();
        var fitted = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            FeatureColumnName = MatrixDataView.FeaturesColumn,
            LabelColumnName = MatrixDataView.LabelColumn,
            ExampleWeightColumnName = weight,
            L2Regularization = (float)L2,
            L1Regularization = 0,
            NumberOfThreads = 1,
            OptimizationTolerance = 1e-7f,
            MaximumNumberOfIterations = 1000,
            HistorySize = 20,
        }).Fit(data.Standardised(shift, scale));
        var standardised = fitted.Model.SubModel;
        var weights = standardised.Weights.ToArray();
        var raw = new float[weights.Length];
        double bias = standardised.Bias;
        for (var j = 0; j < weights.Length; j++)
        {
            var w = (double)weights[j] * scale[j];
            raw[j] = (float)w;
            bias -= w * shift[j];
        }

        return MlNetLinearModel.Create(ml, raw, (float)bias, fitted.Model.Calibrator, data.Schema);
    }

    /// <summary>
    /// The <c>auto</c> search space, in the order it is tried (a budget of N candidates tries the first N): logistic
    /// regression over its L2 penalty first (cheap, and strong on small or mostly linear data), then boosted trees
    /// from shallow and slow to deeper and faster. Fixed, so the search is the same on every machine.
    /// </summary>
    public static IReadOnlyList<TrainerSpec> SearchSpace(int rows)
    {
        var minLeaf = Math.Clamp(rows / 100, 2, 50);
        return
        [
            new(ModelKind.LogisticRegression, L2: 1),
            new(ModelKind.LightGbm, 200, 8, minLeaf, 0.05),
            new(ModelKind.LogisticRegression, L2: 10),
            new(ModelKind.FastTree, 200, 8, minLeaf, 0.05),
            new(ModelKind.LogisticRegression, L2: 0.1),
            new(ModelKind.LightGbm, 400, 4, Math.Max(minLeaf, 20), 0.03),
            new(ModelKind.FastTree, 400, 4, Math.Max(minLeaf, 20), 0.03),
            new(ModelKind.LightGbm, 150, 16, Math.Max(minLeaf, 10), 0.05),
            new(ModelKind.LogisticRegression, L2: 100),
        ];
    }
}
