using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Run;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_OnAGeneratedSample_WritesReportAndSummary()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 400, Months = 15 }, data);
        var output = Path.Combine(_directory, "out");

        var (code, stdout, error) = CliAppTests.Run("run", "--data", data, "--out", output, "--json", "--quiet");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("data").GetProperty("accounts").GetInt32() > 0);
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
        Assert.True(File.Exists(Path.Combine(output, "summary.json")));
        var coverage = json.RootElement.GetProperty("coverage");
        Assert.True(coverage.GetProperty("accounts").GetInt32() > 0);
        Assert.True(coverage.GetProperty("csms_needed").GetDouble() > 0);
        var portfolio = File.ReadAllLines(Path.Combine(output, "portfolio.csv"));
        Assert.StartsWith("account_id,as_of,arr,expected_ltv,value_at_risk_90d,churn_probability", portfolio[0], StringComparison.Ordinal);
        Assert.Equal(coverage.GetProperty("accounts").GetInt32(), portfolio.Length - 1);
        Assert.Contains(portfolio, line => line.Contains(",high_touch,", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(output, "plan.json")));
        foreach (var artifact in json.RootElement.GetProperty("artifacts").EnumerateArray())
        {
            Assert.True(File.Exists(Path.Combine(output, artifact.GetString()!)) || Directory.Exists(Path.Combine(output, artifact.GetString()!)));
        }
    }

    [Fact]
    public void Run_ExistingOutputWithoutForce_IsBadInputAndKeepsIt()
    {
        var output = Path.Combine(_directory, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "old.txt"), "old");
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 20, Months = 8 }, data);

        var (code, _, _) = CliAppTests.Run("run", "--data", data, "--out", output, "-q");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("old", File.ReadAllText(Path.Combine(output, "old.txt")));
    }

    [Fact]
    public void Run_DataWithABadCell_IsBadInputNamingFileRowAndColumn()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 20, Months = 8 }, data);
        var accounts = Path.Combine(data, "accounts.csv");
        var lines = File.ReadAllLines(accounts);
        var fields = lines[3].Split(',');
        fields[1] = "20x5-01-31";
        lines[3] = string.Join(',', fields);
        File.WriteAllLines(accounts, lines);

        var (code, _, error) = CliAppTests.Run("run", "--data", data, "--out", Path.Combine(_directory, "out"), "-q");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("accounts.csv, row 3", error, StringComparison.Ordinal);
        Assert.Contains("as_of", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
    }
}
