using System.ComponentModel;
using CsScoring.Training.Cli;
using Spectre.Console.Cli;

namespace CsScoring.Training.Run;

internal sealed class RunSettings : PseudonymisingReadSettings
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

    [CommandOption("--csm-monthly-cost <AMOUNT>")]
    [Description("Fully loaded monthly cost of one CSM, in the data's currency, for the headcount plans (a CSM in Japan costs about 450,000 JPY a month).")]
    [DefaultValue("10000")]
    public decimal CsmMonthlyCost { get; init; } = 10_000m;

    [CommandOption("--currency <LABEL>")]
    [Description("The label of the data's currency in the plans (e.g. JPY); nothing is converted.")]
    public string? Currency { get; init; }

    [CommandOption("--ratio <R>")]
    [Description("The CS budget as a share of ARR, in (0, 1]]; 0.06-0.10 is typical.")]
    [DefaultValue(0.08)]
    public double Ratio { get; init; } = 0.08;

    [CommandOption("--force")]
    [Description("Replace an existing, non-empty output folder (only once the new results are complete).")]
    public bool Force { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        if (!Directory.Exists(Data))
        {
            return Spectre.Console.ValidationResult.Error($"--data: folder '{Data}' does not exist.");
        }

        if (CsmMonthlyCost <= 0)
        {
            return Spectre.Console.ValidationResult.Error($"--csm-monthly-cost: must be > 0, not {CsmMonthlyCost}.");
        }

        if (!(Ratio is > 0 and <= 1))
        {
            return Spectre.Console.ValidationResult.Error($"--ratio: must be in (0, 1], not {Ratio}.");
        }

        if (Currency is not null && string.IsNullOrWhiteSpace(Currency))
        {
            return Spectre.Console.ValidationResult.Error("--currency: must not be blank.");
        }

        return Spectre.Console.ValidationResult.Success();
    }
}
