using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Training.Predict;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    private const int AtRiskShown = 10;

    /// <summary>
    /// Scores the current customers (the accounts whose latest snapshot is at the data's last as-of date; an account
    /// whose snapshots stop earlier has left) with the model the training step wrote to <c>model/</c>, into
    /// <c>churn_predictions.csv</c> (probability, band, top-3 reasons), and reports the accounts most at risk.
    /// </summary>
    partial void PredictChurn(RunContext context)
    {
        var modelDirectory = Path.Combine(context.OutputDirectory, "model");
        var data = context.DataFile("accounts.csv");
        if (!File.Exists(Path.Combine(modelDirectory, ChurnModel.ManifestFileName)) || !File.Exists(data))
        {
            context.Console.Note("Churn scoring skipped: no trained model or no accounts.csv.");
            return;
        }

        var model = ChurnModel.Load(modelDirectory);
        var idColumn = model.Manifest.IdColumn ?? "account_id";
        var timeColumn = model.Manifest.TimeColumn ?? "as_of";
        var snapshots = CurrentSnapshots(data, idColumn, timeColumn);
        var current = snapshots.Current;
        var summary = context.Console.Step("Scoring accounts", progress => new ChurnScoringJob
        {
            Model = model,
            DataPath = data,
            OutputPath = context.OutputFile("churn_predictions.csv"),
            Explain = 3,
            TopAtRisk = AtRiskShown,
            Progress = progress,
            Include = reader => current.TryGetValue(reader.GetString(reader.GetOrdinal(idColumn)), out var last)
                && reader.GetSpan(reader.GetOrdinal(timeColumn)).SequenceEqual(last),
        }.Run());

        var c = CultureInfo.InvariantCulture;
        var asOf = snapshots.LastDate?.ToString("yyyy-MM-dd", c) ?? "-";
        var relativeTo = summary.Background is null
            ? "the model's background"
            : summary.BackgroundFromModel
                ? $"the mean over {summary.Background} (the data the model learnt from)"
                : $"the mean over {summary.Background} (the model directory carries no explanation background)";
        context.Report.Section("Churn risk now");
        context.Report.Paragraph(string.Create(c,
            $"The {summary.Rows} current customers (accounts with a snapshot on the data's last as-of date, {asOf}), scored on that snapshot with the trained model; the {snapshots.Former} accounts whose snapshots end earlier have left and are not scored. Bands: high at p >= {model.Manifest.Thresholds.Bands.High:0.###}, medium at p >= {model.Manifest.Thresholds.Bands.Medium:0.###}. Reasons are exact TreeSHAP contributions to the log-odds, relative to {relativeTo}."));
        context.Report.Facts(
        [
            ("Current customers scored", summary.Rows.ToString(c)),
            ("Former accounts left out", snapshots.Former.ToString(c)),
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
                a.Id ?? string.Empty,
                a.AsOf ?? string.Empty,
                a.Probability.ToString("0.000", c),
                ChurnScoringJob.BandName(a.Band),
                string.Join("; ", a.Reasons),
            ]));

        context.Summary["churn_predictions"] = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["accounts"] = summary.Rows,
            ["as_of"] = snapshots.LastDate?.ToString("yyyy-MM-dd", c),
            ["former_accounts_left_out"] = snapshots.Former,
            ["high"] = summary.Bands["high"],
            ["medium"] = summary.Bands["medium"],
            ["low"] = summary.Bands["low"],
            ["mean_probability"] = Math.Round(summary.MeanProbability, 6),
            ["top_at_risk"] = summary.TopAtRisk.Select(a => a.Id).ToList(),
            ["explanation_background"] = summary.BackgroundFromModel ? "training" : summary.Background is null ? null : "scored",
            ["file"] = "churn_predictions.csv",
        };
    }

    /// <summary>
    /// From one streaming pass: each current customer's latest snapshot date (as written in the file), the data's
    /// last as-of date, and how many accounts' snapshots end before it (former customers).
    /// </summary>
    internal static (Dictionary<string, string> Current, DateOnly? LastDate, int Former) CurrentSnapshots(string path, string idColumn, string timeColumn)
    {
        var latest = new Dictionary<string, (DateOnly Date, string Text)>(StringComparer.Ordinal);
        DateOnly? last = null;
        using (var reader = TabularReader.Open(path))
        {
            var id = reader.GetOrdinal(idColumn);
            var time = reader.GetOrdinal(timeColumn);
            while (reader.Read())
            {
                var date = reader.GetDate(time);
                var account = reader.GetString(id);
                if (!latest.TryGetValue(account, out var seen) || date > seen.Date)
                {
                    latest[account] = (date, reader.GetString(time));
                }

                last = last is { } l && l >= date ? l : date;
            }
        }

        var current = latest.Where(p => p.Value.Date == last).ToDictionary(p => p.Key, p => p.Value.Text, StringComparer.Ordinal);
        return (current, last, latest.Count - current.Count);
    }
}
