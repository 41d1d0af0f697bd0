using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Metrics;

/// <summary>How <see cref="MrrHistory.Read"/> treats a ledger.</summary>
public sealed class MrrHistoryOptions
{
    /// <summary>The column of the account id; <c>account_id</c> by default.</summary>
    public string AccountColumn { get; init; } = "account_id";

    /// <summary>
    /// The column of the period (a date, any day of its month, or <c>yyyy-MM</c>); <c>month</c> by default, and
    /// <c>period</c> is accepted when <c>month</c> is absent.
    /// </summary>
    public string PeriodColumn { get; init; } = "month";

    /// <summary>The column of the MRR; <c>mrr</c> by default.</summary>
    public string MrrColumn { get; init; } = "mrr";

    /// <summary>
    /// A segment column of the ledger, or <see langword="null"/>. An account whose segment changes over time is
    /// placed, with its whole history, in the segment of its latest month, so each segment's bridge reconciles.
    /// </summary>
    public string? SegmentColumn { get; init; }

    /// <summary>Account id to segment (overrides <see cref="SegmentColumn"/>); accounts absent from it are in segment <c>(none)</c>.</summary>
    public IReadOnlyDictionary<string, string>? Segments { get; init; }

    /// <summary>
    /// Skip rows with a bad period or MRR, a negative MRR or a repeated (account, period), counting them in
    /// <see cref="MrrHistory.SkippedRows"/>, instead of failing on the first; <see langword="false"/> by default.
    /// </summary>
    public bool SkipBadRows { get; init; }
}

/// <summary>
/// A ledger held compactly for the KPI calculators: per account, one decimal per month between its first and last
/// entry (memory grows with accounts x months, never with anything else). A month without an entry, or with MRR 0,
/// means the account did not pay that month.
/// </summary>
/// <remarks>Immutable once built; safe to share between threads.</remarks>
public sealed class MrrHistory
{
    /// <summary>The segment name of accounts that have none.</summary>
    public const string NoSegment = "(none)";

    // Marks a month with no entry; real values are >= 0.
    private const decimal Absent = -1m;

    private readonly Account[] _accounts;

