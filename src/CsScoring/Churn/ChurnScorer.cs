using CsScoring.Churn.Calibration;
using CsScoring.Churn.Manifest;
using CsScoring.Churn.Trees;
using System.Collections.Immutable;

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

    /// <summary>Compiles and validates a portable scorer.</summary>
    /// <exception cref="ChurnModelException">The scorer's parts are missing, inconsistent or fail validation.</exception>
    public static ChurnScorer FromPortable(PortableScorer portable, string? path)
    {
        ArgumentNullException.ThrowIfNull(portable);
        try
        {
            if (portable.FormatVersion != PortableScorer.CurrentFormatVersion)
            {
                throw new ChurnModelException(ChurnModelError.UnsupportedVersion,
                    $"{PortableScorer.FileName} format_version {portable.FormatVersion} is not supported; this library reads version {PortableScorer.CurrentFormatVersion}.");
            }

            var calibrator = CalibratorFrom(portable.Calibration);
            var scorer = portable.ModelKind switch
            {
                ModelKind.FastTree or ModelKind.LightGbm when portable.Trees is { } trees && portable.Linear is null
                    => ForTrees(portable.ModelKind, TreesFrom(trees, portable.FeatureCount), calibrator),
                ModelKind.LogisticRegression when portable.Linear is { } linear && portable.Trees is null
                    => ForLinear([.. linear.Weights], linear.Bias, calibrator),
                _ => throw Invalid("a tree model needs trees and no weights; a logistic regression needs weights and no trees"),
            };
            if (scorer.FeatureCount != portable.FeatureCount)
            {
                throw Invalid($"feature_count is {portable.FeatureCount} but the model reads {scorer.FeatureCount} features");
            }

            return scorer;
        }
        catch (ChurnModelException ex) when (ex.ModelPath is null && path is not null)
        {
            throw new ChurnModelException(ex.Error, ex.Message, path, ex);
        }
    }

    /// <summary>The portable form of this scorer (without self-test rows).</summary>
    public PortableScorer ToPortable() => new()
    {
        FormatVersion = PortableScorer.CurrentFormatVersion,
        ModelKind = Kind,
        FeatureCount = FeatureCount,
        Trees = Trees?.ToPortable(),
        Linear = Trees is null ? new PortableLinear([.. Weights], Bias) : null,
        Calibration = Calibrator.ToPortable(),
    };

    internal static TreeEnsemble TreesFrom(PortableTrees trees, int featureCount)
    {
        var count = trees.SplitFeatures?.Count ?? -1;
        if (trees.Roots is null || trees.LeafValues is null || trees.CategoricalStarts is null || trees.CategoricalFeatures is null
            || trees.Thresholds?.Count != count || trees.LeftChildren?.Count != count || trees.RightChildren?.Count != count
            || trees.MissingValues?.Count != count)
        {
            throw Invalid("the trees' node arrays (split_features, thresholds, left_children, right_children, missing_values) must all be present and of one length");
        }

        var nodes = new TreeNode[count];
        for (var i = 0; i < count; i++)
        {
            var feature = trees.SplitFeatures![i];
            if (feature >= featureCount || (feature < 0 && ~feature >= trees.CategoricalStarts.Count - 1))
            {
                throw Invalid($"split node {i} tests feature {feature}, outside the {featureCount} features and {trees.CategoricalStarts.Count - 1} categorical splits");
            }

            nodes[i] = new TreeNode { Feature = feature, Threshold = trees.Thresholds[i], Left = trees.LeftChildren[i], Right = trees.RightChildren[i] };
        }

        foreach (var feature in trees.CategoricalFeatures)
        {
            if ((uint)feature >= (uint)featureCount)
            {
                throw Invalid($"a categorical split names feature {feature}, outside the {featureCount} features");
            }
        }

        return new TreeEnsemble(featureCount, nodes, [.. trees.MissingValues], [.. trees.LeafValues], [.. trees.Roots],
            [.. trees.CategoricalStarts], [.. trees.CategoricalFeatures], null, null);
    }

    private static ScoreCalibrator CalibratorFrom(PortableCalibration? calibration) => calibration switch
    {
        { Method: CalibrationMethod.Platt, Slope: { } slope, Offset: { } offset } when double.IsFinite(slope) && double.IsFinite(offset)
            => new PlattScoreCalibrator(slope, offset),
        { Method: CalibrationMethod.Isotonic, Mins: { } mins, Maxes: { } maxes, Values: { } values }
            => new IsotonicScoreCalibrator([.. mins], [.. maxes], [.. values]),
        _ => throw Invalid("the calibration needs platt with finite slope and offset, or isotonic with mins, maxes and values"),
    };

    private static ChurnModelException Invalid(string problem)
        => new(ChurnModelError.InvalidModel, $"Invalid {PortableScorer.FileName}: {problem}.");

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
