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

/// <summary>The two windows of a tuning run: fit on the labelled snapshots up to the split, evaluate on those whose outcome starts after it.</summary>
/// <param name="Split">The last as-of date of the fit window.</param>
/// <param name="EvaluationStart">The split plus the horizon: evaluation snapshots are after it, so no outcome overlaps the fit window's.</param>
/// <param name="FitRows">The fit window's labelled rows.</param>
/// <param name="EvaluationRows">The evaluation window's labelled rows.</param>
public sealed record TuningWindows(DateOnly Split, DateOnly EvaluationStart, IReadOnlyList<int> FitRows, IReadOnlyList<int> EvaluationRows);

public sealed partial class HealthSnapshots
{
    /// <summary>
    /// Splits the labelled snapshots in time for tuning a scorecard: fit up to <paramref name="split"/> (default: the
    /// labelled date at 60 % of the labelled dates), evaluate after the split plus the horizon.
    /// </summary>
    /// <param name="split">The split date, or <see langword="null"/> for the default.</param>
    /// <param name="horizonDays">The churn horizon of the labels, in days.</param>
    /// <returns>The windows, both non-empty.</returns>
    /// <exception cref="CsScoringException">Fewer than two labelled dates, or a window is empty (the message says how many rows each has).</exception>
    public TuningWindows SplitForTuning(DateOnly? split, int horizonDays)
    {
        var labelled = LabelledRows(null);
        var dates = labelled.Select(r => AsOf[r]).Distinct().Order().ToList();
        if (dates.Count < 2)
        {
            throw new CsScoringException($"{Source}: tuning needs labelled snapshots on at least two dates to fit on one window and evaluate on a later one ({LabelSource}).");
        }

        var at = split ?? dates[Math.Max(0, (int)Math.Ceiling(dates.Count * 0.6) - 1)];
        var evaluationStart = at.AddDays(horizonDays);
        var fit = labelled.Where(r => AsOf[r] <= at).ToList();
        var evaluation = labelled.Where(r => AsOf[r] > evaluationStart).ToList();
        if (fit.Count == 0 || evaluation.Count == 0)
        {
            throw new CsScoringException(
                $"{Source}: the split {at:yyyy-MM-dd} leaves {fit.Count} snapshots to fit and {evaluation.Count} after {evaluationStart:yyyy-MM-dd} to evaluate; choose --split so both windows have data.");
        }

        return new TuningWindows(at, evaluationStart, fit, evaluation);
    }

    /// <summary>Backtests a scorecard on some labelled rows.</summary>
    /// <param name="scorecard">A scorecard with the history's metric count (e.g. a tuned version of the one it was read for).</param>
    /// <param name="rows">Labelled rows (0-based).</param>
    /// <returns>The backtest.</returns>
    public BacktestReport BacktestRows(CompiledScorecard scorecard, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        ArgumentNullException.ThrowIfNull(rows);
        var results = new HealthScore[rows.Count];
        scorecard.ScoreBatch(Rows(rows), results);
        return HealthBacktest.Run(results, [.. rows.Select(r => Labels[r] > 0)], scorecard);
    }

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
        // Counted first, so a million labelled snapshots take one array of their size, not a list's doublings.
        var count = 0;
        for (var i = 0; i < Count; i++)
        {
            count += IsLabelled(i, asOf) ? 1 : 0;
        }

        var rows = new int[count];
        var next = 0;
        for (var i = 0; i < Count && next < count; i++)
        {
            if (IsLabelled(i, asOf))
            {
                rows[next++] = i;
            }
        }

        return rows;
    }

    private bool IsLabelled(int row, DateOnly? asOf) => !double.IsNaN(Labels[row]) && (asOf is null || AsOf[row] == asOf);

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

        // In blocks: every labelled snapshot's values at once would be a second copy of the history.
        const int Block = 1 << 16;
        var results = new HealthScore[rows.Count];
        var block = new double[MetricCount * Math.Min(Block, rows.Count)];
        for (var start = 0; start < rows.Count; start += Block)
        {
            var count = Math.Min(Block, rows.Count - start);
            var values = block.AsSpan(0, MetricCount * count);
            RowsInto(rows, start, count, values);
            scorecard.ScoreBatch(values, results.AsSpan(start, count));
        }

        var churned = rows.Select(r => Labels[r] > 0).ToArray();
        return new SnapshotBacktest(HealthBacktest.Run(results, churned, scorecard), rows.Select(r => AsOf[r]).Distinct().Count());
    }
}
