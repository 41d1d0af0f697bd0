using CsScoring.Churn;
using CsScoring.Churn.Manifest;

namespace CsScoring.Training.Churn.MlNet;

/// <summary>
/// Exports a fitted blend to the library's portable scorer (format 2: components, weights, bias, and the calibrator
/// fitted after blending) and proves, before anything is written, that the compiled blend reproduces ML.NET: each
/// component's ML.NET score, blended by the format's rule, and ML.NET's calibrator on that score, on every given row
/// and on edge rows. Blends of trees agree bit for bit on scores; with a linear component, to its float rounding.
/// </summary>
internal static class BlendExport
{
    /// <exception cref="ChurnModelException">A component is not a supported shape, or the compiled blend disagrees with ML.NET.</exception>
    public static PortableExportResult Export(BlendLearners learners, FittedCalibrator calibrator, Func<string, ModelManifest> manifestFor, float[] features, int width, int[] rows,
        Action<PortableScorer>? scorerReady = null)
    {
        var schema = MatrixDataView.CreateSchema(width);
        var components = learners.Components.Select(l => MlNetModelReader.Read(l, schema, null)).ToList();
        var weights = learners.Weights;
        var scorer = new PortableScorer
        {
            FormatVersion = PortableScorer.CurrentFormatVersion,
            ModelKind = ModelKind.Blend,
            FeatureCount = width,
            Blend = new PortableBlend(
                [.. components.Select((c, k) => new PortableBlendComponent { ModelKind = c.ModelKind, Weight = weights.Weights[k], Trees = c.Trees, Linear = c.Linear })],
                weights.Bias),
            Calibration = calibrator.ToPortable(),
        };

        // Edge rows at every tree component's thresholds (the linear component needs no more than the generic rows).
        var edges = components.Where(c => c.Trees is not null).SelectMany(MlNetModelReader.EdgeRows).ToList();
        if (edges.Count == 0)
        {
            edges = MlNetModelReader.EdgeRows(components[0]);
        }

        var edgeFeatures = new float[edges.Count * width];
        for (var i = 0; i < edges.Count; i++)
        {
            edges[i].CopyTo(edgeFeatures.AsSpan(i * width, width));
        }

        var (edgeScores, edgeProbabilities) = Reference(learners, calibrator, edgeFeatures, width, [.. Enumerable.Range(0, edges.Count)]);
        var compiled = ChurnModel.Create(manifestFor(ChurnModelDirectory.ScorerSha256(scorer)), scorer, new ChurnModelLoadOptions { VerifySelfTest = false });
        var exact = components.All(c => c.Trees is not null);
        var parity = new PortableExport.ParityAccumulator(exact, calibrator.Predict);
        parity.Compare(compiled, edgeFeatures, width, [.. Enumerable.Range(0, edges.Count)], edgeScores, edgeProbabilities, "edge row");
        var withSelfTest = scorer with
        {
            SelfTest = new PortableSelfTest([.. edges.Select(r => (IReadOnlyList<float>)r)], edgeScores, edgeProbabilities),
        };
        scorerReady?.Invoke(withSelfTest);

        var (rowScores, rowProbabilities) = Reference(learners, calibrator, features, width, rows);
        parity.Compare(compiled, features, width, rows, rowScores, rowProbabilities, "training row");
        return new PortableExportResult(withSelfTest,
            new ManifestParity(rows.Length + edges.Count, edges.Count, parity.MaxScoreDifference, parity.MaxProbabilityDifference));
    }

    /// <summary>ML.NET's side: each component's score from its own learner, blended by the format's rule, then ML.NET's calibrator.</summary>
    private static (float[] Scores, float[] Probabilities) Reference(BlendLearners learners, FittedCalibrator calibrator, float[] features, int width, int[] rows)
    {
        var linear = PortableExport.MlNetScores(learners.Linear, features, width, rows).Scores;
        var tree = PortableExport.MlNetScores(learners.Tree, features, width, rows).Scores;
        var scores = new float[rows.Length];
        var probabilities = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            scores[i] = learners.Weights.Margin(linear[i], tree[i]);
            probabilities[i] = (float)calibrator.Predict(scores[i]);
        }

        return (scores, probabilities);
    }
}
