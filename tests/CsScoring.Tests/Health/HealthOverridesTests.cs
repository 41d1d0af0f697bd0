using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Tests.Data;

namespace CsScoring.Tests.Health;

public sealed class HealthOverridesTests
{
    private static IReadOnlyDictionary<string, HealthOverride> Read(string csv)
    {
        using var reader = MemoryDataFolder.Table(csv, "overrides.csv");
        return HealthOverrides.Read(reader);
    }

    [Fact]
    public void Read_KeysOverridesByRawAccountId()
    {
        var overrides = Read("account_id,score,reason,expires,set_by\n@A,35,exec escalation,2025-06-30,kim\nB,80,renewed,2025-07-31,\n");

        Assert.Equal(35, overrides["@A"].Score);
        Assert.Equal("exec escalation", overrides["@A"].Reason);
        Assert.Equal(new DateOnly(2025, 6, 30), overrides["@A"].Expires);
        Assert.Equal("kim", overrides["@A"].SetBy);
        Assert.Null(overrides["B"].SetBy);
    }

    [Theory]
    [InlineData("A,101,r,2025-06-30", "score")]
    [InlineData("A,50, ,2025-06-30", "reason")]
    [InlineData("A,50,r,soon", "expires")]
    public void Read_BadCell_NamesRowAndColumn(string row, string column)
    {
        var error = Assert.Throws<DataFormatException>(() => Read("account_id,score,reason,expires\n" + row + "\n"));

        Assert.Equal(1, error.Row);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void Read_TwoOverridesForOneAccount_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("account_id,score,reason,expires\nA,1,r,2025-01-01\nA,2,r,2025-01-01\n"));

        Assert.Equal(2, error.Row);
    }
}
