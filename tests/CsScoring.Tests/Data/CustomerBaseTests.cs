using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class CustomerBaseTests
{
    // A1 and =A2 are current (a snapshot on the last date); +A3 left in January; @A4 has two rows on the last date.
    private const string Snapshots =
        "account_id,as_of,mrr,churned_within_90d\n" +
        "A1,2025-01-31,100,0\n" +
        "=A2,2025-01-31,50,1\n" +
        "+A3,2025-01-31,30,1\n" +
        "A1,2025-02-28,110,\n" +
        "=A2,2025-02-28,,\n" +
        "@A4,2025-02-28,20,\n" +
        "@A4,2025-02-28,25,\n";

    private static CustomerBase Read(string csv = Snapshots)
    {
        using var reader = MemoryDataFolder.Table(csv, "accounts.csv");
        return CustomerBase.Read(reader);
    }

    [Fact]
    public void Read_MissingMarkers_AreMissingMrrAndLabels()
    {
        var customers = Read(
            "account_id,as_of,mrr,churned_within_90d\n" +
            "A1,2025-01-31,NA,NA\n" +
            "A2,2025-01-31,#N/A,1\n" +
            "A3,2025-01-31,40,NULL\n" +
            "A1,2025-02-28T23:30:00-05:00,100,\n" +
            "A2,2025-02-28,N/A,\n" +
            "A3,2025-02-28,,\n");

        Assert.Equal(1, customers.LabelledSnapshots);
        Assert.Equal(1, customers.ChurnedSnapshots);
        Assert.Equal(new DateOnly(2025, 2, 28), customers.AsOf);
        Assert.Equal(100, customers.CurrentMrr);
    }

    [Fact]
    public void AsOf_IsTheLatestSnapshotDate()
    {
        var customers = Read();

        Assert.Equal(new DateOnly(2025, 2, 28), customers.AsOf);
        Assert.Equal(new DateOnly(2025, 1, 31), customers.FirstDate);
    }

    [Fact]
    public void CurrentRows_AreTheFirstSnapshotOnTheAsOfDate_OrderedById_WithRawIds()
    {
        var customers = Read();

        Assert.Equal([4, 5, 3], customers.CurrentRows);
        Assert.Equal(["=A2", "@A4", "A1"], customers.CurrentRows.Select(customers.AccountIdOf));
        Assert.True(customers.IsCurrent(5));
        Assert.False(customers.IsCurrent(6));
        Assert.False(customers.IsCurrent(0));
        Assert.False(customers.IsCurrent(-1));
        Assert.False(customers.IsCurrent(99));
    }

    [Fact]
    public void FormerAccounts_CountsAccountsWhoseSnapshotsEndEarlier()
    {
        var customers = Read();

        Assert.Equal(4, customers.AccountCount);
        Assert.Equal(1, customers.FormerAccounts);
        Assert.Equal(7, customers.SnapshotCount);
    }

    [Fact]
    public void Figures_CountLabelsAndSumTheMrrOnTheAsOfDate()
    {
        var customers = Read();

        Assert.Equal(3, customers.LabelledSnapshots);
        Assert.Equal(2, customers.ChurnedSnapshots);
        Assert.Equal(155, customers.CurrentMrr);
    }

    [Fact]
    public void Read_BlankId_NamesRowAndColumn()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("account_id,as_of\nA1,2025-01-31\n ,2025-01-31\n"));

        Assert.Equal(2, error.Row);
        Assert.Equal("account_id", error.Column);
    }

    [Fact]
    public void Read_NoRows_Throws()
        => Assert.Throws<DataFormatException>(() => Read("account_id,as_of\n"));

    [Fact]
    public void Read_WithoutMrrOrLabel_HasZeroFigures()
    {
        var customers = Read("account_id,as_of\nA1,2025-01-31\n");

        Assert.Equal(0, customers.LabelledSnapshots);
        Assert.Equal(0, customers.CurrentMrr);
        Assert.Equal([0], customers.CurrentRows);
    }
}

public sealed class CustomerBaseAsOfTests
{
    private static CustomerBase Read(string csv, CustomerBaseOptions? options = null)
    {
        var table = BufferedTable.Read(MemoryDataFolder.Table(csv, "accounts.csv"));
        using var reader = table.CreateReader();
        return CustomerBase.Read(reader, options ?? CustomerBaseOptions.Default);
    }

    private const string Book = "account_id,as_of,mrr\nA,2025-05-31,10\nB,2025-05-31,10\nC,2025-05-31,10\nA,2025-06-30,10\nB,2025-06-30,10\nC,2025-06-30,10\n";

    [Fact]
    public void OneFutureRow_DoesNotMoveTheInferredAsOfDate()
    {
        var customers = Read(Book + "A,2026-06-30,10\n");

        Assert.Equal(new DateOnly(2025, 6, 30), customers.AsOf);
        Assert.True(customers.AsOfInferred);
        Assert.Equal(3, customers.CurrentRows.Count);
        Assert.Equal(1, customers.FutureRows);
        Assert.Equal(6, customers.FirstFutureRow);
        Assert.Contains("row 7, account 'A' on 2026-06-30", customers.FutureRowsWarning, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitAsOf_RowsAfterItAreErrorsNamingTheRow()
    {
        var ex = Assert.Throws<DataFormatException>(() => Read(Book, new CustomerBaseOptions { AsOf = new DateOnly(2025, 5, 31), FutureRows = FutureRowPolicy.Error }));
        Assert.Contains("row 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'A'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitAsOf_SelectsThatDatesCustomers_AndRowsBackFindsEarlierSnapshots()
    {
        var customers = Read(Book + "D,2025-05-31,5\n", new CustomerBaseOptions { AsOf = new DateOnly(2025, 5, 31) });
        Assert.Equal(4, customers.CurrentRows.Count);
        Assert.Equal(3, customers.FutureRows);

        var now = Read(Book);
        Assert.Equal([0, 1, 2], now.RowsBack(1));
        Assert.Equal([-1, -1, -1], now.RowsBack(2));
    }
}
