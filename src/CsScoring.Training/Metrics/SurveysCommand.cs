using System.ComponentModel;
using System.Globalization;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;
using static CsScoring.Training.Metrics.MetricsOutput;

namespace CsScoring.Training.Metrics;

internal sealed class SurveysSettings : MetricsSettings
{
    [CommandOption("--data <FILE>")]
    [Description("Survey answers: account_id, user_id, date, kind (nps, csat, ces), score.")]
    public string? Data { get; init; }

    [CommandOption("--by <period|segment|account>")]
    [Description("Also report per period (--period month|quarter), per segment (needs --segment: a column of the answers or a file) or per account.")]
    public string? By { get; init; }

    [CommandOption("--ces-scale <MIN-MAX>")]
    [Description("The CES scale, e.g. 1-7 (default) or 1-5.")]
    [DefaultValue("1-7")]
    public string CesScale { get; init; } = "1-7";

    [CommandOption("--compare <GROUP1,GROUP2>")]
    [Description("Test whether two groups' NPS differ (z-test on the difference); by default the last two periods with --by period.")]
    public string? Compare { get; init; }

    public SurveyGrouping Grouping => By?.Trim().ToUpperInvariant() switch
    {
        "PERIOD" => SurveyGrouping.Period,
        "SEGMENT" => SurveyGrouping.Segment,
        "ACCOUNT" => SurveyGrouping.Account,
        _ => SurveyGrouping.None,
    };

    public (int Min, int Max) Scale()
    {
        var parts = CesScale.Split('-');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var max)
            && min < max
            ? (min, max)
            : (0, 0);
    }

    public override ValidationResult Validate()
    {
        var file = RequireFile(Data, "--data");
        if (!file.Successful)
        {
            return file;
        }

        if (By is not null && Grouping == SurveyGrouping.None)
        {
            return ValidationResult.Error($"--by must be period, segment or account, not '{By}'.");
        }

        if (Grouping == SurveyGrouping.Segment && Segment is null)
        {
            return ValidationResult.Error("--by segment needs --segment: a column of the answers, or a file of account_id and a segment column.");
        }

        if (Scale() == (0, 0))
        {
            return ValidationResult.Error($"--ces-scale must be MIN-MAX with whole numbers MIN < MAX, not '{CesScale}'.");
        }

        if (Compare is not null && Compare.Split(',').Length != 2)
        {
            return ValidationResult.Error($"--compare must name two groups as GROUP1,GROUP2, not '{Compare}'.");
        }

        return base.Validate();
    }
}

/// <summary><c>csscoring surveys</c>: NPS, CSAT and CES with their intervals, overall and per group.</summary>
internal sealed class SurveysCommand : Command<SurveysSettings>
{
    public override int Execute(CommandContext context, SurveysSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var (min, max) = settings.Scale();
        var segments = settings.Segment is null ? null : SegmentsFromColumn(settings.Data!, settings.Segment) ?? settings.ReadSegmentFile();
        SurveyReport report;
        using (var reader = CliReading.Open(settings.Data!))
        {
            report = SurveyReport.Read(reader, new SurveyOptions
            {
                GroupBy = settings.Grouping,
                PeriodLength = settings.PeriodLength,
                Segments = segments,
                CesMin = min,
                CesMax = max,
                SkipBadRows = settings.SkipBadRows,
            });
        }

        var comparison = Comparison(settings, report);
        var json = Json(report.Overall);
        json["by"] = settings.Grouping == SurveyGrouping.None ? null : settings.Grouping.ToString().ToLowerInvariant();
        json["answers"] = report.Rows - report.SkippedRows;
        json["skipped_rows"] = report.SkippedRows;
        json["groups"] = report.Groups.Select(g =>
        {
            var group = new Dictionary<string, object?>(StringComparer.Ordinal) { ["group"] = g.Key };
            foreach (var (key, value) in Json(g))
            {
                group[key] = value;
            }

            return group;
        }).ToList();
        json["nps_comparison"] = comparison is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["first"] = comparison.Value.First,
            ["second"] = comparison.Value.Second,
            ["difference"] = Rounded(comparison.Value.Result.Difference, 4),
            ["std_error"] = Rounded(comparison.Value.Result.StdError, 4),
            ["z"] = Rounded(comparison.Value.Result.Z, 4),
            ["p_value"] = Rounded(comparison.Value.Result.PValue, 6),
            ["ci_low"] = Rounded(comparison.Value.Result.Low, 4),
            ["ci_high"] = Rounded(comparison.Value.Result.High, 4),
        };
        ReportSkipped(console, report.SkippedRows, report.Warnings);
        console.JsonResult(json);
        if (console.Json)
        {
            return ExitCodes.Success;
        }

