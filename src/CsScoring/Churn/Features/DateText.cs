using System.Globalization;

namespace CsScoring.Churn.Features;

// Same rules as TabularReader.TryGetDate, for values that do not come from a reader (dictionaries, typed records).
internal static class DateText
{
    public static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    public static bool TryParse(ReadOnlySpan<char> text, out DateOnly date)
    {
        var span = text.Trim();
        if (span.IsEmpty)
        {
            date = default;
            return false;
        }

        if (DateOnly.TryParseExact(span, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        if (DateTime.TryParse(span, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dateTime))
        {
            date = DateOnly.FromDateTime(dateTime);
            return true;
        }

        date = default;
        return false;
    }
}
