using System.Globalization;
using CsScoring.Data;
using FsCheck.Xunit;

namespace CsScoring.Tests.Data;

public class CellTextTests
{
    [Property(MaxTest = 500)]
    public void An_iso_date_reads_as_the_framework_parses_it(int yearSeed, int monthSeed, int daySeed)
    {
        // Years 0-9999 and months/days 0-39, so invalid dates (month 13, 31 February, year 0) are drawn too.
        var text = string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(yearSeed % 10000):D4}-{Math.Abs(monthSeed % 40):D2}-{Math.Abs(daySeed % 40):D2}");
        AssertSameAsFramework(text);
        AssertSameAsFramework(text + "T23:30:00-05:00");
    }

    [Theory]
    [InlineData("2025-02-28")]
    [InlineData("2024-02-29")]
    [InlineData("2025-02-29")]
    [InlineData("0000-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2025-1a-01")]
    [InlineData("2025-+1-01")]
    [InlineData("2025-01- 1")]
    [InlineData("２０２５-01-01")]
    [InlineData("2025-13-01")]
    [InlineData("2025-00-10")]
    public void Edge_dates_read_as_the_framework_parses_them(string text) => AssertSameAsFramework(text);

    private static void AssertSameAsFramework(string text)
    {
        var expectedValid = DateOnly.TryParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expected);
        var cell = CellText.ParseDate(text, TabularReadOptions.Default, DateOrder.Unknown, out var actual);
        Assert.Equal(expectedValid ? DateCell.Date : DateCell.Invalid, cell);
        if (expectedValid)
        {
            Assert.Equal(expected, actual);
        }
    }

    [Property(MaxTest = 2000)]
    public void A_plain_decimal_reads_as_the_framework_parses_it(long digits, byte fractionSeed, bool negative, bool plus, bool comma)
    {
        // Up to 18 digits (past the fast path's 15, so both paths are drawn), the decimal mark anywhere or nowhere.
        var body = Math.Abs(digits % 1_000_000_000_000_000_000L).ToString(CultureInfo.InvariantCulture);
        var mark = comma ? ',' : '.';
        var at = fractionSeed % (body.Length + 2);
        var text = at > body.Length ? body : body.Insert(at, mark.ToString());
        text = (negative ? "-" : plus ? "+" : string.Empty) + text;
        AssertNumberSameAsFramework(text, mark);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("+.")]
    [InlineData("1.2.3")]
    [InlineData("0.1")]
    [InlineData("123456789012345")]
    [InlineData("1234567890123456")]
    [InlineData("0.000000000000001")]
    [InlineData("9007199254740993")]
    [InlineData("1e5")]
    [InlineData("1,234")]
    [InlineData("--1")]
    public void Edge_numbers_read_as_the_framework_parses_them(string text) => AssertNumberSameAsFramework(text, '.');

    private static void AssertNumberSameAsFramework(string text, char mark)
    {
        var format = (NumberFormatInfo)NumberFormatInfo.InvariantInfo.Clone();
        format.NumberDecimalSeparator = mark.ToString();
        format.NumberGroupSeparator = mark == ',' ? "." : ",";
        var plain = double.TryParse(text, NumberStyles.Float, format, out var expected);
        var cell = CellText.ParseNumber(text, TabularReadOptions.Default, mark, out var actual);
        if (plain && Math.Abs(expected) <= TabularReadOptions.MaxMagnitude)
        {
            Assert.Equal(NumberCell.Number, cell);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
        }
        else if (plain)
        {
            Assert.Equal(NumberCell.NotFinite, cell);
        }
        else if (!text.Contains(format.NumberGroupSeparator, StringComparison.Ordinal))
        {
            // Grouped numbers ("1,234") have their own rule; anything else the framework refuses is not a number.
            Assert.NotEqual(NumberCell.Number, cell);
        }
    }
}
