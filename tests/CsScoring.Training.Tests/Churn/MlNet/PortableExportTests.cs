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
}
