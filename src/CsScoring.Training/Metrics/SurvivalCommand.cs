using System.ComponentModel;
using System.Globalization;
using CsScoring.Metrics;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;
using static CsScoring.Training.Metrics.MetricsOutput;

namespace CsScoring.Training.Metrics;

internal sealed class SurvivalSettings : MetricsSettings
{
    [CommandOption("--ledger <FILE>")]
    [Description("The MRR ledger: account_id, month, mrr (optionally a segment column).")]
    public string? Ledger { get; init; }

    [CommandOption("--band <log-log|plain>")]
    [Description("How the Greenwood 95% band is built: log-log (default; stays inside [[0, 1]]) or plain (linear, clipped).")]
    [DefaultValue("log-log")]
    public string Band { get; init; } = "log-log";

    [CommandOption("--include-left-truncated")]
    [Description("Count accounts already paying in the ledger's first month as starting then (their real start is unknown; biases survival down).")]
    public bool IncludeLeftTruncated { get; init; }

    public SurvivalBand SurvivalBand => Band.Trim().Equals("plain", StringComparison.OrdinalIgnoreCase) ? SurvivalBand.Plain : SurvivalBand.LogLog;

    public override ValidationResult Validate()
    {
        var file = RequireFile(Ledger, "--ledger");
        if (!file.Successful)
        {
            return file;
        }

        var band = Band.Trim();
        if (!band.Equals("plain", StringComparison.OrdinalIgnoreCase) && !band.Equals("log-log", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationResult.Error($"--band must be log-log or plain, not '{Band}'.");
        }

        return base.Validate();
    }
}

/// <summary><c>csscoring survival</c>: Kaplan-Meier curves with bands and medians, log-rank tests and cohort matrices.</summary>
internal sealed class SurvivalCommand : Command<SurvivalSettings>
{
    /// <summary>Log-rank tests are run between every pair of at most this many segments.</summary>
    private const int MaxSegmentsCompared = 10;

    public override int Execute(CommandContext context, SurvivalSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var history = settings.ReadLedger(settings.Ledger!);
        var groups = new List<(string Name, LedgerLifetimes Lifetimes, KaplanMeierCurve Curve)>();
        var all = LedgerSurvival.Lifetimes(history, null, settings.IncludeLeftTruncated);
        groups.Add(("all", all, KaplanMeierCurve.Estimate(all.Observations, 0.95, settings.SurvivalBand)));
        if (settings.Segment is not null)
        {
            foreach (var segment in history.Segments)
            {
                var lifetimes = LedgerSurvival.Lifetimes(history, segment, settings.IncludeLeftTruncated);
                groups.Add((segment, lifetimes, KaplanMeierCurve.Estimate(lifetimes.Observations, 0.95, settings.SurvivalBand)));
            }
        }

        var segments = groups.Skip(1).Where(g => g.Curve.Count > 0).Take(MaxSegmentsCompared).ToList();
        var tests = new List<(string First, string Second, LogRankTest Test)>();
        for (var i = 0; i < segments.Count; i++)
        {
            for (var j = i + 1; j < segments.Count; j++)
            {
                tests.Add((segments[i].Name, segments[j].Name, LogRankTest.Compare(segments[i].Lifetimes.Observations, segments[j].Lifetimes.Observations)));
            }
        }

        var cohorts = LedgerSurvival.Cohorts(history, settings.PeriodLength);
        ReportSkipped(console, history.SkippedRows, history.Warnings);
        console.JsonResult(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["time_unit"] = "months",
            ["band"] = settings.SurvivalBand == SurvivalBand.Plain ? "plain" : "log_log",
            ["confidence"] = 0.95,
            ["curves"] = groups.Select(g => CurveJson(g.Name, g.Lifetimes, g.Curve)).ToList(),
            ["log_rank"] = tests.Select(t => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["first"] = t.First,
                ["second"] = t.Second,
                ["chi_square"] = Rounded(t.Test.ChiSquare),
                ["p_value"] = Rounded(t.Test.PValue, 8),
                ["observed_first"] = t.Test.ObservedFirst,
                ["expected_first"] = Rounded(t.Test.ExpectedFirst, 4),
                ["observed_second"] = t.Test.ObservedSecond,
                ["expected_second"] = Rounded(t.Test.ExpectedSecond, 4),
            }).ToList(),
            ["cohorts"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["period_length"] = settings.PeriodLength == PeriodLength.Quarter ? "quarter" : "month",
                ["rows"] = cohorts.Select(c => new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["cohort"] = c.Cohort,
                    ["customers"] = c.Customers,
                    ["starting_mrr"] = Money(c.StartingMrr),
                    ["logo_retention"] = c.LogoRetention.Select(r => Rounded(r)).ToList(),
                    ["revenue_retention"] = c.RevenueRetention.Select(r => Rounded(r)).ToList(),
                }).ToList(),
            },
        });
        if (console.Json)
        {
            return ExitCodes.Success;
        }

        var table = new Table().AddColumns("group", "accounts", "churned", "censored", "S(12)", "S(24)", "median months", "95% CI of median");
        foreach (var (name, _, curve) in groups)
        {
            table.AddRow(
                Markup.Escape(name), Count(curve.Count), Count(curve.EventCount), Count(curve.Count - curve.EventCount),
                Percent(curve.SurvivalAt(12)), Percent(curve.SurvivalAt(24)), Months(curve.Median), $"{Months(curve.MedianLower)} to {Months(curve.MedianUpper)}");
        }

        console.Result(table);
        console.ResultLine($"{all.LeftTruncated} account(s) already paying in the ledger's first month are left out (start unknown).");
        foreach (var (first, second, test) in tests)
        {
            console.ResultLine(Markup.Escape($"Log-rank {first} vs {second}: chi-square {Fixed(test.ChiSquare)}, p = {Fixed(test.PValue, "G4")}."));
        }

        return ExitCodes.Success;
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Months(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "not reached";

    internal static Dictionary<string, object?> CurveJson(string name, LedgerLifetimes lifetimes, KaplanMeierCurve curve) => new(StringComparer.Ordinal)
    {
        ["segment"] = name,
        ["n"] = curve.Count,
        ["events"] = curve.EventCount,
        ["censored"] = curve.Count - curve.EventCount,
        ["left_truncated"] = lifetimes.LeftTruncated,
        ["median"] = curve.Median,
        ["median_ci_low"] = curve.MedianLower,
        ["median_ci_high"] = curve.MedianUpper,
        ["steps"] = curve.Steps.Select(s => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["time"] = s.Time,
            ["at_risk"] = s.AtRisk,
            ["events"] = s.Events,
            ["censored"] = s.Censored,
            ["survival"] = Rounded(s.Survival),
            ["std_error"] = Rounded(s.StdError),
            ["ci_low"] = Rounded(s.Lower),
            ["ci_high"] = Rounded(s.Upper),
        }).ToList(),
    };
}
