using System.Globalization;

namespace CsScoring.Data;

/// <summary>
/// Forward-only reader over a table with a header row (CSV today; other formats plug in behind the same surface).
/// Every value error it raises is a <see cref="DataFormatException"/> that names the source, row and column.
/// </summary>
/// <remarks>Not thread-safe: one reader serves one consumer. Rows are streamed, so files larger than memory work.</remarks>
public abstract class TabularReader : IDisposable
{
    private Dictionary<string, int>? _ordinals;

    /// <summary>The file or stream name that errors report.</summary>
    public abstract string SourceName { get; }

    /// <summary>The column names from the header, in file order; unique.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>The 1-based data row the reader is on (0 before the first <see cref="Read"/>).</summary>
    public abstract long RowNumber { get; }

    /// <summary>The 1-based physical line of the current row, when the format has lines.</summary>
    public virtual long? LineNumber => null;

    private static ITabularFormat[] s_formats = [];

    /// <summary>
    /// Opens a file: with the first registered format (<see cref="RegisterFormat"/>) that claims it, else as
    /// delimited text (<c>.csv</c>, <c>.txt</c>, <c>.tsv</c>; delimiter detected).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader positioned before the first data row.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">
    /// The file is empty, has no header or repeats a column name; or it is a Parquet file and no Parquet format is
    /// registered (the library reads CSV itself; the <c>csscoring</c> console registers Parquet).
    /// </exception>
    public static TabularReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        foreach (var format in Volatile.Read(ref s_formats))
        {
            if (format.CanOpen(path))
            {
                return format.Open(path);
            }
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        }

        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFormatException(
                "Parquet is not built into the CsScoring library, which stays free of Parquet codecs; register a Parquet format with TabularReader.RegisterFormat, or export the table as CSV",
                path, null, null);
        }

        return CsvTableReader.Open(path);
    }

    /// <summary>
    /// Adds a file format that <see cref="Open"/> tries before delimited text, in the way
    /// <see cref="System.Text.Encoding.RegisterProvider"/> adds encodings: once, at start-up. Registering the same
    /// instance twice has no effect; formats registered later are tried later.
    /// </summary>
    /// <param name="format">The format.</param>
    /// <remarks>Thread-safe.</remarks>
    public static void RegisterFormat(ITabularFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        while (true)
        {
            var current = Volatile.Read(ref s_formats);
            if (Array.IndexOf(current, format) >= 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref s_formats, [.. current, format], current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Moves to the next data row.</summary>
    /// <returns><see langword="true"/> while there is a row.</returns>
    /// <exception cref="DataFormatException">The row has a different number of fields than the header.</exception>
    public abstract bool Read();

    /// <summary>The raw text of a field in the current row (blank for an empty cell).</summary>
    /// <param name="ordinal">The column index.</param>
    public abstract ReadOnlySpan<char> GetSpan(int ordinal);

    /// <summary>The raw text of a field as a string.</summary>
    /// <param name="ordinal">The column index.</param>
    public string GetString(int ordinal) => GetSpan(ordinal).ToString();

    /// <summary>Whether a field is empty or white space.</summary>
    /// <param name="ordinal">The column index.</param>
    public bool IsBlank(int ordinal) => GetSpan(ordinal).IsWhiteSpace();

    /// <summary>The index of a column.</summary>
    /// <param name="column">The column name (exact match).</param>
    /// <exception cref="DataFormatException">The column is not in the header.</exception>
    public int GetOrdinal(string column)
    {
        if (TryGetOrdinal(column, out var ordinal))
        {
            return ordinal;
        }

        throw new DataFormatException($"column '{column}' is absent (columns: {string.Join(", ", Columns)})", SourceName, null, null);
    }

    /// <summary>Looks up a column's index.</summary>
    /// <param name="column">The column name (exact match).</param>
    /// <param name="ordinal">The index when found.</param>
    /// <returns>Whether the column exists.</returns>
    public bool TryGetOrdinal(string column, out int ordinal)
    {
        ArgumentNullException.ThrowIfNull(column);
        _ordinals ??= BuildOrdinals();
        return _ordinals.TryGetValue(column, out ordinal);
    }

    /// <summary>Parses a field as a number with the invariant culture; a blank cell is <see cref="double.NaN"/>.</summary>
    /// <param name="ordinal">The column index.</param>
    /// <exception cref="DataFormatException">The cell is neither blank nor a number.</exception>
    public double GetDoubleOrNaN(int ordinal)
    {
        var span = GetSpan(ordinal).Trim();
        if (span.IsEmpty)
        {
            return double.NaN;
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw Error(ordinal, $"'{span.ToString()}' is not a number");
    }

    /// <summary>
    /// Parses a field that may hold a number or a yes/no flag (a health metric, a churn label): numbers as in
    /// <see cref="GetDoubleOrNaN"/>, the spellings of <see cref="Churn.Features.BooleanText"/> as 1 or 0, so a
    /// Parquet or warehouse boolean read as <c>true</c>/<c>false</c> counts the same as 1/0.
    /// </summary>
    /// <param name="ordinal">The column index.</param>
    /// <exception cref="DataFormatException">The cell is neither blank, a number nor a yes/no value.</exception>
    internal double GetNumberOrFlagOrNaN(int ordinal)
    {
        var span = GetSpan(ordinal).Trim();
        if (span.IsEmpty)
        {
            return double.NaN;
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        if (Churn.Features.BooleanText.TryParse(span, out var flag))
        {
            return flag ? 1 : 0;
        }

        throw Error(ordinal, $"'{span.ToString()}' is neither a number nor a yes/no value");
    }

    /// <summary>Tries to parse a field as a number with the invariant culture.</summary>
    /// <param name="ordinal">The column index.</param>
    /// <param name="value">The number, or <see cref="double.NaN"/> when blank or not a number.</param>
    /// <returns><see langword="true"/> when the cell holds a number.</returns>
    public bool TryGetDouble(int ordinal, out double value)
    {
        var span = GetSpan(ordinal).Trim();
        if (!span.IsEmpty && double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        value = double.NaN;
        return false;
    }

    /// <summary>Parses a field as an ISO date (<c>yyyy-MM-dd</c>, or a date-time whose date part is taken).</summary>
    /// <param name="ordinal">The column index.</param>
    /// <exception cref="DataFormatException">The cell is blank or not a date.</exception>
    public DateOnly GetDate(int ordinal)
    {
        if (TryGetDate(ordinal, out var date))
        {
            return date;
        }

        var text = GetSpan(ordinal).ToString();
        throw Error(ordinal, text.Length == 0 ? "a date is required but the cell is blank" : $"'{text}' is not a date (expected yyyy-MM-dd)");
    }

    /// <summary>Tries to parse a field as an ISO date or date-time.</summary>
    /// <param name="ordinal">The column index.</param>
    /// <param name="date">The date when parsed.</param>
    /// <returns>Whether the cell holds a date.</returns>
    public bool TryGetDate(int ordinal, out DateOnly date)
    {
        var span = GetSpan(ordinal).Trim();
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

    /// <summary>Builds an error located at the current row and the given column.</summary>
    /// <param name="ordinal">The column index, or -1 for the whole row.</param>
    /// <param name="problem">What is wrong.</param>
    public DataFormatException Error(int ordinal, string problem)
        => new(problem, SourceName, RowNumber == 0 ? null : RowNumber, ordinal >= 0 && ordinal < Columns.Count ? Columns[ordinal] : null, LineNumber);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the underlying stream.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    private Dictionary<string, int> BuildOrdinals()
    {
        var map = new Dictionary<string, int>(Columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < Columns.Count; i++)
        {
            map[Columns[i]] = i;
        }

        return map;
    }
}
