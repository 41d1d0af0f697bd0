using Sylvan.Data.Csv;

namespace CsScoring.Data;

/// <summary>
/// Delimited-text reader (RFC 4180 quoting) built on Sylvan.Data.Csv. Before the first row it looks at the start
/// of the file to settle what the header alone cannot: the decimal mark, and the day/month order of numeric dates.
/// </summary>
internal sealed class CsvTableReader : TabularReader
{
    // How much of the file is examined for the decimal mark and date orders: enough rows to see real values,
    // little enough to cost nothing next to the read itself.
    private const int SampleChars = 1 << 16;
    private const int SampleRows = 500;

    private readonly CsvDataReader _reader;
    private readonly string[] _columns;
    private readonly string _source;
    private readonly TabularReadOptions _options;
    private readonly char _decimalMark;
    private readonly DateOrder[] _dateOrders;
    private long _row;

    private CsvTableReader(CsvDataReader reader, string[] columns, string source, TabularReadOptions options, char decimalMark, DateOrder[] dateOrders)
    {
        _reader = reader;
        _columns = columns;
        _source = source;
        _options = options;
        _decimalMark = decimalMark;
        _dateOrders = dateOrders;
    }

    public override string SourceName => _source;

    public override IReadOnlyList<string> Columns => _columns;

    public override long RowNumber => _row;

    public override TabularReadOptions Options => _options;

    internal override char DecimalMark => _decimalMark;

    // Sylvan counts physical lines; with quoted new lines a record may span several, so report where it starts.
    public override long? LineNumber => _row == 0 ? null : _reader.RowNumber + 1;

    internal override DateOrder DateOrderOf(int ordinal) => (uint)ordinal < (uint)_dateOrders.Length ? _dateOrders[ordinal] : DateOrder.Unknown;

