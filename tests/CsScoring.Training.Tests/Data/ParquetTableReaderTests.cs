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
}
