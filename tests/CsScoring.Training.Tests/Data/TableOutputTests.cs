using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Training.Data;
using CsScoring.Training.Tests.Churn;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Data;

public sealed class TableOutputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-table-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteText_ParquetName_RoundTripsTypedColumnsAndBlanks()
    {
        var path = Path.Combine(_directory, "out.parquet");
        const string Csv = "id,count,share,flag,day,note,code\na1,12,0.5,true,2024-01-31,\"x, y\",007\na2,,1e-7,false,,plain,12\na3,-3,2,,2024-02-29,,+5\n";

        TableOutput.WriteText(path, text => text.Write(Csv), overwrite: false);

        using var reader = TabularReader.Open(path);
        Assert.Equal(["id", "count", "share", "flag", "day", "note", "code"], reader.Columns);
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.Columns.Count).Select(reader.GetString)]);
        }

        Assert.Equal(["a1", "12", "0.5", "true", "2024-01-31", "x, y", "007"], rows[0]);
        Assert.Equal(["a2", "", "1E-07", "false", "", "plain", "12"], rows[1]);
        Assert.Equal(["a3", "-3", "2", "", "2024-02-29", "", "+5"], rows[2]);
        Assert.Equal(["out.parquet"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteText_ParquetExistsWithoutOverwrite_ThrowsAndKeepsTheFile()
    {
        var path = Path.Combine(_directory, "out.parquet");
        File.WriteAllText(path, "old");

        Assert.Throws<OutputExistsException>(() => TableOutput.WriteText(path, text => text.Write("a\n1\n"), overwrite: false));

        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void WriteText_WriterFails_LeavesNoFileAndNoStaging()
    {
        var path = Path.Combine(_directory, "out.parquet");

        Assert.Throws<InvalidOperationException>(() => TableOutput.WriteText(path, _ => throw new InvalidOperationException("boom"), overwrite: true));

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Predict_ParquetOut_HoldsTheSameRowsAsTheCsv()
    {
        var data = TelecomData.Write(_directory, rows: 300);
        var model = Path.Combine(_directory, "model");
        var (code, _, error) = CliAppTests.Run("train", "--data", data, "--label", "Churn", "--id", "customerID", "--trees", "5", "--folds", "2", "--out", model, "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        var csv = Path.Combine(_directory, "p.csv");
        var parquet = Path.Combine(_directory, "p.parquet");

        (code, _, error) = CliAppTests.Run("predict", "--model", model, "--data", data, "--out", csv, "--explain", "2", "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        (code, _, error) = CliAppTests.Run("predict", "--model", model, "--data", data, "--out", parquet, "--explain", "2", "--quiet");
        Assert.True(code == ExitCodes.Success, error);

        var fromCsv = ReadAll(csv);
        var fromParquet = ReadAll(parquet);
        Assert.Equal(fromCsv[0], fromParquet[0]);
        Assert.Equal(301, fromParquet.Count);
        var probability = fromCsv[0].ToList().IndexOf("churn_probability");
        for (var r = 1; r < fromCsv.Count; r++)
        {
            Assert.Equal(fromCsv[r][0], fromParquet[r][0]);
            Assert.Equal(double.Parse(fromCsv[r][probability], System.Globalization.CultureInfo.InvariantCulture), double.Parse(fromParquet[r][probability], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static List<string[]> ReadAll(string path)
    {
        using var reader = TabularReader.Open(path);
        var rows = new List<string[]> { reader.Columns.ToArray() };
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.Columns.Count).Select(reader.GetString)]);
        }

        return rows;
    }
}
