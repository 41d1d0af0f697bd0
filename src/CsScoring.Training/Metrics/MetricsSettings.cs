using System.ComponentModel;
using System.Globalization;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Metrics;

/// <summary>Options the KPI commands share: bad-row handling and segments.</summary>
internal class MetricsSettings : DataReadSettings
{
    [CommandOption("--skip-bad-rows")]
    [Description("Skip rows that cannot be used (bad period, date, kind, score, negative MRR, repeated account-period, unknown account), counted and reported as warnings, instead of stopping at the first with exit code 2.")]
    public bool SkipBadRows { get; init; }

    [CommandOption("--segment <FILE_OR_COLUMN>")]
    [Description("Segments: a column of the input file, or a file with account_id and a segment column (the column 'segment', the one --segment-column names, or the second of two). An account repeated in the file takes its last row's segment.")]
    public string? Segment { get; init; }

    [CommandOption("--segment-column <NAME>")]
    [Description("The segment column of the --segment file (e.g. plan in accounts.csv).")]
    public string? SegmentColumn { get; init; }

    [CommandOption("--period <month|quarter>")]
    [Description("Period length: month (yyyy-MM) or quarter (yyyy-Qn).")]
    [DefaultValue("month")]
    public string Period { get; init; } = "month";

    public PeriodLength PeriodLength => ReportingPeriods.TryParseLength(Period, out var length) ? length : PeriodLength.Month;

    public override ValidationResult Validate()
    {
        if (!ReportingPeriods.TryParseLength(Period, out _))
        {
            return ValidationResult.Error($"--period must be month or quarter, not '{Period}'.");
        }

        if (Segment is not null && string.IsNullOrWhiteSpace(Segment))
        {
            return ValidationResult.Error("--segment must not be blank.");
        }

        return SegmentColumn is not null && Segment is null
            ? ValidationResult.Error("--segment-column needs --segment FILE.")
            : ValidationResult.Success();
    }

    /// <summary>Account id to segment from the --segment file.</summary>
    public Dictionary<string, string> ReadSegmentFile()
    {
        var path = Segment!;
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--segment '{path}' is neither a column of the input nor an existing file.");
        }

        using var reader = CliReading.Open(path);
        var id = reader.GetOrdinal("account_id");
        int column;
        if (SegmentColumn is not null)
        {
            column = reader.GetOrdinal(SegmentColumn);
        }
        else if (!reader.TryGetOrdinal("segment", out column))
        {
            column = reader.Columns.Count == 2 ? 1 - id : throw new DataFormatException(
                $"the segment file has no 'segment' column; name one with --segment-column (columns: {string.Join(", ", reader.Columns)})", reader.SourceName, null, null);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var account = reader.GetString(id).Trim();
            if (account.Length == 0)
            {
                throw reader.Error(id, "the account id is blank");
            }

            map[account] = reader.GetString(column).Trim();
        }

        return map;
    }

    /// <summary>Reads a ledger with the --segment option resolved (column of the ledger, else file).</summary>
    public MrrHistory ReadLedger(string path)
    {
        string? column = null;
        IReadOnlyDictionary<string, string>? map = null;
        if (Segment is not null)
        {
            using var probe = CliReading.Open(path);
            if (probe.TryGetOrdinal(Segment, out _))
            {
                column = Segment;
            }
            else
            {
                map = ReadSegmentFile();
            }
        }

        using var reader = CliReading.Open(path);
        return MrrHistory.Read(reader, new MrrHistoryOptions { SegmentColumn = column, Segments = map, SkipBadRows = SkipBadRows });
    }

    protected static ValidationResult RequireFile(string? value, string option)
        => string.IsNullOrWhiteSpace(value) ? ValidationResult.Error($"{option} FILE is required.") : ValidationResult.Success();
}

/// <summary>Formatting the KPI commands share.</summary>
internal static class MetricsOutput
{
    /// <summary>NaN and infinities print as JSON null.</summary>
    public static double? Number(double value) => double.IsFinite(value) ? value : null;

    /// <summary>A rounded number for JSON (NaN as null): 6 decimals keep rates exact enough and figures readable.</summary>
    public static double? Rounded(double value, int digits = 6) => double.IsFinite(value) ? Math.Round(value, digits) : null;

    // 100.00 prints as 100: the scale of a sum is an artefact, not precision.
    public static decimal Money(decimal value) => value / 1.000000000000000000000000000000000m;

    public static string Percent(double value) => double.IsFinite(value) ? value.ToString("P1", CultureInfo.InvariantCulture) : "-";

    public static string Fixed(double value, string format = "F2") => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static string Amount(decimal? value) => value is { } v ? v.ToString("N2", CultureInfo.InvariantCulture) : "-";

    public static void ReportSkipped(CliConsole console, long skipped, IReadOnlyList<string> warnings)
    {
        if (skipped == 0)
        {
            return;
        }

        console.Warn(string.Create(CultureInfo.InvariantCulture, $"{skipped} bad row(s) skipped (--skip-bad-rows); the first {warnings.Count}:"));
        foreach (var warning in warnings)
        {
            console.Warn(Markup.Escape(warning));
        }
    }
}
