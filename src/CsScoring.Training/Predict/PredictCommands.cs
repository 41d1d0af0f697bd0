using CsScoring.Training.Predict;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

internal static partial class CommandRegistry
{
    static partial void AddChurnInferenceCommands(IConfigurator config)
    {
        config.AddCommand<PredictCommand>("predict")
            .WithDescription("Score accounts with a trained churn model: probability, risk band and the top reasons per row.")
            .WithExample("predict", "--model", "out/model", "--data", "data/sample/accounts.csv", "--out", "predictions.csv", "--explain", "3");
    }
}
