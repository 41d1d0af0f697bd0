using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Planning;

/// <summary>The current accounts of a snapshot table such as <c>accounts.csv</c>: those with a row on its last <c>as_of</c>.</summary>
/// <param name="AsOf">The table's last <c>as_of</c>.</param>
/// <param name="Accounts">The current accounts (their snapshot on that date), by id.</param>
/// <param name="FormerAccounts">Accounts whose snapshots end earlier: they have left.</param>
public sealed record CustomerBook(DateOnly AsOf, IReadOnlyList<BookAccount> Accounts, int FormerAccounts)
{
    /// <summary>
    /// Reads the book from one row per account and date. Required columns: <c>account_id</c>, <c>as_of</c>, and
    /// <c>arr</c> or (when absent) <c>mrr</c> (ARR = MRR x 12). Optional: <c>region</c>; <c>tenure_months</c> (contract
    /// start = as_of minus that many months); <c>renewal_date</c> (the next renewal, ignored for a <c>contract_type</c>
    /// of <c>monthly</c>, which renews by itself); <c>onboarding_completed</c> (0/1); <c>tickets_90d</c> (tickets a
    /// month = / 3).
    /// </summary>
    /// <param name="reader">A reader positioned before the first row.</param>
    /// <exception cref="DataFormatException">A required column is absent, or a value is not of its type (names the row and column).</exception>
    public static CustomerBook Read(TabularReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var id = reader.GetOrdinal("account_id");
        var asOf = reader.GetOrdinal("as_of");
        var isArr = reader.TryGetOrdinal("arr", out var money);
        if (!isArr)
        {
            money = reader.GetOrdinal("mrr");
        }

        var region = Optional(reader, "region");
        var tenure = Optional(reader, "tenure_months");
        var contract = Optional(reader, "contract_type");
        var renewal = Optional(reader, "renewal_date");
        var onboarding = Optional(reader, "onboarding_completed");
        var tickets = Optional(reader, "tickets_90d");
        var latest = new Dictionary<string, (DateOnly AsOf, BookAccount Account)>(StringComparer.Ordinal);
        var last = DateOnly.MinValue;
        while (reader.Read())
        {
            var key = reader.GetString(id);
            if (string.IsNullOrWhiteSpace(key))
            {
                throw reader.Error(id, "the account id is blank");
            }

            var date = reader.GetDate(asOf);
            last = date > last ? date : last;
            if (latest.TryGetValue(key, out var seen) && seen.AsOf >= date)
            {
                continue;
            }

            var value = reader.GetDoubleOrNaN(money);
            if (double.IsNaN(value) || value < 0 || double.IsInfinity(value))
            {
                throw reader.Error(money, $"{(isArr ? "ARR" : "MRR")} must be a number >= 0, not '{reader.GetString(money)}'");
            }

            var arr = (decimal)value * (isArr ? 1m : 12m);
            var months = Number(reader, tenure);
            var monthly = contract >= 0 && string.Equals(reader.GetString(contract).Trim(), "monthly", StringComparison.OrdinalIgnoreCase);
            var account = new BookAccount(key, arr)
            {
                Region = region >= 0 && !reader.IsBlank(region) ? reader.GetString(region).Trim() : null,
                ContractStart = months is { } m ? date.AddMonths(-(int)Math.Round(m)) : null,
                NextRenewal = renewal >= 0 && !monthly && !reader.IsBlank(renewal) ? reader.GetDate(renewal) : null,
                OnboardingCompleted = Number(reader, onboarding) is { } done ? done != 0 : null,
                TicketsPerMonth = Number(reader, tickets) is { } t ? t / 3 : null,
            };
            latest[key] = (date, account);
        }

        var current = latest.Values.Where(a => a.AsOf == last).Select(a => a.Account).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        return new CustomerBook(last, current, latest.Count - current.Count);
    }

    private static int Optional(TabularReader reader, string column) => reader.TryGetOrdinal(column, out var ordinal) ? ordinal : -1;

    private static double? Number(TabularReader reader, int ordinal)
    {
        if (ordinal < 0 || reader.IsBlank(ordinal))
        {
            return null;
        }

        var value = reader.GetDoubleOrNaN(ordinal);
        return double.IsNaN(value) || double.IsInfinity(value) || value < 0
            ? throw reader.Error(ordinal, string.Create(CultureInfo.InvariantCulture, $"expected a number >= 0, not '{reader.GetString(ordinal)}'"))
            : value;
    }
}
