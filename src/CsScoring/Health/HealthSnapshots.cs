using System.Globalization;
using System.Runtime.InteropServices;
using CsScoring.Data;

namespace CsScoring.Health;

/// <summary>
/// A history of account snapshots read for a scorecard: ids, as-of dates, the metric values (column-major, metric
/// order), MRR and the churn label for a horizon (from the <c>churned_within_{h}d</c> column when the table has it,
/// otherwise derived from the monthly snapshots: churned when the account is absent at one of the month ends the
/// horizon spans). Scores each account's latest snapshot with its trend, and backtests a scorecard over the history.
/// </summary>
/// <remarks>Account ids are kept exactly as the table holds them. Immutable once read; safe to share between threads.</remarks>
/// <example>
/// <code>
/// var scorecard = ScorecardJson.Load("scorecard.json").Compile();
/// using var reader = TabularReader.Open("accounts.csv");
/// var history = HealthSnapshots.Read(reader, scorecard, horizonDays: 90);
/// var accounts = history.ScoreLatest(scorecard, history.LastDate, maxAgeDays: 0, drivers: 3);
/// var backtest = history.Backtest(scorecard, asOf: null);
/// </code>
/// </example>
public sealed partial class HealthSnapshots
{
    // Rows are held row-major in chunks of this many rows: read once, never copied into one big array.
    private const int ChunkShift = 14;
    private const int ChunkRows = 1 << ChunkShift;
    private readonly double[][] _chunks;

    private HealthSnapshots(string source, string[] ids, DateOnly[] asOf, double[][] chunks, double[] mrr, double[] labels, string labelSource, int metrics)
    {
        Source = source;
        AccountIds = ids;
        AsOf = asOf;
        LastDate = asOf.Length == 0 ? default : asOf.Max();
        _chunks = chunks;
        Mrr = mrr;
        Labels = labels;
        LabelSource = labelSource;
        MetricCount = metrics;
    }

    /// <summary>The table's name, for messages.</summary>
    public string Source { get; }

    /// <summary>Each snapshot's account id, raw.</summary>
    public IReadOnlyList<string> AccountIds { get; }

    /// <summary>Each snapshot's date.</summary>
    public IReadOnlyList<DateOnly> AsOf { get; }

    /// <summary>Each snapshot's MRR (NaN when blank or when the table has no <c>mrr</c> column).</summary>
    public IReadOnlyList<double> Mrr { get; }

    /// <summary>1 churned within the horizon, 0 retained, NaN unknown (the horizon passes the data's end).</summary>
    public IReadOnlyList<double> Labels { get; }

    /// <summary>Where the labels come from, in words (the column, or derived from the monthly snapshots).</summary>
    public string LabelSource { get; }

    /// <summary>The scorecard's metric count (the width of a row).</summary>
    public int MetricCount { get; }

    /// <summary>The number of snapshots.</summary>
    public int Count => AccountIds.Count;

    /// <summary>The latest snapshot date.</summary>
    public DateOnly LastDate { get; }

