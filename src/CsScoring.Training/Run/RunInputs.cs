using CsScoring.Training.Cli;
using CsScoring.Data;
using CsScoring.Metrics;

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
        }

        return new RunInputs(accounts, customers, ledger);
    }
}
