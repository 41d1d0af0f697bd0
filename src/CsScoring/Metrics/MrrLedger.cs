using CsScoring.Data;

namespace CsScoring.Metrics;

/// <summary>
/// Monthly recurring revenue per account and month: the input of the retention KPIs. A month without an entry
/// (or with 0) means the account did not pay that month.
/// </summary>
/// <remarks>Immutable once built; safe to share between threads.</remarks>
public sealed class MrrLedger
{
    private readonly Dictionary<string, SortedDictionary<DateOnly, decimal>> _accounts;

    private MrrLedger(Dictionary<string, SortedDictionary<DateOnly, decimal>> accounts, DateOnly first, DateOnly last)
    {
        _accounts = accounts;
        FirstMonth = first;
        LastMonth = last;
    }

    /// <summary>The earliest month in the ledger (first day of the month).</summary>
    public DateOnly FirstMonth { get; }

    /// <summary>The latest month in the ledger (first day of the month).</summary>
    public DateOnly LastMonth { get; }

    /// <summary>The number of accounts with at least one entry.</summary>
    public int AccountCount => _accounts.Count;

    /// <summary>Every entry, by account (ordinal order) and then month.</summary>
    public IEnumerable<MrrEntry> Entries
        => _accounts.OrderBy(a => a.Key, StringComparer.Ordinal)
            .SelectMany(a => a.Value.Select(m => new MrrEntry(a.Key, m.Key, m.Value)));

