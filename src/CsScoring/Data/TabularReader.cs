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
    public static TabularReader Open(string path) => Open(path, TabularReadOptions.Default);

    /// <summary>Opens a file as <see cref="Open(string)"/> does, reading its cells with the given options.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Missing-value markers, delimiter, decimal mark, date format, longest cell.</param>
    /// <returns>A reader positioned before the first data row.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">As for <see cref="Open(string)"/>; or the decimal mark cannot be
    /// told from the data (the error names the column and how to state it).</exception>
    public static TabularReader Open(string path, TabularReadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var format in Volatile.Read(ref s_formats))
        {
            if (format.CanOpen(path))
            {
                return format.Open(path, options);
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

        return CsvTableReader.OpenFile(path, options);
    }

    /// <summary>
    /// Adds a file format that <see cref="Open(string)"/> tries before delimited text, in the way
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

    /// <summary>Whether a field is missing: empty, white space or a missing-value marker of <see cref="Options"/>
    /// (<c>NA</c>, <c>NULL</c>, <c>#N/A</c>, ...).</summary>
    /// <param name="ordinal">The column index.</param>
    public bool IsBlank(int ordinal) => Options.IsMissing(GetSpan(ordinal));

    /// <summary>How this reader reads cells: missing-value markers, decimal mark, date format.</summary>
    public virtual TabularReadOptions Options => TabularReadOptions.Default;

    /// <summary>The decimal mark numbers are read with: the stated one, else the one detected, else '.'.</summary>
    internal virtual char DecimalMark => Options.DecimalMark ?? '.';

    /// <summary>The day/month order of a column's numeric dates, when inferred from its values.</summary>
    /// <param name="ordinal">The column index.</param>
    internal virtual DateOrder DateOrderOf(int ordinal) => DateOrder.Unknown;

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

    /// <summary>
    /// Parses a field as a number with the reader's decimal mark (<see cref="TabularReadOptions.DecimalMark"/>); a
    /// missing cell (blank or a marker such as <c>NA</c>) is <see cref="double.NaN"/>.
    /// </summary>
    /// <param name="ordinal">The column index.</param>
    /// <exception cref="DataFormatException">The cell is not a number, or is infinite or above
    /// <see cref="TabularReadOptions.MaxMagnitude"/> in magnitude.</exception>
    public double GetDoubleOrNaN(int ordinal)
    {
        var kind = CellText.ParseNumber(GetSpan(ordinal), Options, DecimalMark, out var value);
        if (kind == NumberCell.Number)
        {
            return value;
        }

        return kind == NumberCell.Missing ? double.NaN : throw NumberError(ordinal, kind, "is not a number");
    }

    /// <summary>
    /// Parses a field that may hold a number or a yes/no flag (a health metric, a churn label): numbers as in
    /// <see cref="GetDoubleOrNaN"/>, the spellings of <see cref="Churn.Features.BooleanText"/> as 1 or 0, so a
    /// Parquet or warehouse boolean read as <c>true</c>/<c>false</c> counts the same as 1/0.
    /// </summary>
    /// <param name="ordinal">The column index.</param>
    /// <exception cref="DataFormatException">The cell is neither missing, a number nor a yes/no value.</exception>
    internal double GetNumberOrFlagOrNaN(int ordinal)
    {
        var kind = CellText.ParseNumber(GetSpan(ordinal), Options, DecimalMark, out var value);
        if (kind == NumberCell.Number)
        {
            return value;
        }

        if (kind == NumberCell.Missing)
        {
            return double.NaN;
        }

        if (Churn.Features.BooleanText.TryParse(GetSpan(ordinal), out var flag))
        {
            return flag ? 1 : 0;
        }

        throw NumberError(ordinal, kind, "is neither a number nor a yes/no value");
    }

    /// <summary>Tries to parse a field as a number as <see cref="GetDoubleOrNaN"/> does.</summary>
    /// <param name="ordinal">The column index.</param>
    /// <param name="value">The number, or <see cref="double.NaN"/> when missing, not a number, infinite or absurd.</param>
    /// <returns><see langword="true"/> when the cell holds a usable number.</returns>
    /// <remarks>An infinite or absurd value returns <see langword="false"/> and is counted in
    /// <see cref="TabularReadOptions.Warnings"/>.</remarks>
    public bool TryGetDouble(int ordinal, out double value)
    {
        var kind = CellText.ParseNumber(GetSpan(ordinal), Options, DecimalMark, out value);
        if (kind == NumberCell.NotFinite)
        {
            WarnNotFinite(ordinal);
        }

        return kind == NumberCell.Number;
    }

    internal NumberCell ParseNumber(int ordinal, out double value) => CellText.ParseNumber(GetSpan(ordinal), Options, DecimalMark, out value);

    internal void WarnNotFinite(int ordinal)
        => Options.Warnings?.Add("non-finite-numbers", $"infinite or absurd numbers (|x| > {TabularReadOptions.MaxMagnitude:0e0}) read as missing", SourceName, ordinal >= 0 && ordinal < Columns.Count ? Columns[ordinal] : null, RowNumber);

    /// <summary>
    /// Parses a field as a date: ISO <c>yyyy-MM-dd</c>, an ISO date-time (its date as written, whatever the
    /// offset), <see cref="TabularReadOptions.DateFormat"/>, or a numeric day/month date whose order is known.
    /// </summary>
    /// <param name="ordinal">The column index.</param>
    /// <exception cref="DataFormatException">The cell is missing, not a date, or a day/month-ambiguous date.</exception>
    public DateOnly GetDate(int ordinal)
    {
        if (TryGetDate(ordinal, out var date))
        {
            return date;
        }

        var text = GetSpan(ordinal).Trim().ToString();
        throw Error(ordinal, Options.IsMissing(text)
            ? "a date is required but the cell is missing"
            : $"'{text}' is not a date (expected yyyy-MM-dd{(Options.DateFormat is { } format ? $" or {format}" : "")})");
    }

    /// <summary>Tries to parse a field as a date as <see cref="GetDate"/> does.</summary>
    /// <param name="ordinal">The column index.</param>
    /// <param name="date">The date when parsed.</param>
    /// <returns>Whether the cell holds a date (missing or non-date text returns <see langword="false"/>).</returns>
    /// <exception cref="DataFormatException">The cell is a date whose day and month could be either way round
    /// (<c>01/03/2025</c>) and neither <see cref="TabularReadOptions.DateFormat"/> nor a day above 12 elsewhere in the
    /// column says which: guessing would move dates by months.</exception>
    public bool TryGetDate(int ordinal, out DateOnly date)
    {
        var order = DateOrderOf(ordinal);
        if (order == DateOrder.Conflict && Options.DateFormat is null)
        {
            throw Error(ordinal, "the column mixes day-first and month-first dates; state the format with --date-format (TabularReadOptions.DateFormat)");
        }

        switch (CellText.ParseDate(GetSpan(ordinal), Options, order, out date))
        {
            case DateCell.Date:
                return true;
            case DateCell.Ambiguous:
                throw Error(ordinal, $"'{GetSpan(ordinal).Trim().ToString()}' could be day-first or month-first; state the format with --date-format dd/MM/yyyy or --date-format MM/dd/yyyy (TabularReadOptions.DateFormat)");
            default:
                return false;
        }
    }

    private DataFormatException NumberError(int ordinal, NumberCell kind, string problem)
    {
        var text = GetSpan(ordinal).Trim().ToString();
        if (kind == NumberCell.NotFinite)
        {
            return Error(ordinal, $"'{text}' is infinite or too large to be a real value (|x| > {TabularReadOptions.MaxMagnitude:0e0}); fix the export or mark the cell missing (NA)");
        }

        var hint = CellText.LooksLikeOtherDecimalMark(text, DecimalMark)
            ? $" with the decimal mark '{DecimalMark}'; if the file writes decimals with '{(DecimalMark == ',' ? '.' : ',')}', say so with --decimal {(DecimalMark == ',' ? '.' : ',')} (TabularReadOptions.DecimalMark)"
            : "";
        return Error(ordinal, $"'{text}' {problem}{hint}");
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
