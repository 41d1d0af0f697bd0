using System.Globalization;
using CsScoring.Health;
using CsScoring.Training.Health;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    /// <summary>
    /// Health scores of each current customer's current snapshot with the data folder's scorecard.json (or the
    /// built-in default), written to health_scores.csv, and the scorecard's backtest against the 90-day churn that followed.
    /// </summary>
    /// <returns>Each current customer's health, ordered by account id, with raw ids, and the compiled scorecard.</returns>
    private static (IReadOnlyList<AccountHealth> Accounts, CompiledScorecard Scorecard) ScoreHealth(RunContext context, RunInputs inputs)
    {
        const int horizonDays = 90;
        var (definition, fromFolder) = ScorecardSource.Load(context.Data);
        if (!fromFolder)
        {
            context.Console.Note("No scorecard.json in the data folder: health is scored with the built-in default scorecard.");
        }

        var scorecard = definition.Compile();
        HealthSnapshots data;
        using (var reader = inputs.Accounts.CreateReader())
        {
            data = HealthSnapshots.Read(reader, scorecard, horizonDays);
        }

        var customers = inputs.Customers;
        var asOf = customers.AsOf;
        var accounts = data.ScoreRows(scorecard, customers.CurrentRows, asOf, drivers: 3);
        HealthWorkflow.WriteScores(context.OutputFile("health_scores.csv"), accounts, overwrite: false, context.Id);
        var summary = HealthScoreSummary.Of(accounts, [scorecard]);
        var labelled = data.Labels.Any(label => !double.IsNaN(label));

        // The backtest scores every labelled snapshot (a million on a 100k-account book): hand back the reading's and
        // the current scoring's garbage first, so the two do not stack up in the job's peak memory.
        ReleasePhaseMemory();
        SnapshotBacktest? backtest = labelled ? data.Backtest(scorecard, null) : null;

        context.Summary["health"] = new
        {
            scorecard = scorecard.Name,
            version = scorecard.Version.ToString(),
            as_of = asOf,
            accounts = summary.Accounts,
            scored = summary.Scored,
            insufficient_data = summary.InsufficientData,
            mean_score = summary.MeanScore,
            coverage_mean = summary.CoverageMean,
            bands = summary.Bands.ToDictionary(b => b.Name, b => b.Accounts, StringComparer.Ordinal),
            backtest_auc = backtest is { } b1 ? HealthWorkflow.Nullable(b1.Report.Auc) : null,
            backtest_worst_band_lift = backtest is { } b2 ? HealthWorkflow.Nullable(b2.Report.WorstBandLift) : null,
            backtest_snapshots = backtest?.Report.Accounts ?? 0,
        };

        var c = CultureInfo.InvariantCulture;
        var report = context.Report.Section("Health scores")
            .Paragraph($"Scorecard '{scorecard.Name}' (version {scorecard.Version}, {scorecard.MetricCount} metrics{(fromFolder ? string.Empty : ", built-in default")}) on each account's latest snapshot as of {asOf:yyyy-MM-dd}; per-account scores, coverage, trend, top drivers and contributions are in health_scores.csv.")
            .Facts(
            [
                ("accounts scored", $"{summary.Scored} of {summary.Accounts}"),
                ("insufficient data", summary.InsufficientData.ToString(c)),
                ("mean score", summary.MeanScore is { } mean ? mean.ToString("F1", c) : "-"),
                ("mean coverage", summary.CoverageMean.ToString("P1", c)),
                ("trending down", accounts.Count(a => a.Trend?.Direction == TrendDirection.Down).ToString(c)),
            ])
            .Table(
                ["band", "from", "accounts", "share", "mean score"],
                summary.Bands.Select((b, i) => (IReadOnlyList<string>)
                [
                    b.Name,
                    b.From.ToString(c),
                    b.Accounts.ToString(c),
                    summary.Accounts > 0 ? ((double)b.Accounts / summary.Accounts).ToString("P1", c) : "-",
                    b.Accounts > 0 ? accounts.Where(a => a.Result.Band == i).Average(a => a.Result.Score).ToString("F1", c) : "-",
                ]));

        report.SubSection("Lowest scores")
            .Table(
                ["account", "score", "band", "coverage", "trend", "top drivers (points short)"],
                accounts.Where(a => a.Result.IsScored).OrderBy(a => a.Result.Score).Take(10).Select(a => (IReadOnlyList<string>)
                [
                    context.Id(a.AccountId),
                    a.Result.Score.ToString("F1", c),
                    scorecard.BandName(a.Result.Band),
                    a.Result.Coverage.ToString("P0", c),
                    a.Trend is { } t ? $"{HealthWorkflow.Snake(t.Direction)} ({t.Delta.ToString("+0.0;-0.0;0.0", c)})" : "-",
                    string.Join(", ", a.Drivers.Select(d => $"{d.Metric.Name} ({d.Shortfall.ToString("0.0", c)})")),
                ]));

        if (backtest is not { } bt)
        {
            report.SubSection("Backtest").Paragraph("No snapshot has a known 90-day churn outcome yet, so the scorecard cannot be backtested.");
        }
        else
        {
            var r = bt.Report;
            report.SubSection("Backtest against 90-day churn")
                .Paragraph($"Every labelled snapshot ({r.Accounts} on {bt.Dates} month ends) scored and compared with whether the account churned within the next 90 days ({data.LabelSource}).")
                .Facts(
                [
                    ("ROC-AUC (lower score = riskier)", r.Auc.ToString("F4", c)),
                    ("churn rate of scored snapshots", r.ChurnRate.ToString("P2", c)),
                    ($"lift of the worst band ({r.WorstBand})", r.WorstBandLift.ToString("F2", c)),
                    ("mean coverage", r.CoverageMean.ToString("P1", c)),
                ])
                .Table(
                    ["band", "from", "snapshots", "churned", "churn rate"],
                    [
                        .. r.Bands.Select(b => (IReadOnlyList<string>)[b.Name, b.From.ToString(c), b.Accounts.ToString(c), b.Churned.ToString(c), double.IsNaN(b.ChurnRate) ? "-" : b.ChurnRate.ToString("P2", c)]),
                        ["insufficient data", "-", r.InsufficientData.ToString(c), r.InsufficientDataChurned.ToString(c), "-"],
                    ]);
            context.Console.Note(string.Create(c, $"Health: {summary.Scored} accounts scored as of {asOf:yyyy-MM-dd}; backtest ROC-AUC {r.Auc:F3}."));
        }

        return (accounts, scorecard);
    }
}
