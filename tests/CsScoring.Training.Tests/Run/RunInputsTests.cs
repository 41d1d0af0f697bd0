using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Training.Run;

namespace CsScoring.Training.Tests.Run;

public sealed class RunInputsTests
{
    private static CustomerBase Customers(params string[] ids)
    {
        var text = "account_id,as_of,mrr\n" + string.Concat(ids.Select(id => $"{id},2025-01-31,100\n"));
        using var reader = new TempCsv(text).Open();
        return CustomerBase.Read(reader);
    }

    private static MrrLedger Ledger(params string[] ids)
        => MrrLedger.Create(ids.Select(id => new MrrEntry(id, new DateOnly(2025, 1, 1), 100m)));

    private sealed class TempCsv(string text)
    {
        public TabularReader Open()
        {
            var path = Path.Combine(Path.GetTempPath(), "csscoring-accounts-" + Guid.NewGuid().ToString("N") + ".csv");
            File.WriteAllText(path, text);
            try
            {
                using var file = TabularReader.Open(path);
                return BufferedTable.Read(file).CreateReader();
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void CheckLedgerIds_NoIdMatches_IsAnErrorNamingTheLedger()
    {
        var error = Assert.Throws<DataFormatException>(() => RunInputs.CheckLedgerIds(Customers("A1", "A2"), Ledger("a-1", "a-2"), new DataWarnings()));
        Assert.Contains("mrr_ledger.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("none of the ledger's 2 account ids", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckLedgerIds_SomeIdsUnmatched_AreCounted()
    {
        var warnings = new DataWarnings();
        RunInputs.CheckLedgerIds(Customers("A1", "A2", "A3"), Ledger("A1", "A2", "X9", "X8"), warnings);
        var warning = Assert.Single(warnings.Items);
        Assert.Equal("unmatched-ledger-ids", warning.Code);
        Assert.Equal(2, warning.Count);
    }

    [Fact]
    public void CheckLedgerIds_AllMatch_SaysNothing()
    {
        var warnings = new DataWarnings();
        RunInputs.CheckLedgerIds(Customers("A1", "A2"), Ledger("A1"), warnings);
        Assert.True(warnings.IsEmpty);
    }
}