        var table = new Table().AddColumns("group", "NPS", "95% CI", "n", "CSAT %", "95% CI (Wilson)", "n", $"CES ({min}-{max})", "95% CI (t)", "n");
        foreach (var g in report.Groups.Prepend(report.Overall))
        {
            table.AddRow(
                Markup.Escape(g.Key), Fixed(g.Nps.Score, "F1"), $"{Fixed(g.Nps.Low, "F1")} to {Fixed(g.Nps.High, "F1")}", Count(g.Nps.N),
                Fixed(g.Csat.Score, "F1"), $"{Fixed(g.Csat.Low, "F1")} to {Fixed(g.Csat.High, "F1")}", Count(g.Csat.N),
                Fixed(g.Ces.Mean), $"{Fixed(g.Ces.Low)} to {Fixed(g.Ces.High)}", Count(g.Ces.N));
        }

        console.Result(table);
        if (comparison is { } c)
        {
            console.ResultLine($"NPS {c.First} - {c.Second}: {Fixed(c.Result.Difference, "F1")} points (95% CI {Fixed(c.Result.Low, "F1")} to {Fixed(c.Result.High, "F1")}), z = {Fixed(c.Result.Z)}, p = {Fixed(c.Result.PValue, "F4")}.");
        }

        return ExitCodes.Success;
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    // --segment naming a column of the answers: each account takes the segment of its last answer.
    private static Dictionary<string, string>? SegmentsFromColumn(string path, string column)
    {
        using var reader = CliReading.Open(path);
        if (!reader.TryGetOrdinal(column, out var segment))
        {
            return null;
        }

        var id = reader.GetOrdinal("account_id");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            map[reader.GetString(id).Trim()] = reader.GetString(segment).Trim();
        }

        return map;
    }

    private static (string First, string Second, NpsComparison Result)? Comparison(SurveysSettings settings, SurveyReport report)
    {
        if (settings.Compare is { } names)
        {
            var parts = names.Split(',').Select(p => p.Trim()).ToArray();
            var groups = parts.Select(p => report.Groups.FirstOrDefault(g => g.Key == p)
                ?? throw new ArgumentException($"--compare: no group '{p}' (groups: {string.Join(", ", report.Groups.Take(20).Select(g => g.Key))})")).ToArray();
            return (parts[0], parts[1], NpsEstimate.Compare(groups[0].Nps, groups[1].Nps));
        }

        if (settings.Grouping == SurveyGrouping.Period)
        {
            var withNps = report.Groups.Where(g => g.Nps.N > 0).ToList();
            if (withNps.Count >= 2)
            {
                var (previous, last) = (withNps[^2], withNps[^1]);
                return (last.Key, previous.Key, NpsEstimate.Compare(last.Nps, previous.Nps));
            }
        }

        return null;
    }

    internal static Dictionary<string, object?> Json(SurveyGroup g)
    {
        var adjusted = g.Nps.Adjusted;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["nps"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["score"] = Rounded(g.Nps.Score, 4),
                ["ci_low"] = Rounded(g.Nps.Low, 4),
                ["ci_high"] = Rounded(g.Nps.High, 4),
                ["n"] = g.Nps.N,
                ["promoters"] = g.Nps.Promoters,
                ["passives"] = g.Nps.Passives,
                ["detractors"] = g.Nps.Detractors,
                ["std_error"] = Rounded(g.Nps.StdError, 4),
                ["adjusted"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["score"] = Rounded(adjusted.Score, 4),
                    ["ci_low"] = Rounded(adjusted.Low, 4),
                    ["ci_high"] = Rounded(adjusted.High, 4),
                },
            },
            ["csat"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["score"] = Rounded(g.Csat.Score, 4),
                ["ci_low"] = Rounded(g.Csat.Low, 4),
                ["ci_high"] = Rounded(g.Csat.High, 4),
                ["n"] = g.Csat.N,
                ["satisfied"] = g.Csat.Satisfied,
            },
            ["ces"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["mean"] = Rounded(g.Ces.Mean, 4),
                ["ci_low"] = Rounded(g.Ces.Low, 4),
                ["ci_high"] = Rounded(g.Ces.High, 4),
                ["n"] = g.Ces.N,
                ["scale"] = $"{g.Ces.ScaleMin}-{g.Ces.ScaleMax}",
                ["std_dev"] = Rounded(g.Ces.StdDev, 4),
            },
        };
    }
}
