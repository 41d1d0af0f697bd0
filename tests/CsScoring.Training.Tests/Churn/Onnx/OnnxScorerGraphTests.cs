using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn.Onnx;

namespace CsScoring.Training.Tests.Churn.Onnx;

/// <summary>
/// The generated graph against the library's compiled scorer on hand-made models whose every edge is known: isotonic
/// pieces with a zero-width piece, a one-ulp gap and clamped ends; Platt; a categorical split, a missing value that
/// goes left, a single-leaf tree; NaN and infinities throughout.
/// </summary>
public sealed class OnnxScorerGraphTests
{
    private static readonly float[] Mins = [-2f, -0.5f, MathF.BitIncrement(-0.5f), 1f];
    private static readonly float[] Maxes = [-1f, -0.5f, 0.25f, 3f];
    private static readonly float[] Values = [0f, 0.1f, 0.3f, 1f];

    [Fact]
    public void Isotonic_EdgeScores_MatchTheCompiledCalibratorBitForBit()
    {
        var scorer = Identity(new PortableCalibration { Method = CalibrationMethod.Isotonic, Mins = Mins, Maxes = Maxes, Values = Values });

        var (expected, actual, scores) = Score(scorer, EdgeScores());

        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]), $"score {scores[i]:R}: compiled {expected[i]:R}, ONNX {actual[i]:R}");
        }
    }

    [Fact]
    public void Platt_EdgeScores_MatchTheCompiledCalibrator()
    {
        var scorer = Identity(new PortableCalibration { Method = CalibrationMethod.Platt, Slope = -1.7, Offset = 0.3 });

        var (expected, actual, scores) = Score(scorer, EdgeScores());

        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]) || Math.Abs(expected[i] - actual[i]) <= 1e-7, $"score {scores[i]:R}: compiled {expected[i]:R}, ONNX {actual[i]:R}");
        }
    }

    [Fact]
    public void Trees_CategoricalSplitMissingValuesAndSingleLeaf_MatchTheCompiledScorer()
    {
        // Tree 0: x0 <= 0.5 (NaN takes 0.25, so goes left) ? leaf 0 : (any of x1, x2 above 0 ? leaf 2 : leaf 1).
        // Tree 1: a single leaf.
        var trees = new PortableTrees(
            Roots: [0, ~3],
            SplitFeatures: [0, ~0],
            Thresholds: [0.5f, 0f],
            LeftChildren: [~0, ~1],
            RightChildren: [1, ~2],
            MissingValues: [0.25f, float.NaN],
            LeafValues: [0.1, -0.2, 0.35, 0.01],
            CategoricalStarts: [0, 2],
            CategoricalFeatures: [1, 2]);
        var scorer = new PortableScorer
        {
            FormatVersion = PortableScorer.CurrentFormatVersion,
            ModelKind = ModelKind.FastTree,
            FeatureCount = 3,
            Trees = trees,
            Calibration = new PortableCalibration { Method = CalibrationMethod.Platt, Slope = -1, Offset = 0 },
        };
        float[] first = [float.NaN, 0f, 0.5f, MathF.BitIncrement(0.5f), 1f, float.NegativeInfinity, float.PositiveInfinity];
        float[] other = [float.NaN, 0f, 1f, -1f, float.Epsilon];
        var rows = new List<float[]>();
        foreach (var a in first)
        {
            foreach (var b in other)
            {
                foreach (var c in other)
                {
                    rows.Add([a, b, c]);
                }
            }
        }

        var compiled = ChurnScorer.FromPortable(scorer, null);
        var matrix = rows.SelectMany(r => r).ToArray();
        using var session = OnnxExport.OpenSession(OnnxScorerGraph.Build(scorer, ["x0", "x1", "x2"], []).ToBytes("test"));
        var (probabilities, scores) = OnnxExport.Run(session, matrix, rows.Count, 3);

        for (var i = 0; i < rows.Count; i++)
        {
            var score = compiled.RawScore(rows[i]);
            Assert.True(score.Equals(scores[i]), $"row [{string.Join(", ", rows[i])}]: compiled score {score:R}, ONNX {scores[i]:R}");
            var probability = compiled.Calibrator.Apply(score);
            Assert.True(Math.Abs(probability - probabilities[i]) <= 1e-7, $"row {i}: compiled {probability:R}, ONNX {probabilities[i]:R}");
        }
    }

    [Theory]
    [InlineData(CalibrationMethod.Platt)]
    [InlineData(CalibrationMethod.Isotonic)]
    public void Blend_OfTreesTreesAndLinear_MatchesTheCompiledScorerBitForBit(CalibrationMethod method)
    {
        // Two tree components (distinct graph names) and a linear one, weights of both signs, calibrated after blending.
        var trees = new PortableTrees(
            Roots: [0, ~3],
            SplitFeatures: [0, ~0],
            Thresholds: [0.5f, 0f],
            LeftChildren: [~0, ~1],
            RightChildren: [1, ~2],
            MissingValues: [0.25f, float.NaN],
            LeafValues: [0.1, -0.2, 0.35, 0.01],
            CategoricalStarts: [0, 2],
            CategoricalFeatures: [1, 2]);
        var stump = new PortableTrees([0], [2], [0.3f], [~0], [~1], [float.NaN], [-0.4, 0.9], [0], []);
        var scorer = new PortableScorer
        {
            FormatVersion = PortableScorer.CurrentFormatVersion,
            ModelKind = ModelKind.Blend,
            FeatureCount = 3,
            Blend = new PortableBlend(
            [
                new PortableBlendComponent { ModelKind = ModelKind.LightGbm, Weight = 0.7, Trees = trees },
                new PortableBlendComponent { ModelKind = ModelKind.LogisticRegression, Weight = 1.3, Linear = new PortableLinear([0.5f, -1.25f, 2f], -0.1f) },
                new PortableBlendComponent { ModelKind = ModelKind.FastTree, Weight = -0.45, Trees = stump },
            ], 0.25),
            Calibration = method == CalibrationMethod.Platt
                ? new PortableCalibration { Method = CalibrationMethod.Platt, Slope = -1.2, Offset = 0.1 }
                : new PortableCalibration { Method = CalibrationMethod.Isotonic, Mins = Mins, Maxes = Maxes, Values = Values },
        };
        float[] values = [float.NaN, 0f, 0.3f, 0.5f, MathF.BitIncrement(0.5f), 1f, -1f, float.NegativeInfinity, float.PositiveInfinity, 1e7f];
        var rows = new List<float[]>();
        foreach (var a in values)
        {
            foreach (var b in values)
            {
                foreach (var c in values)
                {
                    rows.Add([a, b, c]);
                }
            }
        }

        var compiled = ChurnScorer.FromPortable(scorer, null);
        var matrix = rows.SelectMany(r => r).ToArray();
        using var session = OnnxExport.OpenSession(OnnxScorerGraph.Build(scorer, ["x0", "x1", "x2"], []).ToBytes("test"));
        var (probabilities, scores) = OnnxExport.Run(session, matrix, rows.Count, 3);

        for (var i = 0; i < rows.Count; i++)
        {
            var score = compiled.RawScore(rows[i]);
            Assert.True(score.Equals(scores[i]), $"row [{string.Join(", ", rows[i])}]: compiled score {score:R}, ONNX {scores[i]:R}");
            var probability = compiled.Calibrator.Apply(score);
            Assert.True(probability.Equals(probabilities[i]) || Math.Abs(probability - probabilities[i]) <= 1e-7, $"row {i}: compiled {probability:R}, ONNX {probabilities[i]:R}");
        }
    }

    // A one-feature linear model whose score is its input, so the calibrator sees exactly the scores given.
    private static PortableScorer Identity(PortableCalibration calibration) => new()
    {
        FormatVersion = PortableScorer.CurrentFormatVersion,
        ModelKind = ModelKind.LogisticRegression,
        FeatureCount = 1,
        Linear = new PortableLinear([1f], 0f),
        Calibration = calibration,
    };

    private static float[] EdgeScores()
    {
        var scores = new List<float> { float.NaN, float.NegativeInfinity, float.PositiveInfinity, -100f, 0f, 100f, -0.75f, 0.6f, 2f };
        foreach (var edge in Mins.Concat(Maxes))
        {
            scores.AddRange([edge, MathF.BitDecrement(edge), MathF.BitIncrement(edge)]);
        }

        return [.. scores];
    }

    private static (float[] Expected, float[] Actual, float[] Scores) Score(PortableScorer scorer, float[] scores)
    {
        var compiled = ChurnScorer.FromPortable(scorer, null);
        using var session = OnnxExport.OpenSession(OnnxScorerGraph.Build(scorer, ["score_input"], []).ToBytes("test"));
        var (probabilities, onnxScores) = OnnxExport.Run(session, scores, scores.Length, 1);
        Assert.Equal(scores.Select(s => compiled.RawScore([s])), onnxScores);
        return ([.. scores.Select(s => compiled.Calibrator.Apply(compiled.RawScore([s])))], probabilities, scores);
    }
}
