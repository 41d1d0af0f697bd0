using CsScoring.Training.Churn;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

internal static partial class CommandRegistry
{
    static partial void AddChurnTrainingCommands(IConfigurator config)
    {
        config.AddCommand<TrainCommand>("train")
            .WithDescription("Train a calibrated churn model from a CSV or Parquet file (leakage-safe validation, CV, report, ONNX).")
            .WithExample("train", "--data", "data/sample/accounts.csv", "--label", "churned_within_90d", "--id", "account_id", "--time", "as_of", "--out", "model");
        config.AddCommand<EvaluateCommand>("evaluate")
            .WithDescription("Re-score a labelled file with a trained model: the training metrics plus feature drift (PSI).")
            .WithExample("evaluate", "--model", "model", "--data", "data/sample/accounts.csv");
        config.AddCommand<UpgradeModelCommand>("upgrade-model")
            .WithDescription("Convert a model directory of manifest format 1 (read through ML.NET) to the portable scorer the library loads.")
            .WithExample("upgrade-model", "--model", "old-model", "--out", "model");
    }
}
