using CsScoring.Training.Churn;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Tests.Churn;

public sealed class CompiledScorerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-compiled-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (ChurnTrainer Trainer, ChurnTrainingResult Result) Train(TrainerChoice trainer)
    {
        var options = new ChurnTrainingOptions
        {
            Data = new ChurnDataOptions { DataPath = TelecomData.Write(_directory), Label = "Churn", IdColumn = "customerID", Exclude = ["Email"], Seed = 3 },
            Trainer = trainer,
            Trees = 30,
            Folds = 3,
            Refit = false,
            Parallelism = 1,
        };
        var churnTrainer = new ChurnTrainer(options);
        return (churnTrainer, churnTrainer.Train());
    }

    private static float[] MlNetColumn(ITransformer model, ChurnTrainer trainer, int[] rows, string column)
        => [.. model.Transform(trainer.View(rows)).GetColumn<float>(column)];

    [Theory]
    [InlineData("FastTree")]
    [InlineData("LightGbm")]
    [InlineData("Logistic")]
    [InlineData("Blend")]
    public void Probabilities_EqualTheMlNetChainBitForBit(string choice)
    {
        var (trainer, result) = Train(Enum.Parse<TrainerChoice>(choice));
        var rows = result.ValidationRows;

        var expected = MlNetColumn(result.ValidationModel.Chain, trainer, rows, "Probability");
        var actual = trainer.Probabilities(result.ValidationModel, rows);

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits((float)actual[i]));
            Assert.Equal((double)expected[i], actual[i]);
        }

        Assert.Equal(actual, result.ValidationProbabilities);
    }

    [Theory]
    [InlineData("FastTree", true)]
    [InlineData("LightGbm", true)]
    [InlineData("Logistic", false)]
    public void RawScores_EqualMlNetsScoreColumnBitForBit(string choice, bool compiled)
    {
        var (trainer, result) = Train(Enum.Parse<TrainerChoice>(choice));
        var learner = result.ValidationModel.Learner;
        var rows = result.TrainRows;

        Assert.Equal(compiled, CompiledScorer.For(learner, result.Data.Width).IsCompiled);
        var expected = MlNetColumn(learner, trainer, rows, "Score");
        var actual = trainer.Scores(learner, rows);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void PermutationImportance_LeavesTheTrainingMatrixUntouchedAndRepeats()
    {
        var (_, result) = Train(TrainerChoice.FastTree);
        var data = result.Data;
        var before = (float[])data.Features.Clone();
        var labels = result.ValidationLabels;

        var first = PermutationImportance.Compute(data, new FittedModelScorer(result.ValidationModel, data.Width), result.ValidationRows, labels, 3);
        var second = PermutationImportance.Compute(data, new FittedModelScorer(result.ValidationModel, data.Width), result.ValidationRows, labels, 3);

        Assert.Equal(before, data.Features);
        Assert.Equal(first, second);
        Assert.Equal(result.Drivers, first);
        Assert.Equal(data.Schema.Columns.Count, first.Count);
    }
}
