using System.Globalization;
using Parquet;
using Parquet.Schema;

using CsScoring.Data;

namespace CsScoring.Training.Data;

/// <summary>Parquet files for <see cref="TabularReader.Open"/>: registered by the console at start-up.</summary>
internal sealed class ParquetFormat : ITabularFormat
{
    /// <summary>The one instance.</summary>
    public static ParquetFormat Instance { get; } = new();

    /// <inheritdoc/>
    public bool CanOpen(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && File.Exists(path);

    /// <inheritdoc/>
    public TabularReader Open(string path) => ParquetTableReader.Open(path);
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

    private ParquetTableReader(ParquetReader reader, DataField[] fields, string source)
    {
        _reader = reader;
        _fields = fields;
        _columns = [.. fields.Select(f => f.Name)];
        _source = source;
    }

    public override string SourceName => _source;

    public override IReadOnlyList<string> Columns => _columns;

    public override long RowNumber => _row;

    public static new ParquetTableReader Open(string path)
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

            return new ParquetTableReader(reader, [.. data], source);
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
