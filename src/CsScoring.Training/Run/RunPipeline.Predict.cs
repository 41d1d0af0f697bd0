using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    private const int AtRiskShown = 10;

    /// <summary>
    /// Scores the current customers (see <see cref="CustomerBase"/>: the accounts with a snapshot on the data's as-of
    /// date; an account whose snapshots stop earlier has left) on that snapshot with the trained model, into
    /// <c>churn_predictions.csv</c> (probability, band, top-3 reasons), and reports the accounts most at risk.
    /// </summary>
    /// <returns>Each current customer's prediction, in data order, with raw ids.</returns>
    private static IReadOnlyList<ScoredRow> PredictChurn(RunContext context, RunInputs inputs, ChurnModel model)
    {
        var customers = inputs.Customers;
        var summary = context.Console.Step("Scoring accounts", progress => new ChurnScoringJob
        {
            Model = model,
            OpenData = inputs.Accounts.CreateReader,
            OutputPath = context.OutputFile("churn_predictions.csv"),
            MapId = context.Pseudonymizer is { } pseudonymizer ? pseudonymizer.Pseudonymize : null,
            Explain = 3,
            TopAtRisk = AtRiskShown,
            KeepScores = true,
            EstimatedRows = inputs.Accounts.RowCount,
            Progress = progress,
            Include = reader => customers.IsCurrent(reader.RowNumber - 1),
        }.Run());

        var c = CultureInfo.InvariantCulture;
        var asOf = customers.AsOf.ToString("yyyy-MM-dd", c);
        var relativeTo = summary.Background is null
            ? "the model's background"
            : summary.BackgroundFromModel
                ? $"the mean over {summary.Background} (the data the model learnt from)"
                : $"the mean over {summary.Background} (the model directory carries no explanation background)";
        context.Report.Section("Churn risk now");
        context.Report.Paragraph(string.Create(c,
            $"The {summary.Rows} current customers (accounts with a snapshot on the data's last as-of date, {asOf}), scored on that snapshot with the trained model; the {customers.FormerAccounts} accounts whose snapshots end earlier have left and are not scored. Bands: high at p >= {model.Manifest.Thresholds.Bands.High:0.###}, medium at p >= {model.Manifest.Thresholds.Bands.Medium:0.###}. Reasons are exact TreeSHAP contributions to the log-odds, relative to {relativeTo}."));
        context.Report.Facts(
        [
            ("Current customers scored", summary.Rows.ToString(c)),
            ("Former accounts left out", customers.FormerAccounts.ToString(c)),
            ("High risk", summary.Bands["high"].ToString(c)),
            ("Medium risk", summary.Bands["medium"].ToString(c)),
            ("Low risk", summary.Bands["low"].ToString(c)),
            ("Mean churn probability (90 days)", summary.MeanProbability.ToString("0.####", c)),
        ]);
        context.Report.SubSection($"The {summary.TopAtRisk.Count} current customers most at risk");
        context.Report.Table(
            ["account", "as of", "probability", "band", "reasons"],
            summary.TopAtRisk.Select(a => (IReadOnlyList<string>)
            [
                a.Id is null ? string.Empty : context.Id(a.Id),
                a.AsOf ?? string.Empty,
                a.Probability.ToString("0.000", c),
                ChurnScoringJob.BandName(a.Band),
                string.Join("; ", a.Reasons),
            ]));

        context.Summary["churn_predictions"] = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["accounts"] = summary.Rows,
            ["as_of"] = asOf,
            ["former_accounts_left_out"] = customers.FormerAccounts,
            ["high"] = summary.Bands["high"],
            ["medium"] = summary.Bands["medium"],
            ["low"] = summary.Bands["low"],
            ["mean_probability"] = Math.Round(summary.MeanProbability, 6),
            ["top_at_risk"] = summary.TopAtRisk.Select(a => a.Id is null ? null : context.Id(a.Id)).ToList(),
            ["explanation_background"] = summary.BackgroundFromModel ? "training" : summary.Background is null ? null : "scored",
            ["file"] = "churn_predictions.csv",
        };
        return summary.Scores;
    }
}
