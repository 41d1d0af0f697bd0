using System.Globalization;

namespace CsScoring.Data;

/// <summary>
/// How delimited-text and other tabular files are read: which cell texts mean "missing", the field delimiter, the
/// decimal mark, the order of day and month in dates, and the longest cell accepted. One instance serves every
/// reader of a job, so the library, the console and the readers all apply the same rules.
/// </summary>
/// <remarks>
/// <para>Missing values: a blank cell, and (case-insensitive, surrounding white space ignored) every spelling in
/// <see cref="StandardMissingValues"/> plus <see cref="MissingValues"/>, is missing wherever a number, flag or date
/// is read and wherever a column's type is inferred.</para>
/// <para>Numbers: <c>Infinity</c>, <c>∞</c> and magnitudes above <see cref="MaxMagnitude"/> are refused where a
/// number is read as a value (<see cref="TabularReader.GetDoubleOrNaN"/>) and are missing, with a counted warning,
/// where a churn feature is read.</para>
/// <para>Immutable and thread-safe once built.</para>
/// </remarks>
public sealed class TabularReadOptions
{
    /// <summary>The default longest cell: 1 MiB of text.</summary>
    public const int DefaultMaxCellLength = 1 << 20;

    /// <summary>The largest magnitude read as a number; anything larger is treated as absurd (an export's sentinel or overflow).</summary>
    public const double MaxMagnitude = 1e15;

    // The spellings the tools write, case for case (as pandas does): "na" or "none" can be a real value (a region
    // code, a plan name), "NA" from R cannot.
    private static readonly string[] s_standard =
    [
        "NA", "N/A", "n/a", "#N/A", "#NA", "#N/A N/A", "N.A.", "n.a.", "NaN", "nan", "NAN", "-NaN", "-nan", "NULL", "null",
        "Null", "#NULL!", "None", "<NA>", "NaT", "nil", "-", "--", "?", "#VALUE!", "#DIV/0!", "#REF!", "#NUM!", "#NAME?",
        "1.#IND", "1.#QNAN", "-1.#IND", "-1.#QNAN", "undefined",
    ];

    private readonly string[] _missing = [];
    private readonly char? _delimiter;
    private readonly char? _decimalMark;
    private readonly string? _dateFormat;
    private readonly int _maxCellLength = DefaultMaxCellLength;

    /// <summary>The options used when none are given: standard markers, delimiter and decimal mark detected.</summary>
    public static TabularReadOptions Default { get; } = new();

    /// <summary>
    /// The cell texts every reader treats as missing (besides a blank cell), in the spellings R, pandas, Excel and
    /// databases write them (<c>NA</c>, <c>N/A</c>, <c>#N/A</c>, <c>NaN</c>, <c>nan</c>, <c>NULL</c>, <c>null</c>,
    /// <c>None</c>, <c>-</c>, ...), compared case for case so that a region code <c>na</c> stays a value.
    /// </summary>
    public static IReadOnlyList<string> StandardMissingValues => s_standard;

