using System.ComponentModel;
using CsScoring.Metrics;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;
using static CsScoring.Training.Metrics.MetricsOutput;

namespace CsScoring.Training.Metrics;

internal sealed class KpisSettings : MetricsSettings
{
    [CommandOption("--ledger <FILE>")]
    [Description("The MRR ledger: account_id, month (a date or yyyy-MM; or a 'period' column), mrr; optionally a segment column.")]
    public string? Ledger { get; init; }

    [CommandOption("--interrupted <retained|churned-and-reactivated>")]
    [Description("A customer paying at a period's start and end with a gap inside it (only possible for quarters and longer windows): 'retained' (compare the ends; default) or 'churned-and-reactivated'.")]
    [DefaultValue("retained")]
    public string Interrupted { get; init; } = "retained";

    public InterruptedCustomers InterruptedCustomers
        => Interrupted.Trim().Equals("churned-and-reactivated", StringComparison.OrdinalIgnoreCase) ? InterruptedCustomers.ChurnedAndReactivated : InterruptedCustomers.Retained;

    public override ValidationResult Validate()
    {
        var file = RequireFile(Ledger, "--ledger");
        if (!file.Successful)
        {
            return file;
        }

        if (!Interrupted.Trim().Equals("retained", StringComparison.OrdinalIgnoreCase) && !Interrupted.Trim().Equals("churned-and-reactivated", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationResult.Error($"--interrupted must be retained or churned-and-reactivated, not '{Interrupted}'.");
        }

        return base.Validate();
    }
}

/// <summary><c>csscoring kpis</c>: the MRR bridge and the retention rates per period, and over the trailing twelve months.</summary>
internal sealed class KpisCommand : Command<KpisSettings>
{
    public override int Execute(CommandContext context, KpisSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var history = settings.ReadLedger(settings.Ledger!);
        var options = new MrrBridgeOptions { InterruptedCustomers = settings.InterruptedCustomers };
        var length = settings.PeriodLength;
        var periods = MrrBridge.Periods(history, length, options);
        var ttm = MrrBridge.TrailingTwelveMonths(history, options);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["period_length"] = length == PeriodLength.Quarter ? "quarter" : "month",
            ["first_month"] = history.FirstMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
            ["last_month"] = history.LastMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
            ["accounts"] = history.AccountCount,
            ["skipped_rows"] = history.SkippedRows,
            ["periods"] = periods.Select(Json).ToList(),
            ["trailing_twelve_months"] = ttm is null ? null : TtmJson(ttm),
        };
        if (settings.Segment is not null)
        {
            result["segments"] = history.Segments.Select(s =>
            {
                var segmentTtm = MrrBridge.TrailingTwelveMonths(history, options, s);
                return new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["segment"] = s,
                    ["periods"] = MrrBridge.Periods(history, length, options, s).Select(Json).ToList(),
                    ["trailing_twelve_months"] = segmentTtm is null ? null : TtmJson(segmentTtm),
                };
            }).ToList();
        }

        MetricsOutput.ReportSkipped(console, history.SkippedRows, history.Warnings);
        console.JsonResult(result);
        if (console.Json)
        {
            return ExitCodes.Success;
        }

        console.Result(Table("All accounts", periods));
        if (ttm is not null)
        {
            console.ResultLine($"Trailing twelve months ({ttm.Period}): logo churn {Percent(ttm.LogoChurn)} (monthly equivalent {Percent(MonthlyChurn(ttm.LogoChurn))}), GRR {Percent(ttm.Grr)}, NRR {Percent(ttm.Nrr)}, quick ratio {QuickRatioText(ttm)}.");
        }
        else
        {
            console.ResultLine("Trailing twelve months: the ledger spans fewer than 13 months.");
        }

        if (settings.Segment is not null)
        {
            foreach (var segment in history.Segments)
            {
                console.Result(Table($"Segment {segment}", MrrBridge.Periods(history, length, options, segment)));
            }
        }

        return ExitCodes.Success;
    }

    private static Table Table(string title, IReadOnlyList<MrrBridgePeriod> periods)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumns("period", "opening", "new", "expansion", "contraction", "churned", "reactivated", "closing", "customers", "logo churn", "GRR", "NRR", "quick ratio", "ARPA");
        foreach (var p in periods)
        {
            table.AddRow(
                p.Period + (p.Partial ? "*" : string.Empty), Amount(p.OpeningMrr), Amount(p.NewMrr), Amount(p.ExpansionMrr), Amount(p.ContractionMrr), Amount(p.ChurnedMrr), Amount(p.ReactivatedMrr), Amount(p.ClosingMrr),
                p.CustomersEnd.ToString(System.Globalization.CultureInfo.InvariantCulture), Percent(p.LogoChurn), Percent(p.Grr), Percent(p.Nrr), Markup.Escape(QuickRatioText(p)), Amount(p.Arpa));
        }

        return table;
    }

    private static string QuickRatioText(MrrBridgePeriod p) => p.QuickRatioStatus switch
    {
        QuickRatioStatus.Defined => Fixed(p.QuickRatio),
        QuickRatioStatus.NoLosses => "no losses",
        _ => "no movement",
    };

    private static double MonthlyChurn(double rate) => double.IsFinite(rate) ? RateConversion.ChurnRate(rate, 12, 1) : double.NaN;

    internal static Dictionary<string, object?> TtmJson(MrrBridgePeriod p)
    {
        var json = Json(p);
        json["logo_churn_monthly_equivalent"] = Rounded(MonthlyChurn(p.LogoChurn));
        json["gross_mrr_churn_monthly_equivalent"] = Rounded(double.IsFinite(p.GrossMrrChurn) && p.GrossMrrChurn <= 1 ? RateConversion.ChurnRate(p.GrossMrrChurn, 12, 1) : double.NaN);
        return json;
    }

    internal static Dictionary<string, object?> Json(MrrBridgePeriod p) => new(StringComparer.Ordinal)
    {
        ["period"] = p.Period,
        ["opening_month"] = p.OpeningMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        ["closing_month"] = p.ClosingMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        ["partial"] = p.Partial,
        ["opening_mrr"] = Money(p.OpeningMrr),
        ["new"] = Money(p.NewMrr),
        ["expansion"] = Money(p.ExpansionMrr),
        ["contraction"] = Money(p.ContractionMrr),
        ["churned"] = Money(p.ChurnedMrr),
        ["reactivated"] = Money(p.ReactivatedMrr),
        ["closing_mrr"] = Money(p.ClosingMrr),
        ["arr"] = Money(p.Arr),
        ["customers_start"] = p.CustomersStart,
        ["customers_end"] = p.CustomersEnd,
        ["new_customers"] = p.NewCustomers,
        ["churned_customers"] = p.ChurnedCustomers,
        ["reactivated_customers"] = p.ReactivatedCustomers,
        ["logo_churn"] = Rounded(p.LogoChurn),
        ["gross_mrr_churn"] = Rounded(p.GrossMrrChurn),
        ["net_mrr_churn"] = Rounded(p.NetMrrChurn),
        ["grr"] = Rounded(p.Grr),
        ["nrr"] = Rounded(p.Nrr),
        ["quick_ratio"] = Rounded(p.QuickRatio),
        ["quick_ratio_status"] = p.QuickRatioStatus switch
        {
            QuickRatioStatus.Defined => "defined",
            QuickRatioStatus.NoLosses => "no_losses",
            _ => "no_movement",
        },
        ["arpa"] = p.Arpa is { } arpa ? Math.Round(arpa, 2) : null,
    };
}
