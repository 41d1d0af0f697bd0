using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Planning;

namespace CsScoring.Training.Planning;

/// <summary>Reads the planning inputs from a data folder or an MRR ledger, with the library's readers.</summary>
internal static class PlanningData
{
    public static CustomerBook ReadBook(string folder)
    {
        var path = Path.Combine(Folder(folder), "accounts.csv");
        BufferedTable snapshots;
        using (var reader = TabularReader.Open(path))
        {
            snapshots = BufferedTable.Read(reader);
        }

        var book = CustomerBook.Read(snapshots);
        return book.Accounts.Count > 0 ? book : throw new DataFormatException("the file has a header but no accounts", path, null, null);
    }

    public static MrrLedger ReadLedger(string path)
    {
        using var reader = TabularReader.Open(path);
        return MrrLedger.Read(reader);
    }

    /// <summary>
    /// A book from a ledger alone: the accounts paying in its last month, ARR = MRR x 12, and each account's contract
    /// start the first month of its current paying run (unknown when the run starts with the ledger).
    /// </summary>
    public static CustomerBook BookFromLedger(MrrLedger ledger)
    {
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

    private static string Folder(string folder)
        => Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"--data: the folder '{folder}' does not exist.");
}
