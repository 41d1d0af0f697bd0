using System.Globalization;

namespace CsScoring.Metrics;

/// <summary>The length of a reporting period.</summary>
public enum PeriodLength
{
    /// <summary>A calendar month, labelled <c>yyyy-MM</c>.</summary>
    Month = 1,

    /// <summary>A calendar quarter (January-March is Q1), labelled <c>yyyy-Qn</c>.</summary>
    Quarter = 3,
}

/// <summary>Month arithmetic shared by the KPI calculators: a month is an integer index, year * 12 + month - 1.</summary>
public static class ReportingPeriods
{
    /// <summary>The month index of a date (any day of the month).</summary>
    /// <param name="date">The date.</param>
    public static int MonthIndex(DateOnly date) => (date.Year * 12) + date.Month - 1;

    /// <summary>The first day of the month with the given index.</summary>
    /// <param name="monthIndex">A month index from <see cref="MonthIndex"/>.</param>
    public static DateOnly MonthStart(int monthIndex) => new(monthIndex / 12, (monthIndex % 12) + 1, 1);

    /// <summary>The index of the period (of <paramref name="length"/>) that holds a month.</summary>
    /// <param name="monthIndex">A month index.</param>
    /// <param name="length">The period length.</param>
    public static int PeriodIndex(int monthIndex, PeriodLength length) => monthIndex / (int)length;

    /// <summary>The first month index of a period.</summary>
    /// <param name="periodIndex">A period index from <see cref="PeriodIndex"/>.</param>
    /// <param name="length">The period length.</param>
    public static int FirstMonthOf(int periodIndex, PeriodLength length) => periodIndex * (int)length;

    /// <summary>The label of a period: <c>yyyy-MM</c> for a month, <c>yyyy-Qn</c> for a quarter.</summary>
    /// <param name="periodIndex">A period index.</param>
    /// <param name="length">The period length.</param>
    public static string Label(int periodIndex, PeriodLength length)
    {
        var first = MonthStart(FirstMonthOf(periodIndex, length));
        return length == PeriodLength.Quarter
            ? string.Create(CultureInfo.InvariantCulture, $"{first.Year:0000}-Q{((first.Month - 1) / 3) + 1}")
            : first.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a period length: <c>month</c> or <c>quarter</c> (case-insensitive).</summary>
    /// <param name="text">The text.</param>
    /// <param name="length">The length when parsed.</param>
    /// <returns>Whether the text names a period length.</returns>
    public static bool TryParseLength(string? text, out PeriodLength length)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "MONTH":
                length = PeriodLength.Month;
                return true;
            case "QUARTER":
                length = PeriodLength.Quarter;
                return true;
            default:
                length = PeriodLength.Month;
                return false;
        }
    }

    /// <summary>
    /// Parses a ledger period: a date (<c>yyyy-MM-dd</c>, any day of the month) or a month (<c>yyyy-MM</c>).
    /// </summary>
    /// <param name="text">The cell.</param>
    /// <param name="monthIndex">The month index when parsed.</param>
    /// <returns>Whether the text is a month.</returns>
    public static bool TryParseMonth(ReadOnlySpan<char> text, out int monthIndex)
    {
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            monthIndex = MonthIndex(date);
            return true;
        }

        monthIndex = 0;
        return false;
    }
}
