using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Planning;
using CsScoring.Training.Cli;

namespace CsScoring.Training.Planning;

/// <summary>Reads the planning inputs from a data folder or an MRR ledger, with the library's readers.</summary>
internal static class PlanningData
{
    public static CustomerBook ReadBook(string folder)
    {
        var path = Path.Combine(Folder(folder), "accounts.csv");
        BufferedTable snapshots;
        using (var reader = CliReading.Open(path))
        {
            snapshots = BufferedTable.Read(reader);
        }

        var book = CustomerBook.Read(snapshots);
        return book.Accounts.Count > 0 ? book : throw new DataFormatException("the file has a header but no accounts", path, null, null);
    }

    public static MrrLedger ReadLedger(string path)
    {
        using var reader = CliReading.Open(path);
        return MrrLedger.Read(reader);
    }

    private static string Folder(string folder)
        => Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"--data: the folder '{folder}' does not exist.");
}
