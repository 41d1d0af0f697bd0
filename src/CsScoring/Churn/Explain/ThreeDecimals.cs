using System.Globalization;

namespace CsScoring.Churn.Explain;

/// <summary>
/// A feature value as reasons print it: the text of <c>0.###</c> (seven significant digits, then at most three
/// decimals, no trailing zeros) written straight into the caller's buffer. The custom-format path of the runtime is
/// most of a reason's cost over a portfolio; the decimal conversion rounds a float to the same seven digits and
/// prints without it.
/// </summary>
internal readonly struct ThreeDecimals(float value) : ISpanFormattable
{
    // Below this every value has an exact decimal image within the conversion's range.
    private const float FastLimit = 1e15f;

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (!float.IsFinite(value) || Math.Abs(value) >= FastLimit)
        {
            return value.TryFormat(destination, out charsWritten, "0.###", CultureInfo.InvariantCulture);
        }

        var rounded = Math.Round((decimal)value, 3, MidpointRounding.AwayFromZero);
        if (rounded == 0)
        {
            // No negative zero: −0.0001 prints as 0.
            rounded = 0;
        }

        if (!rounded.TryFormat(destination, out charsWritten, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        if (destination[..charsWritten].Contains('.'))
        {
            while (destination[charsWritten - 1] == '0')
            {
                charsWritten--;
            }

            if (destination[charsWritten - 1] == '.')
            {
                charsWritten--;
            }
        }

        return true;
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString()
    {
        Span<char> buffer = stackalloc char[64];
        return TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture) ? new string(buffer[..written]) : value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
