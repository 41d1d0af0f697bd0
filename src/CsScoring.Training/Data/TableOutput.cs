using System.Globalization;
using CsScoring.Data;
using Parquet;
using Parquet.Schema;
using Sylvan.Data.Csv;

namespace CsScoring.Training.Data;

/// <summary>
/// Writes a table a command produces in the format its file name asks for: <c>.csv</c> as CSV, <c>.parquet</c> as
/// one Parquet file with typed columns (see <see cref="ParquetTableWriter"/>). Any other name is refused before any
/// work is done (<see cref="Cli.TableOutputName.Check"/>). Both are written atomically: a failed run leaves what was
/// there before, and an existing file is replaced only with <c>overwrite</c>.
/// </summary>
/// <example>
/// <code>
/// TableOutput.WriteText(settings.Out!, text => WriteRows(text, rows), overwrite: settings.Force);
/// </code>
/// </example>
internal static class TableOutput
{
    /// <summary>The extensions a table output may have, in the order error messages list them.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".csv", ".parquet"];

    /// <summary>Whether the path names a Parquet output.</summary>
    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes CSV text to <paramref name="path"/>, or its Parquet form when the name ends in <c>.parquet</c>.</summary>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void WriteText(string path, Action<TextWriter> write, bool overwrite)
        => Write(path, overwrite, csvPath => AtomicOutput.WriteText(csvPath, write, overwrite));

    /// <summary>
    /// Has <paramref name="writeCsv"/> write a CSV file (for writers that take a path, such as the library's scoring
    /// job) and leaves it at <paramref name="path"/>, converted to Parquet when the name asks for it.
    /// </summary>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void Write(string path, bool overwrite, Action<string> writeCsv)
        => Write<object?>(path, overwrite, csvPath =>
        {
            writeCsv(csvPath);
            return null;
        });

    /// <summary>As <see cref="Write(string, bool, Action{string})"/>, returning what the CSV writer returns.</summary>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static T Write<T>(string path, bool overwrite, Func<string, T> writeCsv)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeCsv);
        if (!IsParquet(path))
        {
            return writeCsv(path);
        }

        var full = Path.GetFullPath(path);
        if (!overwrite && File.Exists(full))
        {
            throw new OutputExistsException($"Output file '{path}' already exists; pass --force to replace it.", path);
        }

        // The CSV goes to a hidden sibling first (same disk, any size: it is streamed twice, never held in memory).
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var staging = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".csv");
        try
        {
            var result = writeCsv(staging);
            AtomicOutput.WriteFile(path, stream => ParquetTableWriter.FromCsv(staging, stream), overwrite);
            return result;
        }
        finally
        {
            File.Delete(staging);
        }
    }
}

/// <summary>
/// Converts a CSV table to Parquet with typed, nullable columns (blank cells are nulls): a column whose every value
/// is an integer becomes INT64, a number DOUBLE (numbers with padding such as <c>007</c> or <c>+5</c> stay text, so
/// zero-padded ids keep their digits), <c>true</c>/<c>false</c> BOOLEAN, a <c>yyyy-MM-dd</c> date a
/// DATE-like timestamp (midnight UTC), anything else UTF-8 strings. Column names and order are kept; rows go into
/// row groups of <see cref="RowGroupSize"/>, Snappy-compressed, so Spark, DuckDB, pandas and warehouses read the
/// file with the types a person would expect.
/// </summary>
internal static class ParquetTableWriter
{
    public const int RowGroupSize = 100_000;

    private enum Kind
    {
        Empty,
        Integer,
        Number,
        Boolean,
        Date,
        Text,
    }

    public static void FromCsv(string csvPath, Stream destination)
        => FromCsvAsync(csvPath, destination).GetAwaiter().GetResult();

