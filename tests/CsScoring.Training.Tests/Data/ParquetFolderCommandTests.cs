using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Health;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Data;

/// <summary>
/// Every command that reads accounts takes a Spark-style folder of Parquet parts with boolean flag and label columns,
/// and gives what it gives for the same rows as CSV.
/// </summary>
public sealed class ParquetFolderCommandTests(ParquetFolderCommandTests.PartsFixture sample) : IClassFixture<ParquetFolderCommandTests.PartsFixture>
{
    [Fact]
    public void Train_PartFolder_TrainsOnEveryRowOfEveryPart()
    {
        Assert.Equal(sample.LabelledRows, sample.TrainRows);
    }

    [Fact]
    public void Predict_PartFolder_WritesTheSameScoresAsTheCsv()
    {
        var fromParts = Path.Combine(sample.Directory, "p-" + Guid.NewGuid().ToString("N") + ".csv");
        var fromCsv = Path.Combine(sample.Directory, "c-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Parts, "--out", fromParts, "--explain", "2", "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", fromCsv, "--explain", "2", "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(sample.Rows + 1, File.ReadAllLines(fromParts).Length);
        Assert.Equal(File.ReadAllText(fromCsv), File.ReadAllText(fromParts));
    }

    [Fact]
    public void Evaluate_PartFolder_ReportsTheSameMetricsAsTheCsv()
    {
        var (code, parts, error) = CliAppTests.Run("evaluate", "--model", sample.Model, "--data", sample.Parts, "--json");
        Assert.True(code == ExitCodes.Success, error);
        (code, var csv, error) = CliAppTests.Run("evaluate", "--model", sample.Model, "--data", sample.Accounts, "--json");
        Assert.True(code == ExitCodes.Success, error);
        using var a = JsonDocument.Parse(parts);
        using var b = JsonDocument.Parse(csv);
        Assert.Equal(sample.LabelledRows, a.RootElement.GetProperty("labelled_rows").GetInt32());
        Assert.Equal(b.RootElement.GetProperty("metrics").GetRawText(), a.RootElement.GetProperty("metrics").GetRawText());
        Assert.Equal(b.RootElement.GetProperty("max_psi").GetRawText(), a.RootElement.GetProperty("max_psi").GetRawText());
    }

    [Fact]
    public void HealthScore_PartFolderWithBooleanColumns_WritesTheSameScoresAsTheCsv()
    {
        var fromParts = Path.Combine(sample.Directory, "hp-" + Guid.NewGuid().ToString("N") + ".csv");
        var fromCsv = Path.Combine(sample.Directory, "hc-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, _, error) = CliAppTests.Run("health", "score", "--data", sample.Parts, "--scorecard", sample.Scorecard, "--out", fromParts, "-q");
        Assert.True(code == ExitCodes.Success, error);
        (code, _, error) = CliAppTests.Run("health", "score", "--data", sample.Accounts, "--scorecard", sample.Scorecard, "--out", fromCsv, "-q");
        Assert.True(code == ExitCodes.Success, error);
        Assert.True(File.ReadAllLines(fromParts).Length > 1);
        Assert.Equal(File.ReadAllText(fromCsv), File.ReadAllText(fromParts));
    }

    [Fact]
    public void HealthBacktest_PartFolderWithBooleanLabel_MatchesTheCsv()
    {
        var (code, parts, error) = CliAppTests.Run("health", "backtest", "--data", sample.Parts, "--scorecard", sample.Scorecard, "--horizon-days", "90", "--json");
        Assert.True(code == ExitCodes.Success, error);
        (code, var csv, error) = CliAppTests.Run("health", "backtest", "--data", sample.Accounts, "--scorecard", sample.Scorecard, "--horizon-days", "90", "--json");
        Assert.True(code == ExitCodes.Success, error);
        using var a = JsonDocument.Parse(parts);
        using var b = JsonDocument.Parse(csv);
        Assert.InRange(a.RootElement.GetProperty("auc").GetDouble(), 0.6, 1.0);
        Assert.Equal(b.RootElement.GetProperty("auc").GetDouble(), a.RootElement.GetProperty("auc").GetDouble());
        Assert.Equal(b.RootElement.GetProperty("bands").GetRawText(), a.RootElement.GetProperty("bands").GetRawText());
    }

    /// <summary>A generated sample as CSV and as three Parquet parts, and a model trained from the parts.</summary>
    public sealed class PartsFixture : IDisposable
    {
        public PartsFixture()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("csscoring-parts-").FullName;
            var data = Path.Combine(Directory, "data");
            System.IO.Directory.CreateDirectory(data);
            SampleGenerator.Generate(new SampleOptions { Accounts = 250, Months = 12 }, data);
            Accounts = Path.Combine(data, "accounts.csv");
            var lines = File.ReadAllLines(Accounts);
            Rows = lines.Length - 1;
            var label = Array.IndexOf(lines[0].Split(','), "churned_within_90d");
            LabelledRows = lines.Skip(1).Count(l => l.Split(',')[label].Length > 0);
            Parts = ParquetParts.Write(Accounts, Path.Combine(Directory, "accounts"), 3, "onboarding_completed", "executive_sponsor", "churned_within_90d");
            Scorecard = Path.Combine(Directory, "scorecard.json");
            using (var stream = typeof(ScorecardSource).Assembly.GetManifestResourceStream("CsScoring.Training.Health.default-scorecard.json")!)
            using (var file = File.Create(Scorecard))
            {
                stream.CopyTo(file);
            }

            Model = Path.Combine(Directory, "model");
            var (code, stdout, error) = CliAppTests.Run("train", "--data", Parts, "--label", "churned_within_90d", "--id", "account_id", "--time", "as_of",
                "--trainer", "fasttree", "--out", Model, "--json", "--quiet");
            Assert.True(code == ExitCodes.Success, error);
            using var json = JsonDocument.Parse(stdout);
            TrainRows = json.RootElement.GetProperty("rows").GetInt32();
        }

        public string Directory { get; }

        public string Accounts { get; }

        public string Parts { get; }

        public string Scorecard { get; }

        public string Model { get; }

        public int Rows { get; }

        public int LabelledRows { get; }

        public int TrainRows { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