    /// <summary>Builds a ledger from entries; dates are normalised to the first day of their month.</summary>
    /// <param name="entries">Account, month and MRR; an account may appear once per month.</param>
    /// <exception cref="ArgumentException">An MRR is negative, an account id is blank, an account-month repeats, or there are no entries.</exception>
    public static MrrLedger Create(IEnumerable<MrrEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var accounts = new Dictionary<string, SortedDictionary<DateOnly, decimal>>(StringComparer.Ordinal);
        DateOnly first = DateOnly.MaxValue, last = DateOnly.MinValue;
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry.AccountId))
            {
                throw new ArgumentException("An MRR entry has a blank account id.", nameof(entries));
            }

            if (entry.Mrr < 0)
            {
                throw new ArgumentException($"Account '{entry.AccountId}' has a negative MRR {entry.Mrr} in {entry.Month:yyyy-MM}.", nameof(entries));
            }

            var month = new DateOnly(entry.Month.Year, entry.Month.Month, 1);
            if (!accounts.TryGetValue(entry.AccountId, out var months))
            {
                months = [];
                accounts.Add(entry.AccountId, months);
            }

            if (!months.TryAdd(month, entry.Mrr))
            {
                throw new ArgumentException($"Account '{entry.AccountId}' has two MRR entries for {month:yyyy-MM}.", nameof(entries));
            }

            first = month < first ? month : first;
            last = month > last ? month : last;
        }

        if (accounts.Count == 0)
        {
            throw new ArgumentException("The ledger has no entries.", nameof(entries));
        }

        return new MrrLedger(accounts, first, last);
    }

    /// <summary>Reads a ledger from a table with the columns <c>account_id</c>, <c>month</c> and <c>mrr</c>.</summary>
    /// <param name="reader">A reader positioned before the first row.</param>
    /// <exception cref="DataFormatException">A column is absent, a month is not a date, an MRR is blank, negative or not a number, or an account-month repeats.</exception>
    public static MrrLedger Read(TabularReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var id = reader.GetOrdinal("account_id");
        var month = reader.GetOrdinal("month");
        var mrr = reader.GetOrdinal("mrr");
        var entries = new List<MrrEntry>();
        var seen = new HashSet<(string, DateOnly)>();
        while (reader.Read())
        {
            var account = reader.GetString(id);
            if (string.IsNullOrWhiteSpace(account))
            {
                throw reader.Error(id, "the account id is blank");
            }

            var date = reader.GetDate(month);
            var value = reader.GetDoubleOrNaN(mrr);
            if (double.IsNaN(value) || value < 0 || double.IsInfinity(value))
            {
                throw reader.Error(mrr, $"MRR must be a number >= 0, not '{reader.GetString(mrr)}'");
            }

            if (!seen.Add((account, new DateOnly(date.Year, date.Month, 1))))
            {
                throw reader.Error(month, $"account '{account}' already has an entry for {date:yyyy-MM}");
            }

            entries.Add(new MrrEntry(account, date, (decimal)value));
        }

        if (entries.Count == 0)
        {
            throw new DataFormatException("the ledger has a header but no rows", reader.SourceName, null, null);
        }

        return Create(entries);
    }

    /// <summary>An account's MRR in a month (0 when it did not pay).</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="month">Any day of the month.</param>
    public decimal MrrOf(string accountId, DateOnly month)
        => _accounts.TryGetValue(accountId, out var months) && months.TryGetValue(new DateOnly(month.Year, month.Month, 1), out var value) ? value : 0m;

    /// <summary>The MRR of all accounts in a month.</summary>
    /// <param name="month">Any day of the month.</param>
    public decimal TotalMrr(DateOnly month)
    {
        var key = new DateOnly(month.Year, month.Month, 1);
        decimal total = 0;
        foreach (var (_, months) in _accounts)
        {
            total += months.GetValueOrDefault(key);
        }

        return total;
    }

    /// <summary>
    /// Classifies every account's change from the month before <paramref name="month"/> to that month and sums it.
    /// </summary>
    /// <param name="month">Any day of the month to report.</param>
    public MrrMovements MovementsIn(DateOnly month)
    {
        var current = new DateOnly(month.Year, month.Month, 1);
        var previous = current.AddMonths(-1);
        var totals = new MovementTotals();
        foreach (var (_, months) in _accounts)
        {
            var before = months.GetValueOrDefault(previous);
            var now = months.GetValueOrDefault(current);
            var paidEarlier = before == 0 && now > 0 && months.Keys.Any(m => m < previous && months[m] > 0);
            totals.Add(before, now, paidEarlier);
        }

        return totals.ToMovements(current);
    }

    /// <summary>
    /// Retention of the customers who paid in <paramref name="start"/>, measured in <paramref name="end"/>: logo
    /// retention, gross revenue retention (each account capped at its starting MRR) and net revenue retention
    /// (expansion included, new customers excluded).
    /// </summary>
    /// <param name="start">Any day of the starting month.</param>
    /// <param name="end">Any day of the ending month; after <paramref name="start"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="end"/> is not after <paramref name="start"/>.</exception>
    public CohortRetention RetentionBetween(DateOnly start, DateOnly end)
    {
        var from = new DateOnly(start.Year, start.Month, 1);
        var to = new DateOnly(end.Year, end.Month, 1);
        if (to <= from)
        {
            throw new ArgumentException($"The end month {to:yyyy-MM} must be after the start month {from:yyyy-MM}.", nameof(end));
        }

        int customers = 0, retained = 0;
        decimal startMrr = 0, grossMrr = 0, netMrr = 0;
        foreach (var (_, months) in _accounts)
        {
            var before = months.GetValueOrDefault(from);
            if (before <= 0)
            {
                continue;
            }

            var after = months.GetValueOrDefault(to);
            customers++;
            retained += after > 0 ? 1 : 0;
            startMrr += before;
            netMrr += after;
            grossMrr += Math.Min(before, after);
        }

        return new CohortRetention(from, to, customers, retained, startMrr, grossMrr, netMrr);
    }

    private sealed class MovementTotals
    {
        private decimal _starting, _new, _expansion, _contraction, _churned, _reactivation;
        private int _startingCustomers, _newCustomers, _churnedCustomers, _reactivatedCustomers;

        public void Add(decimal before, decimal now, bool paidEarlier)
        {
            if (before > 0)
            {
                _starting += before;
                _startingCustomers++;
            }

            if (before == 0 && now > 0)
            {
                if (paidEarlier)
                {
                    _reactivation += now;
                    _reactivatedCustomers++;
                }
                else
                {
                    _new += now;
                    _newCustomers++;
                }
            }
            else if (before > 0 && now == 0)
            {
                _churned += before;
                _churnedCustomers++;
            }
            else if (now > before)
            {
                _expansion += now - before;
            }
            else if (now < before)
            {
                _contraction += before - now;
            }
        }

        public MrrMovements ToMovements(DateOnly month) => new(
            month, _starting, _new, _expansion, _contraction, _churned, _reactivation,
            _startingCustomers, _newCustomers, _churnedCustomers, _reactivatedCustomers);
    }
}

/// <summary>One ledger line: an account's MRR in a month.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Month">Any day of the month (normalised to the first).</param>
/// <param name="Mrr">Monthly recurring revenue, &gt;= 0.</param>
public readonly record struct MrrEntry(string AccountId, DateOnly Month, decimal Mrr);