    public static CsvTableReader OpenFile(string path, TabularReadOptions? options = null)
    {
        var source = Path.GetFileName(path);
        var text = File.OpenText(path);
        try
        {
            return Create(text, source, options);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    public static CsvTableReader Create(TextReader text, string source, TabularReadOptions? options = null)
    {
        options ??= TabularReadOptions.Default;
        var sample = new char[SampleChars];
        var sampled = text.ReadBlock(sample, 0, sample.Length);
        if (sampled == 0)
        {
            throw new DataFormatException("the file is empty (a header row is required)", source, null, null);
        }

        var whole = sampled < sample.Length;
        var (decimalMark, dateOrders) = Examine(sample.AsMemory(0, sampled), whole, source, options);
        var all = new PrefixedTextReader(sample, sampled, text);
        var csv = CreateSylvan(all, options);
        CsvDataReader reader;
        try
        {
            reader = CsvDataReader.Create(all, csv);
        }
        catch (CsvRecordTooLargeException ex)
        {
            all.Dispose();
            throw TooLarge(source, null, 1, options, ex);
        }
        catch (CsvFormatException ex)
        {
            all.Dispose();
            throw new DataFormatException($"the header cannot be read: {ex.Message}", source, null, null, ex.RowNumber, ex);
        }

        var columns = ReadHeader(reader, source);
        if (dateOrders.Length != columns.Length)
        {
            dateOrders = new DateOrder[columns.Length];
        }

        // Say when a day/month order was inferred rather than stated, so a reader of the output can check it.
        for (var i = 0; options.Warnings is { } warnings && options.DateFormat is null && i < columns.Length; i++)
        {
            if (dateOrders[i] is DateOrder.DayFirst or DateOrder.MonthFirst)
            {
                warnings.Add("inferred-date-order",
                    dateOrders[i] == DateOrder.DayFirst ? "dates read day-first (dd/MM/yyyy), as a value has a day above 12" : "dates read month-first (MM/dd/yyyy), as a value has a day above 12",
                    source, columns[i]);
            }
        }

        return new CsvTableReader(reader, columns, source, options, decimalMark, dateOrders);
    }

    public override bool Read()
    {
        while (true)
        {
            bool more;
            try
            {
                more = _reader.Read();
            }
            catch (CsvRecordTooLargeException ex)
            {
                // Sylvan numbers records from 0 at the header; lines count from 1 (as LineNumber does).
                throw TooLarge(_source, _row + 1, ex.RowNumber + 1, _options, ex);
            }
            catch (CsvFormatException ex)
            {
                throw new DataFormatException($"the row cannot be parsed: {ex.Message}", _source, _row + 1, null, ex.RowNumber + 1, ex);
            }

            if (!more)
            {
                return false;
            }

            // A blank line carries no record (typically the file's last line): skip it rather than call it ragged.
            if (_columns.Length > 1 && _reader.RowFieldCount == 1 && _reader.GetFieldSpan(0).IsWhiteSpace())
            {
                continue;
            }

            _row++;
            if (_reader.RowFieldCount != _columns.Length)
            {
                throw new DataFormatException(
                    $"the row has {_reader.RowFieldCount} fields but the header has {_columns.Length}", _source, _row, null, LineNumber);
            }

            if (_options.Warnings is { } warnings)
            {
                CountReplacementCharacters(warnings);
            }

            return true;
        }
    }

    public override ReadOnlySpan<char> GetSpan(int ordinal) => _reader.GetFieldSpan(ordinal);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }

    private static CsvDataReaderOptions CreateSylvan(TextReader text, TabularReadOptions options)
    {
        // A record must fit Sylvan's buffer: it starts at 64 KiB and grows up to the longest accepted cell.
        return new CsvDataReaderOptions
        {
            HasHeaders = true,
            OwnsReader = true,
            Delimiter = options.Delimiter,
            BufferSize = Math.Min(1 << 16, options.MaxCellLength),
            MaxBufferSize = options.MaxCellLength,
        };
    }

    private static string[] ReadHeader(CsvDataReader reader, string source)
    {
        var columns = new string[reader.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Length; i++)
        {
            var name = reader.GetName(i).Trim();
            if (name.Length == 0)
            {
                reader.Dispose();
                throw new DataFormatException($"the header's column {i + 1} has no name", source, null, null, 1);
            }

            if (!seen.Add(name))
            {
                reader.Dispose();
                throw new DataFormatException($"the column name '{name}' appears more than once in the header", source, null, name, 1);
            }

            columns[i] = name;
        }

        return columns;
    }

    private static DataFormatException TooLarge(string source, long? row, int line, TabularReadOptions options, Exception inner)
        => new($"a cell is longer than the longest accepted ({options.MaxCellLength:N0} characters); raise it with --max-cell-length (TabularReadOptions.MaxCellLength), or check for an unclosed quote",
            source, row, null, line > 0 ? line : null, inner);

    // Undecodable bytes become U+FFFD when the text is decoded: count the cells that hold one, so a wrong encoding
    // (Latin-1 read as UTF-8) is reported instead of passing as odd category names.
    private void CountReplacementCharacters(DataWarnings warnings)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            if (_reader.GetFieldSpan(i).Contains('\uFFFD'))
            {
                warnings.Add("undecodable-bytes", "cells with undecodable bytes (shown as U+FFFD; save the file as UTF-8)", _source, _columns[i], _row);
            }
        }
    }

    /// <summary>
    /// Settles the decimal mark (unless stated) and each column's day/month order from the first rows. A file
    /// whose numbers read either way (a quoted <c>"1,234"</c> could be 1234 or 1.234) is refused naming the column.
    /// </summary>
    private static (char DecimalMark, DateOrder[] DateOrders) Examine(ReadOnlyMemory<char> sample, bool whole, string source, TabularReadOptions options)
    {
        if (!whole)
        {
            // Only complete lines: a record cut in half would look ragged.
            var last = sample.Span.LastIndexOf('\n');
            if (last <= 0)
            {
                return (options.DecimalMark ?? '.', []);
            }

            sample = sample[..(last + 1)];
        }

        var commaDecimal = new List<string>();
        var pointDecimal = new List<string>();
        var commaEither = new List<(string Column, string Value)>();
        DateOrder[] orders;
        var delimiter = options.Delimiter ?? LikelyDelimiter(sample.Span);
        try
        {
            using var reader = CsvDataReader.Create(new StringReader(sample.ToString()), new CsvDataReaderOptions { HasHeaders = true, Delimiter = options.Delimiter });
            orders = new DateOrder[reader.FieldCount];
            var commaSeen = new bool[reader.FieldCount];
            var pointSeen = new bool[reader.FieldCount];
            var rows = 0;
            while (rows++ < SampleRows && reader.Read())
            {
                var count = Math.Min(reader.RowFieldCount, orders.Length);
                for (var i = 0; i < count; i++)
                {
                    var cell = reader.GetFieldSpan(i).Trim();
                    if (cell.IsEmpty || options.IsMissing(cell))
                    {
                        continue;
                    }

                    orders[i] = CellText.Combine(orders[i], CellText.Evidence(cell));
                    switch (ClassifyDecimal(cell))
                    {
                        case DecimalEvidence.Comma when !commaSeen[i]:
                            commaSeen[i] = true;
                            commaDecimal.Add(reader.GetName(i));
                            break;
                        case DecimalEvidence.Point when !pointSeen[i]:
                            pointSeen[i] = true;
                            pointDecimal.Add(reader.GetName(i));
                            break;
                        case DecimalEvidence.CommaEither when commaEither.Count < 8 && !commaEither.Exists(e => e.Column == reader.GetName(i)):
                            commaEither.Add((reader.GetName(i), cell.ToString()));
                            break;
                    }
                }
            }
        }
        catch (CsvFormatException)
        {
            // The reader proper reports malformed text with its row; the sample decides nothing then.
            return (options.DecimalMark ?? '.', []);
        }

        if (options.DecimalMark is { } stated)
        {
            return (stated, orders);
        }

        if (commaDecimal.Count > 0 && pointDecimal.Count > 0)
        {
            throw new DataFormatException(
                $"some columns write decimals with ',' ({string.Join(", ", commaDecimal)}) and others with '.' ({string.Join(", ", pointDecimal)}); say which is the decimal mark with --decimal , or --decimal . (TabularReadOptions.DecimalMark)",
                source, null, commaDecimal[0]);
        }

        // In a comma-separated file the decimal mark is the point unless stated: a quoted "1,5" there is refused
        // cell by cell with a hint rather than switching every number of the file.
        if (commaDecimal.Count > 0 && delimiter != ',')
        {
            return (',', orders);
        }

        if (pointDecimal.Count == 0 && commaDecimal.Count == 0 && commaEither.Count > 0)
        {
            var (column, value) = commaEither[0];
            throw new DataFormatException(
                $"'{value}' could be a number with a thousands separator or with a decimal comma ({(delimiter == ',' ? "the file is comma-separated" : $"the file is separated by '{Printable(delimiter)}'")}); say which with --decimal . (',' groups thousands) or --decimal , (',' is the decimal mark)",
                source, null, column);
        }

        return ('.', orders);
    }

    private static char LikelyDelimiter(ReadOnlySpan<char> text)
    {
        var end = text.IndexOf('\n');
        var header = end < 0 ? text : text[..end];
        var best = ',';
        var bestCount = header.Count(',');
        foreach (var candidate in (ReadOnlySpan<char>)[';', '\t', '|'])
        {
            var count = header.Count(candidate);
            if (count > bestCount)
            {
                best = candidate;
                bestCount = count;
            }
        }

        return best;
    }

    private static string Printable(char delimiter) => delimiter == '\t' ? "tab" : delimiter.ToString();

    private enum DecimalEvidence
    {
        None,
        Comma,
        Point,
        CommaEither,
    }

    // 0,45 / 12,5 / 1.234,56 are decimal commas; 0.45 / 1,234.5 decimal points; 1,234 either (1.234 alone reads as
    // a decimal point, the common case, and is not evidence).
    private static DecimalEvidence ClassifyDecimal(ReadOnlySpan<char> cell)
    {
        if (cell[0] is '+' or '-')
        {
            cell = cell[1..];
        }

        if (cell.IsEmpty || !char.IsAsciiDigit(cell[0]))
        {
            return DecimalEvidence.None;
        }

        int commas = 0, points = 0, lastComma = -1, lastPoint = -1;
        for (var i = 0; i < cell.Length; i++)
        {
            var c = cell[i];
            if (c == ',')
            {
                commas++;
                lastComma = i;
            }
            else if (c == '.')
            {
                points++;
                lastPoint = i;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return DecimalEvidence.None;
            }
        }

        if (commas == 0 && points == 0)
        {
            return DecimalEvidence.None;
        }

        if (commas > 0 && points > 0)
        {
            return lastComma > lastPoint ? (commas == 1 ? DecimalEvidence.Comma : DecimalEvidence.None) : (points == 1 ? DecimalEvidence.Point : DecimalEvidence.None);
        }

        if (commas == 1)
        {
            // "1,234" (three digits after, no leading zero) could group thousands; "0,45" or "12,5" cannot.
            var after = cell.Length - lastComma - 1;
            return after == 3 && cell[0] != '0' ? DecimalEvidence.CommaEither : DecimalEvidence.Comma;
        }

        if (points == 1)
        {
            var after = cell.Length - lastPoint - 1;
            return after == 3 && cell[0] != '0' ? DecimalEvidence.None : DecimalEvidence.Point;
        }

        return commas > 1 ? DecimalEvidence.CommaEither : DecimalEvidence.None;
    }

    /// <summary>Replays the examined start of a file before the rest of it.</summary>
    private sealed class PrefixedTextReader(char[] prefix, int length, TextReader rest) : TextReader
    {
        private int _position;

        public override int Peek() => _position < length ? prefix[_position] : rest.Peek();

        public override int Read() => _position < length ? prefix[_position++] : rest.Read();

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_position < length)
            {
                var n = Math.Min(buffer.Length, length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return rest.Read(buffer);
        }

        public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer, index, count));

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
