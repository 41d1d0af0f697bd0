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
}
