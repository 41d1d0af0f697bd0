using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CsScoring.Churn;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace CsScoring.Tests.Churn;

public sealed class ChurnModelLoadFailureTests
{
    [Fact]
    public void Load_MissingManifest_ThrowsMissingManifest()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        File.Delete(Path.Combine(directory, "manifest.json"));
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.MissingManifest, error.Error);
        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fast_tree")]
    [InlineData("light_gbm")]
    [InlineData("logistic")]
    public async Task LoadAsync_ValidDirectory_EqualsLoad(string name)
    {
        var directory = ModelDirectories.Get(name);
        var expected = ChurnModel.Load(directory);
        var loaded = await ChurnModel.LoadAsync(directory);
        Assert.Equal(expected.ModelSha256, loaded.ModelSha256);
        foreach (var row in ModelDirectories.Rows(50, 12).Select(ModelDirectories.Features))
        {
            Assert.Equal(expected.Predict(row), loaded.Predict(row));
        }
    }

    [Fact]
    public async Task LoadAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChurnModel.LoadAsync(ModelDirectories.Get("fast_tree"), null, cancelled.Token));
    }

    [Fact]
    public async Task LoadAsync_MissingManifestOrDamagedScorer_ThrowsAsLoadDoes()
    {
        var missing = ModelDirectories.Copy("fast_tree");
        File.Delete(Path.Combine(missing, "manifest.json"));
        Assert.Equal(ChurnModelError.MissingManifest, (await Assert.ThrowsAsync<ChurnModelException>(() => ChurnModel.LoadAsync(missing))).Error);

        var damaged = ModelDirectories.Copy("fast_tree");
        var scorer = Path.Combine(damaged, "scorer.json");
        var bytes = File.ReadAllBytes(scorer);
        bytes[bytes.Length / 3] ^= 0x08;
        File.WriteAllBytes(scorer, bytes);
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, (await Assert.ThrowsAsync<ChurnModelException>(() => ChurnModel.LoadAsync(damaged))).Error);
    }

    [Fact]
    public void Load_MissingScorerFile_ThrowsMissingModel()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        File.Delete(Path.Combine(directory, "scorer.json"));
        Assert.Equal(ChurnModelError.MissingModel, Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory)).Error);
    }

    [Fact]
    public void Load_WithoutMlNetModelFile_LoadsFromTheScorerAlone()
    {
        // The library never opens model.zip: a directory without it (or with a damaged one) serves the same model.
        var directory = ModelDirectories.Copy("light_gbm");
        var expected = ChurnModel.Load(directory);
        File.WriteAllText(Path.Combine(directory, "model.zip"), "damaged");
        var loaded = ChurnModel.Load(directory);
        var row = ModelDirectories.Features(ModelDirectories.Rows(1, 5)[0]);
        Assert.Equal(expected.Predict(row), loaded.Predict(row));
    }

    [Fact]
    public void Load_FormatVersion1_NamesTheUpgradeCommand()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        EditManifest(directory, m => m["format_version"] = 1);
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.UnsupportedVersion, error.Error);
        Assert.Contains("upgrade-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SelfTestDisagrees_ThrowsInvalidModel()
    {
        // A self-test score nudged by one ulp stands for a build whose evaluation drifted from the training library.
        var directory = ModelDirectories.Copy("fast_tree");
        var path = Path.Combine(directory, "scorer.json");
        var scorer = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var scores = scorer["self_test"]!["scores"]!.AsArray();
        scores[0] = MathF.BitIncrement(scores[0]!.GetValue<float>());
        File.WriteAllText(path, scorer.ToJsonString());
        EditManifest(directory, m => m["scorer_sha256"] = Sha256(path));
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.InvalidModel, error.Error);
        Assert.Contains("self-test row 0", error.Message, StringComparison.Ordinal);
        Assert.NotNull(ChurnModel.Load(directory, new ChurnModelLoadOptions { VerifySelfTest = false }));
    }

    [Fact]
    public void Load_FutureFormatVersion_ThrowsUnsupportedVersion()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        EditManifest(directory, m => m["format_version"] = 3);
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.UnsupportedVersion, error.Error);
        Assert.Contains("format_version 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestNotJson_ThrowsInvalidManifest()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        File.WriteAllText(Path.Combine(directory, "manifest.json"), "{ not json");
        Assert.Equal(ChurnModelError.InvalidManifest, Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory)).Error);
    }

    [Fact]
    public void Load_ManifestNamesOtherKind_ThrowsSchemaMismatch()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        EditManifest(directory, m => m["model_kind"] = "light_gbm");
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.SchemaMismatch, error.Error);
        Assert.Contains("light_gbm", error.Message, StringComparison.Ordinal);
        Assert.Contains("fast_tree", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestFeaturesDisagreeWithModel_ThrowsSchemaMismatch()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        EditManifest(directory, m =>
        {
            var columns = m["features"]!["columns"]!.AsArray();
            columns.RemoveAt(columns.Count - 1);
            var names = m["features"]!["feature_names"]!.AsArray();
            names.RemoveAt(names.Count - 1);
        });
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.SchemaMismatch, error.Error);
        Assert.Contains("features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_UnsupportedTrainer_ThrowsUnsupportedModel()
    {
        // A FastForest model: trees, but averaged rather than summed, so not a kind the portable form expresses.
        var context = new MLContext(seed: 1);
        var rows = TrainedModels.GenerateRows(300, 1);
        var data = context.Data.LoadFromEnumerable(rows);
        var model = context.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options { NumberOfTrees = 3, NumberOfThreads = 1 }).Fit(data);
        var error = Assert.Throws<ChurnModelException>(() => MlNetModelReader.Read(model, data.Schema, null));
        Assert.Equal(ChurnModelError.UnsupportedModel, error.Error);
    }

    [Fact]
    public void Load_ScorerWithTreeOutOfRange_ThrowsInvalidModel()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var path = Path.Combine(directory, "scorer.json");
        var scorer = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        scorer["trees"]!["left_children"]!.AsArray()[0] = 100000;
        File.WriteAllText(path, scorer.ToJsonString());
        EditManifest(directory, m => m["scorer_sha256"] = Sha256(path));
        Assert.Equal(ChurnModelError.InvalidModel, Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory)).Error);
    }

    [Fact]
    public void Load_FlippedBits_AreRejectedByTheHashCheck()
    {
        var directory = ModelDirectories.Copy("light_gbm");
        var path = Path.Combine(directory, "scorer.json");
        var original = File.ReadAllBytes(path);
        foreach (var bit in BitPositions(original.Length, 120))
        {
            var damaged = (byte[])original.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(path, damaged);
            var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
            Assert.Equal(ChurnModelError.IntegrityCheckFailed, error.Error);
        }
    }

    [Fact]
    public void Load_Truncated_IsRejectedByTheHashCheck()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var path = Path.Combine(directory, "scorer.json");
        var original = File.ReadAllBytes(path);
        foreach (var length in new[] { 0, 1, 100, original.Length / 2, original.Length - 1 })
        {
            File.WriteAllBytes(path, original[..length]);
            Assert.Equal(ChurnModelError.IntegrityCheckFailed, Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory)).Error);
        }
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("fast_tree")]
    [InlineData("light_gbm")]
    public async Task Load_DamageWithRewrittenHash_IsRejectedOrScoresAsMlNetReadsIt_NeverHangs(string name)
    {
        // The second line of defence: the manifest was rewritten with the damaged file's hash. Every load must end
        // quickly with a typed error, or produce a model that passed tree validation and its self-test rows, so no
        // endless walk is possible.
        var directory = ModelDirectories.Copy(name);
        var path = Path.Combine(directory, "scorer.json");
        var original = File.ReadAllBytes(path);
        var rows = ModelDirectories.Rows(50, 3).Select(ModelDirectories.Features).ToList();
        int rejected = 0, accepted = 0;
        var damages = BitPositions(original.Length, 60).Select(bit => Flip(original, bit))
            .Concat(new[] { original.Length / 3, original.Length - 10 }.Select(length => original[..length]));
        foreach (var damaged in damages)
        {
            File.WriteAllBytes(path, damaged);
            EditManifest(directory, m => m["scorer_sha256"] = Sha256(path));
            var load = Task.Run(() =>
            {
                try
                {
                    var model = ChurnModel.Load(directory);
                    foreach (var row in rows)
                    {
                        model.Predict(row);
                    }

                    return true;
                }
                catch (ChurnModelException)
                {
                    return false;
                }
            });
            Assert.Same(load, await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(30))));
            if (await load)
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }

        Assert.True(rejected > 0);
        Assert.Equal(62, rejected + accepted);
    }

    internal static IEnumerable<int> BitPositions(int bytes, int count)
    {
        var random = new Random(bytes);
        for (var i = 0; i < count; i++)
        {
            yield return random.Next(bytes * 8);
        }
    }

    private static byte[] Flip(byte[] original, int bit)
    {
        var damaged = (byte[])original.Clone();
        damaged[bit / 8] ^= (byte)(1 << (bit % 8));
        return damaged;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static void EditManifest(string directory, Action<JsonObject> edit)
    {
        var path = Path.Combine(directory, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
        ChurnModelDirectory.WriteManifestChecksum(directory);
    }
}
