using CsScoring.Data;

namespace CsScoring.Portfolio;

/// <summary>A current customer as the portfolio sees it: its current snapshot's ARR and the signals playbooks test.</summary>
/// <param name="AccountId">The account, raw.</param>
/// <param name="AsOf">The date of its current snapshot.</param>
/// <param name="Arr">Annual recurring revenue: 12 × the snapshot's MRR (0 when blank).</param>
/// <param name="Signals">The snapshot's signal columns by name (NaN when blank or absent).</param>
public sealed record PortfolioAccount(string AccountId, DateOnly AsOf, decimal Arr, IReadOnlyDictionary<string, double> Signals)
{
    /// <summary>The snapshot columns the default playbook tests.</summary>
    public static IReadOnlyList<string> DefaultSignalColumns { get; } = ["days_to_renewal", "severe_tickets_90d", "late_invoices_90d", "dau_mau", "seat_utilization"];

    /// <summary>Reads the current snapshot of each current customer (see <see cref="CustomerBase"/>).</summary>
    /// <param name="snapshots">A reader over the same table <paramref name="customers"/> was read from, before its first row.</param>
    /// <param name="customers">The customer base, which says which rows are current.</param>
    /// <param name="signalColumns">The signal columns to keep (absent columns give NaN); <see langword="null"/> for <see cref="DefaultSignalColumns"/>.</param>
    /// <param name="mrrColumn">The MRR column.</param>
    /// <returns>One account per current customer, ordered by account id (ordinal).</returns>
    /// <exception cref="DataFormatException">The MRR column is absent or a value is not a number (source, row and column named).</exception>
    public static IReadOnlyList<PortfolioAccount> ReadCurrent(
        TabularReader snapshots, CustomerBase customers, IReadOnlyList<string>? signalColumns = null, string mrrColumn = "mrr")
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(customers);
        signalColumns ??= DefaultSignalColumns;
        var mrr = snapshots.GetOrdinal(mrrColumn);
        var ordinals = signalColumns.Select(name => snapshots.TryGetOrdinal(name, out var o) ? o : -1).ToArray();
        var accounts = new List<PortfolioAccount>(customers.CurrentRows.Count);
        while (snapshots.Read())
        {
            var row = snapshots.RowNumber - 1;
            if (!customers.IsCurrent(row))
            {
                continue;
            }

            var signals = new Dictionary<string, double>(signalColumns.Count, StringComparer.Ordinal);
            for (var i = 0; i < ordinals.Length; i++)
            {
                signals[signalColumns[i]] = ordinals[i] < 0 ? double.NaN : snapshots.GetNumberOrFlagOrNaN(ordinals[i]);
            }

            var monthly = snapshots.GetDoubleOrNaN(mrr);
            accounts.Add(new PortfolioAccount(customers.AccountIdOf((int)row), customers.DateOf((int)row), double.IsNaN(monthly) ? 0m : (decimal)monthly * 12m, signals));
        }

        accounts.Sort((a, b) => string.CompareOrdinal(a.AccountId, b.AccountId));
        return accounts;
    }
}
