using System.Globalization;
using System.Text.Json;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Training.Cli;
using CsScoring.Training.Metrics;
using CsScoring.Training.Reporting;
using CsScoring.Training.Value;

using CsScoring.Training.Reporting.Dashboard;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    private const string SurveysFile = "surveys.csv";
    private const string UsageFile = "usage_events.csv";
    private static readonly int[] SurvivalMonths = [3, 6, 12, 18, 24, 36];

    /// <summary>
    /// The KPIs a CS leader reports, from every data file: the monthly MRR bridge and rates with the trailing twelve
    /// months, logo survival (Kaplan-Meier with Greenwood bands), NPS/CSAT/CES with their intervals per month, and
    /// stickiness and feature adoption from the event log. Written to <c>kpis.json</c> in the shapes of the
    /// <c>kpis</c>, <c>survival</c>, <c>surveys</c> and <c>usage</c> commands.
    /// </summary>
    /// <returns>The dashboard's KPI tiles (none without a ledger, surveys or usage events).</returns>
    private static IReadOnlyList<KpiTile> MeasureKpis(RunContext context, RunInputs inputs)
    {
        MrrHistory? mrr = null;
        SurveyReport? surveyReport = null;
        UsageReport? usageReport = null;
        var document = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        var summary = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        var c = CultureInfo.InvariantCulture;
        var report = context.Report.Section("Retention KPIs: revenue, logos, satisfaction and usage");
        if (inputs.Ledger is { } ledger)
        {
            var history = MrrHistory.FromLedger(ledger);
            mrr = history;
            var periods = MrrBridge.Periods(history, PeriodLength.Month);
            var ttm = MrrBridge.TrailingTwelveMonths(history);
            document["periods"] = periods.Select(KpisCommand.Json).ToList();
            document["trailing_twelve_months"] = ttm is null ? null : KpisCommand.TtmJson(ttm);
            var lifetimes = LedgerSurvival.Lifetimes(history);
            var curve = KaplanMeierCurve.Estimate(lifetimes.Observations);
            document["survival"] = SurvivalCommand.CurveJson("all", lifetimes, curve);
            var lastMonth = periods[^1];
            context.Summary["retention"] = new
            {
                month = lastMonth.Period,
                mrr = lastMonth.ClosingMrr,
                logo_churn_rate = Math.Round(lastMonth.LogoChurn, 6),
                gross_revenue_churn_rate = Math.Round(lastMonth.GrossMrrChurn, 6),
                ttm_logo_retention = ttm is null ? (double?)null : Math.Round(1 - ttm.LogoChurn, 6),
                ttm_grr = ttm is null ? (double?)null : Math.Round(ttm.Grr, 6),
                ttm_nrr = ttm is null ? (double?)null : Math.Round(ttm.Nrr, 6),
            };
            if (ttm is not null)
            {
                summary["ttm_logo_churn"] = Math.Round(ttm.LogoChurn, 4);
                summary["ttm_grr"] = Math.Round(ttm.Grr, 4);
                summary["ttm_nrr"] = Math.Round(ttm.Nrr, 4);
                report.Facts(
                [
                    ("trailing twelve months", ttm.Period),
                    ("logo churn", Percent(ttm.LogoChurn)),
                    ("gross revenue retention (GRR)", Percent(ttm.Grr)),
                    ("net revenue retention (NRR)", Percent(ttm.Nrr)),
                    ("quick ratio", double.IsFinite(ttm.QuickRatio) ? ttm.QuickRatio.ToString("0.00", c) : "no MRR lost"),
                    ("ARPA (monthly, at the end)", ttm.Arpa is { } arpa ? arpa.ToString("N2", c) : "-"),
                    ("median customer lifetime", curve.Median is { } median ? $"{median.ToString("0.#", c)} months (95% CI {Months(curve.MedianLower)}-{Months(curve.MedianUpper)})" : "not reached"),
                ]);
            }

            var cohorts = LedgerSurvival.Cohorts(history, PeriodLength.Month);
            document["cohorts"] = cohorts.Select(r => new
            {
                cohort = r.Cohort,
                customers = r.Customers,
                starting_mrr = r.StartingMrr,
                logo_retention = r.LogoRetention.Select(v => Math.Round(v, 4)),
                revenue_retention = r.RevenueRetention.Select(v => Math.Round(v, 4)),
            }).ToList();
            report.SubSection("MRR bridge, last 12 months")
                .Svg(KpiCharts.Bridge(periods.TakeLast(24).ToList()), "Monthly MRR movements over the last 24 months")
                .Table(
                    ["month", "opening", "new", "expansion", "contraction", "churned", "reactivated", "closing", "logo churn", "GRR", "NRR"],
                    periods.TakeLast(12).Select(p => (IReadOnlyList<string>)
                    [
                        p.Period, p.OpeningMrr.ToString("N0", c), p.NewMrr.ToString("N0", c), p.ExpansionMrr.ToString("N0", c), p.ContractionMrr.ToString("N0", c),
                        p.ChurnedMrr.ToString("N0", c), p.ReactivatedMrr.ToString("N0", c), p.ClosingMrr.ToString("N0", c), Percent(p.LogoChurn), Percent(p.Grr), Percent(p.Nrr),
                    ]))
                .SubSection("Cohorts")
                .Svg(KpiCharts.CohortHeatmap(cohorts, revenue: false), "Share of each monthly start cohort still paying, in %")
                .Svg(KpiCharts.CohortHeatmap(cohorts, revenue: true), "Each cohort's MRR as a share of its starting MRR, in % (above 100: net expansion)")
                .SubSection("Logo survival (Kaplan-Meier, 95% Greenwood band)")
                .Svg(SurvivalCurve(curve), $"{lifetimes.Observations.Count} accounts that started within the ledger; those still paying are censored ({lifetimes.LeftTruncated} already paying at its start are left out)")
                .Table(
                    ["months", "survival", "95% band"],
                    SurvivalMonths.Select(m => (IReadOnlyList<string>)
                    [
                        m.ToString(c), Percent(curve.SurvivalAt(m)), Band(curve, m),
                    ]));
        }

        if (context.Data.Contains(SurveysFile))
        {
            SurveyReport surveys;
            using (var reader = context.Data.OpenTable(SurveysFile, CliReading.Options))
            {
                surveys = SurveyReport.Read(reader, new SurveyOptions { GroupBy = SurveyGrouping.Period, PeriodLength = PeriodLength.Month });
            }

            surveyReport = surveys;

            var overall = SurveysCommand.Json(surveys.Overall);
            overall["by_month"] = surveys.Groups.Select(g => new SortedDictionary<string, object?>(SurveysCommand.Json(g), StringComparer.Ordinal) { ["group"] = g.Key }).ToList();
            document["surveys"] = overall;
            summary["nps"] = Math.Round(surveys.Overall.Nps.Score, 1);
            report.SubSection("Surveys: NPS, CSAT and CES with 95% intervals, by month")
                .Table(
                    ["month", "NPS (-100..100)", "CSAT (share of 4-5)", $"CES (mean, {surveys.Overall.Ces.ScaleMin}-{surveys.Overall.Ces.ScaleMax})"],
                    surveys.Groups.TakeLast(12).Append(surveys.Overall with { Key = "all" }).Select(g => (IReadOnlyList<string>)
                    [
                        g.Key,
                        $"{g.Nps.Score.ToString("0", c)} [{g.Nps.Low.ToString("0", c)}, {g.Nps.High.ToString("0", c)}] n={g.Nps.N}",
                        $"{g.Csat.Score.ToString("0.0", c)}% [{g.Csat.Low.ToString("0.0", c)}, {g.Csat.High.ToString("0.0", c)}] n={g.Csat.N}",
                        $"{g.Ces.Mean.ToString("0.00", c)} [{g.Ces.Low.ToString("0.00", c)}, {g.Ces.High.ToString("0.00", c)}] n={g.Ces.N}",
                    ]));
        }

        if (context.Data.Contains(UsageFile))
        {
            UsageReport usage;
            using (var reader = context.Data.OpenTable(UsageFile, CliReading.Options))
            {
                usage = UsageReport.Read(reader, new UsageOptions { AsOf = inputs.Customers.AsOf, KnownAccounts = KnownAccounts(inputs.Customers) });
            }

            usageReport = usage;

            document["usage"] = new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["as_of"] = usage.AsOf,
                ["events"] = usage.Events,
                ["active_accounts"] = usage.Overall.ActiveAccounts,
                ["monthly_active_users"] = usage.Overall.MonthlyActiveUsers,
                ["dau_mau"] = Math.Round(usage.Overall.DauMau, 4),
                ["wau_mau"] = Math.Round(usage.Overall.WauMau, 4),
                ["features"] = usage.Features.Select(f => new { feature = f.Feature, users = f.Users, accounts = f.Accounts, user_share = Math.Round(f.UserShare, 4), account_share = Math.Round(f.AccountShare, 4) }).ToList(),
                ["weekly_retention"] = usage.WeeklyRetention.Select(r => Math.Round(r, 4)).ToList(),
            };
            summary["dau_mau"] = Math.Round(usage.Overall.DauMau, 4);
            report.SubSection("Product usage (trailing 30 days)")
                .Facts(
                [
                    ("active accounts", usage.Overall.ActiveAccounts.ToString("N0", c)),
                    ("monthly active users", usage.Overall.MonthlyActiveUsers.ToString("N0", c)),
                    ("DAU/MAU", usage.Overall.DauMau.ToString("0.000", c)),
                    ("WAU/MAU", usage.Overall.WauMau.ToString("0.000", c)),
                    ("active users still active 4 weeks after they started", usage.WeeklyRetention.Count > 4 ? Percent(usage.WeeklyRetention[4]) : "-"),
                ])
                .Table(
                    ["feature", "share of active users", "share of active accounts"],
                    usage.Features.OrderByDescending(f => f.UserShare).Select(f => (IReadOnlyList<string>)[f.Feature, Percent(f.UserShare), Percent(f.AccountShare)]));
        }

        if (inputs.Ledger is null)
        {
            context.Console.Note("No mrr_ledger.csv in the data folder: the MRR bridge, rates and survival are skipped.");
        }

        if (document.Count == 0)
        {
            report.Paragraph("The data folder has no MRR ledger, surveys or usage events.");
            return [];
        }

        AtomicOutput.WriteText(context.OutputFile("kpis.json"), writer => writer.Write(JsonSerializer.Serialize(document, CsScoringJson.Options)));
        context.Summary["kpis"] = summary;
        return DashboardBuilder.Kpis(mrr, surveyReport, usageReport);

        static string Percent(double value) => double.IsFinite(value) ? value.ToString("P1", CultureInfo.InvariantCulture) : "-";
        static string Months(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "∞";
    }

    private static string SurvivalCurve(KaplanMeierCurve curve)
    {
        var months = (int)Math.Ceiling(curve.Steps.Count == 0 ? 1 : curve.Steps[^1].Time);
        double[] survival = new double[months + 1], lower = new double[months + 1], upper = new double[months + 1];
        for (var m = 0; m <= months; m++)
        {
            var steps = curve.Steps.Where(s => s.Time <= m).ToList();
            survival[m] = curve.SurvivalAt(m);
            lower[m] = steps.Count == 0 ? 1 : steps[^1].Lower;
            upper[m] = steps.Count == 0 ? 1 : steps[^1].Upper;
        }

        return SurvivalChart.Render("Kaplan-Meier logo survival", "months since the first payment",
        [
            new SurvivalChart.Series("survival", survival, "#1565c0", Dashed: false, Points: false),
            new SurvivalChart.Series("95% band", lower, "#90a4ae", Dashed: true, Points: false),
            new SurvivalChart.Series(string.Empty, upper, "#90a4ae", Dashed: true, Points: false),
        ]);
    }

    private static string Band(KaplanMeierCurve curve, double months)
    {
        var steps = curve.Steps.Where(s => s.Time <= months).ToList();
        return steps.Count == 0 ? "-" : $"{steps[^1].Lower.ToString("P1", CultureInfo.InvariantCulture)}-{steps[^1].Upper.ToString("P1", CultureInfo.InvariantCulture)}";
    }

    private static HashSet<string> KnownAccounts(CustomerBase customers)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var row = 0; row < customers.SnapshotCount; row++)
        {
            known.Add(customers.AccountIdOf(row));
        }

        return known;
    }
}
