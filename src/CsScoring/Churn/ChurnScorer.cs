using CsScoring.Churn.Calibration;
using CsScoring.Churn.Manifest;
using CsScoring.Churn.Trees;
using System.Collections.Immutable;

namespace CsScoring.Churn;

/// <summary>
/// The compiled scoring core of a churn model: raw score (trees, weights, or a weighted blend of such components)
/// then calibration. Immutable and thread-safe; <c>ChurnModel</c> adds the manifest, feature mapping and
/// explanations around it.
/// </summary>
internal sealed class ChurnScorer
{
    private const int BlendBlockRows = 256;
    private readonly float[]? _weights;
    private readonly float _bias;
    private readonly ChurnScorer[]? _components;
    private readonly double[]? _componentWeights;
    private readonly double _blendBias;

    private ChurnScorer(ModelKind kind, int featureCount, TreeEnsemble? trees, float[]? weights, float bias, ScoreCalibrator calibrator,
        ChurnScorer[]? components = null, double[]? componentWeights = null, double blendBias = 0)
    {
        Kind = kind;
        FeatureCount = featureCount;
        Trees = trees;
        _weights = weights;
        _bias = bias;
        Calibrator = calibrator;
        _components = components;
        _componentWeights = componentWeights;
        _blendBias = blendBias;
    }

    /// <summary>The components of a blend (each scored without calibration), or empty for a single learner.</summary>
    public ReadOnlySpan<ChurnScorer> Components => _components;

    /// <summary>The weight of each component's raw score in a blend.</summary>
    public ReadOnlySpan<double> ComponentWeights => _componentWeights;

    /// <summary>A blend's bias, added after the weighted sum.</summary>
    public double BlendBias => _blendBias;

    public bool IsBlend => _components is not null;

    /// <summary>
    /// Whether the scores repeat the training library's bit for bit: trees (and blends of trees only) do; a linear
    /// model's float products are summed in another order there, so it agrees to rounding.
    /// </summary>
    public bool ScoresExactly => Trees is not null || (_components is { } components && components.All(c => c.Trees is not null));

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

    /// <summary>
    /// A blend: <c>(float)(Σ weights[k] × components[k].RawScore + bias)</c>, then <paramref name="calibrator"/>. The
    /// components' own calibrators are never applied.
    /// </summary>
    public static ChurnScorer ForBlend(ChurnScorer[] components, double[] weights, double bias, ScoreCalibrator calibrator)
    {
        if (components.Length < 2 || weights.Length != components.Length)
        {
            throw Invalid("a blend needs at least two components, each with one weight");
        }

        for (var k = 0; k < components.Length; k++)
        {
            if (components[k].IsBlend)
            {
                throw Invalid($"blend component {k} is itself a blend");
            }

            if (components[k].FeatureCount != components[0].FeatureCount)
            {
                throw Invalid($"blend component {k} reads {components[k].FeatureCount} features but component 0 reads {components[0].FeatureCount}");
            }

            if (!double.IsFinite(weights[k]) || weights[k] == 0)
            {
                throw Invalid($"the weight of blend component {k} must be finite and not 0");
            }
        }

        if (!double.IsFinite(bias))
        {
            throw Invalid("the bias of the blend must be finite");
        }

        return new(ModelKind.Blend, components[0].FeatureCount, null, null, 0f, calibrator, components, weights, bias);
    }

