using System.ComponentModel;
using System.Globalization;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Training.Cli;
using CsScoring.Training.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using static CsScoring.Training.Metrics.MetricsOutput;

namespace CsScoring.Training.Metrics;

internal sealed class UsageSettings : DataReadSettings
{
    [CommandOption("--events <FILE>")]
    [Description("The event log: account_id, user_id, date, feature (any row order; streamed).")]
    public string? Events { get; init; }

    [CommandOption("--as-of <DATE>")]
    [Description("The as-of date (yyyy-MM-dd); the trailing 30 days end on it. Default: the last event's date. Later events are ignored.")]
    public string? AsOf { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Write one row per account (CSV): events, users, MAU, DAU, WAU, DAU/MAU, WAU/MAU, features used, week-1 and week-4 retention.")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace an existing --out file.")]
    public bool Force { get; init; }

    [CommandOption("--accounts <FILE>")]
    [Description("Known accounts (a file with an account_id column, e.g. accounts.csv or mrr_ledger.csv): an event of another account is bad input.")]
    public string? Accounts { get; init; }

    [CommandOption("--retention-weeks <N>")]
    [Description("Weeks of active-user retention to report, 0-52.")]
    [DefaultValue(12)]
    public int RetentionWeeks { get; init; } = 12;

    [CommandOption("--skip-bad-rows")]
    [Description("Skip bad rows (blank ids, bad dates, unknown accounts), counted and reported as warnings, instead of stopping with exit code 2.")]
    public bool SkipBadRows { get; init; }

    public DateOnly? AsOfDate => AsOf is null ? null : DateOnly.ParseExact(AsOf.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Events))
        {
            return ValidationResult.Error("--events FILE is required.");
        }

        if (AsOf is not null && !DateOnly.TryParseExact(AsOf.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return ValidationResult.Error($"--as-of must be a date yyyy-MM-dd, not '{AsOf}'.");
        }

        if (RetentionWeeks is < 0 or > 52)
        {
            return ValidationResult.Error($"--retention-weeks must be in 0..52, not {RetentionWeeks}.");
        }

        if (Out is null)
        {
            return ValidationResult.Success();
        }

        return string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out must not be blank.") : TableOutputName.Check(Out, "--out");
    }
}

/// <summary><c>csscoring usage</c>: stickiness, feature adoption and weekly retention from the event log.</summary>
internal sealed class UsageCommand : Command<UsageSettings>
{
    public override int Execute(CommandContext context, UsageSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        if (settings.Out is { } target)
        {
            if (File.Exists(target) && !settings.Force)
            {
                throw new OutputExistsException($"--out '{target}' exists; add --force to replace it.");
            }

            AtomicOutput.EnsureWritableParent(target);
        }

        HashSet<string>? known = null;
        if (settings.Accounts is { } accountsFile)
        {
            using var accounts = CliReading.Open(accountsFile);
            var id = accounts.GetOrdinal("account_id");
            known = new HashSet<string>(StringComparer.Ordinal);
            while (accounts.Read())
            {
                known.Add(accounts.GetString(id).Trim());
            }
        }

        UsageReport report;
        using (var reader = CliReading.Open(settings.Events!))
        {
            report = UsageReport.Read(reader, new UsageOptions { AsOf = settings.AsOfDate, KnownAccounts = known, RetentionWeeks = settings.RetentionWeeks, SkipBadRows = settings.SkipBadRows });
        }

        if (settings.Out is { } path)
        {
            TableOutput.WriteText(path, text => WriteAccounts(text, report), overwrite: settings.Force);
        }

        ReportSkipped(console, report.SkippedRows, report.Warnings);
        var o = report.Overall;
        console.JsonResult(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["as_of"] = report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["events"] = report.Events,
            ["events_after_as_of"] = report.EventsAfterAsOf,
            ["skipped_rows"] = report.SkippedRows,
            ["accounts"] = report.Accounts.Count,
            ["active_accounts"] = o.ActiveAccounts,
            ["mau"] = o.MonthlyActiveUsers,
            ["dau"] = Rounded(o.AverageDailyActiveUsers, 4),
            ["wau"] = Rounded(o.AverageWeeklyActiveUsers, 4),
            ["dau_mau"] = Rounded(o.DauMau),
            ["wau_mau"] = Rounded(o.WauMau),
            ["features"] = report.Features.Select(f => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["feature"] = f.Feature,
                ["users"] = f.Users,
                ["accounts"] = f.Accounts,
                ["user_share"] = Rounded(f.UserShare),
                ["account_share"] = Rounded(f.AccountShare),
            }).ToList(),
            ["weekly_retention"] = report.WeeklyRetention.Select(r => Rounded(r)).ToList(),
            ["out"] = settings.Out,
        });
        if (console.Json)
        {
            return ExitCodes.Success;
        }

        console.ResultLine($"As of {report.AsOf:yyyy-MM-dd} (trailing 30 days): {o.ActiveAccounts} active accounts, MAU {o.MonthlyActiveUsers}, DAU {Fixed(o.AverageDailyActiveUsers, "F1")}, WAU {Fixed(o.AverageWeeklyActiveUsers, "F1")}; DAU/MAU {Percent(o.DauMau)}, WAU/MAU {Percent(o.WauMau)}.");
        var table = new Table().AddColumns("feature", "users", "share of MAU", "accounts", "share of active accounts");
        foreach (var f in report.Features)
        {
            table.AddRow(Markup.Escape(f.Feature), f.Users.ToString(CultureInfo.InvariantCulture), Percent(f.UserShare), f.Accounts.ToString(CultureInfo.InvariantCulture), Percent(f.AccountShare));
        }

        console.Result(table);
        console.ResultLine("Active-user retention by week since first use: " + string.Join(", ", report.WeeklyRetention.Select((r, k) => $"w{k} {Percent(r)}")));
        if (settings.Out is not null)
        {
            console.Note($"Per account: {settings.Out}");
        }

        return ExitCodes.Success;
    }

    private static void WriteAccounts(TextWriter text, UsageReport report)
    {
        using var csv = new CsvWriter(text);
        csv.WriteRow("account_id", "events", "users", "mau", "dau", "wau", "dau_mau", "wau_mau", "features_used_30d", "retention_week_1", "retention_week_4");
        foreach (var a in report.Accounts)
        {
            var s = a.Stickiness;
            csv.WriteField(a.AccountId);
            csv.WriteField(a.Events);
            csv.WriteField(a.Users);
            csv.WriteField(s.MonthlyActiveUsers);
            csv.WriteField(s.AverageDailyActiveUsers, "0.####");
            csv.WriteField(s.AverageWeeklyActiveUsers, "0.####");
            csv.WriteField(s.DauMau, "0.######");
            csv.WriteField(s.WauMau, "0.######");
            csv.WriteField(a.FeaturesUsed);
            csv.WriteField(a.RetentionWeek1, "0.######");
            csv.WriteField(a.RetentionWeek4, "0.######");
            csv.EndRow();
        }
    }
}
