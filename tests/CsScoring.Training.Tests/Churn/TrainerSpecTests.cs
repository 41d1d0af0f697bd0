using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Tests.Churn;

public sealed class TrainerSpecTests
{
    private const int Width = 3;

    /// <summary>An income in the tens of thousands, a 0/1 flag and a noise column; churn depends on the first two.</summary>
    private static (float[] Features, bool[] Labels, int[] Rows) BadlyScaled(int rows, float incomeScale)
    {
        var random = new Random(11);
        var features = new float[rows * Width];
        var labels = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            var income = random.NextDouble();
            var flag = random.Next(2);
            features[i * Width] = (float)(income * incomeScale);
            features[(i * Width) + 1] = flag;
            features[(i * Width) + 2] = (float)random.NextDouble();
            var logit = -1 + (2.5 * flag) - (3 * income);
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
        }

        return (features, labels, [.. Enumerable.Range(0, rows)]);
    }

    private static float[] Scores(ITransformer model, MatrixDataView view)
        => [.. model.Transform(view).GetColumn<float>("Score")];

    [Fact]
    public void Logistic_PredictionsDoNotDependOnAFeaturesUnits()
    {
        // Incomes in units or in thousands are the same information: a standardised fit scores them alike, where one
        // L2 penalty on raw features would shrink the small-unit weight far more.
        var spec = new TrainerSpec(ModelKind.LogisticRegression, L2: 1);
        var (units, labels, rows) = BadlyScaled(800, 1);
        var (thousands, _, _) = BadlyScaled(800, 50_000);
        var ml = new MLContext(seed: 1);

        var a = Scores(spec.Fit(ml, new MatrixDataView(units, Width, labels, rows), 1), new MatrixDataView(units, Width, labels, rows));
        var b = Scores(spec.Fit(ml, new MatrixDataView(thousands, Width, labels, rows), 1), new MatrixDataView(thousands, Width, labels, rows));

        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 3);
        }
    }

    [Fact]
    public void Logistic_FoldsTheScalingIntoWeightsOnRawFeatures()
    {
        var spec = new TrainerSpec(ModelKind.LogisticRegression, L2: 1);
        var (features, labels, rows) = BadlyScaled(600, 50_000);
        var view = new MatrixDataView(features, Width, labels, rows);
        var model = spec.Fit(new MLContext(seed: 1), view, 1);

        var scorer = MlNetModelReader.Read(model, view.Schema, null);

        Assert.Equal(ModelKind.LogisticRegression, scorer.ModelKind);
        var weights = scorer.Linear!.Weights;
        Assert.True(weights[0] < 0 && weights[1] > 0, "income lowers and the flag raises the churn score");
        Assert.InRange(weights[0] * 50_000, -4.5, -0.5);
        var scores = Scores(model, view);
        for (var i = 0; i < rows.Length; i++)
        {
            var raw = scorer.Linear.Bias + Enumerable.Range(0, Width).Sum(j => (double)weights[j] * features[(i * Width) + j]);
            Assert.Equal(raw, scores[i], 3);
        }
    }

    [Fact]
    public void SearchSpace_IsFixedAndStartsWithLogisticRegression()
    {
        var a = TrainerSpec.SearchSpace(1000);
        var b = TrainerSpec.SearchSpace(1000);

        Assert.Equal(a, b);
        Assert.Equal(ChurnTrainingOptions.DefaultBudget, a.Count);
        Assert.Equal(ModelKind.LogisticRegression, a[0].Kind);
        Assert.Contains(a, s => s.Kind == ModelKind.LightGbm);
        Assert.Contains(a, s => s.Kind == ModelKind.FastTree);
    }
}
