namespace CsScoring.Health;

/// <summary>One account's health at an as-of date.</summary>
/// <param name="Scorecard">The scorecard that scored it.</param>
/// <param name="AccountId">The account, raw.</param>
/// <param name="AsOf">The snapshot's date.</param>
/// <param name="Result">The score shown: the override's when one applies, else <paramref name="Computed"/>.</param>
/// <param name="Computed">The scorecard's score.</param>
/// <param name="Override">What the account's override did, or <see langword="null"/> without one.</param>
/// <param name="Previous">The score of the account's previous snapshot, or <see langword="null"/>.</param>
/// <param name="Trend">The trend from the previous score, or <see langword="null"/>.</param>
/// <param name="Drivers">The metrics that cost the most points, largest shortfall first.</param>
/// <param name="Contributions">Points per metric, in the scorecard's metric order.</param>
public sealed record AccountHealth(
    CompiledScorecard Scorecard,
    string AccountId,
    DateOnly AsOf,
    HealthScore Result,
    HealthScore Computed,
    OverrideOutcome? Override,
    HealthScore? Previous,
    HealthTrend? Trend,
    IReadOnlyList<MetricExplanation> Drivers,
    IReadOnlyList<double> Contributions);

/// <summary>A backtest over a snapshot history.</summary>
/// <param name="Report">The backtest of the labelled snapshots.</param>
/// <param name="Dates">The number of distinct as-of dates they span.</param>
public sealed record SnapshotBacktest(BacktestReport Report, int Dates);

public sealed partial class HealthSnapshots
{
    /// <summary>Scores each account's latest snapshot (see <see cref="LatestPerAccount"/>) with its trend and top drivers.</summary>
    /// <param name="scorecard">The scorecard the history was read for.</param>
    /// <param name="asOf">The as-of date.</param>
    /// <param name="maxAgeDays">How old a snapshot may be (0: current customers only when <paramref name="asOf"/> is <see cref="LastDate"/>).</param>
    /// <param name="drivers">How many top drivers per account (0: none).</param>
    /// <param name="overrides">Manual overrides by account id, or <see langword="null"/>.</param>
    /// <returns>One result per account, ordered by account id (ordinal).</returns>
    public IReadOnlyList<AccountHealth> ScoreLatest(
        CompiledScorecard scorecard, DateOnly asOf, int maxAgeDays, int drivers, IReadOnlyDictionary<string, HealthOverride>? overrides = null)
        => ScoreRows(scorecard, LatestPerAccount(asOf, maxAgeDays), asOf, drivers, overrides);

    /// <summary>Scores the given snapshots (and each account's previous one, for the trend) with one scorecard.</summary>
    /// <param name="scorecard">The scorecard the history was read for.</param>
    /// <param name="rows">The rows to score (0-based).</param>
    /// <param name="asOf">The date overrides are checked against.</param>
    /// <param name="drivers">How many top drivers per account (0: none).</param>
    /// <param name="overrides">Manual overrides by account id, or <see langword="null"/>.</param>
    /// <returns>One result per row, in the order of <paramref name="rows"/>.</returns>
    /// <exception cref="ArgumentException">The scorecard has a different metric count from the history's.</exception>
    public IReadOnlyList<AccountHealth> ScoreRows(
        CompiledScorecard scorecard, IReadOnlyList<int> rows, DateOnly asOf, int drivers, IReadOnlyDictionary<string, HealthOverride>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(drivers);
        if (scorecard.MetricCount != MetricCount)
        {
            throw new ArgumentException($"The scorecard has {scorecard.MetricCount} metrics but the history was read for {MetricCount}.", nameof(scorecard));
        }

        var previousRows = PreviousRows();
        var results = new HealthScore[rows.Count];
        var contributions = new double[scorecard.MetricCount * rows.Count];
        scorecard.ScoreBatch(Rows(rows), results, contributions);

        var previousIndex = rows.Select(r => previousRows[r]).Where(p => p >= 0).ToList();
        var previousResults = new HealthScore[previousIndex.Count];
        scorecard.ScoreBatch(Rows(previousIndex), previousResults);
        var previousByRow = new Dictionary<int, HealthScore>();
        for (var j = 0; j < previousIndex.Count; j++)
        {
            previousByRow[previousIndex[j]] = previousResults[j];
        }

        var output = new List<AccountHealth>(rows.Count);
        for (var j = 0; j < rows.Count; j++)
        {
            var row = rows[j];
            var id = AccountIds[row];
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

            var top = drivers > 0 ? scorecard.Explain(Row(row)).TopDrivers(drivers) : [];
            output.Add(new AccountHealth(scorecard, id, AsOf[row], shown, computed, outcome, previous, trend, top, perMetric));
        }

        return output;
    }

    /// <summary>The snapshots whose churn outcome is known: on one as-of date, or on every date.</summary>
    /// <param name="asOf">The date, or <see langword="null"/> for all.</param>
    /// <returns>The rows (0-based), in table order.</returns>
    public IReadOnlyList<int> LabelledRows(DateOnly? asOf)
    {
        var rows = new List<int>();
        for (var i = 0; i < Count; i++)
        {
            if (!double.IsNaN(Labels[i]) && (asOf is null || AsOf[i] == asOf))
            {
                rows.Add(i);
            }
        }

        return rows;
    }

    /// <summary>Backtests a scorecard over the labelled snapshots: at one as-of date, or pooled over every labelled date.</summary>
    /// <param name="scorecard">The scorecard the history was read for.</param>
    /// <param name="asOf">The date, or <see langword="null"/> for all.</param>
    /// <returns>The backtest and the number of dates it spans.</returns>
    /// <exception cref="CsScoringException">No snapshot (at that date) has a known churn outcome.</exception>
    public SnapshotBacktest Backtest(CompiledScorecard scorecard, DateOnly? asOf)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        var rows = LabelledRows(asOf);
        if (rows.Count == 0)
        {
            throw new CsScoringException(asOf is { } date
                ? $"{Source}: no snapshot at {date:yyyy-MM-dd} has a known churn outcome ({LabelSource})."
                : $"{Source}: no snapshot has a known churn outcome ({LabelSource}).");
        }

        var results = new HealthScore[rows.Count];
        scorecard.ScoreBatch(Rows(rows), results);
        var churned = rows.Select(r => Labels[r] > 0).ToArray();
        return new SnapshotBacktest(HealthBacktest.Run(results, churned, scorecard), rows.Select(r => AsOf[r]).Distinct().Count());
    }
}
