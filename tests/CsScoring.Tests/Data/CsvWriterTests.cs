using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class CsvWriterTests
{
    private static string WriteRow(Action<CsvWriter> write)
    {
        using var text = new StringWriter();
        using (var csv = new CsvWriter(text))
        {
            write(csv);
            csv.EndRow();
        }

        return text.ToString();
    }

    [Theory]
    [InlineData("=SUM(A1)", "\"'=SUM(A1)\"\n")]
    [InlineData("@cmd", "\"'@cmd\"\n")]
    [InlineData("-2+3", "\"'-2+3\"\n")]
    [InlineData("-2.5", "-2.5\n")]
    [InlineData("a,b", "\"a,b\"\n")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"\n")]
    public void WriteField_Text_IsQuotedAndNeutralised(string value, string expected)
        => Assert.Equal(expected, WriteRow(csv => csv.WriteField(value)));

    [Fact]
    public void WriteField_Numbers_RoundTripAndNaNIsEmpty()
        => Assert.Equal("0.1,,3\n", WriteRow(csv =>
        {
            csv.WriteField(0.1);
            csv.WriteField(double.NaN);
            csv.WriteField(3L);
        }));
}
