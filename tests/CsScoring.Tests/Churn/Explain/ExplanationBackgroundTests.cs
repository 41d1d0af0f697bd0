using System.Security.Cryptography;
using System.Text;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;

namespace CsScoring.Tests.Churn.Explain;

public sealed class ExplanationBackgroundTests
{
    public static TheoryData<string> Kinds => new(["fast_tree", "light_gbm", "logistic"]);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_WithStoredBackground_ExplainsExactlyAsWithBackgroundOfTheSameRows(string name)
    {
        var directory = ModelDirectories.Copy(name);
        var rows = BackgroundRows(500, 31);
        var reference = ChurnModel.Load(directory).WithBackground(rows, 500);
        Store(directory, reference.Background! with { Population = "training rows" });

        var restored = ChurnModel.Load(directory);
        Assert.True(restored.CanExplain);
        Assert.Equal(500, restored.Background!.Rows);
        Assert.Equal("training rows", restored.Background.Population);
        var a = new float[restored.FeatureCount];
        var b = new float[restored.FeatureCount];
        var maxDelta = 0.0;
        foreach (var row in ModelDirectories.Rows(200, 8).Select(ModelDirectories.Features))
        {
            var expected = reference.Explain(row, a);
            var actual = restored.Explain(row, b);
            Assert.Equal(expected, actual, 1e-9);
            for (var f = 0; f < a.Length; f++)
            {
                maxDelta = Math.Max(maxDelta, Math.Abs(a[f] - b[f]));
            }

            // Still additive: contributions + expected value = raw score.
            Assert.Equal(restored.Predict(row).RawScore, actual + b.Sum(x => (double)x), 1e-4);
        }

        Assert.True(maxDelta <= 1e-6, $"max |Δ contribution| = {maxDelta}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Background_ExpectedValue_IsTheMeanRawScoreOfTheRows(string name)
    {
        var model = ChurnModel.Load(ModelDirectories.Get(name));
        var rows = BackgroundRows(300, 5);
        var background = model.WithBackground(rows, 300).Background!;
        var mean = Enumerable.Range(0, 300).Average(r => (double)model.Predict(rows.AsSpan(r * model.FeatureCount, model.FeatureCount)).RawScore);
        Assert.Equal(mean, background.ExpectedValue, 1e-4);
        Assert.Equal(300, background.Rows);
        Assert.Equal(model.ModelSha256, background.ModelSha256);
    }

    [Fact]
    public void Load_OldDirectoryWithoutBackground_CannotExplainUntilWithBackground()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        Assert.False(model.CanExplain);
        Assert.Null(model.Background);
        Assert.Throws<InvalidOperationException>(() => model.Explain(new float[model.FeatureCount], new float[model.FeatureCount]));
        Assert.True(model.WithBackground(BackgroundRows(10, 1), 10).CanExplain);
    }

    [Fact]
    public void WithBackground_Saved_ReplacesTheStoredOne()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var loaded = ChurnModel.Load(directory);
        Store(directory, loaded.WithBackground(BackgroundRows(400, 2), 400).Background!);
        var other = loaded.WithBackground(BackgroundRows(50, 99), 50);
        var replaced = ChurnModel.Load(directory).WithBackground(other.Background!);
        Assert.Equal(50, replaced.Background!.Rows);
        var row = ModelDirectories.Features(ModelDirectories.Rows(1, 4)[0]);
        Assert.Equal(other.Explain(row, new float[row.Length]), replaced.Explain(row, new float[row.Length]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Json_RoundTrips_ToTheSameBytes(string name)
    {
        var model = ChurnModel.Load(ModelDirectories.Get(name));
        var background = model.WithBackground(BackgroundRows(120, 3), 120).Background!;
        var bytes = background.ToUtf8Bytes();
        var read = ExplanationBackground.Read(new MemoryStream(bytes));
        Assert.Equal(bytes, read.ToUtf8Bytes());
        Assert.Equal(background.ExpectedValue, read.ExpectedValue);
        Assert.Equal(background.FeatureMeans ?? [], read.FeatureMeans ?? []);
        Assert.Equal(background.NodeCovers ?? [], read.NodeCovers ?? []);
        using var written = new MemoryStream();
        read.Write(written);
        Assert.Equal(bytes, written.ToArray());
    }

    [Fact]
    public void Load_FromStreamsWithBackground_EqualsLoadFromDirectory()
    {
        var directory = ModelDirectories.Copy("light_gbm");
        Store(directory, ChurnModel.Load(directory).WithBackground(BackgroundRows(200, 6), 200).Background!);
        using var manifest = File.OpenRead(Path.Combine(directory, "manifest.json"));
        using var zip = File.OpenRead(Path.Combine(directory, "scorer.json"));
        using var background = File.OpenRead(Path.Combine(directory, ExplanationBackground.FileName));
        var fromStreams = ChurnModel.Load(manifest, zip, background, "blob://model", null);
        var fromDirectory = ChurnModel.Load(directory);
        var row = ModelDirectories.Features(ModelDirectories.Rows(1, 9)[0]);
        var a = new float[row.Length];
        var b = new float[row.Length];
        Assert.Equal(fromDirectory.Explain(row, a), fromStreams.Explain(row, b));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Load_FromStreamsWithTamperedBackground_FailsTheIntegrityCheck()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        Store(directory, ChurnModel.Load(directory).WithBackground(BackgroundRows(200, 6), 200).Background!);
        var bytes = File.ReadAllBytes(Path.Combine(directory, ExplanationBackground.FileName));
        bytes[bytes.Length / 2] ^= 0x01;
        using var manifest = File.OpenRead(Path.Combine(directory, "manifest.json"));
        using var zip = File.OpenRead(Path.Combine(directory, "scorer.json"));
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(manifest, zip, new MemoryStream(bytes), null, null));
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, error.Error);
    }

    [Fact]
    public void Load_BackgroundFileChanged_IsRejectedByItsHash()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        Store(directory, ChurnModel.Load(directory).WithBackground(BackgroundRows(200, 6), 200).Background!);
        var path = Path.Combine(directory, ExplanationBackground.FileName);
        var bytes = File.ReadAllBytes(path);
        foreach (var position in new[] { 0, bytes.Length / 3, bytes.Length / 2, bytes.Length - 2 })
        {
            var damaged = (byte[])bytes.Clone();
            damaged[position] ^= 0x04;
            File.WriteAllBytes(path, damaged);
            var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
            Assert.Equal(ChurnModelError.IntegrityCheckFailed, error.Error);
            Assert.Contains(ExplanationBackground.FileName, error.Message, StringComparison.Ordinal);
        }

        File.WriteAllBytes(path, bytes[..^10]);
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory)).Error);
    }

    [Fact]
    public void Load_BackgroundFileMissing_IsRejected()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        Store(directory, ChurnModel.Load(directory).WithBackground(BackgroundRows(50, 6), 50).Background!);
        File.Delete(Path.Combine(directory, ExplanationBackground.FileName));
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.InvalidBackground, error.Error);
        Assert.Contains(ExplanationBackground.FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RewrittenBackgroundWithMatchingHash_IsCheckedAgainstTheTrees()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var good = ChurnModel.Load(directory).WithBackground(BackgroundRows(300, 6), 300).Background!;

        // A manifest rewritten to match a damaged background: the consistency checks are the second line.
        var nodes = good.NodeCovers!.ToArray();
        nodes[1] += 1;
        AssertRejected(directory, good with { NodeCovers = nodes }, "node");
        var leaves = good.LeafCovers!.ToArray();
        leaves[0] += 1;
        AssertRejected(directory, good with { LeafCovers = leaves }, "cover");
        AssertRejected(directory, good with { Rows = 301 }, "root");
        AssertRejected(directory, good with { ExpectedValue = good.ExpectedValue + 0.01 }, "expected_value");
        AssertRejected(directory, good with { ModelSha256 = new string('a', 64) }, "belongs to");
        AssertRejected(directory, good with { NodeCovers = [.. good.NodeCovers!.Skip(1)] }, "node and");
        AssertRejected(directory, good with { NodeCovers = null, LeafCovers = null, FeatureMeans = new double[ModelDirectories.Schema.FeatureCount] }, "feature means");

        Store(directory, good);
        Assert.True(ChurnModel.Load(directory).CanExplain);
    }

    [Fact]
    public void Load_LinearBackgroundOfWrongShape_IsRejected()
    {
        var directory = ModelDirectories.Copy("logistic");
        var good = ChurnModel.Load(directory).WithBackground(BackgroundRows(100, 6), 100).Background!;
        AssertRejected(directory, good with { FeatureMeans = [.. good.FeatureMeans!.Skip(1)] }, "feature means");
        AssertRejected(directory, good with { FeatureMeans = null, NodeCovers = [1.0], LeafCovers = [1.0] }, "tree covers");
        AssertRejected(directory, good with { ExpectedValue = good.ExpectedValue * 2 + 1 }, "expected_value");
    }

    [Theory]
    [InlineData("""{"format_version":2,"model_sha256":"%SHA%","rows":1,"expected_value":0,"feature_means":[0]}""", "format_version")]
    [InlineData("""{"format_version":1,"model_sha256":"%SHA%","rows":0,"expected_value":0,"feature_means":[0]}""", "rows")]
    [InlineData("""{"format_version":1,"model_sha256":"%SHA%","rows":1,"expected_value":0}""", "either")]
    [InlineData("""{"format_version":1,"model_sha256":"%SHA%","rows":1,"expected_value":0,"feature_means":[0],"node_covers":[1],"leaf_covers":[1]}""", "either")]
    [InlineData("""{"format_version":1,"model_sha256":"%SHA%","rows":2,"expected_value":0,"node_covers":[3],"leaf_covers":[1,1]}""", "cover")]
    [InlineData("""{"format_version":1,"model_sha256":"%SHA%","rows":1,"expected_value":"NaN","feature_means":[0]}""", "expected_value")]
    [InlineData("""{"format_version":1,"model_sha256":"XYZ","rows":1,"expected_value":0,"feature_means":[0]}""", "model_sha256")]
    [InlineData("""{"format_version":1,"model_sha256":"%SHA%","rows":1,"expected_value":0,"feature_means":[0],"extra":1}""", "extra")]
    [InlineData("""{"format_version":1,""", "not valid")]
    public void Read_InvalidDocument_IsInvalidBackground(string json, string fragment)
    {
        var error = Assert.Throws<ChurnModelException>(() => ExplanationBackground.Read(new MemoryStream(Encoding.UTF8.GetBytes(json.Replace("%SHA%", new string('0', 64), StringComparison.Ordinal)))));
        Assert.Equal(ChurnModelError.InvalidBackground, error.Error);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("background.json", null)]
    [InlineData(null, "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../background.json", "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("model.zip", "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("background.json", "ABC")]
    public void Manifest_BadBackgroundFields_AreRejected(string? file, string? sha)
    {
        var manifest = ModelManifest.ReadFile(Path.Combine(ModelDirectories.Get("fast_tree"), ModelManifest.FileName));
        Assert.Throws<ModelManifestException>(() => (manifest with { BackgroundFile = file, BackgroundSha256 = sha }).Validate());
    }

    private static void AssertRejected(string directory, ExplanationBackground background, string fragment)
    {
        // Written without ToUtf8Bytes' shape check, as a hand-edited file would be.
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(background, CsScoring.Data.CsScoringJson.Options);
        StoreBytes(directory, bytes);
        var error = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.InvalidBackground, error.Error);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    private static float[] BackgroundRows(int count, int seed)
        => [.. ModelDirectories.Rows(count, seed).SelectMany(ModelDirectories.Features)];

    /// <summary>Writes background.json and names it, with its hash, in the manifest, as training does.</summary>
    internal static void Store(string directory, ExplanationBackground background) => StoreBytes(directory, background.ToUtf8Bytes());

    private static void StoreBytes(string directory, byte[] bytes)
    {
        File.WriteAllBytes(Path.Combine(directory, ExplanationBackground.FileName), bytes);
        var manifestPath = Path.Combine(directory, ModelManifest.FileName);
        var manifest = ModelManifest.ReadFile(manifestPath) with
        {
            BackgroundFile = ExplanationBackground.FileName,
            BackgroundSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        };
        File.WriteAllText(manifestPath, manifest.ToJson());
        ChurnModelDirectory.WriteManifestChecksum(directory);
    }
}