    /// <summary>Compiles and validates a portable scorer.</summary>
    /// <exception cref="ChurnModelException">The scorer's parts are missing, inconsistent or fail validation.</exception>
    public static ChurnScorer FromPortable(PortableScorer portable, string? path)
    {
        ArgumentNullException.ThrowIfNull(portable);
        try
        {
            if (portable.FormatVersion is < PortableScorer.SingleLearnerFormatVersion or > PortableScorer.CurrentFormatVersion)
            {
                throw new ChurnModelException(ChurnModelError.UnsupportedVersion,
                    $"{PortableScorer.FileName} format_version {portable.FormatVersion} is not supported; this library reads versions {PortableScorer.SingleLearnerFormatVersion} to {PortableScorer.CurrentFormatVersion}.");
            }

            var calibrator = CalibratorFrom(portable.Calibration);
            ChurnScorer scorer;
            if (portable.ModelKind == ModelKind.Blend)
            {
                if (portable.FormatVersion < PortableScorer.CurrentFormatVersion)
                {
                    throw Invalid($"a blend needs format_version {PortableScorer.CurrentFormatVersion}");
                }

                if (portable.Blend is not { Components: { } parts } blend || portable.Trees is not null || portable.Linear is not null)
                {
                    throw Invalid("a blend needs blend.components and no top-level trees or weights");
                }

                var components = new ChurnScorer[parts.Count];
                var weights = new double[parts.Count];
                for (var k = 0; k < parts.Count; k++)
                {
                    var part = parts[k] ?? throw Invalid($"blend component {k} is null");
                    components[k] = Single(part.ModelKind, part.Trees, part.Linear, portable.FeatureCount, calibrator, $"blend component {k}");
                    weights[k] = part.Weight;
                }

                scorer = ForBlend(components, weights, blend.Bias, calibrator);
            }
            else
            {
                if (portable.Blend is not null)
                {
                    throw Invalid("only a blend has blend components");
                }

                scorer = Single(portable.ModelKind, portable.Trees, portable.Linear, portable.FeatureCount, calibrator, "the model");
            }

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

    private static ChurnScorer Single(ModelKind kind, PortableTrees? trees, PortableLinear? linear, int featureCount, ScoreCalibrator calibrator, string what)
        => kind switch
        {
            ModelKind.FastTree or ModelKind.LightGbm when trees is not null && linear is null
                => ForTrees(kind, TreesFrom(trees, featureCount), calibrator),
            ModelKind.LogisticRegression when linear is { Weights: not null } && trees is null
                => ForLinear([.. linear.Weights], linear.Bias, calibrator),
            _ => throw Invalid($"{what}: a tree model needs trees and no weights; a logistic regression needs weights and no trees"),
        };

    /// <summary>The portable form of this scorer (without self-test rows).</summary>
    public PortableScorer ToPortable() => new()
    {
        FormatVersion = IsBlend ? PortableScorer.CurrentFormatVersion : PortableScorer.SingleLearnerFormatVersion,
        ModelKind = Kind,
        FeatureCount = FeatureCount,
        Trees = Trees?.ToPortable(),
        Linear = !IsBlend && Trees is null ? new PortableLinear([.. Weights], Bias) : null,
        Blend = IsBlend
            ? new PortableBlend([.. _components!.Select((c, k) => new PortableBlendComponent
            {
                ModelKind = c.Kind,
                Weight = _componentWeights![k],
                Trees = c.Trees?.ToPortable(),
                Linear = c.Trees is null ? new PortableLinear([.. c._weights!], c.Bias) : null,
            })], _blendBias)
            : null,
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

    /// <summary>A blend whose tree components are replaced, in order, by <paramref name="trees"/> (the same trees with covers).</summary>
    public ChurnScorer WithComponentTrees(IReadOnlyList<TreeEnsemble> trees)
    {
        var components = (ChurnScorer[])_components!.Clone();
        var next = 0;
        for (var k = 0; k < components.Length; k++)
        {
            if (components[k].Trees is not null)
            {
                components[k] = components[k].WithTrees(trees[next++]);
            }
        }

        return new(Kind, FeatureCount, null, null, 0f, Calibrator, components, _componentWeights, _blendBias);
    }

    /// <summary>The raw score; the caller has checked the length.</summary>
    public float RawScore(ReadOnlySpan<float> features)
    {
        if (Trees is not null)
        {
            return (float)Trees.Sum(features);
        }

        if (_components is { } components)
        {
            // Products and sum in double in component order, bias last, one rounding: the ONNX graph repeats this.
            var blended = 0.0;
            for (var k = 0; k < components.Length; k++)
            {
                blended += _componentWeights![k] * components[k].RawScore(features);
            }

            return (float)(blended + _blendBias);
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

        if (_components is not null)
        {
            BlendScores(rowMajor, rows, scores);
            return;
        }

        for (var r = 0; r < rows; r++)
        {
            scores[r] = RawScore(rowMajor.Slice(r * FeatureCount, FeatureCount));
        }
    }

    // Each component scores a block of rows with its own batch path; the weighted sum accumulates in double on the
    // stack, in the same order as RawScore, so batch and single-row scores are bit-identical.
    private void BlendScores(ReadOnlySpan<float> rowMajor, int rows, Span<float> scores)
    {
        Span<float> componentScores = stackalloc float[BlendBlockRows];
        Span<double> blended = stackalloc double[BlendBlockRows];
        var components = _components!;
        for (var start = 0; start < rows; start += BlendBlockRows)
        {
            var count = Math.Min(BlendBlockRows, rows - start);
            var block = rowMajor.Slice(start * FeatureCount, count * FeatureCount);
            var sums = blended[..count];
            sums.Clear();
            for (var k = 0; k < components.Length; k++)
            {
                var weight = _componentWeights![k];
                var own = componentScores[..count];
                components[k].RawScores(block, count, own);
                for (var i = 0; i < count; i++)
                {
                    sums[i] += weight * own[i];
                }
            }

            for (var i = 0; i < count; i++)
            {
                scores[start + i] = (float)(sums[i] + _blendBias);
            }
        }
    }
}
