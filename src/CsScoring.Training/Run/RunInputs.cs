using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Training.Cli;

namespace CsScoring.Training.Run;

/// <summary>
/// The main job's shared inputs, each file read once: the account snapshots (kept in memory for every pass over
/// them), the customer base they define and the MRR ledger when the folder has one.
/// </summary>
internal sealed record RunInputs(BufferedTable Accounts, CustomerBase Customers, MrrLedger? Ledger)
{
    public const string LedgerFile = "mrr_ledger.csv";

    public static RunInputs Read(IDataFolder folder)
    {
        var accounts = BufferedTable.Read(folder, CustomerBase.AccountsFile, CliReading.Options);
        CustomerBase customers;
        using (var reader = accounts.CreateReader())
        {
            customers = CustomerBase.Read(reader);
        }

        MrrLedger? ledger = null;
        if (folder.Contains(LedgerFile))
        {
            using var reader = folder.OpenTable(LedgerFile, CliReading.Options);
            ledger = MrrLedger.Read(reader);
            CheckLedgerIds(customers, ledger, CliReading.Warnings);
        }

        return new RunInputs(accounts, customers, ledger);
    }

    /// <summary>
    /// Ledger accounts the snapshots do not know are counted; a ledger that matches no account at all (ids written
    /// differently, another system's keys) would value every account at zero, so it is refused.
    /// </summary>
    internal static void CheckLedgerIds(CustomerBase customers, MrrLedger ledger, DataWarnings warnings)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var row = 0; row < customers.SnapshotCount; row++)
        {
            known.Add(customers.AccountIdOf(row));
        }

        var ledgerIds = ledger.Entries.Select(e => e.AccountId).Distinct(StringComparer.Ordinal).ToList();
        var unmatched = ledgerIds.Where(id => !known.Contains(id)).ToList();
        if (ledgerIds.Count > 0 && unmatched.Count == ledgerIds.Count)
        {
            throw new DataFormatException(
                $"none of the ledger's {ledgerIds.Count} account ids matches an account of {CustomerBase.AccountsFile} (e.g. '{unmatched[0]}' vs '{known.FirstOrDefault()}'); every lifetime value would be 0",
                LedgerFile, null, CustomerBase.DefaultIdColumn);
        }

        if (unmatched.Count > 0)
        {
            warnings.Add("unmatched-ledger-ids", $"ledger account ids matching no account of {CustomerBase.AccountsFile} (e.g. '{unmatched[0]}')", LedgerFile, CustomerBase.DefaultIdColumn, count: unmatched.Count);
        }
    }
}
