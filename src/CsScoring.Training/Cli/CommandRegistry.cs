using CsScoring.Training.Run;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>
/// The command tree. Each part of the product registers its commands in its own file by implementing one of the
/// partial methods below, so parts are added without editing each other's code.
/// </summary>
internal static partial class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<RunCommand>("run")
            .WithDescription("The main job: train a churn model on a data folder, score its accounts and write the report.")
            .WithExample("run", "--data", "data/sample", "--out", "out", "--force");
        AddSampleCommands(config);
        AddChurnTrainingCommands(config);
        AddChurnInferenceCommands(config);
        AddHealthCommands(config);
        AddValueCommands(config);
        AddPlanningCommands(config);
        AddMetricsCommands(config);
        AddPortfolioCommands(config);
    }

    static partial void AddSampleCommands(IConfigurator config);

    static partial void AddChurnTrainingCommands(IConfigurator config);

    static partial void AddChurnInferenceCommands(IConfigurator config);

    static partial void AddHealthCommands(IConfigurator config);

    static partial void AddValueCommands(IConfigurator config);

    static partial void AddPlanningCommands(IConfigurator config);

    static partial void AddMetricsCommands(IConfigurator config);

    static partial void AddPortfolioCommands(IConfigurator config);
}
