using System.Globalization;
using CsScoring.Churn.Calibration;
using CsScoring.Churn.Manifest;
using CsScoring.Churn.Trees;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace CsScoring.Churn;

/// <summary>
/// Turns a loaded ML.NET binary-classification model (a predictor, optionally followed by calibrator transformers)
/// into a <see cref="ChurnScorer"/>, and proves the compiled form agrees with ML.NET on probe rows.
/// </summary>
internal static class MlNetModelReader
{
    public const string FeaturesColumn = "Features";

    public static ChurnScorer Read(ITransformer model, DataViewSchema inputSchema, string? path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var featureCount = FeatureCount(inputSchema, path);

        object? predictor = null;
        ICalibrator? calibrator = null;
        foreach (var stage in Flatten(model))
        {
            if (stage is not ISingleFeaturePredictionTransformer<object> prediction)
            {
                throw Unsupported(path, $"the pipeline contains a {stage.GetType().Name}; a churn model is one predictor optionally followed by calibrators (featurisation happens outside the model)");
            }

            switch (prediction.Model)
            {
                case ICalibrator stageCalibrator when predictor is not null:
                    // A calibrator transformer recomputes Probability from Score, so the last one wins.
                    calibrator = stageCalibrator;
                    break;
                case ICalibrator:
                    throw Unsupported(path, "a calibrator comes before the predictor");
                case CalibratedModelParametersBase calibrated when predictor is null:
                    if (prediction.FeatureColumnName != FeaturesColumn)
                    {
                        throw Unsupported(path, $"the predictor reads column '{prediction.FeatureColumnName}', not '{FeaturesColumn}'");
                    }

                    predictor = calibrated.SubModel;
                    calibrator = calibrated.Calibrator;
                    break;
                default:
                    throw Unsupported(path, $"the predictor {prediction.Model?.GetType().Name ?? "null"} is not a calibrated binary classifier");
            }
        }

        if (predictor is null || calibrator is null)
        {
            throw Unsupported(path, "the model has no calibrated binary-classification predictor");
        }

        var scoreCalibrator = ReadCalibrator(calibrator, path);
        var scorer = predictor switch
        {
            FastTreeBinaryModelParameters fastTree => ChurnScorer.ForTrees(ModelKind.FastTree, MlNetTreeReader.Read(fastTree, featureCount), scoreCalibrator),
            LightGbmBinaryModelParameters lightGbm => ChurnScorer.ForTrees(ModelKind.LightGbm, MlNetTreeReader.Read(lightGbm, featureCount), scoreCalibrator),
            LinearBinaryModelParameters linear => ReadLinear(linear, featureCount, scoreCalibrator, path),
            _ => throw Unsupported(path, $"the trainer's model {predictor.GetType().Name} is not FastTree, LightGBM or logistic regression"),
        };
        return scorer;
    }

