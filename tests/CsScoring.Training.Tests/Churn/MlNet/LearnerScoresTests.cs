using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Tests.Churn.MlNet;

public sealed class LearnerScoresTests
{
    private const int Width = 4;
    private const int Rows = 900;

    // The learner's scores, shared out in chunks between the background worker and the cores, then put through the
    // calibrator transformer, are the saved chain's Score and Probability bit for bit: the parity proof may use them
    // in place of running the chain on every training row.
    [Theory]
    [InlineData(ModelKind.LightGbm, CalibrationMethod.Platt)]
    [InlineData(ModelKind.LightGbm, CalibrationMethod.Isotonic)]
    [InlineData(ModelKind.FastTree, CalibrationMethod.Platt)]
    [InlineData(ModelKind.FastTree, CalibrationMethod.Isotonic)]
    [InlineData(ModelKind.LogisticRegression, CalibrationMethod.Platt)]
    [InlineData(ModelKind.LogisticRegression, CalibrationMethod.Isotonic)]
    public void ChunkedScoresThroughTheCalibrator_EqualTheChain(ModelKind kind, CalibrationMethod method)
    {
        var (features, labels) = Data(kind, new Random(7));
        var ml = new MLContext(seed: 1);
        var learner = new TrainerSpec(kind, Trees: 20, MinLeaf: 5).Fit(ml, new MatrixDataView(features, Width, labels, [.. Enumerable.Range(0, Rows)]), 1);
        var outOfFold = learner.Transform(new MatrixDataView(features, Width, labels, [.. Enumerable.Range(0, Rows)])).GetColumn<float>("Score").ToArray();
        var calibrator = FittedCalibrator.Fit(ml, method, outOfFold, labels);
        var chain = new TransformerChain<ITransformer>(learner, calibrator.Transformer);
        int[] rows = [.. Enumerable.Range(0, Rows).Where(r => r % 3 != 1)];

        foreach (var chunkRows in new[] { 1, 37, 256, LearnerScores.DefaultChunkRows })
        {
            var (scores, probabilities) = PortableExport.MlNetScores(LearnerScores.Start(learner, features, Width, rows, chunkRows), calibrator.Transformer);
            var output = chain.Transform(new MatrixDataView(features, Width, labels, rows));
            Assert.Equal(output.GetColumn<float>("Score").ToArray(), scores);
            Assert.Equal(output.GetColumn<float>("Probability").ToArray(), probabilities);
        }
    }

    [Fact]
    public void NoRows_GiveNoScores()
    {
        var (features, labels) = Data(ModelKind.LightGbm, new Random(3));
        var learner = new TrainerSpec(ModelKind.LightGbm, Trees: 5, MinLeaf: 5).Fit(new MLContext(seed: 1), new MatrixDataView(features, Width, labels, [.. Enumerable.Range(0, Rows)]), 1);
        var scores = LearnerScores.Start(learner, features, Width, []);
        Assert.Empty(scores.Complete());
        Assert.Empty(scores.Rows);
    }

    [Fact]
    public void Complete_CanBeAskedAgain()
    {
        var (features, labels) = Data(ModelKind.FastTree, new Random(5));
        var learner = new TrainerSpec(ModelKind.FastTree, Trees: 5, MinLeaf: 5).Fit(new MLContext(seed: 1), new MatrixDataView(features, Width, labels, [.. Enumerable.Range(0, Rows)]), 1);
        var scores = LearnerScores.Start(learner, features, Width, [.. Enumerable.Range(0, Rows)], 100);
        var first = scores.Complete().ToArray();
        Assert.Equal(first, scores.Complete());
        Assert.Contains(first, s => s != first[0]);
    }

    private static (float[] Features, bool[] Labels) Data(ModelKind kind, Random random)
    {
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

        return (features, labels);
    }
}
