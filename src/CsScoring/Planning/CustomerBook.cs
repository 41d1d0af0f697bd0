using System.Globalization;
using CsScoring.Data;
using CsScoring.Metrics;

namespace CsScoring.Planning;

/// <summary>The current accounts of a snapshot table such as <c>accounts.csv</c>: those with a row on its last <c>as_of</c>.</summary>
/// <param name="AsOf">The table's last <c>as_of</c>.</param>
/// <param name="Accounts">The current accounts (their snapshot on that date), by id.</param>
/// <param name="FormerAccounts">Accounts whose snapshots end earlier: they have left.</param>
public sealed record CustomerBook(DateOnly AsOf, IReadOnlyList<BookAccount> Accounts, int FormerAccounts)
{
    /// <summary>Reads the current customers' latest snapshots from an account snapshot table held in memory.</summary>
    /// <param name="snapshots">The snapshots (<c>account_id</c>, <c>as_of</c>, <c>arr</c> or <c>mrr</c>, optional attributes).</param>
    /// <returns>The book at the data's as-of date.</returns>
    /// <exception cref="DataFormatException">A required column is absent or a value is invalid (file, row and column named).</exception>
    public static CustomerBook Read(BufferedTable snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        CustomerBase customers;
        using (var reader = snapshots.CreateReader())
        {
            customers = CustomerBase.Read(reader);
        }

        using var rows = snapshots.CreateReader();
        return Read(rows, customers);
    }

    /// <summary>
    /// Reads the book of the current customers that <paramref name="customers"/> defines (the one definition of the
    /// as-of date and of a current customer) from the same snapshots.
    /// </summary>
    /// <param name="reader">The snapshots the customer base was read from, positioned before the first row.</param>
    /// <param name="customers">The customer base.</param>
    /// <returns>The book at the customer base's as-of date, accounts ordered by id.</returns>
    /// <exception cref="DataFormatException">The money column is absent or a value is invalid (file, row and column named).</exception>
    public static CustomerBook Read(TabularReader reader, CustomerBase customers)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(customers);
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
        var current = new List<BookAccount>(customers.CurrentRows.Count);
        while (reader.Read())
        {
            var row = (int)(reader.RowNumber - 1);
            if (!customers.IsCurrent(row))
            {
                continue;
            }

            var key = customers.AccountIdOf(row);
            var date = customers.DateOf(row);
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
            current.Add(account);
        }

        current.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));
        return new CustomerBook(customers.AsOf, current, customers.FormerAccounts);
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

    /// <summary>
    /// A book from a ledger alone: the accounts paying in its last month, ARR = MRR x 12, and each account's contract
    /// start the first month of its current paying run (unknown when the run starts with the ledger).
    /// </summary>
    /// <param name="ledger">The ledger.</param>
    /// <returns>The book at the end of the ledger's last month.</returns>
    public static CustomerBook FromLedger(MrrLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var asOf = ledger.LastMonth.AddMonths(1).AddDays(-1);
        var accounts = new List<BookAccount>();
        foreach (var account in ledger.Entries.GroupBy(e => e.AccountId, StringComparer.Ordinal))
        {
            var paying = ledger.MrrOf(account.Key, ledger.LastMonth);
            if (paying <= 0)
            {
                continue;
            }

            var start = ledger.LastMonth;
            while (start > ledger.FirstMonth && ledger.MrrOf(account.Key, start.AddMonths(-1)) > 0)
            {
                start = start.AddMonths(-1);
            }

            accounts.Add(new BookAccount(account.Key, paying * 12m) { ContractStart = start == ledger.FirstMonth ? null : start });
        }

        return new CustomerBook(asOf, accounts, ledger.AccountCount - accounts.Count);
    }
}
