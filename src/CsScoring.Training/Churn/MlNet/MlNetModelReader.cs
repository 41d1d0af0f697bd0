using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace CsScoring.Training.Churn.MlNet;

/// <summary>
/// Turns a trained or loaded ML.NET binary-classification model (a predictor, optionally followed by calibrator
/// transformers) into the library's portable scorer, and provides the edge rows on which the trainer proves that
/// the library's compiled scorer agrees with ML.NET.
/// </summary>
internal static class MlNetModelReader
{
    public const string FeaturesColumn = "Features";

    public static PortableScorer Read(ITransformer model, DataViewSchema inputSchema, string? path)
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

        var calibration = ReadCalibrator(calibrator, path);
        return predictor switch
        {
            FastTreeBinaryModelParameters fastTree => Trees(ModelKind.FastTree, MlNetTreeReader.Read(fastTree), featureCount, calibration),
            LightGbmBinaryModelParameters lightGbm => Trees(ModelKind.LightGbm, MlNetTreeReader.Read(lightGbm), featureCount, calibration),
            LinearBinaryModelParameters linear => ReadLinear(linear, featureCount, calibration, path),
            _ => throw Unsupported(path, $"the trainer's model {predictor.GetType().Name} is not FastTree, LightGBM or logistic regression"),
        };
    }

    private static PortableScorer Trees(ModelKind kind, PortableTrees trees, int featureCount, PortableCalibration calibration) => new()
    {
        FormatVersion = PortableScorer.SingleLearnerFormatVersion,
        ModelKind = kind,
        FeatureCount = featureCount,
        Trees = trees,
        Calibration = calibration,
    };

    /// <summary>
    /// Edge rows for the parity proof: all zeros, all NaN, all ±Infinity, all ones, and rows that put values on,
    /// just below and just above split thresholds, with NaN and infinities mixed in, so each comparison is exercised
    /// at its edge.
    /// </summary>
    public static List<float[]> EdgeRows(PortableScorer scorer)
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
            for (var i = 0; i < trees.SplitFeatures.Count; i++)
            {
                var feature = trees.SplitFeatures[i];
                if (feature >= 0 && perFeature[feature].Count < 8)
                {
                    perFeature[feature].Add(trees.Thresholds[i]);
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

    private static PortableScorer ReadLinear(LinearBinaryModelParameters linear, int featureCount, PortableCalibration calibration, string? path)
    {
        var weights = linear.Weights.ToArray();
        if (weights.Length != featureCount)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The linear model has {weights.Length} weights for {featureCount} features.", path);
        }

        return new PortableScorer
        {
            FormatVersion = PortableScorer.SingleLearnerFormatVersion,
            ModelKind = ModelKind.LogisticRegression,
            FeatureCount = featureCount,
            Linear = new PortableLinear(weights, linear.Bias),
            Calibration = calibration,
        };
    }

    internal static PortableCalibration ReadCalibrator(ICalibrator calibrator, string? path) => calibrator switch
    {
        PlattCalibrator platt when double.IsFinite(platt.Slope) && double.IsFinite(platt.Offset)
            => new() { Method = CalibrationMethod.Platt, Slope = platt.Slope, Offset = platt.Offset },
        PlattCalibrator => throw new ChurnModelException(ChurnModelError.InvalidModel, "The Platt calibrator's slope or offset is not finite.", path),
        IsotonicCalibrator isotonic => new() { Method = CalibrationMethod.Isotonic, Mins = [.. isotonic.Mins], Maxes = [.. isotonic.Maxes], Values = [.. isotonic.Values] },
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

}
