using CsScoring.Churn.Features;
using CsScoring.Data;
using CsScoring.Training.Data;
using Parquet;
using Parquet.Schema;

namespace CsScoring.Training.Tests.Data;

public sealed class ParquetTableReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-parquet-").FullName;

    public ParquetTableReaderTests() => TabularReader.RegisterFormat(ParquetFormat.Instance);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static async Task WriteAsync(string path, int rows, int rowGroups)
    {
        var id = new DataField<string>("account_id");
        var asOf = new DataField<DateTime>("as_of");
        var seats = new DataField<double?>("seats");
        var plan = new DataField<string>("plan");
        var sponsor = new DataField<bool>("sponsor");
        var churned = new DataField<int>("churned");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, asOf, seats, plan, sponsor, churned), stream);
        var perGroup = rows / rowGroups;
        for (var g = 0; g < rowGroups; g++)
        {
            var range = Enumerable.Range(g * perGroup, g == rowGroups - 1 ? rows - (g * perGroup) : perGroup).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, range.Select(i => $"A{i:000}").ToArray());
            await group.WriteAsync<DateTime>(asOf, range.Select(i => new DateTime(2024, 1, 31).AddMonths(i % 12)).ToArray());
            await group.WriteAsync<double>(seats, range.Select(i => i % 7 == 0 ? (double?)null : i * 1.5).ToArray());
            await group.WriteAsync(plan, range.Select(i => i % 3 == 0 ? "pro" : "basic").ToArray());
            await group.WriteAsync<bool>(sponsor, range.Select(i => i % 2 == 0).ToArray());
            await group.WriteAsync<int>(churned, range.Select(i => i % 5 == 0 ? 1 : 0).ToArray());
        }
    }

    [Fact]
    public async Task Open_ParquetFile_StreamsRowsAcrossRowGroupsAsText()
    {
        var path = Path.Combine(_directory, "accounts.parquet");
        await WriteAsync(path, rows: 25, rowGroups: 3);

        using var reader = TabularReader.Open(path);
        Assert.Equal(["account_id", "as_of", "seats", "plan", "sponsor", "churned"], reader.Columns);
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.Columns.Count).Select(reader.GetString)]);
        }

        Assert.Equal(25, rows.Count);
        Assert.Equal(25, reader.RowNumber);
        Assert.Equal(["A000", "2024-01-31", string.Empty, "pro", "true", "1"], rows[0]);
        Assert.Equal(["A001", "2024-02-29", "1.5", "basic", "false", "0"], rows[1]);
        Assert.Equal(new DateOnly(2024, 1, 31), ReadFirstDate(path));
    }

    [Fact]
    public async Task FeatureMapper_MapsParquetRowsLikeCsvRows()
    {
        var parquet = Path.Combine(_directory, "accounts.parquet");
        await WriteAsync(parquet, rows: 10, rowGroups: 2);
        var csv = Path.Combine(_directory, "accounts.csv");
        using (var reader = TabularReader.Open(parquet))
        {
            var lines = new List<string> { string.Join(',', reader.Columns) };
            while (reader.Read())
            {
                lines.Add(string.Join(',', Enumerable.Range(0, reader.Columns.Count).Select(reader.GetString)));
            }

            File.WriteAllLines(csv, lines);
        }

        var mapper = new FeatureMapper(new FeatureSchema(
            [FeatureColumn.Numeric("seats", 0, true), FeatureColumn.Categorical("plan", ["pro", "basic"]), FeatureColumn.Boolean("sponsor", 0)], "as_of"));
        Assert.Equal(MapAll(mapper, parquet), MapAll(mapper, csv));
    }

    [Fact]
    public void Open_NotParquet_ThrowsDataFormatException()
    {
        var path = Path.Combine(_directory, "broken.parquet");
        File.WriteAllText(path, "this is not parquet");
        var error = Assert.Throws<DataFormatException>(() => TabularReader.Open(path));
        Assert.Equal("broken.parquet", error.SourceName);
    }

    [Fact]
    public async Task Open_PartFolder_StreamsThePartsInNameOrderAsOneTable_IgnoringMarkerFiles()
    {
        var folder = Path.Combine(_directory, "table");
        Directory.CreateDirectory(folder);
        await WriteAsync(Path.Combine(folder, "part-00001-b.snappy.parquet"), rows: 7, rowGroups: 2);
        await WriteAsync(Path.Combine(folder, "part-00000-a.snappy.parquet"), rows: 5, rowGroups: 1);
        File.WriteAllText(Path.Combine(folder, "_SUCCESS"), string.Empty);
        File.WriteAllText(Path.Combine(folder, "_committed_123"), "{}");
        File.WriteAllText(Path.Combine(folder, ".part-00000-a.snappy.parquet.crc"), "crc");
        File.WriteAllText(Path.Combine(folder, "_temporary.parquet"), "not a part");

        Assert.True(ParquetFormat.Instance.CanOpen(folder));
        using var reader = TabularReader.Open(folder);
        var id = reader.GetOrdinal("account_id");
        var seen = new List<(long Row, string Id, string Source)>();
        while (reader.Read())
        {
            seen.Add((reader.RowNumber, reader.GetString(id), reader.SourceName));
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), seen.Select(s => s.Row));
        Assert.Equal(["A000", "A001", "A002", "A003", "A004", "A000", "A001", "A002", "A003", "A004", "A005", "A006"], seen.Select(s => s.Id));
        Assert.Equal(Path.Combine("table", "part-00000-a.snappy.parquet"), seen[4].Source);
        Assert.Equal(Path.Combine("table", "part-00001-b.snappy.parquet"), seen[5].Source);
        Assert.Equal("table", reader.SourceName);
    }

    [Fact]
    public void CanOpen_FolderWithoutParquetParts_IsFalse()
    {
        var folder = Path.Combine(_directory, "csv-folder");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "accounts.csv"), "a,b\n1,2\n");
        Assert.False(ParquetFormat.Instance.CanOpen(folder));
    }

    [Fact]
    public async Task Read_PartWithAnotherSchema_NamesThePartAndTheColumn()
    {
        var folder = Path.Combine(_directory, "mixed");
        Directory.CreateDirectory(folder);
        await WriteAsync(Path.Combine(folder, "part-00000.parquet"), rows: 3, rowGroups: 1);
        var other = new DataField<string>("account_id");
        var plan = new DataField<string>("tier");
        await using (var stream = File.Create(Path.Combine(folder, "part-00001.parquet")))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(other, plan), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(other, ["B1"]);
            await group.WriteAsync(plan, ["gold"]);
        }

        using var reader = TabularReader.Open(folder);
        var error = Assert.Throws<DataFormatException>(() =>
        {
            while (reader.Read())
            {
            }
        });
        Assert.Equal(Path.Combine("mixed", "part-00001.parquet"), error.SourceName);
        Assert.Equal("as_of", error.Column);
        Assert.Contains("one schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_PartWithAColumnOfAnotherType_NamesThePartAndTheColumn()
    {
        var folder = Path.Combine(_directory, "typed");
        Directory.CreateDirectory(folder);
        await WriteAsync(Path.Combine(folder, "part-00000.parquet"), rows: 3, rowGroups: 1);
        var id = new DataField<string>("account_id");
        var asOf = new DataField<string>("as_of");
        var seats = new DataField<double?>("seats");
        var planField = new DataField<string>("plan");
        var sponsor = new DataField<bool>("sponsor");
        var churned = new DataField<int>("churned");
        await using (var stream = File.Create(Path.Combine(folder, "part-00001.parquet")))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, asOf, seats, planField, sponsor, churned), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, ["B1"]);
            await group.WriteAsync(asOf, ["2024-01-31"]);
            await group.WriteAsync<double>(seats, new double?[] { 1.0 });
            await group.WriteAsync(planField, ["pro"]);
            await group.WriteAsync<bool>(sponsor, new[] { true });
            await group.WriteAsync<int>(churned, new[] { 0 });
        }

        using var reader = TabularReader.Open(folder);
        var error = Assert.Throws<DataFormatException>(() =>
        {
            while (reader.Read())
            {
            }
        });
        Assert.Equal(Path.Combine("typed", "part-00001.parquet"), error.SourceName);
        Assert.Equal("as_of", error.Column);
    }

    [Fact]
    public async Task GetDate_BadValueInALaterPart_NamesThatPartAndTheContinuedRow()
    {
        var folder = Path.Combine(_directory, "late");
        Directory.CreateDirectory(folder);
        await WriteAsync(Path.Combine(folder, "part-00000.parquet"), rows: 4, rowGroups: 1);
        await WriteAsync(Path.Combine(folder, "part-00001.parquet"), rows: 4, rowGroups: 1);
        using var reader = TabularReader.Open(folder);
        var plan = reader.GetOrdinal("plan");
        DataFormatException? error = null;
        while (reader.Read() && error is null)
        {
            if (reader.RowNumber == 6)
            {
                error = Assert.Throws<DataFormatException>(() => reader.GetDate(plan));
            }
        }

        Assert.NotNull(error);
        Assert.Equal(Path.Combine("late", "part-00001.parquet"), error.SourceName);
        Assert.Equal(6, error.Row);
    }

    private static DateOnly ReadFirstDate(string path)
    {
        using var reader = TabularReader.Open(path);
        Assert.True(reader.Read());
        return reader.GetDate(reader.GetOrdinal("as_of"));
    }

    private static List<float[]> MapAll(FeatureMapper mapper, string path)
    {
        using var reader = TabularReader.Open(path);
        var rows = new List<float[]>();
        while (reader.Read())
        {
            var features = new float[mapper.FeatureCount];
            mapper.Map(reader, features);
            rows.Add(features);
        }

        return rows;
    }

    [Fact]
    public void Open_StringCellsWithMarkers_AreMissing_AndACsvDecimalCommaDoesNotApply()
    {
        var csv = Path.Combine(_directory, "export.csv");
        File.WriteAllText(csv, "id,csat\nA,4.5\nB,NA\nC,n.d.\nD,#N/A\n");
        var folder = ParquetParts.Write(csv, Path.Combine(_directory, "export"), parts: 1);
        var options = new TabularReadOptions { MissingValues = ["n.d."], DecimalMark = ',' };
        var values = new List<double>();
        using (var reader = TabularReader.Open(folder, options))
        {
            while (reader.Read())
            {
                values.Add(reader.GetDoubleOrNaN(1));
            }
        }

        Assert.Equal([4.5, double.NaN, double.NaN, double.NaN], values);
    }
}
