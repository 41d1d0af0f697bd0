using System.ComponentModel;
using CsScoring.Training.Cli;
using Spectre.Console.Cli;

namespace CsScoring.Training.Run;

internal sealed class RunSettings : OutputSettings
{
    [CommandOption("--data <DIR>")]
    [Description("The data folder, laid out like data/sample (accounts.csv, mrr_ledger.csv, surveys.csv, usage_events.csv).")]
    [DefaultValue("data/sample")]
    public string Data { get; init; } = "data/sample";

    [CommandOption("--out <DIR>")]
    [Description("Where the results go (written atomically: the folder appears complete or not at all).")]
    [DefaultValue("out")]
    public string Out { get; init; } = "out";

    [CommandOption("--seed <N>")]
    [Description("The seed for every random choice (splits, training); the same data and seed give the same results.")]
    [DefaultValue(42)]
    public int Seed { get; init; } = 42;

    [CommandOption("--force")]
    [Description("Replace an existing, non-empty output folder (only once the new results are complete).")]
    public bool Force { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        if (!Directory.Exists(Data))
        {
            return Spectre.Console.ValidationResult.Error($"--data: folder '{Data}' does not exist.");
        }

        return Spectre.Console.ValidationResult.Success();
    }
}
