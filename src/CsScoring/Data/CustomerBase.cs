namespace CsScoring.Data;

/// <summary>
/// The account snapshots of a data folder (one row per account and as-of date) and the one definition of the data's
/// as-of date and of a current customer: the as-of date is the latest snapshot date in the data; a current customer
/// is an account with a snapshot on that date, and its current snapshot is that row. An account whose snapshots end
/// earlier has left (a former customer): it is counted, never scored.
/// </summary>
/// <remarks>
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

    private CustomerBase(string source, string[] ids, DateOnly[] dates, double[] mrr, double[] labels, int accounts)
    {
        Source = source;
        _ids = ids;
        _dates = dates;
        _mrr = mrr;
        _labels = labels;
        AccountCount = accounts;
        FirstDate = dates.Min();
        AsOf = dates.Max();
        var latest = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!latest.TryGetValue(ids[i], out var seen) || dates[i] > dates[seen])
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

    /// <summary>The data's as-of date: its latest snapshot date.</summary>
    public DateOnly AsOf { get; }

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
    {
        ArgumentNullException.ThrowIfNull(reader);
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

        return new CustomerBase(reader.SourceName, [.. ids], [.. dates], [.. mrrs], [.. labels], accounts.Count);
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
