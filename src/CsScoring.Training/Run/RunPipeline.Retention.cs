using System.Globalization;
using CsScoring.Metrics;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    /// <summary>Retention KPIs from the MRR ledger: the last months' MRR bridge and trailing-twelve-month GRR and NRR.</summary>
    private static void MeasureRetention(RunContext context, MrrLedger? ledger)
    {
        if (ledger is null)
        {
            context.Console.Note("No mrr_ledger.csv in the data folder: retention KPIs skipped.");
            return;
        }

        var c = CultureInfo.InvariantCulture;
        var months = new List<MrrMovements>();
        for (var month = ledger.LastMonth; month > ledger.FirstMonth && months.Count < 6; month = month.AddMonths(-1))
        {
            months.Insert(0, ledger.MovementsIn(month));
        }

        var yearAgo = ledger.LastMonth.AddMonths(-12);
        CohortRetention? trailing = yearAgo >= ledger.FirstMonth ? ledger.RetentionBetween(yearAgo, ledger.LastMonth) : null;
        var last = months.Count > 0 ? months[^1] : default;
        context.Summary["retention"] = new
        {
            month = ledger.LastMonth,
            mrr = ledger.TotalMrr(ledger.LastMonth),
            logo_churn_rate = last.LogoChurnRate,
            gross_revenue_churn_rate = last.GrossRevenueChurnRate,
            ttm_logo_retention = trailing?.LogoRetention,
            ttm_grr = trailing?.GrossRevenueRetention,
            ttm_nrr = trailing?.NetRevenueRetention,
        };

        var report = context.Report.Section("Retention KPIs");
        if (trailing is { } t)
        {
            report.Paragraph($"Customers paying in {t.StartMonth:yyyy-MM} and what they pay in {t.EndMonth:yyyy-MM} (trailing twelve months).")
                .Facts(
                [
                    ("customers at the start", t.Customers.ToString(c)),
                    ("logo retention", t.LogoRetention.ToString("P1", c)),
                    ("gross revenue retention (GRR)", t.GrossRevenueRetention.ToString("P1", c)),
                    ("net revenue retention (NRR)", t.NetRevenueRetention.ToString("P1", c)),
                ]);
        }

        report.SubSection("MRR bridge, month by month")
            .Table(
                ["month", "starting", "new", "expansion", "reactivation", "contraction", "churned", "ending", "logo churn"],
                months.Select(m => (IReadOnlyList<string>)
                [
                    m.Month.ToString("yyyy-MM", c), m.StartingMrr.ToString("N0", c), m.NewMrr.ToString("N0", c),
                    m.ExpansionMrr.ToString("N0", c), m.ReactivationMrr.ToString("N0", c), m.ContractionMrr.ToString("N0", c),
                    m.ChurnedMrr.ToString("N0", c), m.EndingMrr.ToString("N0", c), m.LogoChurnRate.ToString("P2", c),
                ]));
    }
}
