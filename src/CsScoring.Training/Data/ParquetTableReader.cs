using System.Globalization;
using Parquet;
using Parquet.Schema;

using CsScoring.Data;

namespace CsScoring.Training.Data;

/// <summary>Parquet files for <see cref="TabularReader.Open(string)"/>: registered by the console at start-up.</summary>
internal sealed class ParquetFormat : ITabularFormat
{
    /// <summary>The one instance.</summary>
    public static ParquetFormat Instance { get; } = new();

    /// <inheritdoc/>
    public bool CanOpen(string path) =>
        (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && File.Exists(path))
        || (Directory.Exists(path) && ParquetFolderReader.Parts(path).Length > 0);

    /// <inheritdoc/>
    public TabularReader Open(string path) => Open(path, TabularReadOptions.Default);

    /// <inheritdoc/>
    public TabularReader Open(string path, TabularReadOptions options)
    {
        // Parquet stores numbers typed and they are written back as invariant text: only the rules for text cells
        // (missing-value markers, date format) apply; a decimal comma stated for CSV files must not.
        var text = new TabularReadOptions { MissingValues = options.MissingValues, DateFormat = options.DateFormat, MaxCellLength = options.MaxCellLength, Warnings = options.Warnings };
        return Directory.Exists(path) ? ParquetFolderReader.Open(path, text) : ParquetTableReader.Open(path, text);
    }
}

/// <summary>
/// A folder of Parquet part files as Spark and warehouses write them (<c>part-00000-*.parquet</c> beside
/// <c>_SUCCESS</c>, <c>_committed_*</c> and <c>.crc</c> files, which are ignored), read as one table: parts in
/// ordinal name order, one at a time, with row numbers continuing across parts. Every part must have the same
/// columns in the same order; errors name the part file.
/// </summary>
internal sealed class ParquetFolderReader : TabularReader
{
    private readonly string[] _parts;
    private readonly IReadOnlyList<string> _columns;
    private ParquetTableReader _current;
    private int _part;
    private long _rowsBefore;
    private string _source;

    private readonly TabularReadOptions _options;

    private ParquetFolderReader(string[] parts, ParquetTableReader first, TabularReadOptions options)
    {
        _options = options;
        _parts = parts;
        _current = first;
        _columns = first.Columns;
        _source = Path.Combine(DirectoryName, first.SourceName);
    }

    /// <summary>The folder's part files, in ordinal name order; hidden (<c>.</c>) and marker (<c>_</c>) files skipped.</summary>
    public static string[] Parts(string folder)
    {
        var parts = Directory.EnumerateFiles(folder, "*.parquet", SearchOption.TopDirectoryOnly)
            .Where(f => Path.GetFileName(f) is var name && !name.StartsWith('.') && !name.StartsWith('_'))
            .ToArray();
        Array.Sort(parts, StringComparer.Ordinal);
        return parts;
    }

    // The part being read; once every part is read, the folder (a consumer that buffers the table and reports
    // errors afterwards then names the folder, with the row number counted across parts). Built once per part, as
    // a consumer may ask on every row.
    public override string SourceName => _source;

    public override IReadOnlyList<string> Columns => _columns;

    public override long RowNumber => _rowsBefore + _current.RowNumber;

    public override TabularReadOptions Options => _options;

    private string DirectoryName => Path.GetFileName(Path.GetDirectoryName(_parts[0])) ?? string.Empty;

    public static new ParquetFolderReader Open(string folder, TabularReadOptions options)
    {
        var parts = Parts(folder);
        if (parts.Length == 0)
        {
            throw new DataFormatException("the folder holds no .parquet part files", folder, null, null);
        }

        return new ParquetFolderReader(parts, ParquetTableReader.Open(parts[0], options), options);
    }

    public override bool Read()
    {
        while (true)
        {
            if (_current.Read())
            {
                return true;
            }

            if (_part + 1 >= _parts.Length)
            {
                _source = DirectoryName;
                return false;
            }

            var next = ParquetTableReader.Open(_parts[_part + 1], _options);
            try
            {
                CheckSchema(next);
            }
            catch
            {
                next.Dispose();
                throw;
            }

            _rowsBefore += _current.RowNumber;
            _current.Dispose();
            _current = next;
            _part++;
            _source = Path.Combine(DirectoryName, next.SourceName);
        }
    }

    public override ReadOnlySpan<char> GetSpan(int ordinal) => _current.GetSpan(ordinal);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current.Dispose();
        }

        base.Dispose(disposing);
    }

    private void CheckSchema(ParquetTableReader next)
    {
        var columns = next.Columns;
        for (var c = 0; c < Math.Max(columns.Count, _columns.Count); c++)
        {
            var expected = c < _columns.Count ? _columns[c] : null;
            var actual = c < columns.Count ? columns[c] : null;
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                var column = expected ?? actual;
                var problem = expected is null
                    ? $"the part has an extra column '{actual}' that {_current.SourceName} does not have; all parts must share one schema"
                    : actual is null
                        ? $"the part lacks column '{expected}' that {_current.SourceName} has; all parts must share one schema"
                        : $"column {c + 1} is '{actual}' where {_current.SourceName} has '{expected}'; all parts must share one schema";
                throw new DataFormatException(problem, Path.Combine(DirectoryName, next.SourceName), null, column);
            }

            if (next.FieldTypes[c] != _current.FieldTypes[c])
            {
                throw new DataFormatException(
                    $"column '{actual}' is {next.FieldTypes[c].Name} where {_current.SourceName} has {_current.FieldTypes[c].Name}; all parts must share one schema",
                    Path.Combine(DirectoryName, next.SourceName), null, actual);
            }
        }
    }
}