    /// <summary>Reads the snapshots for a scorecard (columns <c>account_id</c>, <c>as_of</c>, the scorecard's metrics, optionally <c>mrr</c> and the label).</summary>
    /// <param name="reader">A reader positioned before its first row; read to its end, not disposed.</param>
    /// <param name="scorecard">The scorecard whose metric columns are read.</param>
    /// <param name="horizonDays">The churn horizon of the labels, in days (≥ 1).</param>
    /// <returns>The history.</returns>
    /// <exception cref="DataFormatException">A column is absent, a cell is invalid, a label is not 0, 1 or blank, or the table has no rows (source, row and column named).</exception>
    public static HealthSnapshots Read(TabularReader reader, CompiledScorecard scorecard, int horizonDays)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(scorecard);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonDays, 1);
        var ids = new List<string>();
        var dates = new List<DateOnly>();

        // Fixed-size row-major chunks: a growing list of every value would hold up to three copies of them while it doubles.
        var chunks = new List<double[]>();
        var mrr = new List<double>();
        var labels = new List<double>();

        // One string per account, not per snapshot (an account has a snapshot a month).
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        var knownBySpan = known.GetAlternateLookup<ReadOnlySpan<char>>();
        var labelColumn = string.Create(CultureInfo.InvariantCulture, $"churned_within_{horizonDays}d");
        var source = reader.SourceName;
        var metricCount = scorecard.MetricCount;
        bool hasLabel;
        {
            var id = reader.GetOrdinal("account_id");
            var asOf = reader.GetOrdinal("as_of");
            var mrrOrdinal = reader.TryGetOrdinal("mrr", out var m) ? m : -1;
            hasLabel = reader.TryGetOrdinal(labelColumn, out var label);
            var columns = ScorecardColumns.Bind(scorecard, reader);
            var values = new double[metricCount];
            while (reader.Read())
            {
                var idSpan = reader.GetSpan(id);
                if (!knownBySpan.TryGetValue(idSpan, out var idString))
                {
                    idString = reader.GetString(id);
                    known[idString] = idString;
                }

                ids.Add(idString);
                dates.Add(reader.GetDate(asOf));
                columns.Read(values);
                var inChunk = (ids.Count - 1) % ChunkRows;
                if (inChunk == 0)
                {
                    chunks.Add(new double[ChunkRows * metricCount]);
                }

                values.CopyTo(chunks[^1].AsSpan(inChunk * metricCount, metricCount));
                mrr.Add(mrrOrdinal >= 0 ? reader.GetDoubleOrNaN(mrrOrdinal) : double.NaN);
                if (hasLabel)
                {
                    var outcome = reader.GetNumberOrFlagOrNaN(label);
                    if (!double.IsNaN(outcome) && outcome is not (0 or 1))
                    {
                        throw reader.Error(label, $"a churn label must be 0, 1 or blank, not '{reader.GetString(label)}'");
                    }

                    labels.Add(outcome);
                }
            }
        }

        if (ids.Count == 0)
        {
            throw new DataFormatException("the file has a header but no rows", source, null, null);
        }

        var idArray = ids.ToArray();
        var dateArray = dates.ToArray();
        var labelArray = hasLabel ? labels.ToArray() : DeriveLabels(idArray, dateArray, horizonDays);
        var labelSource = hasLabel ? $"column {labelColumn}" : string.Create(CultureInfo.InvariantCulture, $"derived from monthly snapshots ({horizonDays} days)");
        return new HealthSnapshots(source, idArray, dateArray, [.. chunks], [.. mrr], labelArray, labelSource, metricCount);
    }

    /// <summary>
    /// Churn within the horizon from month-end snapshots, the horizon rounded to whole months (90 days = 3): 1 when
    /// the account has no snapshot at one of the next that many month ends, 0 when it has one at each, NaN when the
    /// last of those month ends passes the data's last date.
    /// </summary>
    internal static double[] DeriveLabels(string[] ids, DateOnly[] dates, int horizonDays)
    {
        var present = new HashSet<(string, DateOnly)>();
        for (var i = 0; i < ids.Length; i++)
        {
            present.Add((ids[i], dates[i]));
        }

        var months = Math.Max(1, (int)Math.Round(horizonDays / (365.25 / 12)));
        var end = dates.Max();
        var labels = new double[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            if (EndOfMonth(dates[i].AddMonths(months)) > end)
            {
                labels[i] = double.NaN;
                continue;
            }

            labels[i] = 0;
            for (var k = 1; k <= months; k++)
            {
                if (!present.Contains((ids[i], EndOfMonth(dates[i].AddMonths(k)))))
                {
                    labels[i] = 1;
                    break;
                }
            }
        }

        return labels;
    }

    private static DateOnly EndOfMonth(DateOnly date) => new(date.Year, date.Month, DateTime.DaysInMonth(date.Year, date.Month));

    /// <summary>The values of some rows, column-major (metric m of the j-th row at <c>m * rows.Count + j</c>), as the batch scoring of <see cref="CompiledScorecard"/> takes them.</summary>
    /// <param name="rows">The rows (0-based).</param>
    public double[] Rows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Rows(rows, 0, rows.Count);
    }

    /// <summary>The values of <paramref name="count"/> of the rows from <paramref name="start"/> on, column-major.</summary>
    internal double[] Rows(IReadOnlyList<int> rows, int start, int count)
    {
        var result = new double[MetricCount * count];
        RowsInto(rows, start, count, result);
        return result;
    }

    /// <summary>Writes the values of <paramref name="count"/> of the rows from <paramref name="start"/> on, column-major, into <paramref name="destination"/>.</summary>
    internal void RowsInto(IReadOnlyList<int> rows, int start, int count, Span<double> destination)
    {
        for (var j = 0; j < count; j++)
        {
            var row = rows[start + j];
            if ((uint)row >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"rows[{start + j}] is not a row of the {Count} snapshots.");
            }

            var chunk = _chunks[row >> ChunkShift];
            var offset = (row & (ChunkRows - 1)) * MetricCount;
            for (var k = 0; k < MetricCount; k++)
            {
                destination[(k * count) + j] = chunk[offset + k];
            }
        }
    }

    /// <summary>The values of one row, in metric order.</summary>
    /// <param name="row">The row (0-based).</param>
    public double[] Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return _chunks[row >> ChunkShift].AsSpan((row & (ChunkRows - 1)) * MetricCount, MetricCount).ToArray();
    }

    /// <summary>Each account's latest snapshot at or before a date, skipping snapshots older than <paramref name="maxAgeDays"/>.</summary>
    /// <param name="asOf">The date.</param>
    /// <param name="maxAgeDays">How old a snapshot may be (0: only snapshots on <paramref name="asOf"/>, the current customers when it is <see cref="LastDate"/>).</param>
    /// <returns>The rows, ordered by account id (ordinal).</returns>
    public IReadOnlyList<int> LatestPerAccount(DateOnly asOf, int maxAgeDays)
    {
        var latest = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            if (AsOf[i] > asOf || AsOf[i] < asOf.AddDays(-maxAgeDays))
            {
                continue;
            }

            if (!latest.TryGetValue(AccountIds[i], out var j) || AsOf[i] > AsOf[j])
            {
                latest[AccountIds[i]] = i;
            }
        }

        return [.. latest.Values.OrderBy(i => AccountIds[i], StringComparer.Ordinal)];
    }

    /// <summary>For each row, the snapshot of the same account just before it, or -1.</summary>
    /// <remarks>Snapshots on the same date keep their table order: the later row's previous is the earlier row.</remarks>
    public int[] PreviousRows()
    {
        // Grouped by account with a counting sort (table order kept), then each account's rows ordered by date: the
        // same order as sorting every row by (account, date, row), without a million string comparisons.
        var count = Count;
        var accountOf = new int[count];
        var accounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var perAccount = new List<int>();
        for (var i = 0; i < count; i++)
        {
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(accounts, AccountIds[i], out var known);
            if (!known)
            {
                index = accounts.Count - 1;
                perAccount.Add(0);
            }

            accountOf[i] = index;
            perAccount[index]++;
        }

        var starts = new int[perAccount.Count + 1];
        for (var a = 0; a < perAccount.Count; a++)
        {
            starts[a + 1] = starts[a] + perAccount[a];
        }

        var order = new int[count];
        var next = starts.AsSpan(0, perAccount.Count).ToArray();
        for (var i = 0; i < count; i++)
        {
            order[next[accountOf[i]]++] = i;
        }

        var previous = new int[count];
        var dates = AsOf;
        for (var a = 0; a < perAccount.Count; a++)
        {
            var group = order.AsSpan(starts[a], starts[a + 1] - starts[a]);

            // Insertion sort by date, stable: an account's snapshots are usually in date order already.
            for (var j = 1; j < group.Length; j++)
            {
                var row = group[j];
                var date = dates[row];
                var k = j - 1;
                while (k >= 0 && dates[group[k]] > date)
                {
                    group[k + 1] = group[k];
                    k--;
                }

                group[k + 1] = row;
            }

            for (var j = 0; j < group.Length; j++)
            {
                previous[group[j]] = j > 0 ? group[j - 1] : -1;
            }
        }

        return previous;
    }
}