    private MrrHistory(Account[] accounts, int first, int last, long rows, long skipped, IReadOnlyList<string> warnings)
    {
        _accounts = accounts;
        FirstMonthIndex = first;
        LastMonthIndex = last;
        Rows = rows;
        SkippedRows = skipped;
        Warnings = warnings;
        Segments = [.. accounts.Select(a => a.Segment).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The earliest month (index from <see cref="ReportingPeriods.MonthIndex"/>).</summary>
    public int FirstMonthIndex { get; }

    /// <summary>The latest month (index): the end of observation.</summary>
    public int LastMonthIndex { get; }

    /// <summary>The earliest month, first day.</summary>
    public DateOnly FirstMonth => ReportingPeriods.MonthStart(FirstMonthIndex);

    /// <summary>The latest month, first day.</summary>
    public DateOnly LastMonth => ReportingPeriods.MonthStart(LastMonthIndex);

    /// <summary>The number of accounts.</summary>
    public int AccountCount => _accounts.Length;

    /// <summary>The data rows read (skipped rows included).</summary>
    public long Rows { get; }

    /// <summary>Rows skipped under <see cref="MrrHistoryOptions.SkipBadRows"/>.</summary>
    public long SkippedRows { get; }

    /// <summary>The first 20 skipped rows' reasons, each naming file, row and column.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The distinct segments, ordinal order (<see cref="NoSegment"/> when none were given).</summary>
    public IReadOnlyList<string> Segments { get; }

    internal ReadOnlySpan<Account> Accounts => _accounts;

    /// <summary>Builds a history from ledger entries (each account once per month).</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="segments">Account id to segment, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An MRR is negative, an account id is blank, an account-month repeats, or there are no entries.</exception>
    public static MrrHistory Create(IEnumerable<MrrEntry> entries, IReadOnlyDictionary<string, string>? segments = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = new Builder();
        long rows = 0;
        foreach (var entry in entries)
        {
            rows++;
            if (string.IsNullOrWhiteSpace(entry.AccountId))
            {
                throw new ArgumentException("An MRR entry has a blank account id.", nameof(entries));
            }

            var problem = builder.Add(entry.AccountId, ReportingPeriods.MonthIndex(entry.Month), entry.Mrr, null);
            if (problem is not null)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Account '{entry.AccountId}', {entry.Month:yyyy-MM}: {problem}."), nameof(entries));
            }
        }

        return builder.Build(segments, rows, 0, []) ?? throw new ArgumentException("The ledger has no entries.", nameof(entries));
    }

    /// <summary>Builds a history from an <see cref="MrrLedger"/>.</summary>
    /// <param name="ledger">The ledger.</param>
    /// <param name="segments">Account id to segment, or <see langword="null"/>.</param>
    public static MrrHistory FromLedger(MrrLedger ledger, IReadOnlyDictionary<string, string>? segments = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return Create(ledger.Entries, segments);
    }

    /// <summary>Streams a ledger table into a history.</summary>
    /// <param name="reader">A reader positioned before the first row.</param>
    /// <param name="options">Columns, segments and bad-row handling; defaults when <see langword="null"/>.</param>
    /// <exception cref="DataFormatException">
    /// A column is absent; or (unless skipping) a period is not a month, an MRR is blank, not a number or negative,
    /// an account id is blank, or an (account, period) repeats; or the ledger has no rows. File, row and column named.
    /// </exception>
    public static MrrHistory Read(TabularReader reader, MrrHistoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new MrrHistoryOptions();
        var id = reader.GetOrdinal(options.AccountColumn);
        var period = options.PeriodColumn == "month" && !reader.TryGetOrdinal("month", out _) && reader.TryGetOrdinal("period", out var alias)
            ? alias
            : reader.GetOrdinal(options.PeriodColumn);
        var mrr = reader.GetOrdinal(options.MrrColumn);
        var segment = options.Segments is null && options.SegmentColumn is { } column ? reader.GetOrdinal(column) : -1;
        var builder = new Builder();
        var warnings = new List<string>();
        long rows = 0, skipped = 0;
        while (reader.Read())
        {
            rows++;
            var (ordinal, problem) = ReadRow(reader, builder, id, period, mrr, segment);
            if (problem is null)
            {
                continue;
            }

            var error = reader.Error(ordinal, problem);
            if (!options.SkipBadRows)
            {
                throw error;
            }

            skipped++;
            if (warnings.Count < 20)
            {
                warnings.Add(error.Message);
            }
        }

        return builder.Build(options.Segments, rows, skipped, warnings)
            ?? throw new DataFormatException(rows == 0 ? "the ledger has a header but no rows" : "the ledger has no valid rows", reader.SourceName, null, null);
    }

    /// <summary>An account's MRR in a month (0 when it did not pay).</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="monthIndex">The month index.</param>
    public decimal MrrOf(string accountId, int monthIndex)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        int low = 0, high = _accounts.Length - 1;
        while (low <= high)
        {
            // Accounts are held in ordinal order of their ids.
            var mid = low + ((high - low) / 2);
            var order = string.CompareOrdinal(_accounts[mid].Id, accountId);
            if (order == 0)
            {
                return _accounts[mid].ValueAt(monthIndex);
            }

            (low, high) = order < 0 ? (mid + 1, high) : (low, mid - 1);
        }

        return 0m;
    }

    /// <summary>The total MRR of a month, optionally of one segment.</summary>
    /// <param name="monthIndex">The month index.</param>
    /// <param name="segment">A segment, or <see langword="null"/> for all accounts.</param>
    public decimal TotalMrr(int monthIndex, string? segment = null)
    {
        decimal total = 0;
        foreach (ref readonly var account in Accounts)
        {
            if (segment is null || account.Segment == segment)
            {
                total += account.ValueAt(monthIndex);
            }
        }

        return total;
    }

