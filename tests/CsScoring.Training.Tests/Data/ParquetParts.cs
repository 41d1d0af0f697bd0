using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace CsScoring.Training.Tests.Data;

/// <summary>
/// Writes a CSV table as a folder of Parquet part files the way Spark does (<c>part-0000N-*.parquet</c> with
/// <c>_SUCCESS</c>, <c>_committed_*</c> and <c>.crc</c> files beside them), with typed columns: dates as timestamps,
/// numbers as doubles, the named flag columns as booleans.
/// </summary>
internal static class ParquetParts
{
    public static string Write(string csvPath, string folder, int parts, params string[] booleans) =>
        WriteAsync(csvPath, folder, parts, booleans).GetAwaiter().GetResult();

    private static async Task<string> WriteAsync(string csvPath, string folder, int parts, string[] booleans)
    {
        Directory.CreateDirectory(folder);
        var lines = File.ReadAllLines(csvPath);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var fields = new DataField[header.Length];
        for (var c = 0; c < header.Length; c++)
        {
            var values = rows.Select(r => r[c]).Where(v => v.Length > 0).ToArray();
            fields[c] = booleans.Contains(header[c]) ? new DataField<bool?>(header[c])
                : values.All(v => DateTime.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) ? new DataField<DateTime?>(header[c])
                : values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) ? new DataField<double?>(header[c])
                : new DataField<string>(header[c]);
        }

        var schema = new ParquetSchema(fields);
        var perPart = (rows.Length + parts - 1) / parts;
        for (var p = 0; p < parts; p++)
        {
            var slice = rows.Skip(p * perPart).Take(perPart).ToArray();
            var name = string.Create(CultureInfo.InvariantCulture, $"part-{p:00000}-7d3f1c2a-0b4e-4c55-9a61-3f1e2d4c5b6a-c000.snappy.parquet");
            await using (var stream = File.Create(Path.Combine(folder, name)))
            await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
            using (var group = writer.CreateRowGroup())
            {
                for (var c = 0; c < fields.Length; c++)
                {
                    var column = slice.Select(r => r[c]).ToArray();
                    Task task = fields[c] switch
                    {
                        DataField<bool?> f => group.WriteAsync<bool>(f, column.Select(v => v.Length == 0 ? (bool?)null : v == "1").ToArray()),
                        DataField<DateTime?> f => group.WriteAsync<DateTime>(f, column.Select(v => v.Length == 0 ? (DateTime?)null
                            : DateTime.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray()),
                        DataField<double?> f => group.WriteAsync<double>(f, column.Select(v => v.Length == 0 ? (double?)null
                            : double.Parse(v, CultureInfo.InvariantCulture)).ToArray()),
                        var f => group.WriteAsync((DataField<string>)f, column.Select(v => v.Length == 0 ? null : v).ToArray()),
                    };
                    await task;
                }
            }

            File.WriteAllBytes(Path.Combine(folder, "." + name + ".crc"), [1, 2, 3, 4]);
        }

        File.WriteAllText(Path.Combine(folder, "_SUCCESS"), string.Empty);
        File.WriteAllText(Path.Combine(folder, "_committed_5512345"), "{\"added\":[]}");
        return folder;
    }
}