/// <summary>
/// Parquet reader behind <see cref="TabularReader"/> (Parquet.Net): streams one row group at a time and presents
/// each value as invariant text, so every consumer of the tabular surface reads Parquet unchanged. Nulls are blank
/// cells; booleans read <c>true</c>/<c>false</c>; dates <c>yyyy-MM-dd</c>; numbers round-trip.
/// </summary>
/// <remarks>Only flat files (top-level primitive columns) are supported; nested or repeated columns are an error.</remarks>
internal sealed class ParquetTableReader : TabularReader
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly string[] _columns;
    private readonly string _source;
    private string?[][] _group = [];
    private int _groupIndex = -1;
    private long _groupRows;
    private long _rowInGroup = -1;
    private long _row;

    private readonly TabularReadOptions _options;

    private ParquetTableReader(ParquetReader reader, DataField[] fields, string source, TabularReadOptions options)
    {
        _options = options;
        _reader = reader;
        _fields = fields;
        _columns = [.. fields.Select(f => f.Name)];
        _source = source;
    }

    public override string SourceName => _source;

    public override IReadOnlyList<string> Columns => _columns;

    public override long RowNumber => _row;

    public override TabularReadOptions Options => _options;

    /// <summary>The .NET type of each column, for comparing the schemas of part files.</summary>
    public IReadOnlyList<Type> FieldTypes => [.. _fields.Select(f => f.ClrType)];

    public static new ParquetTableReader Open(string path, TabularReadOptions options)
    {
        var source = Path.GetFileName(path);
        if (new FileInfo(path).Length == 0)
        {
            throw new DataFormatException("the file is empty (a Parquet file with a schema is required)", source, null, null);
        }

        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ParquetException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new DataFormatException($"the file cannot be read as Parquet: {ex.Message}", source, null, null, null, ex);
        }

        try
        {
            var fields = reader.Schema.Fields;
            var data = new List<DataField>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                if (field is not DataField dataField || dataField.IsArray)
                {
                    throw new DataFormatException($"column '{field.Name}' is nested or repeated; only flat Parquet files are supported", source, null, field.Name);
                }

                if (!seen.Add(dataField.Name))
                {
                    throw new DataFormatException($"the column name '{dataField.Name}' appears more than once in the schema", source, null, dataField.Name);
                }

                data.Add(dataField);
            }

            if (data.Count == 0)
            {
                throw new DataFormatException("the file has no columns", source, null, null);
            }

            return new ParquetTableReader(reader, [.. data], source, options);
        }
        catch
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public override bool Read()
    {
        while (_rowInGroup + 1 >= _groupRows)
        {
            if (_groupIndex + 1 >= _reader.RowGroupCount)
            {
                return false;
            }

            LoadGroup(++_groupIndex);
        }

        _rowInGroup++;
        _row++;
        return true;
    }

    public override ReadOnlySpan<char> GetSpan(int ordinal) => _group[ordinal][_rowInGroup].AsSpan();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private void LoadGroup(int index)
    {
        try
        {
            using var group = _reader.OpenRowGroupReader(index);
            var rows = checked((int)group.RowCount);
            var columns = new string?[_fields.Length][];
            for (var c = 0; c < _fields.Length; c++)
            {
                columns[c] = ReadColumn(group, _fields[c], rows);
            }

            _group = columns;
            _groupRows = rows;
            _rowInGroup = -1;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ParquetException or NotSupportedException or InvalidOperationException or OverflowException)
        {
            throw new DataFormatException($"row group {index + 1} cannot be read: {ex.Message}", _source, _row + 1, null, null, ex);
        }
    }

    private static string?[] ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
    {
        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[rows];
            group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            return values;
        }

        return type switch
        {
            _ when type == typeof(bool) => Read<bool>(group, field, rows, v => v ? "true" : "false"),
            _ when type == typeof(sbyte) => Read<sbyte>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(byte) => Read<byte>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(short) => Read<short>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(ushort) => Read<ushort>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(int) => Read<int>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(uint) => Read<uint>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(long) => Read<long>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(ulong) => Read<ulong>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(float) => Read<float>(group, field, rows, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when type == typeof(double) => Read<double>(group, field, rows, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when type == typeof(decimal) => Read<decimal>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(DateOnly) => Read<DateOnly>(group, field, rows, v => v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            _ when type == typeof(DateTime) => Read<DateTime>(group, field, rows, v => v.TimeOfDay == TimeSpan.Zero
                ? v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : v.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            _ when type == typeof(DateTimeOffset) => Read<DateTimeOffset>(group, field, rows, v => v.ToString("O", CultureInfo.InvariantCulture)),
            _ when type == typeof(TimeSpan) => Read<TimeSpan>(group, field, rows, v => v.ToString("c", CultureInfo.InvariantCulture)),
            _ => throw new NotSupportedException($"column '{field.Name}' has type {type.Name}, which is not supported"),
        };
    }

    private static string?[] Read<T>(ParquetRowGroupReader group, DataField field, int rows, Func<T, string> format)
        where T : struct
    {
        var text = new string?[rows];
        if (field.IsNullable)
        {
            var values = new T?[rows];
            group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < rows; i++)
            {
                text[i] = values[i] is { } v ? format(v) : null;
            }
        }
        else
        {
            var values = new T[rows];
            group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < rows; i++)
            {
                text[i] = format(values[i]);
            }
        }

        return text;
    }
}
