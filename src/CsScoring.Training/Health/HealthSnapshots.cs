using System.Globalization;
using CsScoring.Data;
using CsScoring.Health;

namespace CsScoring.Training.Health;

/// <summary>
/// Account snapshots read for a scorecard: ids, as-of dates, the metric values (column-major, metric order), MRR
/// and the churn label for a horizon (from the <c>churned_within_{h}d</c> column when the file has it, otherwise
/// derived from the monthly snapshots: churned when the account is absent at one of the month ends the horizon spans).
/// </summary>
internal sealed class HealthSnapshots
{
    private HealthSnapshots(string source, string[] ids, DateOnly[] asOf, double[] columns, double[] mrr, double[] labels, string labelSource, int metrics)
    {
        Source = source;
        AccountIds = ids;
        AsOf = asOf;
        Columns = columns;
        Mrr = mrr;
        Labels = labels;
        LabelSource = labelSource;
        MetricCount = metrics;
    }

    public string Source { get; }

    public string[] AccountIds { get; }

    public DateOnly[] AsOf { get; }

    /// <summary>Metric m of row i at <c>m * Count + i</c>.</summary>
    public double[] Columns { get; }

    public double[] Mrr { get; }

    /// <summary>1 churned within the horizon, 0 retained, NaN unknown (the horizon passes the data's end).</summary>
    public double[] Labels { get; }

    public string LabelSource { get; }

    public int MetricCount { get; }

    public int Count => AccountIds.Length;

    public DateOnly LastDate => AsOf.Length == 0 ? default : AsOf.Max();

    public static HealthSnapshots Load(string path, CompiledScorecard scorecard, int horizonDays)
    {
        var ids = new List<string>();
        var dates = new List<DateOnly>();
        var rows = new List<double>();
        var mrr = new List<double>();
        var labels = new List<double>();
        var labelColumn = string.Create(CultureInfo.InvariantCulture, $"churned_within_{horizonDays}d");
        string source;
        bool hasLabel;
        using (var reader = TabularReader.Open(path))
        {
            source = reader.SourceName;
            var id = reader.GetOrdinal("account_id");
            var asOf = reader.GetOrdinal("as_of");
            var mrrOrdinal = reader.TryGetOrdinal("mrr", out var m) ? m : -1;
            hasLabel = reader.TryGetOrdinal(labelColumn, out var label);
            var columns = ScorecardColumns.Bind(scorecard, reader);
            var values = new double[scorecard.MetricCount];
            while (reader.Read())
            {
                ids.Add(reader.GetString(id));
                dates.Add(reader.GetDate(asOf));
                columns.Read(values);
                rows.AddRange(values);
                mrr.Add(mrrOrdinal >= 0 ? reader.GetDoubleOrNaN(mrrOrdinal) : double.NaN);
                if (hasLabel)
                {
                    var outcome = reader.GetDoubleOrNaN(label);
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

        var n = ids.Count;
        var metricCount = scorecard.MetricCount;
        var columnMajor = new double[metricCount * n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < metricCount; k++)
            {
                columnMajor[(k * n) + i] = rows[(i * metricCount) + k];
            }
        }

        var idArray = ids.ToArray();
        var dateArray = dates.ToArray();
        var labelArray = hasLabel ? labels.ToArray() : DeriveLabels(idArray, dateArray, horizonDays);
        var labelSource = hasLabel ? $"column {labelColumn}" : string.Create(CultureInfo.InvariantCulture, $"derived from monthly snapshots ({horizonDays} days)");
        return new HealthSnapshots(source, idArray, dateArray, columnMajor, [.. mrr], labelArray, labelSource, metricCount);
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

    /// <summary>The column-major values of some rows.</summary>
    public double[] Rows(IReadOnlyList<int> rows)
    {
        var n = Count;
        var result = new double[MetricCount * rows.Count];
        for (var k = 0; k < MetricCount; k++)
        {
            for (var j = 0; j < rows.Count; j++)
            {
                result[(k * rows.Count) + j] = Columns[(k * n) + rows[j]];
            }
        }

        return result;
    }

    /// <summary>The values of one row, in metric order.</summary>
    public double[] Row(int row)
    {
        var values = new double[MetricCount];
        for (var k = 0; k < MetricCount; k++)
        {
            values[k] = Columns[(k * Count) + row];
        }

        return values;
    }

    /// <summary>Each account's latest snapshot at or before a date, skipping snapshots older than <paramref name="maxAgeDays"/>.</summary>
    public List<int> LatestPerAccount(DateOnly asOf, int maxAgeDays)
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

    /// <summary>The snapshot of the same account just before a row, or -1.</summary>
    public int[] PreviousRows()
    {
        var previous = new int[Count];
        var order = Enumerable.Range(0, Count).OrderBy(i => AccountIds[i], StringComparer.Ordinal).ThenBy(i => AsOf[i]).ToArray();
        for (var j = 0; j < order.Length; j++)
        {
            previous[order[j]] = j > 0 && AccountIds[order[j - 1]] == AccountIds[order[j]] ? order[j - 1] : -1;
        }

        return previous;
    }
}
