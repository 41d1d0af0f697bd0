namespace CsScoring.Churn.Features;

/// <summary>Parses the usual spellings of a yes/no value.</summary>
/// <remarks>Accepted (case-insensitive, surrounding white space ignored): 0/1, yes/no, true/false, y/n. Thread-safe.</remarks>
internal static class BooleanText
{
    /// <summary>Tries to read a yes/no value.</summary>
    /// <param name="text">The cell text.</param>
    /// <param name="value">The value when recognised, else <see langword="false"/>.</param>
    /// <returns>Whether the text is one of the accepted spellings.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out bool value)
    {
        var t = text.Trim();
        switch (t.Length)
        {
            case 1:
                switch (t[0])
                {
                    case '1' or 'y' or 'Y':
                        value = true;
                        return true;
                    case '0' or 'n' or 'N':
                        value = false;
                        return true;
                }

                break;
            case 2 when t.Equals("no", StringComparison.OrdinalIgnoreCase):
                value = false;
                return true;
            case 3 when t.Equals("yes", StringComparison.OrdinalIgnoreCase):
                value = true;
                return true;
            case 4 when t.Equals("true", StringComparison.OrdinalIgnoreCase):
                value = true;
                return true;
            case 5 when t.Equals("false", StringComparison.OrdinalIgnoreCase):
                value = false;
                return true;
        }

        value = false;
        return false;
    }
}