    private static (int Ordinal, string? Problem) ReadRow(TabularReader reader, Builder builder, int id, int period, int mrr, int segment)
    {
        var account = reader.GetSpan(id).Trim();
        if (account.IsEmpty)
        {
            return (id, "the account id is blank");
        }

        if (!ReportingPeriods.TryParseMonth(reader.GetSpan(period), out var month))
        {
            var text = reader.GetString(period);
            return (period, text.Length == 0 ? "the period is blank" : $"'{text}' is not a period (expected yyyy-MM-dd or yyyy-MM)");
        }

        var cell = reader.GetSpan(mrr).Trim();
        if (!decimal.TryParse(cell, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            return (mrr, cell.IsEmpty ? "the MRR is blank" : $"MRR '{cell.ToString()}' is not a number");
        }

        if (value < 0)
        {
            return (mrr, $"MRR must be >= 0, not {value.ToString(CultureInfo.InvariantCulture)}");
        }

        var problem = builder.Add(account, month, value, segment >= 0 ? reader.GetSpan(segment).Trim() : default);
        return (period, problem);
    }

    internal sealed class Account(string id)
    {
        public string Id { get; } = id;

        public string Segment { get; set; } = NoSegment;

        public int SegmentMonth { get; set; } = int.MinValue;

        public int First { get; private set; }

        public int FirstPaid { get; set; } = int.MaxValue;

        public decimal[] Values { get; private set; } = [];

        public int Count { get; private set; }

        public decimal ValueAt(int month)
        {
            var i = month - First;
            if (i < 0 || i >= Count)
            {
                return 0m;
            }

            var v = Values[i];
            return v < 0 ? 0m : v;
        }

        // Returns false when the month already has an entry.
        public bool Set(int month, decimal value)
        {
            if (Count == 0)
            {
                First = month;
                Values = new decimal[12];
                Array.Fill(Values, Absent);
                Count = 1;
            }
            else if (month < First)
            {
                var shift = First - month;
                var grown = new decimal[Math.Max(Values.Length, Count + shift) + 4];
                Array.Fill(grown, Absent);
                Array.Copy(Values, 0, grown, shift, Count);
                Values = grown;
                First = month;
                Count += shift;
            }
            else if (month - First >= Count)
            {
                var needed = month - First + 1;
                if (needed > Values.Length)
                {
                    // A year of slack rather than doubling: months are bounded, and memory is accounts x months.
                    var grown = new decimal[needed + 11];
                    Array.Fill(grown, Absent);
                    Array.Copy(Values, grown, Count);
                    Values = grown;
                }

                Count = needed;
            }

            ref var slot = ref Values[month - First];
            if (slot >= 0)
            {
                return false;
            }

            slot = value;
            if (value > 0 && month < FirstPaid)
            {
                FirstPaid = month;
            }

            return true;
        }
    }

    private sealed class Builder
    {
        private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Account>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _segmentNames;
        private int _first = int.MaxValue, _last = int.MinValue;

        public Builder()
        {
            _lookup = _accounts.GetAlternateLookup<ReadOnlySpan<char>>();
            _segmentNames = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public string? Add(ReadOnlySpan<char> id, int month, decimal value, ReadOnlySpan<char> segment)
        {
            if (value < 0)
            {
                return "MRR must be >= 0";
            }

            if (!_lookup.TryGetValue(id, out var account))
            {
                account = new Account(id.ToString());
                _accounts.Add(account.Id, account);
            }

            if (!account.Set(month, value))
            {
                return $"account '{account.Id}' already has an entry for {ReportingPeriods.MonthStart(month):yyyy-MM}";
            }

            if (!segment.IsEmpty && month >= account.SegmentMonth)
            {
                if (!_segmentNames.TryGetValue(segment, out var name))
                {
                    name = segment.ToString();
                    _segmentNames[name] = name;
                }

                account.Segment = name;
                account.SegmentMonth = month;
            }

            _first = Math.Min(_first, month);
            _last = Math.Max(_last, month);
            return null;
        }

        public MrrHistory? Build(IReadOnlyDictionary<string, string>? segments, long rows, long skipped, IReadOnlyList<string> warnings)
        {
            if (_accounts.Count == 0)
            {
                return null;
            }

            var accounts = _accounts.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToArray();
            if (segments is not null)
            {
                foreach (var account in accounts)
                {
                    account.Segment = segments.TryGetValue(account.Id, out var s) && !string.IsNullOrWhiteSpace(s) ? s : NoSegment;
                }
            }

            return new MrrHistory(accounts, _first, _last, rows, skipped, warnings);
        }
    }
}
