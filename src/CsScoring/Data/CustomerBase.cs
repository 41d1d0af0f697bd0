namespace CsScoring.Data;

/// <summary>
/// The account snapshots of a data folder (one row per account and as-of date) and the one definition of the data's
/// as-of date and of a current customer: a current customer is an account with a snapshot on the as-of date, and its
/// current snapshot is that row. An account whose snapshots end earlier has left (a former customer): it is counted,
/// never scored.
/// </summary>
/// <remarks>
/// <para>
/// <b>The as-of date</b> is given (<see cref="CustomerBaseOptions.AsOf"/>) or inferred as the most common of the
/// accounts' latest snapshot dates (the later date on a tie). Every current customer shares that date while a stray
/// row moves only its own account's, so one mistyped or future-dated snapshot cannot move it: it would take more stray
/// accounts than current customers. Snapshots after the as-of date are either an error naming the first such row or
/// left out and counted (<see cref="FutureRows"/>, <see cref="FutureRowPolicy"/>).
/// </para>
/// Account ids are kept exactly as the file holds them (no trimming, no spreadsheet escaping), so they join with
/// every other result by ordinal comparison. When an account has two rows on one date, the first is its snapshot.
/// Immutable once read; safe to share between threads.
/// </remarks>
/// <example>
/// <code>
/// var table = BufferedTable.Read(new DataFolder("data/sample"), CustomerBase.AccountsFile);
/// var customers = CustomerBase.Read(table.CreateReader());
/// Console.WriteLine($"{customers.CurrentRows.Count} current customers as of {customers.AsOf:yyyy-MM-dd}");
/// </code>
/// </example>
public sealed class CustomerBase
{
    /// <summary>The snapshot file of a data folder.</summary>
    public const string AccountsFile = "accounts.csv";

    /// <summary>The default account id column.</summary>
    public const string DefaultIdColumn = "account_id";

    /// <summary>The default snapshot date column.</summary>
    public const string DefaultAsOfColumn = "as_of";

    private readonly string[] _ids;
    private readonly DateOnly[] _dates;
    private readonly double[] _mrr;
    private readonly double[] _labels;
    private readonly bool[] _current;
    private readonly bool[] _future;

