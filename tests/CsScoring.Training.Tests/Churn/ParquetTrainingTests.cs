using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;
using Parquet;
using Parquet.Schema;

namespace CsScoring.Training.Tests.Churn;

public sealed class ParquetTrainingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-parquet-train-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Train_ParquetFile_TrainsLikeCsv()
    {
        var path = Path.Combine(_directory, "accounts.parquet");
        var random = new Random(4);
        var rows = 400;
        var usage = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.05 ? (double?)null : Math.Round(random.NextDouble() * 100, 1)).ToArray();
        var plan = Enumerable.Range(0, rows).Select(_ => random.Next(2) == 0 ? "basic" : "pro").ToArray();
        var churned = usage.Select((u, i) => random.NextDouble() < ((u ?? 50) < 30 ? 0.5 : 0.08) + (plan[i] == "basic" ? 0.05 : 0) ? "Yes" : "No").ToArray();
        var usageField = new DataField<double?>("usage");
        var planField = new DataField<string>("plan");
        var churnField = new DataField<string>("churned");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(usageField, planField, churnField), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(usageField, usage);
            await group.WriteAsync(planField, plan);
            await group.WriteAsync(churnField, churned);
        }

        var (code, stdout, error) = CliAppTests.Run("train", "--data", path, "--label", "churned", "--out", Path.Combine(_directory, "model"),
            "--trees", "20", "--folds", "3", "--json");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(rows, json.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(
            ["plan=basic", "plan=pro", "usage", "usage_missing"],
            json.RootElement.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.True(json.RootElement.GetProperty("validation").GetProperty("auc").GetDouble() > 0.6);
    }
}
