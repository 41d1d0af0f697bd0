using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Portfolio;
using CsScoring.Training.Reporting.Dashboard;
using CsScoring.Value;

namespace CsScoring.Training.Portfolio;

/// <summary>Turns a portfolio run into the Monday dashboard (<c>dashboard.html</c>), for <c>portfolio</c> and <c>run</c>.</summary>
internal static class PortfolioDashboard
{
    public const string FileName = "dashboard.html";

    /// <summary>The dashboard's data: the portfolio's rows, tiers, queues, band movement and headcount plan, with the KPI tiles given.</summary>
    /// <param name="run">The portfolio, with the ids as they are published (pseudonymised when asked).</param>
    /// <param name="kpis">The KPI tiles; empty without a ledger or surveys.</param>
    /// <param name="company">A name for the book (the data folder's name), or <see langword="null"/>.</param>
    /// <param name="currency">The currency label, or <see langword="null"/>.</param>
    public static DashboardData Build(PortfolioRun run, IReadOnlyList<KpiTile> kpis, string? company, string? currency)
    {
        var summary = run.Summary;
        return run.Dashboard.Build("Customer success: Monday overview", company, summary.AsOf, currency, kpis, Bands(summary.HealthBands), DashboardBuilder.Headcount(summary.Capacity)) with
        {
            KpiNote = kpis.Count == 0 ? "No MRR ledger, surveys or usage events were given, so there are no KPI tiles." : null,
            AtRisk = summary.Lint.Rule,
            AtRiskCoverage = summary.Lint.Tiers,
        };
    }

    /// <summary>Writes the page atomically (nothing half-written on failure).</summary>
    public static void Write(string path, DashboardData data) => AtomicOutput.WriteText(path, writer => DashboardPage.Write(data, writer));

    /// <summary>One row as the dashboard sees it.</summary>
    public static DashboardAccount Account(PortfolioRow row) => new(
        row.AccountId,
        (double)row.Arr,
        row.HealthScore,
        row.HealthBand,
        row.HealthChange,
        row.ChurnProbability,
        ChurnScoringJob.BandName(row.ChurnBand),
        row.TopReasons.Count == 0 ? null : string.Join("; ", row.TopReasons.Select(r => r.Text)),
        Money(row.Value.Potential),
        Money(row.Value.Expected),
        Money(row.Value.AtRisk),
        row.Tier,
        row.Priority,
        row.Action?.Action,
        row.Owner is { } owner ? PortfolioBuilder.OwnerName(owner) : null,
        row.Due,
        row.Action?.Explanation);

    // The page's convention: +infinity is "unbounded".
    private static double Money(LtvResult value) => value.TryGetValue(out var v) ? (double)v : double.PositiveInfinity;

    // Accounts now without a band before joined since; a band before that no current account holds now left the book.
    private static HealthBands Bands(HealthBandMovement movement)
    {
        var n = movement.Bands.Count;
        var joined = new int[n];
        var left = new int[n];
        for (var b = 0; b < n; b++)
        {
            var arrived = 0;
            var departed = 0;
            for (var other = 0; other < n; other++)
            {
                arrived += movement.Movement[other][b];
                departed += movement.Movement[b][other];
            }

            joined[b] = Math.Max(0, movement.Now[b] - arrived);
            left[b] = Math.Max(0, movement.Before[b] - departed);
        }

        var label = movement.Periods == 1 ? "1 snapshot earlier" : $"{movement.Periods} snapshots earlier";
        return new HealthBands(movement.Bands, movement.Now, movement.Before, label, movement.Movement, joined, left);
    }
}