    /// <summary>More cell texts that mean missing (e.g. <c>n.d.</c>, <c>unknown</c>), compared case-insensitively
    /// after trimming. <value>The default value is empty.</value></summary>
    /// <exception cref="ArgumentException">A marker is blank.</exception>
    public IReadOnlyList<string> MissingValues
    {
        get => _missing;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var markers = new string[value.Count];
            for (var i = 0; i < markers.Length; i++)
            {
                var marker = value[i]?.Trim();
                if (string.IsNullOrEmpty(marker))
                {
                    throw new ArgumentException("A missing-value marker must not be blank (a blank cell is always missing).", nameof(value));
                }

                markers[i] = marker;
            }

            _missing = markers;
        }
    }

    /// <summary>The field delimiter of delimited text: <c>,</c>, <c>;</c>, tab or <c>|</c>.
    /// <value>The default value is <see langword="null"/>: detected from the header.</value></summary>
    /// <exception cref="ArgumentException">Another character.</exception>
    public char? Delimiter
    {
        get => _delimiter;
        init
        {
            if (value is { } c && c is not (',' or ';' or '\t' or '|'))
            {
                throw new ArgumentException($"The delimiter must be ',', ';', tab or '|', not '{c}'.", nameof(value));
            }

            _delimiter = value;
        }
    }

    /// <summary>
    /// The decimal mark of numbers in text: <c>.</c> (then <c>,</c> may group thousands) or <c>,</c> (then
    /// <c>.</c> may group thousands, as in <c>1.234,56</c>).
    /// <value>The default value is <see langword="null"/>: detected from the first rows, refusing a file whose
    /// numbers could be read either way.</value>
    /// </summary>
    /// <exception cref="ArgumentException">Another character.</exception>
    public char? DecimalMark
    {
        get => _decimalMark;
        init
        {
            if (value is { } c && c is not ('.' or ','))
            {
                throw new ArgumentException($"The decimal mark must be '.' or ',', not '{c}'.", nameof(value));
            }

            _decimalMark = value;
        }
    }

    /// <summary>
    /// The format of dates that are not ISO (<c>yyyy-MM-dd</c> is always read), in .NET custom format syntax, e.g.
    /// <c>dd/MM/yyyy</c> or <c>MM/dd/yyyy</c>.
    /// <value>The default value is <see langword="null"/>: a date such as <c>01/03/2025</c> is read day-first or
    /// month-first only when some value of its column has a day above 12; otherwise it is an error.</value>
    /// </summary>
    /// <exception cref="ArgumentException">The format has no day, month and year.</exception>
    public string? DateFormat
    {
        get => _dateFormat;
        init
        {
            if (value is not null && (value.IndexOf('d', StringComparison.Ordinal) < 0 || value.IndexOf('M', StringComparison.Ordinal) < 0 || value.IndexOf('y', StringComparison.Ordinal) < 0))
            {
                throw new ArgumentException($"The date format '{value}' must contain a day (d), a month (M) and a year (y), e.g. dd/MM/yyyy.", nameof(value));
            }

            _dateFormat = value;
        }
    }

    /// <summary>The longest cell (more exactly, record), in characters, a delimited-text reader accepts: a long CRM
    /// note fits; a runaway unclosed quote is stopped.
    /// <value>The default value is <see cref="DefaultMaxCellLength"/> (1 MiB).</value></summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 024 characters or above 256 MiB.</exception>
    public int MaxCellLength
    {
        get => _maxCellLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1 << 28);
            _maxCellLength = value;
        }
    }

    /// <summary>Collects what readers noticed and worked around (undecodable bytes, inferred date orders, refused
    /// numbers read as missing), so a job can report counts.
    /// <value>The default value is <see langword="null"/>: nothing is collected.</value></summary>
    public DataWarnings? Warnings { get; init; }

    /// <summary>Whether a cell's text means missing: blank, or one of the markers.</summary>
    /// <param name="cell">The cell text (surrounding white space ignored).</param>
    /// <returns><see langword="true"/> when missing.</returns>
    /// <remarks>Does not allocate.</remarks>
    public bool IsMissing(ReadOnlySpan<char> cell) => IsMissingTrimmed(cell.Trim());

    /// <summary><see cref="IsMissing"/> for text already trimmed.</summary>
    internal bool IsMissingTrimmed(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return true;
        }

        // Fast path: a cell that starts with a digit (or a sign and a digit) is never a marker.
        var first = text[0];
        if (char.IsAsciiDigit(first) || (text.Length > 1 && first is '+' or '-' && char.IsAsciiDigit(text[1])))
        {
            return false;
        }

        return Contains(s_standard, text, StringComparison.Ordinal) || (_missing.Length > 0 && Contains(_missing, text, StringComparison.OrdinalIgnoreCase));
    }

    internal static NumberFormatInfo NumberFormat(char decimalMark) => decimalMark == ',' ? s_decimalComma : NumberFormatInfo.InvariantInfo;

    private static readonly NumberFormatInfo s_decimalComma = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = ".",
        PositiveInfinitySymbol = "Infinity",
        NegativeInfinitySymbol = "-Infinity",
        NaNSymbol = "NaN",
    };

    private static bool Contains(string[] markers, ReadOnlySpan<char> text, StringComparison comparison)
    {
        foreach (var marker in markers)
        {
            if (marker.Length == text.Length && text.Equals(marker, comparison))
            {
                return true;
            }
        }

        return false;
    }
}
