using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string TrainModel(string data)
    {
        var model = Path.Combine(_directory, "model");
        var (code, _, error) = CliAppTests.Run("train", "--data", data, "--label", "Churn", "--out", model, "--trees", "20", "--folds", "3", "-q");
        Assert.True(code == ExitCodes.Success, error);
        return model;
    }

    [Fact]
    public void Evaluate_SameDistribution_ReportsMetricsAndNoDrift()
    {
        var model = TrainModel(TelecomData.Write(_directory));
        var fresh = TelecomData.Write(_directory, rows: 500, seed: 99, name: "fresh.csv");

        var (code, stdout, error) = CliAppTests.Run("evaluate", "--model", model, "--data", fresh, "--json");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(500, root.GetProperty("labelled_rows").GetInt32());
        Assert.InRange(root.GetProperty("metrics").GetProperty("auc").GetDouble(), 0.65, 1);
        Assert.True(root.GetProperty("metrics").TryGetProperty("brier", out _));
        Assert.InRange(root.GetProperty("max_psi").GetDouble(), 0, 0.1);
    }

    [Fact]
    public void Evaluate_ShiftedFeature_FlagsItsDrift()
    {
        var model = TrainModel(TelecomData.Write(_directory));
        var shifted = TelecomData.Write(_directory, rows: 500, seed: 99, name: "shifted.csv", tenureShift: _ => 60);

        var (code, stdout, error) = CliAppTests.Run("evaluate", "--model", model, "--data", shifted, "--json");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var top = json.RootElement.GetProperty("drift")[0];
        Assert.Equal("tenure", top.GetProperty("feature").GetString());
        Assert.Equal("major", top.GetProperty("level").GetString());
    }

    [Fact]
    public void Evaluate_TamperedModel_IsBadInput()
    {
        var model = TrainModel(TelecomData.Write(_directory));
        var bytes = File.ReadAllBytes(Path.Combine(model, "scorer.json"));
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(Path.Combine(model, "scorer.json"), bytes);

        var (code, _, error) = CliAppTests.Run("evaluate", "--model", model, "--data", TelecomData.Write(_directory, name: "x.csv"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("SHA-256", error, StringComparison.Ordinal);
    }
}
