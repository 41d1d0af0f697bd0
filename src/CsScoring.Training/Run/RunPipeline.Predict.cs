using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Training.Predict;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    private const int AtRiskShown = 10;

    /// <summary>
    /// Scores the latest snapshot of every account in accounts.csv with the model the training step wrote to
    /// <c>model/</c>, into <c>churn_predictions.csv</c> (probability, band, top-3 reasons), and reports the accounts
    /// most at risk.
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
        var latest = LatestSnapshots(data, idColumn, timeColumn);
        var summary = context.Console.Step("Scoring accounts", progress => new ChurnScoringJob
        {
            Model = model,
            DataPath = data,
            OutputPath = context.OutputFile("churn_predictions.csv"),
            Explain = 3,
            TopAtRisk = AtRiskShown,
            Progress = progress,
            Include = reader => latest.TryGetValue(reader.GetString(reader.GetOrdinal(idColumn)), out var last)
                && reader.GetSpan(reader.GetOrdinal(timeColumn)).SequenceEqual(last),
        }.Run());

        context.Report.Section("Churn risk now");
        context.Report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"The latest snapshot of each of the {summary.Rows} accounts, scored with the trained model. Bands: high at p >= {model.Manifest.Thresholds.Bands.High:0.###}, medium at p >= {model.Manifest.Thresholds.Bands.Medium:0.###}. Reasons are exact TreeSHAP contributions to the log-odds, relative to {summary.Background ?? "the model's background"}."));
        context.Report.Facts(
        [
            ("Accounts scored", summary.Rows.ToString(CultureInfo.InvariantCulture)),
            ("High risk", summary.Bands["high"].ToString(CultureInfo.InvariantCulture)),
            ("Medium risk", summary.Bands["medium"].ToString(CultureInfo.InvariantCulture)),
            ("Low risk", summary.Bands["low"].ToString(CultureInfo.InvariantCulture)),
            ("Mean churn probability (90 days)", summary.MeanProbability.ToString("0.####", CultureInfo.InvariantCulture)),
        ]);
        context.Report.SubSection($"The {summary.TopAtRisk.Count} accounts most at risk");
        context.Report.Table(
            ["account", "as of", "probability", "band", "reasons"],
            summary.TopAtRisk.Select(a => (IReadOnlyList<string>)
            [
                a.Id ?? string.Empty,
                a.AsOf ?? string.Empty,
                a.Probability.ToString("0.000", CultureInfo.InvariantCulture),
                ChurnScoringJob.BandName(a.Band),
                string.Join("; ", a.Reasons),
            ]));

        context.Summary["churn_predictions"] = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["accounts"] = summary.Rows,
            ["high"] = summary.Bands["high"],
            ["medium"] = summary.Bands["medium"],
            ["low"] = summary.Bands["low"],
            ["mean_probability"] = Math.Round(summary.MeanProbability, 6),
            ["top_at_risk"] = summary.TopAtRisk.Select(a => a.Id).ToList(),
            ["file"] = "churn_predictions.csv",
        };
    }

    /// <summary>Each account's latest snapshot date (as written in the file), from one streaming pass.</summary>
    private static Dictionary<string, string> LatestSnapshots(string path, string idColumn, string timeColumn)
    {
        var latest = new Dictionary<string, (DateOnly Date, string Text)>(StringComparer.Ordinal);
        using var reader = TabularReader.Open(path);
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
        }

        return latest.ToDictionary(p => p.Key, p => p.Value.Text, StringComparer.Ordinal);
    }
}
