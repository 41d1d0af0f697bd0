using Sylvan.Data.Csv;

namespace CsScoring.Data;

/// <summary>Delimited-text reader (RFC 4180 quoting, delimiter detected) built on Sylvan.Data.Csv.</summary>
internal sealed class CsvTableReader : TabularReader
{
    private readonly CsvDataReader _reader;
    private readonly string[] _columns;
    private readonly string _source;
    private long _row;

    private CsvTableReader(CsvDataReader reader, string[] columns, string source)
    {
        _reader = reader;
        _columns = columns;
        _source = source;
    }

    public override string SourceName => _source;

    public override IReadOnlyList<string> Columns => _columns;

    public override long RowNumber => _row;

    // Sylvan counts physical lines; with quoted new lines a record may span several, so report where it starts.
    public override long? LineNumber => _row == 0 ? null : _reader.RowNumber + 1;

    public static new CsvTableReader Open(string path)
    {
        var source = Path.GetFileName(path);
        var text = File.OpenText(path);
        try
        {
            return Create(text, source);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    public static CsvTableReader Create(TextReader text, string source)
    {
        if (text.Peek() < 0)
        {
            throw new DataFormatException("the file is empty (a header row is required)", source, null, null);
        }

        var options = new CsvDataReaderOptions { HasHeaders = true, OwnsReader = true };
        CsvDataReader reader;
        try
        {
            reader = CsvDataReader.Create(text, options);
        }
        catch (CsvFormatException ex)
        {
            throw new DataFormatException($"the header cannot be read: {ex.Message}", source, null, null, ex.RowNumber, ex);
        }

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

        return new CsvTableReader(reader, columns, source);
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
            catch (CsvFormatException ex)
            {
                throw new DataFormatException($"the row cannot be parsed: {ex.Message}", _source, _row + 1, null, ex.RowNumber, ex);
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
}
