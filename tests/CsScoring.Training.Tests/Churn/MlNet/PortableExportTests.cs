using CsScoring.Churn;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Tests.Churn.MlNet;

public sealed class PortableExportTests
{
    private const int Width = 4;

    // ML.NET's figures read through ranges of the rows on the cores equal one cursor over the rows, slot for slot,
    // for any row order and for fewer rows than ranges.
    [Theory]
    [InlineData(ModelKind.LightGbm)]
    [InlineData(ModelKind.FastTree)]
    [InlineData(ModelKind.LogisticRegression)]
    public void MlNetScores_RangesOnTheCores_EqualOneCursor(ModelKind kind)
    {
        var random = new Random(4);
        const int Rows = 700;
        var features = new float[Rows * Width];
        var labels = new bool[Rows];
        for (var r = 0; r < Rows; r++)
        {
            for (var f = 0; f < Width; f++)
            {
                features[(r * Width) + f] = random.Next(12) == 0 && kind != ModelKind.LogisticRegression ? float.NaN : (float)random.NextDouble();
            }

            labels[r] = random.NextDouble() < (features[r * Width] is var x && float.IsNaN(x) ? 0.3 : x);
        }

        var model = new TrainerSpec(kind, Trees: 20, MinLeaf: 5).Fit(new MLContext(seed: 1), new MatrixDataView(features, Width, labels, [.. Enumerable.Range(0, Rows)]), 1);
        int[] shuffled = [.. Enumerable.Range(0, Rows).OrderBy(_ => random.Next())];
        foreach (var count in new[] { 0, 1, 7, 33, 650 })
        {
            var rows = shuffled[..count];
            var output = model.Transform(new MatrixDataView(features, Width, labels, rows));
            var (scores, probabilities) = PortableExport.MlNetScores(model, features, Width, rows);
            Assert.Equal(output.GetColumn<float>("Score").ToArray(), scores);
            Assert.Equal(output.GetColumn<float>("Probability").ToArray(), probabilities);
        }
    }

    // The scorer is handed over once the edge rows agree, before the training rows are proved, and it is the one the
    // export returns; a disagreement on the training rows still fails the export after the hand-over.
    [Fact]
    public void Export_HandsOverTheScorerBeforeTheTrainingRows_AndStillFailsOnThem()
    {
        var random = new Random(9);
        const int Rows = 400;
        var features = new float[Rows * Width];
        var labels = new bool[Rows];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (float)random.NextDouble();
        }

        for (var r = 0; r < Rows; r++)
        {
            labels[r] = random.NextDouble() < features[r * Width];
        }

        int[] rows = [.. Enumerable.Range(0, Rows)];
        var model = new TrainerSpec(ModelKind.LightGbm, Trees: 10, MinLeaf: 5).Fit(new MLContext(seed: 1), new MatrixDataView(features, Width, labels, rows), 1);
        var schema = new FeatureSchema([.. Enumerable.Range(0, Width).Select(f => FeatureColumn.Numeric("f" + f, 0))]);
        ModelManifest ManifestFor(string sha) => new()
        {
            FormatVersion = ModelManifest.CurrentFormatVersion,
            LibraryVersion = "0.1.0",
            ModelKind = ModelKind.LightGbm,
            ScorerFile = ChurnModelDirectory.ScorerFileName,
            ScorerSha256 = sha,
            DataSha256 = new string('0', 64),
            Label = new ManifestLabel("churned", "1"),
            Seed = 1,
            Trainer = new ManifestTrainer("light_gbm", new Dictionary<string, double>()),
            Features = schema,
            Calibration = new ManifestCalibration { Method = CalibrationMethod.Platt, Slope = -1, Offset = 0 },
            Thresholds = new ManifestThresholds(0.3, 0.25, new RiskBandThresholds(0.5, 0.2)),
        };

        PortableScorer? handed = null;
        var export = PortableExport.Export(model, ManifestFor, features, Width, rows, scorerReady: s => handed = s);
        Assert.Same(export.Scorer, handed);
        Assert.NotNull(handed!.SelfTest);
        Assert.Equal(Rows + handed.SelfTest!.Rows.Count, export.Parity.Rows);

        handed = null;
        var (scores, probabilities) = PortableExport.MlNetScores(model, features, Width, rows);
        scores[123] += 0.5f;
        var error = Assert.Throws<ChurnModelException>(() => PortableExport.Export(model, ManifestFor, features, Width, rows,
            rowFigures: () => (scores, probabilities), scorerReady: s => handed = s));
        Assert.NotNull(handed);
        Assert.Contains("training row", error.Message, StringComparison.Ordinal);
    }
}
