using System.Globalization;

namespace CsScoring.Data;

/// <summary>What a cell read as a number turned out to be.</summary>
internal enum NumberCell : byte
{
    Missing,
    Number,
    NotFinite,
    Invalid,
}

/// <summary>What a cell read as a date turned out to be.</summary>
internal enum DateCell : byte
{
    Missing,
    Date,
    Ambiguous,
    Invalid,
}

/// <summary>The order of day and month in a column's numeric dates (<c>01/03/2025</c>).</summary>
internal enum DateOrder : byte
{
    Unknown,
    DayFirst,
    MonthFirst,
    Conflict,
}

/// <summary>
/// The parsing rules every reader applies to cell text: missing markers, decimal mark and thousands grouping,
/// refused magnitudes, and dates whose day/month order must be known. Allocation-free.
/// </summary>
internal static class CellText
{
    public static NumberCell ParseNumber(ReadOnlySpan<char> cell, TabularReadOptions options, char decimalMark, out double value)
    {
        var text = cell.Trim();
        if (options.IsMissingTrimmed(text))
        {
            value = double.NaN;
            return NumberCell.Missing;
        }

        // The plain parse first (the common case); thousands separators only where grouped by three.
        var format = TabularReadOptions.NumberFormat(decimalMark);
        var group = decimalMark == ',' ? '.' : ',';
        if (TryParsePlainDecimal(text, decimalMark, out value)
            || double.TryParse(text, NumberStyles.Float, format, out value)
            || (text.IndexOf(group) >= 0 && GroupingValid(text, group, decimalMark) && double.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, format, out value)))
        {
            if (double.IsNaN(value))
            {
                return NumberCell.Missing;
            }

            return double.IsFinite(value) && Math.Abs(value) <= TabularReadOptions.MaxMagnitude ? NumberCell.Number : NumberCell.NotFinite;
        }

