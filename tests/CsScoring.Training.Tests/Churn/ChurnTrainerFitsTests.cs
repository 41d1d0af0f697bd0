using CsScoring.Training.Churn;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Tests.Churn;

public sealed class ChurnTrainerFitsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-fits-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("FastTree", 1)]
    [InlineData("LightGbm", 2)]
    [InlineData("Logistic", 2)]
    public void FixedLearner_BatchOfFits_EqualsTheStageByStageFits(string choice, int parallelism)
    {
        var options = new ChurnTrainingOptions
        {
            Data = new ChurnDataOptions { DataPath = TelecomData.Write(_directory), Label = "Churn", IdColumn = "customerID", Exclude = ["Email"], Seed = 4 },
            Trainer = Enum.Parse<TrainerChoice>(choice),
            Trees = 25,
            Folds = 3,
            Repeats = 2,
            Refit = false,
            Parallelism = parallelism,
        };
        var trainer = new ChurnTrainer(options);
        var result = trainer.Train();
        var model = result.ValidationModel;

        // The cross-validation as the search runs it, repeat by repeat.
        var staged = trainer.CrossValidate(model.Spec, result.TrainRows);
        Assert.Equal(staged.Folds, model.Cv.Folds);
        Assert.Equal(staged.Scores, model.Cv.Scores);

        // The learner on the training split as a separate fit makes it.
        var ml = new MLContext(seed: options.Seed);
        var learner = model.Spec.Fit(ml, trainer.View(result.TrainRows), options.Seed);
        var view = trainer.View(result.ValidationRows);
        Assert.Equal(learner.Transform(view).GetColumn<float>("Score"), model.Learner.Transform(view).GetColumn<float>("Score"));
    }

    // Negative sampling keeps every churned row and a seeded share of the others, weighted by the inverse share; the
    // choice is the same in every call, and the trained model still scores every held-out row with calibrated
    // probabilities (their mean is near the held-out base rate).
    [Fact]
    public void NegativeSample_KeepsPositivesAndAShareOfNegatives_AndStaysCalibrated()
    {
        var options = new ChurnTrainingOptions
        {
            Data = new ChurnDataOptions { DataPath = TelecomData.Write(_directory), Label = "Churn", IdColumn = "customerID", Exclude = ["Email"], Seed = 4 },
            Trainer = TrainerChoice.LightGbm,
            Trees = 25,
            Folds = 3,
            Refit = false,
            NegativeSampleRate = 0.5,
        };
        var trainer = new ChurnTrainer(options);
        var result = trainer.Train();
        var data = result.Data;
        var rows = result.TrainRows;

        var (kept, weights) = trainer.NegativeSample(rows, null);
        Assert.Equal(kept, trainer.NegativeSample(rows, null).Rows);
        Assert.All(rows.Where(r => data.Labels[r]), r => Assert.Contains(r, kept));
        Assert.All(kept, r => Assert.Equal(data.Labels[r] ? 1f : 2f, weights[r]));
        var negatives = rows.Count(r => !data.Labels[r]);
        var keptNegatives = kept.Count(r => !data.Labels[r]);
        Assert.InRange(keptNegatives, negatives * 0.4, negatives * 0.6);

        Assert.Equal(result.ValidationRows.Length, result.ValidationProbabilities.Length);
        var baseRate = result.ValidationRows.Average(r => data.Labels[r] ? 1.0 : 0.0);
        Assert.InRange(result.ValidationProbabilities.Average(), baseRate - 0.06, baseRate + 0.06);
        Assert.Contains("of the others", result.SplitDescription, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ChurnTrainer(options with { Trainer = TrainerChoice.Auto }));
        Assert.Throws<ArgumentException>(() => new ChurnTrainer(options with { NegativeSampleRate = 0 }));
    }
}
