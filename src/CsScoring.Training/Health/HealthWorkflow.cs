using System.Globalization;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Training.Data;

namespace CsScoring.Training.Health;

/// <summary>How the <c>health</c> commands and the main job write and show health results.</summary>
internal static class HealthWorkflow
{
    /// <summary>Writes the scores; with several scorecards the contribution columns are the union of their metrics.</summary>
    public static void WriteScores(string path, IReadOnlyList<AccountHealth> accounts, bool overwrite, Func<string, string>? mapId = null)
    {
        var metrics = accounts.Select(a => a.Scorecard).Distinct().SelectMany(s => s.Metrics.Select(m => m.Name)).Distinct(StringComparer.Ordinal).ToList();
        var column = metrics.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        TableOutput.WriteText(path, text =>
        {
            using var csv = new CsvWriter(text);
            csv.WriteRow(
            [
                "account_id", "as_of", "score", "band", "status", "coverage", "computed_score", "override", "override_reason",
                "previous_score", "delta", "trend", "scorecard_changed", "top_drivers", "scorecard", "scorecard_version",
                .. metrics.Select(m => "contribution_" + m),
            ]);
            var cells = new double[metrics.Count];
            foreach (var a in accounts)
            {
                var scorecard = a.Scorecard;
                csv.WriteField(mapId is null ? a.AccountId : mapId(a.AccountId));
                csv.WriteField(a.AsOf);
                csv.WriteField(Math.Round(a.Result.Score, 4));
                csv.WriteField(scorecard.BandName(a.Result.Band));
                csv.WriteField(Snake(a.Result.Status));
                csv.WriteField(Math.Round(a.Result.Coverage, 4));
                csv.WriteField(Math.Round(a.Computed.Score, 4));
                csv.WriteField(a.Override is null ? null : Snake(a.Override.State));
                csv.WriteField(a.Override?.Override?.Reason);
                csv.WriteField(a.Previous is { } p ? Math.Round(p.Score, 4) : double.NaN);
                csv.WriteField(a.Trend is { } t ? Math.Round(t.Delta, 4) : double.NaN);
                csv.WriteField(a.Trend is { } d ? Snake(d.Direction) : null);
                if (a.Trend is { } changed)
                {
                    csv.WriteField(changed.ScorecardChanged);
                }
                else
                {
                    csv.WriteEmpty();
                }

                csv.WriteField(string.Join("; ", a.Drivers.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Metric.Name} (-{d.Shortfall:0.0})"))));
                csv.WriteField(scorecard.Name);
                csv.WriteField(scorecard.Version.ToString());
                Array.Fill(cells, double.NaN);
                for (var m = 0; m < a.Contributions.Count; m++)
                {
                    cells[column[scorecard.Metrics[m].Name]] = Math.Round(a.Contributions[m], 4);
                }

                foreach (var cell in cells)
                {
                    csv.WriteField(cell);
                }

                csv.EndRow();
            }
        }, overwrite);
    }

    public static string Snake<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static object BandsJson(BacktestReport report) => report.Bands.Select(b => new BandJson(b.Name, b.From, b.Accounts, b.Churned, Nullable(b.ChurnRate))).ToList();

    public static double? Nullable(double value) => double.IsFinite(value) ? value : null;

    internal sealed record BandJson(string Name, double From, int Accounts, int Churned, double? ChurnRate);
}