    private static async Task FromCsvAsync(string csvPath, Stream destination)
    {
        var (names, kinds) = Infer(csvPath);
        var fields = names.Select((name, c) => kinds[c] switch
        {
            Kind.Integer => (DataField)new DataField<long?>(name),
            Kind.Number => new DataField<double?>(name),
            Kind.Boolean => new DataField<bool?>(name),
            Kind.Date => new DataField<DateTime?>(name),
            _ => new DataField<string>(name, true),
        }).ToArray();

        if (names.Count == 0)
        {
            throw new InvalidDataException($"'{csvPath}' has no columns to write as Parquet.");
        }

        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), destination, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy });
        using var csv = Open(csvPath);
        var cells = new List<string?>[names.Count];
        for (var c = 0; c < cells.Length; c++)
        {
            cells[c] = new List<string?>(RowGroupSize);
        }

        var groups = 0;
        while (true)
        {
            var more = csv.Read();
            if (more)
            {
                for (var c = 0; c < cells.Length; c++)
                {
                    var cell = c < csv.FieldCount ? csv.GetString(c) : string.Empty;
                    cells[c].Add(cell.Length == 0 ? null : cell);
                }
            }

            // A table with a header and no rows still gets one (empty) row group, so readers see its columns.
            if ((cells[0].Count > 0 || groups == 0) && (!more || cells[0].Count == RowGroupSize))
            {
                groups++;
                using var group = writer.CreateRowGroup();
                for (var c = 0; c < cells.Length; c++)
                {
                    await WriteColumn(group, fields[c], cells[c]);
                    cells[c].Clear();
                }
            }

            if (!more)
            {
                break;
            }
        }
    }

    private static Task WriteColumn(ParquetRowGroupWriter group, DataField field, List<string?> cells) => field switch
    {
        DataField<long?> f => group.WriteAsync<long>(f, cells.Select(v => v is null ? (long?)null : long.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray()),
        DataField<double?> f => group.WriteAsync<double>(f, cells.Select(v => v is null ? (double?)null : double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()),
        DataField<bool?> f => group.WriteAsync<bool>(f, cells.Select(v => v is null ? (bool?)null : bool.Parse(v)).ToArray()),
        DataField<DateTime?> f => group.WriteAsync<DateTime>(f, cells.Select(v => v is null ? (DateTime?)null
            : DateTime.SpecifyKind(DateTime.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture), DateTimeKind.Utc)).ToArray()),
        _ => group.WriteAsync((DataField<string>)field, cells.ToArray()),
    };

    // The narrowest type every non-blank value of each column fits.
    private static (List<string> Names, Kind[] Kinds) Infer(string csvPath)
    {
        using var csv = Open(csvPath);
        var names = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToList();
        var kinds = new Kind[names.Count];
        while (csv.Read())
        {
            for (var c = 0; c < kinds.Length; c++)
            {
                var cell = c < csv.FieldCount ? csv.GetString(c) : string.Empty;
                if (cell.Length > 0)
                {
                    kinds[c] = Widen(kinds[c], cell);
                }
            }
        }

        return (names, kinds);
    }

    private static Kind Widen(Kind kind, string cell)
    {
        if (kind == Kind.Text)
        {
            return kind;
        }

        // Only numbers written the way numbers are: "00123" or "+5" stay text, so zero-padded ids keep their digits.
        var numeric = !HasPaddedDigits(cell);
        if (kind is Kind.Empty or Kind.Integer && numeric && long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            && integer.ToString(CultureInfo.InvariantCulture) == cell)
        {
            return Kind.Integer;
        }

        if (kind is Kind.Empty or Kind.Integer or Kind.Number && numeric && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return Kind.Number;
        }

        if (kind is Kind.Empty or Kind.Boolean && cell is "true" or "false")
        {
            return Kind.Boolean;
        }

        if (kind is Kind.Empty or Kind.Date && cell.Length == 10 && DateTime.TryParseExact(cell, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return Kind.Date;
        }

        return Kind.Text;
    }

    // A leading '+', whitespace, or a leading zero followed by another digit ("007", "-01.5").
    private static bool HasPaddedDigits(string cell)
    {
        var digits = cell.AsSpan().TrimStart('-');
        return cell.Length == 0 || cell[0] == '+' || char.IsWhiteSpace(cell[0]) || char.IsWhiteSpace(cell[^1])
            || (digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit(digits[1]));
    }

    private static CsvDataReader Open(string path)
        => CsvDataReader.Create(path, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' });
}
