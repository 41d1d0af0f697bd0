using System.ComponentModel;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Sample;

internal sealed class GenerateSampleSettings : OutputSettings
{
    [CommandOption("--out <DIR>")]
    [Description("The folder to write (created; written atomically).")]
    public string? Out { get; init; }

    [CommandOption("--accounts <N>")]
    [Description("How many accounts to simulate.")]
    [DefaultValue(SampleOptions.DefaultAccounts)]
    public int Accounts { get; init; } = SampleOptions.DefaultAccounts;

    [CommandOption("--months <M>")]
    [Description("How many monthly snapshots (at least 6: labels need the 90 days after each snapshot).")]
    [DefaultValue(SampleOptions.DefaultMonths)]
    public int Months { get; init; } = SampleOptions.DefaultMonths;

    [CommandOption("--seed <S>")]
    [Description("The seed: the same seed and sizes give the same bytes.")]
    [DefaultValue(SampleOptions.DefaultSeed)]
    public int Seed { get; init; } = SampleOptions.DefaultSeed;

    [CommandOption("--end <DATE>")]
    [Description("The last snapshot's month (yyyy-MM-dd); default 2025-12-31.")]
    public string? End { get; init; }

    [CommandOption("--no-events")]
    [Description("Skip surveys.csv and usage_events.csv (for benchmark-sized snapshot files).")]
    public bool NoEvents { get; init; }

    [CommandOption("--force")]
    [Description("Replace an existing, non-empty output folder (only once the new one is complete).")]
    public bool Force { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Out))
        {
            return ValidationResult.Error("--out is required: the folder to write the sample into.");
        }

        if (Accounts <= 0)
        {
            return ValidationResult.Error($"--accounts must be a positive number of accounts, not {Accounts}.");
        }

        if (Months < 6)
        {
            return ValidationResult.Error($"--months must be at least 6 (labels need 90 days after a snapshot), not {Months}.");
        }

        if (End is not null && !DateOnly.TryParseExact(End, "yyyy-MM-dd", out _))
        {
            return ValidationResult.Error($"--end must be a date as yyyy-MM-dd, not '{End}'.");
        }

        return ValidationResult.Success();
    }

    public SampleOptions ToOptions() => new()
    {
        Accounts = Accounts,
        Months = Months,
        Seed = Seed,
        End = End is null ? new SampleOptions().End : DateOnly.ParseExact(End, "yyyy-MM-dd"),
        WriteEventFiles = !NoEvents,
    };
}
