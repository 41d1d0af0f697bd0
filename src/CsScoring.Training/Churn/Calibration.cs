using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;

namespace CsScoring.Training.Churn;

/// <summary>A calibrator fitted by ML.NET on (score, label) pairs, usable both in model.zip and directly.</summary>
internal sealed class FittedCalibrator
{
    private readonly ICalibrator _calibrator;

    private FittedCalibrator(CalibrationMethod method, ITransformer transformer, ICalibrator calibrator)
    {
        Method = method;
        Transformer = transformer;
        _calibrator = calibrator;
    }

    public CalibrationMethod Method { get; }

    /// <summary>The calibrator as a transformer that reads <c>Score</c> and writes <c>Probability</c>.</summary>
    public ITransformer Transformer { get; }

    public double Predict(float score) => _calibrator.PredictProbability(score);

    /// <summary>The calibrator in the portable scorer's form (as <see cref="MlNet.MlNetModelReader"/> reads it from a model).</summary>
    public PortableCalibration ToPortable() => MlNet.MlNetModelReader.ReadCalibrator(_calibrator, null);

    public static FittedCalibrator Fit(MLContext ml, CalibrationMethod method, float[] scores, bool[] labels, float[]? weights = null)
    {
        var view = new ScoreDataView(scores, labels, weights);
        var weight = weights is null ? null : ScoreDataView.WeightColumn;
        if (method == CalibrationMethod.Platt)
        {
            var platt = ml.BinaryClassification.Calibrators.Platt(labelColumnName: "Label", scoreColumnName: "Score", exampleWeightColumnName: weight).Fit(view);
            return new FittedCalibrator(method, platt, ((ISingleFeaturePredictionTransformer<PlattCalibrator>)platt).Model);
        }

        var isotonic = ml.BinaryClassification.Calibrators.Isotonic(labelColumnName: "Label", scoreColumnName: "Score", exampleWeightColumnName: weight).Fit(view);
        return new FittedCalibrator(method, isotonic, ((ISingleFeaturePredictionTransformer<IsotonicCalibrator>)isotonic).Model);
    }

    public ManifestCalibration ToManifest(double outOfFoldBrier)
    {
        switch (_calibrator)
        {
            case PlattCalibrator platt:
                return new ManifestCalibration { Method = CalibrationMethod.Platt, Slope = platt.Slope, Offset = platt.Offset, OutOfFoldBrier = outOfFoldBrier };
            case IsotonicCalibrator isotonic:
                var maxes = isotonic.Maxes.Select(v => (double)v).ToArray();
                return new ManifestCalibration
                {
                    Method = CalibrationMethod.Isotonic,
                    Thresholds = maxes,
                    Values = [.. isotonic.Values.Select(v => (double)v)],
                    Mins = [.. isotonic.Mins.Select(v => (double)v)],
                    Maxes = maxes,
                    OutOfFoldBrier = outOfFoldBrier,
                };
            default:
                throw new InvalidOperationException($"unexpected calibrator {_calibrator.GetType().Name}");
        }
    }
}
