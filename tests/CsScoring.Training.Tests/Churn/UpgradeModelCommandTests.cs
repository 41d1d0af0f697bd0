using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CsScoring.Churn;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn;

public sealed class UpgradeModelCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-upgrade-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Upgrade_CurrentFormatWithoutManifestChecksum_AddsItAndKeepsEveryFile()
    {
        var data = TelecomData.Write(_directory);
        var current = Path.Combine(_directory, "current");
        var (code, _, error) = CliAppTests.Run("train", "--data", data, "--label", "Churn", "--out", current, "--trees", "20", "--folds", "3", "-q");
        Assert.True(code == ExitCodes.Success, error);
        File.Delete(Path.Combine(current, ChurnModelDirectory.ManifestChecksumFileName));
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, Assert.Throws<ChurnModelException>(() => ChurnModel.Load(current)).Error);

        (code, _, error) = CliAppTests.Run("upgrade-model", "--model", current, "--force", "-q");

        Assert.True(code == ExitCodes.Success, error);
        Assert.True(ChurnModel.Load(current).CanExplain);
        Assert.True(File.Exists(Path.Combine(current, "report.html")));
    }

    [Fact]
    public void Upgrade_FormatOneDirectory_LoadsAndScoresAsTheModelItWasMadeFrom()
    {
        var data = TelecomData.Write(_directory);
        var current = Path.Combine(_directory, "current");
        var (code, _, error) = CliAppTests.Run("train", "--data", data, "--label", "Churn", "--out", current, "--trees", "20", "--folds", "3", "-q");
        Assert.True(code == ExitCodes.Success, error);
        var old = FormatOneCopy(current);
        Assert.Equal(ChurnModelError.UnsupportedVersion, Assert.Throws<ChurnModelException>(() => ChurnModel.Load(old)).Error);

        var upgraded = Path.Combine(_directory, "upgraded");
        (code, _, error) = CliAppTests.Run("upgrade-model", "--model", old, "--out", upgraded, "-q");

        Assert.True(code == ExitCodes.Success, error);
        var expected = ChurnModel.Load(current);
        var actual = ChurnModel.Load(upgraded);
        Assert.Equal(expected.Manifest.ScorerSha256, actual.Manifest.ScorerSha256);
        Assert.True(actual.CanExplain);
        Assert.Equal(29, actual.Manifest.Parity!.EdgeRows);
        var features = new float[expected.FeatureCount];
        var expectedShap = new float[expected.FeatureCount];
        var actualShap = new float[expected.FeatureCount];
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            for (var f = 0; f < features.Length; f++)
            {
                features[f] = random.NextDouble() < 0.1 ? float.NaN : (float)(random.NextDouble() * 100);
            }

            Assert.Equal(expected.Predict(features), actual.Predict(features));
            Assert.Equal(expected.Explain(features, expectedShap), actual.Explain(features, actualShap));
            Assert.Equal(expectedShap, actualShap);
        }

        Assert.True(File.Exists(Path.Combine(upgraded, "report.html")));

        // model.onnx is generated afresh from the same scorer: the same graph as training wrote, checked on the edge rows.
        Assert.Equal(File.ReadAllBytes(Path.Combine(current, "model.onnx")), File.ReadAllBytes(Path.Combine(upgraded, "model.onnx")));
        Assert.Equal(expected.Manifest.Onnx!.Sha256, actual.Manifest.Onnx!.Sha256);
        Assert.Equal(29, actual.Manifest.Onnx.EdgeRows);
    }

    [Fact]
    public void Upgrade_InPlaceWithoutForce_IsRefusedAndChangesNothing()
    {
        var model = Path.Combine(_directory, "model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "manifest.json"), "{\"format_version\": 1}");

        var (code, _, error) = CliAppTests.Run("upgrade-model", "--model", model);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal("{\"format_version\": 1}", File.ReadAllText(Path.Combine(model, "manifest.json")));
    }

    [Fact]
    public void Upgrade_CurrentFormat_IsBadInputNamingTheVersion()
    {
        var data = TelecomData.Write(_directory);
        var current = Path.Combine(_directory, "current");
        Assert.Equal(ExitCodes.Success, CliAppTests.Run("train", "--data", data, "--label", "Churn", "--out", current, "--trees", "5", "--folds", "2", "-q").ExitCode);

        var (code, _, error) = CliAppTests.Run("upgrade-model", "--model", current, "--out", Path.Combine(_directory, "again"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("format_version 2", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "again")));
    }

    // A directory as format 1 wrote it: no scorer.json, the identity is model.zip's hash, and the background names it.
    private string FormatOneCopy(string current)
    {
        var old = Path.Combine(_directory, "old");
        Directory.CreateDirectory(old);
        foreach (var file in Directory.GetFiles(current).Where(f => Path.GetFileName(f) != "scorer.json"))
        {
            File.Copy(file, Path.Combine(old, Path.GetFileName(file)));
        }

        var zipSha = Sha256(Path.Combine(old, "model.zip"));
        var backgroundPath = Path.Combine(old, "background.json");
        var background = JsonNode.Parse(File.ReadAllText(backgroundPath))!.AsObject();
        background["model_sha256"] = zipSha;
        File.WriteAllText(backgroundPath, background.ToJsonString());
        var manifestPath = Path.Combine(old, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["format_version"] = 1;
        manifest.Remove("scorer_file");
        manifest.Remove("scorer_sha256");
        manifest.Remove("parity");
        manifest["background_sha256"] = Sha256(backgroundPath);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        return old;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
