using CsScoring.Data;
using CsScoring.Tests.Data;
using CsScoring.Value;

namespace CsScoring.Tests.Value;

public sealed class ClvDataTests
{
    private static ClvCustomers Customers(string csv, TimeUnit unit = TimeUnit.Week, DateOnly? end = null)
    {
        using var reader = MemoryDataFolder.Table(csv, "customers.csv");
        return ClvData.ReadCustomers(reader, unit, end);
    }

    [Fact]
    public void ReadCustomers_Summaries_AcceptTheBtydColumnNames()
    {
        var data = Customers("ID,x,t_x,T,zbar\nc1,2,30.4,38.9,22.5\nc2,0,0,38.9,\n");

        Assert.Equal("customer summaries", data.Source);
        Assert.Null(data.CalibrationEnd);
        Assert.Equal(["c1", "c2"], data.Ids);
        Assert.Equal(new CustomerSummary(2, 30.4, 38.9, 22.5), data.Customers.Span[0]);
        Assert.Equal(new CustomerSummary(0, 0, 38.9), data.Customers.Span[1]);
    }

    [Fact]
    public void ReadCustomers_WithoutAnIdColumn_NumbersTheRows()
        => Assert.Equal(["1", "2"], Customers("frequency,recency,T\n1,2,3\n0,0,3\n").Ids);

    [Fact]
    public void ReadCustomers_TransactionLog_IsSummarisedForTheCalibrationEnd()
    {
        var data = Customers("customer_id,date,amount\na,2025-01-01,10\na,2025-01-15,20\nb,2025-01-08,5\n", TimeUnit.Week);

        Assert.Equal("transaction log", data.Source);
        Assert.Equal(new DateOnly(2025, 1, 15), data.CalibrationEnd);
        Assert.Equal(["a", "b"], data.Ids);
        Assert.Equal(1, data.Customers.Span[0].Frequency);
        Assert.Equal(2, data.Customers.Span[0].Recency, 12);
    }

    [Theory]
    [InlineData("frequency,recency,T\n1.5,2,3\n", "frequency")]
    [InlineData("frequency,recency,T\n1,,3\n", "recency")]
    [InlineData("frequency,recency,T\n1,5,3\n", "recency")]
    public void ReadCustomers_BadCell_NamesRowAndColumn(string csv, string column)
    {
        var error = Assert.Throws<DataFormatException>(() => Customers(csv));

        Assert.Equal(1, error.Row);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void ReadCustomers_MissingColumn_ListsTheNamesAccepted()
    {
        var error = Assert.Throws<DataFormatException>(() => Customers("frequency,T\n1,3\n"));

        Assert.Contains("'recency' (or 't_x')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadHistories_ReadsWholeNumbersAndWeights()
    {
        using var reader = MemoryDataFolder.Table("x,t_x,n,count\n3,5,6,10\n0,0,6,4\n", "donations.csv");

        var histories = ClvData.ReadHistories(reader);

        Assert.Equal([new DiscreteCustomerSummary(3, 5, 6, 10), new DiscreteCustomerSummary(0, 0, 6, 4)], histories);
    }

    [Fact]
    public void ReadHistories_NoRows_Throws()
    {
        using var reader = MemoryDataFolder.Table("frequency,recency,periods\n", "h.csv");

        Assert.Throws<DataFormatException>(() => ClvData.ReadHistories(reader));
    }

    [Fact]
    public void IsTransactionLog_NeedsCustomerIdAndDate()
    {
        Assert.True(ClvData.IsTransactionLog(["customer_id", "date", "amount"]));
        Assert.False(ClvData.IsTransactionLog(["customer_id", "frequency"]));
    }
}
