using CsScoring.Churn.Calibration;
using CsScoring.Churn.Manifest;
using CsScoring.Churn.Trees;

namespace CsScoring.Churn;

/// <summary>
/// The compiled scoring core of a churn model: raw score (trees or weights) then calibration. Immutable and
/// thread-safe; <c>ChurnModel</c> adds the manifest, feature mapping and explanations around it.
/// </summary>
internal sealed class ChurnScorer
{
    private readonly float[]? _weights;
    private readonly float _bias;

    private ChurnScorer(ModelKind kind, int featureCount, TreeEnsemble? trees, float[]? weights, float bias, ScoreCalibrator calibrator)
    {
        Kind = kind;
        FeatureCount = featureCount;
        Trees = trees;
        _weights = weights;
        _bias = bias;
        Calibrator = calibrator;
    }

    public ModelKind Kind { get; }

    public int FeatureCount { get; }

    public TreeEnsemble? Trees { get; }

    public ReadOnlySpan<float> Weights => _weights;

    public float Bias => _bias;

    public ScoreCalibrator Calibrator { get; }

    public static ChurnScorer ForTrees(ModelKind kind, TreeEnsemble trees, ScoreCalibrator calibrator)
        => new(kind, trees.FeatureCount, trees, null, 0f, calibrator);

    public static ChurnScorer ForLinear(float[] weights, float bias, ScoreCalibrator calibrator)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                throw new ChurnModelException(ChurnModelError.InvalidModel, $"Weight {i} of the linear model is not finite.");
            }
        }

        if (!float.IsFinite(bias))
        {
            throw new ChurnModelException(ChurnModelError.InvalidModel, "The bias of the linear model is not finite.");
        }

        if (weights.Length == 0)
        {
            throw new ChurnModelException(ChurnModelError.InvalidModel, "The linear model has no weights.");
        }

        return new(ModelKind.LogisticRegression, weights.Length, null, weights, bias, calibrator);
    }

    public ChurnScorer WithTrees(TreeEnsemble trees) => new(Kind, FeatureCount, trees, _weights, _bias, Calibrator);

    /// <summary>The raw score; the caller has checked the length.</summary>
    public float RawScore(ReadOnlySpan<float> features)
    {
        if (Trees is not null)
        {
            return (float)Trees.Sum(features);
        }

        // Float products as ML.NET forms them, summed in double: ML.NET's SIMD float dot product sums in another
        // order, so finite linear scores agree to rounding (about 1e-7 relative), not bit for bit. A product that
        // overflows or is NaN decides the score the way IEEE float arithmetic does in ML.NET.
        var sum = 0.0;
        var special = 0f;
        var weights = _weights!;
        for (var i = 0; i < weights.Length; i++)
        {
            var product = weights[i] * features[i];
            if (float.IsFinite(product))
            {
                sum += product;
            }
            else
            {
                special += product;
            }
        }

        return special != 0 || float.IsNaN(special) ? special + _bias : (float)(_bias + sum);
    }

    public void RawScores(ReadOnlySpan<float> rowMajor, int rows, Span<float> scores)
    {
        if (Trees is not null)
        {
            Trees.ScoreBatchCore(rowMajor, rows, scores);
            return;
        }

        for (var r = 0; r < rows; r++)
        {
            scores[r] = RawScore(rowMajor.Slice(r * FeatureCount, FeatureCount));
        }
    }
}
