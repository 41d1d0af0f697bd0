using System.ComponentModel;
using System.Globalization;
using CsScoring.Playbooks;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Portfolio;

internal sealed class PortfolioSettings : PseudonymisingReadSettings
{
    [CommandOption("--accounts <FILE>")]
    [Description("The account snapshots (CSV or Parquet): one row per account and as-of date, with the model's and the scorecard's columns.")]
    public string? Accounts { get; init; }

    [CommandOption("--as-of <DATE>")]
    [Description("The as-of date (yyyy-MM-dd). Without it, the most common of the accounts' latest snapshot dates, which one stray row cannot move.")]
    public string? AsOf { get; init; }

    [CommandOption("--future-rows <POLICY>")]
    [Description("Snapshots dated after the as-of date: 'ignore' (left out, counted and named in a warning) or 'error' (refused, naming the first row).")]
    [DefaultValue("ignore")]
    public string FutureRows { get; init; } = "ignore";

    [CommandOption("--model <DIR>")]
    [Description("The churn model directory written by 'csscoring train'.")]
    public string? Model { get; init; }

    [CommandOption("--scorecard <FILE>")]
    [Description("The health scorecard JSON.")]
    public string? Scorecard { get; init; }

    [CommandOption("--playbooks <FILE>")]
    [Description("The playbook JSON (rules, owners per tier, due days; see data/sample/playbooks.json).")]
    public string? Playbooks { get; init; }

    [CommandOption("--ledger <FILE>")]
    [Description("The MRR ledger: the retention model (sBG by cohort) behind potential value. Without it, a constant monthly retention of 0.98.")]
    public string? Ledger { get; init; }

    [CommandOption("--capacity-high <N>")]
    [Description("How many accounts the dedicated CSMs can carry: high-touch is filled up to N by potential value, escalations included. Without it, the top 5 % are high-touch.")]
    public int? CapacityHigh { get; init; }

    [CommandOption("--trend-periods <N>")]
    [Description("Snapshots back over which the health change is measured.")]
    [DefaultValue(3)]
    public int TrendPeriods { get; init; } = 3;

    [CommandOption("--falling-health-points <N>")]
    [Description("How many health points lost over the trend periods make an account at risk (with the churn model's high band): the playbook lint, plan.json and the dashboard count by it.")]
    [DefaultValue(15.0)]
    public double FallingHealthPoints { get; init; } = AtRiskRule.DefaultFallingHealthPoints;

    [CommandOption("--out <DIR>")]
    [Description("The output folder (written atomically): portfolio.csv and plan.json.")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace an existing output folder.")]
    public bool Force { get; init; }

    public DateOnly? AsOfDate => AsOf is null ? null : DateOnly.ParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override ValidationResult Validate()
    {
        foreach (var (value, option, what) in new[]
        {
            (Accounts, "--accounts", "the account snapshots"), (Model, "--model", "the churn model directory"), (Scorecard, "--scorecard", "the health scorecard"),
            (Playbooks, "--playbooks", "the playbook"), (Out, "--out", "the output folder"),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return ValidationResult.Error($"{option} is required: {what}.");
            }
        }

        if (AsOf is not null && !DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return ValidationResult.Error($"--as-of must be a date as yyyy-MM-dd, not '{AsOf}'.");
        }

        if (FutureRows is not ("ignore" or "error"))
        {
            return ValidationResult.Error($"--future-rows must be 'ignore' or 'error', not '{FutureRows}'.");
        }

        if (CapacityHigh is < 0)
        {
            return ValidationResult.Error($"--capacity-high must be 0 or more accounts, not {CapacityHigh}.");
        }

        if (TrendPeriods is < 1 or > 120)
        {
            return ValidationResult.Error($"--trend-periods must be between 1 and 120 snapshots, not {TrendPeriods}.");
        }

        if (!(FallingHealthPoints is >= 0.001 and <= 100))
        {
            return ValidationResult.Error($"--falling-health-points must be between 0.001 and 100 health points, not {FallingHealthPoints.ToString(CultureInfo.InvariantCulture)}.");
        }

        return ValidationResult.Success();
    }
}
