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
}
