using CsScoring.Data;

namespace CsScoring.Churn.Features;

// The rules of TabularReader.TryGetDate with the default options, for values that do not come from a reader
// (dictionaries, typed records).
internal static class DateText
{
    public static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <exception cref="DataFormatException">The text is a day/month-ambiguous date such as 01/03/2025.</exception>
    public static bool TryParse(ReadOnlySpan<char> text, out DateOnly date) => TryParse(text, TabularReadOptions.Default, DateOrder.Unknown, out date);

    public static bool TryParse(ReadOnlySpan<char> text, TabularReadOptions options, DateOrder order, out DateOnly date)
    {
        switch (CellText.ParseDate(text, options, order, out date))
        {
            case DateCell.Date:
                return true;
            case DateCell.Ambiguous:
                throw new DataFormatException($"'{text.Trim().ToString()}' could be day-first or month-first; write dates as yyyy-MM-dd or state the format (TabularReadOptions.DateFormat)");
            default:
                return false;
        }
    }
}