    private CustomerBase(string source, string[] ids, DateOnly[] dates, double[] mrr, double[] labels, int accounts, CustomerBaseOptions options, string asOfColumn)
    {
        Source = source;
        _ids = ids;
        _dates = dates;
        _mrr = mrr;
        _labels = labels;
        AccountCount = accounts;
        FirstDate = dates.Min();
        AsOf = options.AsOf ?? InferAsOf(ids, dates);
        AsOfInferred = options.AsOf is null;
        _future = new bool[ids.Length];
        var futureRows = 0;
        var firstFuture = -1;
        for (var i = 0; i < ids.Length; i++)
        {
            if (dates[i] > AsOf)
            {
                _future[i] = true;
                futureRows++;
                firstFuture = firstFuture < 0 ? i : firstFuture;
            }
        }

        if (futureRows > 0 && options.FutureRows == FutureRowPolicy.Error)
        {
            throw new DataFormatException(
                FormattableString.Invariant($"the snapshot of account '{ids[firstFuture]}' is dated {dates[firstFuture]:yyyy-MM-dd}, after the as-of date {AsOf:yyyy-MM-dd} ({(AsOfInferred ? "the most common latest snapshot date" : "given")}); {futureRows} row(s) are after it. Fix the dates, give the intended as-of date, or choose to ignore future rows"),
                source, firstFuture + 1, asOfColumn);
        }

        FutureRows = futureRows;
        FirstFutureRow = firstFuture < 0 ? null : firstFuture;
        var latest = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!_future[i] && (!latest.TryGetValue(ids[i], out var seen) || dates[i] > dates[seen]))
            {
                latest[ids[i]] = i;
            }
        }

        _current = new bool[ids.Length];
        var current = new List<int>();
        foreach (var row in latest.Values)
        {
            if (dates[row] == AsOf)
            {
                _current[row] = true;
                current.Add(row);
            }
        }

        current.Sort((a, b) => string.CompareOrdinal(ids[a], ids[b]));
        CurrentRows = current;
        FormerAccounts = latest.Count - current.Count;
    }

    /// <summary>The file name errors report.</summary>
    public string Source { get; }

    /// <summary>The number of snapshot rows.</summary>
    public int SnapshotCount => _ids.Length;

    /// <summary>The number of distinct accounts.</summary>
    public int AccountCount { get; }

    /// <summary>The earliest snapshot date.</summary>
    public DateOnly FirstDate { get; }

    /// <summary>The data's as-of date: given, or the most common of the accounts' latest snapshot dates (see the remarks).</summary>
    public DateOnly AsOf { get; }

    /// <summary>Whether <see cref="AsOf"/> was inferred from the data (rather than given).</summary>
    public bool AsOfInferred { get; }

    /// <summary>Snapshot rows dated after <see cref="AsOf"/>, left out of every current and former customer (0 unless <see cref="FutureRowPolicy.Ignore"/>).</summary>
    public int FutureRows { get; }

    /// <summary>The first snapshot row (0-based) dated after <see cref="AsOf"/>, or <see langword="null"/> when none is.</summary>
    public int? FirstFutureRow { get; }

    /// <summary>
    /// A warning that says which snapshots were left out for being after the as-of date and why, or
    /// <see langword="null"/> when none was.
    /// </summary>
    public string? FutureRowsWarning => FirstFutureRow is not { } first ? null : FormattableString.Invariant(
        $"{Source}: {FutureRows} snapshot row(s) are dated after the as-of date {AsOf:yyyy-MM-dd} and were ignored (the first is row {first + 1}, account '{_ids[first]}' on {_dates[first]:yyyy-MM-dd}); the as-of date is {(AsOfInferred ? "the most common latest snapshot date, which one stray row cannot move" : "the one given")}.");

    /// <summary>The current snapshot row (0-based, in file order) of each current customer, ordered by account id (ordinal).</summary>
    public IReadOnlyList<int> CurrentRows { get; }

    /// <summary>The accounts whose snapshots end before <see cref="AsOf"/>.</summary>
    public int FormerAccounts { get; }

    /// <summary>Snapshots whose churn label is known (0 or 1); 0 when the file has no label column.</summary>
    public int LabelledSnapshots => _labels.Count(l => !double.IsNaN(l));

    /// <summary>Labelled snapshots whose label is 1 (churned).</summary>
    public int ChurnedSnapshots => _labels.Count(l => l > 0);

    /// <summary>The total MRR of the snapshots on <see cref="AsOf"/> (blank MRR counts as 0; 0 without an MRR column).</summary>
    public double CurrentMrr
    {
        get
        {
            var total = 0.0;
            for (var i = 0; i < _ids.Length; i++)
            {
                if (_dates[i] == AsOf && !double.IsNaN(_mrr[i]))
                {
                    total += _mrr[i];
                }
            }

            return total;
        }
    }

    /// <summary>Reads the snapshots.</summary>
    /// <param name="reader">A reader positioned before its first row; read to its end, not disposed.</param>
    /// <param name="idColumn">The account id column.</param>
    /// <param name="asOfColumn">The snapshot date column.</param>
    /// <param name="mrrColumn">The MRR column, when present (for <see cref="CurrentMrr"/>).</param>
    /// <param name="labelColumn">The churn label column, when present (for <see cref="LabelledSnapshots"/>).</param>
    /// <returns>The customer base.</returns>
    /// <exception cref="DataFormatException">The id or date column is absent, an id is blank, a date or an MRR is not valid, or the file has no rows (file, row and column named).</exception>
    public static CustomerBase Read(
        TabularReader reader, string idColumn = DefaultIdColumn, string asOfColumn = DefaultAsOfColumn, string? mrrColumn = "mrr", string? labelColumn = "churned_within_90d")
        => ReadCore(reader, CustomerBaseOptions.Default, idColumn, asOfColumn, mrrColumn, labelColumn);

    /// <summary>Reads the snapshots (default column names) with an explicit as-of date or future-row policy.</summary>
    /// <param name="reader">A reader positioned before its first row; read to its end, not disposed.</param>
    /// <param name="options">The as-of date and what to do with rows after it.</param>
    /// <returns>The customer base.</returns>
    /// <exception cref="DataFormatException">
    /// The id or date column is absent, an id is blank, a date or an MRR is not valid, the file has no rows, or (with
    /// <see cref="FutureRowPolicy.Error"/>) a row is dated after the as-of date (file, row and column named).
    /// </exception>
    public static CustomerBase Read(TabularReader reader, CustomerBaseOptions options)
        => ReadCore(reader, options, DefaultIdColumn, DefaultAsOfColumn, "mrr", "churned_within_90d");

    private static CustomerBase ReadCore(TabularReader reader, CustomerBaseOptions options, string idColumn, string asOfColumn, string? mrrColumn, string? labelColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var id = reader.GetOrdinal(idColumn);
        var asOf = reader.GetOrdinal(asOfColumn);
        var mrr = mrrColumn is not null && reader.TryGetOrdinal(mrrColumn, out var m) ? m : -1;
        var label = labelColumn is not null && reader.TryGetOrdinal(labelColumn, out var l) ? l : -1;
        var ids = new List<string>();
        var dates = new List<DateOnly>();
        var mrrs = new List<double>();
        var labels = new List<double>();
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.IsBlank(id))
            {
                throw reader.Error(id, "the account id is blank");
            }

            var account = reader.GetString(id);
            ids.Add(accounts.TryGetValue(account, out var known) ? known : account);
            accounts.Add(account);
            dates.Add(reader.GetDate(asOf));
            mrrs.Add(mrr >= 0 ? reader.GetDoubleOrNaN(mrr) : double.NaN);
            labels.Add(label >= 0 ? reader.GetNumberOrFlagOrNaN(label) : double.NaN);
        }

        if (ids.Count == 0)
        {
            throw new DataFormatException("the file has a header but no rows", reader.SourceName, null, null);
        }

        return new CustomerBase(reader.SourceName, [.. ids], [.. dates], [.. mrrs], [.. labels], accounts.Count, options, asOfColumn);
    }

    /// <summary>Whether a row is dated after <see cref="AsOf"/> (and so left out).</summary>
    /// <param name="row">The 0-based row; outside the table it is not.</param>
    public bool IsAfterAsOf(long row) => row >= 0 && row < _future.Length && _future[row];

    /// <summary>
    /// For each current customer (in <see cref="CurrentRows"/> order), its snapshot <paramref name="periods"/>
    /// snapshots before the current one, or -1 when its history is shorter. Rows after the as-of date are skipped.
    /// </summary>
    /// <param name="periods">How many snapshots back (at least 1).</param>
    /// <returns>The rows (0-based), one per current customer.</returns>
    public int[] RowsBack(int periods)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periods, 1);
        var positions = new Dictionary<string, int>(CurrentRows.Count, StringComparer.Ordinal);
        for (var j = 0; j < CurrentRows.Count; j++)
        {
            positions[_ids[CurrentRows[j]]] = j;
        }

        // Each current customer's earlier rows, then the one `periods` back by date (first row on a date wins, as for the current one).
        var earlier = new List<int>?[CurrentRows.Count];
        for (var i = 0; i < _ids.Length; i++)
        {
            if (!_future[i] && !_current[i] && positions.TryGetValue(_ids[i], out var j) && _dates[i] < AsOf)
            {
                (earlier[j] ??= []).Add(i);
            }
        }

        var back = new int[CurrentRows.Count];
        for (var j = 0; j < back.Length; j++)
        {
            back[j] = -1;
            if (earlier[j] is not { } rows)
            {
                continue;
            }

            rows.Sort((a, b) => _dates[b] != _dates[a] ? _dates[b].CompareTo(_dates[a]) : a.CompareTo(b));
            var distinct = 0;
            for (var k = 0; k < rows.Count; k++)
            {
                if (k > 0 && _dates[rows[k]] == _dates[rows[k - 1]])
                {
                    continue;
                }

                if (++distinct == periods)
                {
                    back[j] = rows[k];
                    break;
                }
            }
        }

        return back;
    }

    // The most common of the accounts' latest dates, the later on a tie: one stray row moves one account's latest date only.
    private static DateOnly InferAsOf(string[] ids, DateOnly[] dates)
    {
        var latest = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!latest.TryGetValue(ids[i], out var seen) || dates[i] > seen)
            {
                latest[ids[i]] = dates[i];
            }
        }

        var counts = new Dictionary<DateOnly, int>();
        foreach (var date in latest.Values)
        {
            counts[date] = counts.GetValueOrDefault(date) + 1;
        }

        var best = default(DateOnly);
        var bestCount = 0;
        foreach (var (date, count) in counts)
        {
            if (count > bestCount || (count == bestCount && date > best))
            {
                best = date;
                bestCount = count;
            }
        }

        return best;
    }

    /// <summary>The account id of a snapshot row, exactly as the file holds it.</summary>
    /// <param name="row">The 0-based row.</param>
    public string AccountIdOf(int row) => _ids[row];

    /// <summary>The date of a snapshot row.</summary>
    /// <param name="row">The 0-based row.</param>
    public DateOnly DateOf(int row) => _dates[row];

    /// <summary>Whether a row is a current customer's current snapshot.</summary>
    /// <param name="row">The 0-based row; outside the table it is not.</param>
    public bool IsCurrent(long row) => row >= 0 && row < _current.Length && _current[row];
}

/// <summary>What to do with snapshot rows dated after the as-of date.</summary>
public enum FutureRowPolicy
{
    /// <summary>Leave them out and count them (<see cref="CustomerBase.FutureRows"/>, <see cref="CustomerBase.FutureRowsWarning"/>).</summary>
    Ignore = 0,

    /// <summary>Refuse the data with a <see cref="DataFormatException"/> naming the first such row.</summary>
    Error = 1,
}

/// <summary>How a <see cref="CustomerBase"/> fixes its as-of date.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record CustomerBaseOptions
{
    /// <summary>The defaults: the as-of date inferred, rows after it ignored and counted.</summary>
    public static CustomerBaseOptions Default { get; } = new();

    /// <summary>The as-of date, or <see langword="null"/> to infer it (the most common of the accounts' latest snapshot dates).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public DateOnly? AsOf { get; init; }

    /// <summary>What to do with rows dated after the as-of date.</summary>
    /// <value>The default value is <see cref="FutureRowPolicy.Ignore"/>.</value>
    public FutureRowPolicy FutureRows { get; init; }
}
