using System.Globalization;
using System.Text;
using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn;

/// <summary>Training on exports as R, pandas, Excel and European spreadsheets write them: the numbers must not change meaning.</summary>
public sealed class RealExportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-exports-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // 60 accounts; csat and usage_trend numeric, churn related to csat; row i gets the marker when i % 5 == 0.
    private string Write(string name, Func<int, (string Csat, string Trend, string Label)> row, char separator = ',', string header = "account_id,csat,usage_trend,churned")
    {
        var text = new StringBuilder(header.Replace(',', separator)).Append('\n');
        for (var i = 0; i < 60; i++)
        {
            var (csat, trend, label) = row(i);
            text.Append(CultureInfo.InvariantCulture, $"A{i}{separator}{csat}{separator}{trend}{separator}{label}\n");
        }

        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static string Label(int i) => i % 3 == 0 ? "Yes" : "No";

    private (int Code, JsonElement Json, string Error) Train(string data, params string[] extra)
    {
        var output = Path.Combine(_directory, "model-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, error) = CliAppTests.Run(["train", "--data", data, "--label", "churned", "--id", "account_id", "--out", output, "--trees", "5", "--trainer", "fasttree", "--json", .. extra]);
        return (code, code == ExitCodes.Success ? JsonDocument.Parse(stdout).RootElement.Clone() : default, error);
    }

    private static string KindOf(JsonElement summary, string column)
        => summary.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == column).GetProperty("kind").GetString()!;

    private static JsonElement Warning(JsonElement summary, string code)
        => summary.GetProperty("warnings").EnumerateArray().Single(w => w.GetProperty("code").GetString() == code);

    [Theory]
    [InlineData("NA")]
    [InlineData("NaN")]
    [InlineData("NULL")]
    [InlineData("N/A")]
    [InlineData("#N/A")]
    [InlineData("null")]
    [InlineData("None")]
    [InlineData("nan")]
    [InlineData("-")]
    [InlineData("\"\"")]
    [InlineData("#NULL!")]
    public void Train_MissingMarkersInNumericColumns_StayNumeric(string marker)
    {
        var data = Write("r.csv", i => (i % 5 == 0 ? marker : (1 + (i % 5)).ToString(CultureInfo.InvariantCulture), i % 5 == 0 ? marker : (0.1 * (i % 7)).ToString(CultureInfo.InvariantCulture), Label(i)));
        var (code, summary, error) = Train(data);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("numeric", KindOf(summary, "csat"));
        Assert.Equal("numeric", KindOf(summary, "usage_trend"));
    }

    [Fact]
    public void Train_UserMarker_IsMissingOnlyWhenNamed()
    {
        var data = Write("nd.csv", i => (i % 5 == 0 ? "n.d." : (1 + (i % 5)).ToString(CultureInfo.InvariantCulture), (0.1 * (i % 7)).ToString(CultureInfo.InvariantCulture), Label(i)));
        var (code, summary, error) = Train(data, "--na", "n.d.");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("numeric", KindOf(summary, "csat"));

        (code, summary, error) = Train(data);
        Assert.True(code == ExitCodes.Success, error);
        Assert.NotEqual("numeric", KindOf(summary, "csat"));
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public void Train_EuropeanExport_ReadsDecimalCommas(char separator)
    {
        var data = Write("eu.csv", i => ((1 + (i % 5)).ToString(CultureInfo.InvariantCulture) + ",5", "0," + (i % 7).ToString(CultureInfo.InvariantCulture) + "5", Label(i)), separator);
        var (code, summary, error) = Train(data);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("numeric", KindOf(summary, "csat"));
        Assert.Equal("numeric", KindOf(summary, "usage_trend"));
    }

    [Fact]
    public void Train_StatedDecimalComma_ReadsThousandPoints()
    {
        var data = Write("eu.csv", i => ("1." + (100 + i).ToString(CultureInfo.InvariantCulture) + ",5", "0,5", Label(i)), ';');
        var (code, summary, error) = Train(data, "--decimal", ",", "--delimiter", ";");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("numeric", KindOf(summary, "csat"));
    }

    [Fact]
    public void Train_InfinityInANumericColumn_IsMissingAndCounted()
    {
        var data = Write("inf.csv", i => (i % 10 == 0 ? "Infinity" : i % 10 == 5 ? "1e300" : (1 + (i % 5)).ToString(CultureInfo.InvariantCulture), "0.5", Label(i)));
        var (code, summary, error) = Train(data, "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("numeric", KindOf(summary, "csat"));
        var warning = Warning(summary, "non-finite-numbers");
        Assert.Equal("csat", warning.GetProperty("column").GetString());
        Assert.True(warning.GetProperty("count").GetInt64() >= 12);
        Assert.Contains("warning:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Yes")]
    [InlineData("yes")]
    [InlineData(" YES ")]
    public void Train_PositiveClass_MatchesAnyCaseAndReportsCounts(string positive)
    {
        var data = Write("case.csv", i => ((1 + (i % 5)).ToString(CultureInfo.InvariantCulture), "0.5", i % 3 == 0 ? (i % 2 == 0 ? "Yes" : "yes") : (i % 2 == 0 ? "No" : "no")));
        var (code, summary, error) = Train(data, "--positive", positive);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(20, summary.GetProperty("positives").GetInt32());
        Assert.Equal(40, summary.GetProperty("negatives").GetInt32());
    }

    [Fact]
    public void Train_RepeatedSnapshotWithTheSameLabel_IsCounted()
    {
        var path = Path.Combine(_directory, "dup.csv");
        var text = new StringBuilder("account_id,as_of,csat,churned\n");
        for (var i = 0; i < 60; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"A{i},{(i % 2 == 0 ? "2024-01-31" : "2024-02-29")},{1 + (i % 5)},{Label(i)}\n");
        }

        text.Append("A1,2024-02-29,2,No\nA2,2024-01-31,3,No\n");
        File.WriteAllText(path, text.ToString());
        var (code, summary, error) = Train(path, "--time", "as_of");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(2, Warning(summary, "duplicate-rows").GetProperty("count").GetInt64());
    }

    [Fact]
    public void Train_LongNote_IsReadWithTheDefaultLimit()
    {
        var note = new string('n', 300_000);
        var data = Write("notes.csv", i => ((1 + (i % 5)).ToString(CultureInfo.InvariantCulture), i == 7 ? $"\"{note}\"" : "x", Label(i)), header: "account_id,csat,note,churned");
        var (code, _, error) = Train(data);
        Assert.True(code == ExitCodes.Success, error);
    }

    [Fact]
    public void Train_UndecodableBytes_AreCounted()
    {
        var path = Path.Combine(_directory, "latin1.csv");
        var bytes = new List<byte>(Encoding.UTF8.GetBytes("account_id,csat,city,churned\n"));
        for (var i = 0; i < 60; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"A{i},{1 + (i % 5)},")));
            bytes.AddRange(i % 2 == 0 ? Encoding.Latin1.GetBytes("Évry") : Encoding.UTF8.GetBytes("Paris"));
            bytes.AddRange(Encoding.UTF8.GetBytes($",{Label(i)}\n"));
        }

        File.WriteAllBytes(path, [.. bytes]);
        var (code, summary, error) = Train(path, "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        var warning = Warning(summary, "undecodable-bytes");
        Assert.Equal("city", warning.GetProperty("column").GetString());
        Assert.True(warning.GetProperty("count").GetInt64() >= 30);
    }
}
