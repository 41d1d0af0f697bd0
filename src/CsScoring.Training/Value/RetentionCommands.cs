using System.ComponentModel;
using System.Globalization;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Training.Cli;
using CsScoring.Value;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Value;

internal sealed class FitSbgSettings : DataReadSettings
{
    [CommandOption("--survivors <COUNTS>")]
    [Description("A cohort's survivor counts, cohort size first (e.g. 1000,631,468). Repeat the option for several cohorts of different ages.")]
    public string[] Survivors { get; init; } = [];

    [CommandOption("--ledger <FILE>")]
    [Description("Instead of --survivors: an MRR ledger (account_id, month, mrr); every monthly acquisition cohort's survivor counts are fitted together.")]
    public string? Ledger { get; init; }

    [CommandOption("--horizon <PERIODS>")]
    [Description("Project survival up to this many periods (by default 12, or the oldest cohort's age if larger).")]
    public int? Horizon { get; init; }

    public override ValidationResult Validate()
    {
        if ((Survivors.Length == 0) == (Ledger is null))
        {
            return ValidationResult.Error("give --survivors (a cohort's survivor counts, e.g. 1000,631,468,382) or --ledger FILE, not both.");
        }

        if (Horizon is < 1 or > 10_000)
        {
            return ValidationResult.Error($"--horizon must be between 1 and 10000 periods, not {Horizon}.");
        }

        return ValidationResult.Success();
    }
}

/// <summary><c>csscoring retention fit-sbg</c>.</summary>
internal sealed class FitSbgCommand : Command<FitSbgSettings>
{
    public override int Execute(CommandContext context, FitSbgSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        int[][] cohorts;
        if (settings.Ledger is not null)
        {
            using var reader = CliReading.Open(settings.Ledger);
            var ledgerCohorts = CohortSurvival.Read(reader);
            if (ledgerCohorts.Cohorts.Count == 0)
            {
                throw new ArgumentException($"--ledger '{settings.Ledger}': every account was already paying in the first month, so no cohort has a known start.");
            }

            cohorts = [.. ledgerCohorts.SurvivorCounts];
        }
        else
        {
            cohorts = [.. settings.Survivors.Select(s => CliParsing.ParseCounts(s, "--survivors"))];
        }

        var fit = cohorts.Length == 1 ? SbgModel.Fit(cohorts[0]) : SbgModel.FitCohorts(cohorts);
        var model = fit.Parameters;
        var horizon = settings.Horizon ?? Math.Max(12, cohorts.Max(c => c.Length - 1));
        var survival = new double[horizon + 1];
        model.SurvivalCurve(survival);
        var size = cohorts[0][0];

        var result = new
        {
            alpha = model.Alpha,
            beta = model.Beta,
            log_likelihood = fit.LogLikelihood,
            standard_errors = new { alpha = fit.StandardErrors[0], beta = fit.StandardErrors[1] },
            converged = fit.Converged,
            cohorts = cohorts.Length,
            customers = fit.Observations,
            mean_churn = model.MeanChurn,
            observed_survivors = cohorts[0],
            projected_survivors = survival.Select(s => s * size).ToArray(),
            projected_survival = survival,
            retention_rates = Enumerable.Range(1, horizon).Select(model.RetentionRate).ToArray(),
        };
        console.JsonResult(result);

        var c = CultureInfo.InvariantCulture;
        console.ResultLine(string.Create(c, $"sBG: alpha = {model.Alpha:F4} (se {fit.StandardErrors[0]:F4}), beta = {model.Beta:F4} (se {fit.StandardErrors[1]:F4}), log-likelihood {fit.LogLikelihood:F3}"));
        var table = new Table().AddColumns("period", "observed", "projected", "retention rate");
        for (var t = 0; t <= horizon; t++)
        {
            table.AddRow(
                t.ToString(c),
                t < cohorts[0].Length ? cohorts[0][t].ToString(c) : string.Empty,
                (survival[t] * size).ToString("F1", c),
                t == 0 ? string.Empty : model.RetentionRate(t).ToString("P1", c));
        }

        console.Result(table);
        return ExitCodes.Success;
    }
}

internal sealed class DerlSettings : DataReadSettings
{
    [CommandOption("--alpha <A>")]
    [Description("The sBG model's alpha (> 0).")]
    public double? Alpha { get; init; }

    [CommandOption("--beta <B>")]
    [Description("The sBG model's beta (> 0).")]
    public double? Beta { get; init; }

    [CommandOption("--renewals <N>")]
    [Description("Renewals the customer has made (0 = paid the first period, not yet renewed).")]
    [DefaultValue(0)]
    public int Renewals { get; init; }

    [CommandOption("--discount <D>")]
    [Description("Discount rate per period (> 0; 0 only when alpha > 1).")]
    public double? Discount { get; init; }

    public override ValidationResult Validate()
    {
        if (Alpha is null || Beta is null)
        {
            return ValidationResult.Error("--alpha and --beta are required (fit them with retention fit-sbg).");
        }

        if (Discount is null)
        {
            return ValidationResult.Error("--discount is required: the discount rate per period, e.g. 0.1.");
        }

        if (Renewals < 0)
        {
            return ValidationResult.Error($"--renewals must be >= 0, not {Renewals}.");
        }

        return ValidationResult.Success();
    }
}

/// <summary><c>csscoring retention derl</c>.</summary>
internal sealed class DerlCommand : Command<DerlSettings>
{
    public override int Execute(CommandContext context, DerlSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var model = new SbgParameters(settings.Alpha!.Value, settings.Beta!.Value);
        var discount = settings.Discount!.Value;
        var derl = model.DiscountedExpectedResidualLifetime(discount, settings.Renewals);
        var del = model.DiscountedExpectedLifetime(discount);
        var result = new
        {
            alpha = model.Alpha,
            beta = model.Beta,
            renewals = settings.Renewals,
            discount_rate = discount,
            derl,
            del_new_customer = del,
            next_retention_rate = model.RetentionRate(settings.Renewals + 1),
        };
        console.JsonResult(result);
        var c = CultureInfo.InvariantCulture;
        console.ResultLine(string.Create(c, $"DERL after {settings.Renewals} renewals at {discount:P1} per period: {derl:F4} periods of payment (a new customer: {del:F4})."));
        return ExitCodes.Success;
    }
}
