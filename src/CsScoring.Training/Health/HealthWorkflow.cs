using System.Globalization;
using CsScoring.Data;
using CsScoring.Health;

namespace CsScoring.Training.Health;

/// <summary>One account's health at an as-of date, as the console reports it.</summary>
internal sealed record AccountHealth(
    CompiledScorecard Scorecard,
    string AccountId,
    DateOnly AsOf,
    HealthScore Result,
    HealthScore Computed,
    OverrideOutcome? Override,
    HealthScore? Previous,
    HealthTrend? Trend,
    IReadOnlyList<MetricExplanation> Drivers,
    double[] Contributions);

/// <summary>The health steps shared by the <c>health</c> commands and the main job.</summary>
internal static class HealthWorkflow
{
    public static List<AccountHealth> ScoreLatest(
        HealthSnapshots data, CompiledScorecard scorecard, DateOnly asOf, int maxAgeDays, int drivers, IReadOnlyDictionary<string, HealthOverride>? overrides = null)
        => ScoreRows(data, scorecard, data.LatestPerAccount(asOf, maxAgeDays), asOf, drivers, overrides);

    /// <summary>Scores the given snapshots (and each account's previous one, for the trend) with one scorecard.</summary>
    public static List<AccountHealth> ScoreRows(
        HealthSnapshots data, CompiledScorecard scorecard, List<int> rows, DateOnly asOf, int drivers, IReadOnlyDictionary<string, HealthOverride>? overrides = null)
    {
        var previousRows = data.PreviousRows();
        var results = new HealthScore[rows.Count];
        var contributions = new double[scorecard.MetricCount * rows.Count];
        scorecard.ScoreBatch(data.Rows(rows), results, contributions);

        var previousIndex = rows.Select(r => previousRows[r]).Where(p => p >= 0).ToList();
        var previousResults = new HealthScore[previousIndex.Count];
        scorecard.ScoreBatch(data.Rows(previousIndex), previousResults);
        var previousByRow = new Dictionary<int, HealthScore>();
        for (var j = 0; j < previousIndex.Count; j++)
        {
            previousByRow[previousIndex[j]] = previousResults[j];
        }

        var output = new List<AccountHealth>(rows.Count);
        for (var j = 0; j < rows.Count; j++)
        {
            var row = rows[j];
            var id = data.AccountIds[row];
            var computed = results[j];
            OverrideOutcome? outcome = null;
            var shown = computed;
            if (overrides is not null && overrides.TryGetValue(id, out var o))
            {
                outcome = o.Apply(computed, asOf, scorecard);
                shown = outcome.Result;
            }

            HealthScore? previous = previousByRow.TryGetValue(previousRows[row], out var p) ? p : null;
            HealthTrend? trend = previous is { } before ? HealthTrend.Between(before, computed, scorecard.TrendDeadBand) : null;
            var perMetric = new double[scorecard.MetricCount];
            for (var k = 0; k < perMetric.Length; k++)
            {
                perMetric[k] = contributions[(k * rows.Count) + j];
            }

            var top = drivers > 0 ? scorecard.Explain(data.Row(row)).TopDrivers(drivers) : [];
            output.Add(new AccountHealth(scorecard, id, data.AsOf[row], shown, computed, outcome, previous, trend, top, perMetric));
        }

        return output;
    }

    /// <summary>Writes the scores; with several scorecards the contribution columns are the union of their metrics.</summary>
    public static void WriteScores(string path, IReadOnlyList<AccountHealth> accounts, bool overwrite)
    {
        var metrics = accounts.Select(a => a.Scorecard).Distinct().SelectMany(s => s.Metrics.Select(m => m.Name)).Distinct(StringComparer.Ordinal).ToList();
        var column = metrics.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        AtomicOutput.WriteText(path, text =>
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
                csv.WriteField(a.AccountId);
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
                for (var m = 0; m < a.Contributions.Length; m++)
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

    /// <summary>The backtest over labelled snapshots: at one as-of date, or pooled over every labelled date.</summary>
    public static (BacktestReport Report, int Dates) Backtest(HealthSnapshots data, CompiledScorecard scorecard, DateOnly? asOf)
    {
        var rows = Labelled(data, asOf);
        if (rows.Count == 0)
        {
            throw new CsScoringException(asOf is { } date
                ? $"{data.Source}: no snapshot at {date:yyyy-MM-dd} has a known churn outcome ({data.LabelSource})."
                : $"{data.Source}: no snapshot has a known churn outcome ({data.LabelSource}).");
        }

        var results = new HealthScore[rows.Count];
        scorecard.ScoreBatch(data.Rows(rows), results);
        var churned = rows.Select(r => data.Labels[r] > 0).ToArray();
        return (HealthBacktest.Run(results, churned, scorecard), rows.Select(r => data.AsOf[r]).Distinct().Count());
    }

    public static List<int> Labelled(HealthSnapshots data, DateOnly? asOf)
    {
        var rows = new List<int>();
        for (var i = 0; i < data.Count; i++)
        {
            if (!double.IsNaN(data.Labels[i]) && (asOf is null || data.AsOf[i] == asOf))
            {
                rows.Add(i);
            }
        }

        return rows;
    }

    public static Dictionary<string, HealthOverride> ReadOverrides(string path)
    {
        var overrides = new Dictionary<string, HealthOverride>(StringComparer.Ordinal);
        using var reader = TabularReader.Open(path);
        var id = reader.GetOrdinal("account_id");
        var score = reader.GetOrdinal("score");
        var reason = reader.GetOrdinal("reason");
        var expires = reader.GetOrdinal("expires");
        var setBy = reader.TryGetOrdinal("set_by", out var s) ? s : -1;
        while (reader.Read())
        {
            var value = reader.GetDoubleOrNaN(score);
            if (!double.IsFinite(value) || value < 0 || value > 100)
            {
                throw reader.Error(score, $"an override score must be between 0 and 100, not '{reader.GetString(score)}'");
            }

            if (reader.IsBlank(reason))
            {
                throw reader.Error(reason, "an override needs a reason");
            }

            var account = reader.GetString(id);
            if (!overrides.TryAdd(account, new HealthOverride { Score = value, Reason = reader.GetString(reason), Expires = reader.GetDate(expires), SetBy = setBy >= 0 && !reader.IsBlank(setBy) ? reader.GetString(setBy) : null }))
            {
                throw reader.Error(id, $"account '{account}' has more than one override");
            }
        }

        return overrides;
    }

    public static string Snake<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static object BandsJson(BacktestReport report) => report.Bands.Select(b => new BandJson(b.Name, b.From, b.Accounts, b.Churned, Nullable(b.ChurnRate))).ToList();

    public static double? Nullable(double value) => double.IsFinite(value) ? value : null;

    internal sealed record BandJson(string Name, double From, int Accounts, int Churned, double? ChurnRate);
}