    /// <summary>
    /// Scores probe rows (thresholds, their neighbours, NaN, infinities) with ML.NET and with the compiled scorer and
    /// refuses the model when they differ: a guard against any drift between ML.NET's rules and ours.
    /// </summary>
    public static void VerifyAgainstMlNet(MLContext context, ITransformer model, ChurnScorer scorer, string? path)
    {
        var rows = ProbeRows(scorer);
        var definition = SchemaDefinition.Create(typeof(ProbeRow));
        definition[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, scorer.FeatureCount);
        var data = context.Data.LoadFromEnumerable(rows.Select(r => new ProbeRow { Features = r }), definition);
        var output = model.Transform(data);
        var scores = output.GetColumn<float>("Score").ToArray();
        var probabilities = output.GetColumn<float>("Probability").ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            var score = scorer.RawScore(rows[i]);
            var probability = scorer.Calibrator.Apply(score);
            var scoreMatches = scorer.Trees is not null
                ? score.Equals(scores[i])
                : Math.Abs(score - scores[i]) <= 1e-5 * Math.Max(1, Math.Abs(scores[i])) || score.Equals(scores[i]);
            var probabilityMatches = probability.Equals(probabilities[i]) || Math.Abs(probability - probabilities[i]) <= 1e-6;
            if (!scoreMatches || !probabilityMatches)
            {
                throw new ChurnModelException(ChurnModelError.UnsupportedModel, string.Create(CultureInfo.InvariantCulture,
                    $"The compiled model disagrees with ML.NET on probe row {i}: score {score:R} vs {scores[i]:R}, probability {probability:R} vs {probabilities[i]:R}."), path);
            }
        }
    }

    internal static List<float[]> ProbeRows(ChurnScorer scorer)
    {
        var n = scorer.FeatureCount;
        var rows = new List<float[]>
        {
            new float[n],
            Filled(n, float.NaN),
            Filled(n, float.PositiveInfinity),
            Filled(n, float.NegativeInfinity),
            Filled(n, 1f),
        };

        // Values on, just below and just above every split threshold, so each comparison is exercised at its edge.
        var perFeature = new List<float>[n];
        for (var f = 0; f < n; f++)
        {
            perFeature[f] = [];
        }

        if (scorer.Trees is { } trees)
        {
            foreach (var node in trees.Nodes)
            {
                if (node.Feature >= 0 && perFeature[node.Feature].Count < 8)
                {
                    perFeature[node.Feature].Add(node.Threshold);
                }
            }
        }

        for (var k = 0; k < 24; k++)
        {
            var row = new float[n];
            for (var f = 0; f < n; f++)
            {
                var candidates = perFeature[f];
                var value = candidates.Count == 0 ? (k % 5) - 2f : candidates[(k + f) % candidates.Count];
                row[f] = ((k + (3 * f)) % 7) switch
                {
                    0 => float.NaN,
                    1 => MathF.BitDecrement(value),
                    2 => MathF.BitIncrement(value),
                    3 => k % 2 == 0 ? float.PositiveInfinity : float.NegativeInfinity,
                    _ => value,
                };
            }

            rows.Add(row);
        }

        return rows;
    }

    private static float[] Filled(int n, float value)
    {
        var row = new float[n];
        Array.Fill(row, value);
        return row;
    }

    private static int FeatureCount(DataViewSchema inputSchema, string? path)
    {
        var column = inputSchema.GetColumnOrNull(FeaturesColumn);
        if (column is null || column.Value.Type is not VectorDataViewType { ItemType: NumberDataViewType } vector
            || vector.ItemType.RawType != typeof(float) || !vector.IsKnownSize)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The model's input must be one column '{FeaturesColumn}' holding a float vector of fixed size.", path);
        }

        return vector.Size;
    }

    private static ChurnScorer ReadLinear(LinearBinaryModelParameters linear, int featureCount, ScoreCalibrator calibrator, string? path)
    {
        var weights = linear.Weights.ToArray();
        if (weights.Length != featureCount)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The linear model has {weights.Length} weights for {featureCount} features.", path);
        }

        return ChurnScorer.ForLinear(weights, linear.Bias, calibrator);
    }

    private static ScoreCalibrator ReadCalibrator(ICalibrator calibrator, string? path) => calibrator switch
    {
        PlattCalibrator platt when double.IsFinite(platt.Slope) && double.IsFinite(platt.Offset) => new PlattScoreCalibrator(platt.Slope, platt.Offset),
        PlattCalibrator => throw new ChurnModelException(ChurnModelError.InvalidModel, "The Platt calibrator's slope or offset is not finite.", path),
        IsotonicCalibrator isotonic => new IsotonicScoreCalibrator(isotonic.Mins, isotonic.Maxes, isotonic.Values),
        _ => throw Unsupported(path, $"the calibrator {calibrator.GetType().Name} is not Platt or isotonic"),
    };

    private static IEnumerable<ITransformer> Flatten(ITransformer model)
    {
        if (model is IEnumerable<ITransformer> chain)
        {
            foreach (var stage in chain)
            {
                foreach (var inner in Flatten(stage))
                {
                    yield return inner;
                }
            }
        }
        else
        {
            yield return model;
        }
    }

    private static ChurnModelException Unsupported(string? path, string problem)
        => new(ChurnModelError.UnsupportedModel, $"Unsupported model: {problem}.", path);

    private sealed class ProbeRow
    {
        public float[] Features { get; set; } = [];
    }
}