        value = double.NaN;
        return IsInfinityWord(text) ? NumberCell.NotFinite : NumberCell.Invalid;
    }

    // The common cell, an optionally signed decimal of at most 15 digits without exponent or grouping, exactly as
    // double.TryParse reads it: the digits form an integer below 2^53 and 10^k (k <= 15) is exact, so one division
    // rounds once, correctly (Clinger's fast path). Anything else is left to the framework. Parsing is most of reading
    // a feature row, and a feature row is read per account per pass.
    private static bool TryParsePlainDecimal(ReadOnlySpan<char> text, char decimalMark, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            i = 1;
        }

        long mantissa = 0;
        var digits = 0;
        var fractionDigits = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            var d = c - '0';
            if ((uint)d <= 9)
            {
                if (++digits > 15)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + d;
                if (fractionDigits >= 0)
                {
                    fractionDigits++;
                }
            }
            else if (c == decimalMark && fractionDigits < 0)
            {
                fractionDigits = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        var magnitude = fractionDigits > 0 ? mantissa / s_powersOfTen[fractionDigits] : mantissa;
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static readonly double[] s_powersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>Whether a cell that failed to parse would be a number with the other decimal mark (for error hints).</summary>
    public static bool LooksLikeOtherDecimalMark(ReadOnlySpan<char> cell, char decimalMark)
    {
        var other = decimalMark == ',' ? '.' : ',';
        return ParseNumber(cell, TabularReadOptions.Default, other, out _) == NumberCell.Number;
    }

    public static DateCell ParseDate(ReadOnlySpan<char> cell, TabularReadOptions options, DateOrder order, out DateOnly date)
    {
        var text = cell.Trim();
        date = default;
        if (options.IsMissingTrimmed(text))
        {
            return DateCell.Missing;
        }

        // ISO dates and date-times: the date as written, whatever the offset (a 23:30-05:00 timestamp is that day).
        if (text.Length >= 10 && text[4] == '-' && text[7] == '-' && (text.Length == 10 || text[10] is 'T' or 't' or ' '))
        {
            // Fixed positions, so the digits are read directly: DateOnly.TryParseExact costs most of a feature row's mapping.
            return TryDigits(text[..4], out var year) && TryDigits(text.Slice(5, 2), out var month) && TryDigits(text.Slice(8, 2), out var day)
                   && TryMake(year, month, day, out date)
                ? DateCell.Date
                : DateCell.Invalid;
        }

        // A month (yyyy-MM, as ledgers write it) is its first day.
        if (text.Length == 7 && text[4] is '-' or '/' && DateOnly.TryParseExact(text, text[4] == '-' ? "yyyy-MM" : "yyyy/MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return DateCell.Date;
        }

        if (options.DateFormat is { } format
            && DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var exact))
        {
            date = DateOnly.FromDateTime(exact);
            return DateCell.Date;
        }

        if (TrySplitNumericDate(text, out var a, out var b, out var c, out var yearFirst))
        {
            if (yearFirst)
            {
                return TryMake(a, b, c, out date) ? DateCell.Date : DateCell.Invalid;
            }

            var year = c < 100 ? 2000 + c : c;
            if (options.DateFormat is { } stated)
            {
                order = stated.IndexOf('d', StringComparison.Ordinal) < stated.IndexOf('M', StringComparison.Ordinal) ? DateOrder.DayFirst : DateOrder.MonthFirst;
            }

            if (order == DateOrder.DayFirst)
            {
                return TryMake(year, b, a, out date) ? DateCell.Date : DateCell.Invalid;
            }

            if (order == DateOrder.MonthFirst)
            {
                return TryMake(year, a, b, out date) ? DateCell.Date : DateCell.Invalid;
            }

            if (a > 12 && b <= 12)
            {
                return TryMake(year, b, a, out date) ? DateCell.Date : DateCell.Invalid;
            }

            if (b > 12 && a <= 12)
            {
                return TryMake(year, a, b, out date) ? DateCell.Date : DateCell.Invalid;
            }

            if (a == b)
            {
                return TryMake(year, a, b, out date) ? DateCell.Date : DateCell.Invalid;
            }

            return a <= 12 && b <= 12 ? DateCell.Ambiguous : DateCell.Invalid;
        }

        // Written-out months ("1 Mar 2025", "March 1, 2025"); never all-numeric text, which is handled above.
        if (ContainsLetter(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            date = DateOnly.FromDateTime(parsed.DateTime);
            return DateCell.Date;
        }

        return DateCell.Invalid;
    }

    /// <summary>Evidence for a column's day/month order from one cell: a first part above 12 is a day, a second is.</summary>
    public static DateOrder Evidence(ReadOnlySpan<char> cell)
    {
        if (!TrySplitNumericDate(cell.Trim(), out var a, out var b, out _, out var yearFirst) || yearFirst)
        {
            return DateOrder.Unknown;
        }

        return a > 12 && b <= 12 ? DateOrder.DayFirst : b > 12 && a <= 12 ? DateOrder.MonthFirst : DateOrder.Unknown;
    }

    public static DateOrder Combine(DateOrder current, DateOrder evidence)
        => evidence == DateOrder.Unknown || current == evidence ? current
            : current == DateOrder.Unknown ? evidence
            : DateOrder.Conflict;

    // ASCII digits only, as the yyyy-MM-dd format requires.
    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            var d = digit - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }

    private static bool TryMake(int year, int month, int day, out DateOnly date)
    {
        if (year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            date = new DateOnly(year, month, day);
            return true;
        }

        date = default;
        return false;
    }

    // d/M/yyyy, M-d-yy, dd.MM.yyyy or yyyy/MM/dd, optionally followed by a time after a space or 'T'.
    private static bool TrySplitNumericDate(ReadOnlySpan<char> text, out int a, out int b, out int c, out bool yearFirst)
    {
        a = b = c = 0;
        yearFirst = false;
        var end = text.IndexOfAny(' ', 'T');
        if (end >= 0)
        {
            text = text[..end];
        }

        var i = 0;
        if (!Digits(text, ref i, out a, out var la) || i >= text.Length)
        {
            return false;
        }

        var separator = text[i];
        if (separator is not ('/' or '.' or '-'))
        {
            return false;
        }

        i++;
        if (!Digits(text, ref i, out b, out var lb) || i >= text.Length || text[i] != separator)
        {
            return false;
        }

        i++;
        if (!Digits(text, ref i, out c, out var lc) || i != text.Length || lb > 2)
        {
            return false;
        }

        if (la == 4 && lc <= 2)
        {
            // yyyy/MM/dd: a is the year, b the month, c the day.
            yearFirst = true;
            return true;
        }

        return la <= 2 && (lc == 2 || lc == 4);

        static bool Digits(ReadOnlySpan<char> s, ref int i, out int value, out int length)
        {
            value = 0;
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]) && i - start < 4)
            {
                value = (value * 10) + (s[i] - '0');
                i++;
            }

            length = i - start;
            return length > 0;
        }
    }

    private static bool GroupingValid(ReadOnlySpan<char> text, char group, char decimalMark)
    {
        var mark = text.IndexOf(decimalMark);
        var whole = mark < 0 ? text : text[..mark];
        if (mark >= 0 && text[mark..].IndexOf(group) >= 0)
        {
            return false;
        }

        if (whole.Length > 0 && whole[0] is '+' or '-')
        {
            whole = whole[1..];
        }

        var run = 0;
        var first = true;
        foreach (var ch in whole)
        {
            if (char.IsAsciiDigit(ch))
            {
                run++;
            }
            else if (ch == group)
            {
                if (first ? run is < 1 or > 3 : run != 3)
                {
                    return false;
                }

                first = false;
                run = 0;
            }
            else
            {
                return false;
            }
        }

        return first || run == 3;
    }

    private static bool IsInfinityWord(ReadOnlySpan<char> text)
    {
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            text = text[1..];
        }

        return text is "∞" || text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("infinity", StringComparison.OrdinalIgnoreCase);
    }

    private static bool ContainsLetter(ReadOnlySpan<char> text)
    {
        foreach (var ch in text)
        {
            if (char.IsAsciiLetter(ch))
            {
                return true;
            }
        }

        return false;
    }
}
