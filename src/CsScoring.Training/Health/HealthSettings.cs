using System.ComponentModel;
using System.Globalization;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Health;

/// <summary>Options every <c>health</c> command shares.</summary>
internal class HealthSettings : DataReadSettings
{
    [CommandOption("--data <FILE>")]
    [Description("Account snapshots (CSV with account_id, as_of and the scorecard's columns), like data/sample/accounts.csv.")]
    public string? Data { get; init; }

    [CommandOption("--scorecard <FILE>")]
    [Description("The scorecard JSON; the built-in default (data/sample/scorecard.json) when omitted.")]
    public string? Scorecard { get; init; }

    [CommandOption("--horizon-days <DAYS>")]
    [Description("Churn horizon in days: the label is the churned_within_<DAYS>d column when present, else derived from the monthly snapshots.")]
    [DefaultValue(90)]
    public int HorizonDays { get; init; } = 90;

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Data))
        {
            return ValidationResult.Error("--data is required.");
        }

        if (HorizonDays is < 1 or > 3660)
        {
            return ValidationResult.Error("--horizon-days must be between 1 and 3660.");
        }

        return ValidationResult.Success();
    }

    internal static bool TryParseDate(string? text, out DateOnly date)
        => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

internal sealed class HealthScoreSettings : HealthSettings, IPseudonymSettings
{
    [CommandOption("--pseudonymize-ids [KEY]")]
    [Description(SecretKeys.PseudonymizeIdsDescription)]
    public FlagValue<string>? PseudonymizeIds { get; init; }

    [CommandOption("--pseudonym-key-file <FILE>")]
    [Description(SecretKeys.PseudonymKeyFileDescription)]
    public string? PseudonymKeyFile { get; init; }

    [CommandOption("--as-of <DATE>")]
    [Description("Score each account's latest snapshot on or before this date (yyyy-MM-dd); the data's last date when omitted.")]
    public string? AsOf { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Where the scores go (CSV: score, band, status, coverage, trend, top drivers and per-metric contributions).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace an existing output file.")]
    public bool Force { get; init; }

    [CommandOption("--max-age-days <DAYS>")]
    [Description("Skip accounts whose latest snapshot is older than this many days before --as-of (they are no longer customers).")]
    [DefaultValue(31)]
    public int MaxAgeDays { get; init; } = 31;

    [CommandOption("--top-drivers <N>")]
    [Description("How many metrics pulling the score down to list per account.")]
    [DefaultValue(3)]
    public int TopDrivers { get; init; } = 3;

    [CommandOption("--overrides <FILE>")]
    [Description("Manual scores (CSV: account_id, score, reason, expires and optionally set_by); expired ones are ignored and reported.")]
    public string? Overrides { get; init; }

    [CommandOption("--rules <FILE>")]
    [Description("Scorecard selection rules (JSON): the first rule whose conditions on the account's columns all hold picks its scorecard; --scorecard is the fallback.")]
    public string? Rules { get; init; }

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful)
        {
            return common;
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return ValidationResult.Error("--out is required.");
        }

        if (TableOutputName.Check(Out, "--out") is { Successful: false } badName)
        {
            return badName;
        }

        if (AsOf is not null && !TryParseDate(AsOf, out _))
        {
            return ValidationResult.Error($"--as-of: '{AsOf}' is not a date (expected yyyy-MM-dd).");
        }

        if (MaxAgeDays < 0)
        {
            return ValidationResult.Error("--max-age-days must be >= 0.");
        }

        return TopDrivers is < 0 or > 50 ? ValidationResult.Error("--top-drivers must be between 0 and 50.") : ValidationResult.Success();
    }
}

internal sealed class HealthBacktestSettings : HealthSettings
{
    [CommandOption("--as-of <DATE>")]
    [Description("Backtest the snapshots of this date only (yyyy-MM-dd); every snapshot with a known outcome when omitted.")]
    public string? AsOf { get; init; }

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful)
        {
            return common;
        }

        return AsOf is not null && !TryParseDate(AsOf, out _)
            ? ValidationResult.Error($"--as-of: '{AsOf}' is not a date (expected yyyy-MM-dd).")
            : ValidationResult.Success();
    }
}

internal sealed class HealthTuneSettings : HealthSettings
{
    [CommandOption("--out <FILE>")]
    [Description("Where the tuned scorecard JSON goes.")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace an existing output file.")]
    public bool Force { get; init; }

    [CommandOption("--split <DATE>")]
    [Description("Fit on snapshots up to this date (yyyy-MM-dd) and evaluate on those after it plus the horizon; by default 60% of the labelled months are fitted.")]
    public string? Split { get; init; }

    [CommandOption("--l2 <PENALTY>")]
    [Description("L2 pull of the weights towards the starting ones (>= 0).")]
    [DefaultValue(0.01)]
    public double L2 { get; init; } = 0.01;

    [CommandOption("--max-iterations <N>")]
    [Description("The optimiser's iteration limit.")]
    [DefaultValue(500)]
    public int MaxIterations { get; init; } = 500;

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful)
        {
            return common;
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return ValidationResult.Error("--out is required.");
        }

        if (Split is not null && !TryParseDate(Split, out _))
        {
            return ValidationResult.Error($"--split: '{Split}' is not a date (expected yyyy-MM-dd).");
        }

        if (!double.IsFinite(L2) || L2 < 0)
        {
            return ValidationResult.Error("--l2 must be a finite number >= 0.");
        }

        return MaxIterations < 1 ? ValidationResult.Error("--max-iterations must be >= 1.") : ValidationResult.Success();
    }
}
