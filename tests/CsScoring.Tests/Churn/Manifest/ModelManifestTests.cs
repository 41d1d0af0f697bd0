using System.Text;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;

namespace CsScoring.Tests.Churn.Manifest;

public sealed class ModelManifestTests
{
    internal static ModelManifest Sample() => new()
    {
        FormatVersion = ModelManifest.CurrentFormatVersion,
        LibraryVersion = "0.1.0",
        ModelKind = ModelKind.FastTree,
        ScorerFile = "scorer.json",
        ScorerSha256 = new string('b', 64),
        ModelFile = "model.zip",
        ModelSha256 = new string('a', 64),
        Parity = new ManifestParity(1000, 29, 0, 0),
        DataSha256 = new string('0', 64),
        Label = new ManifestLabel("churned_within_90d", "1"),
        IdColumn = "account_id",
        TimeColumn = "as_of",
        Seed = 42,
        Trainer = new ManifestTrainer("fast_tree", new Dictionary<string, double> { ["number_of_trees"] = 100 }),
        Features = new FeatureSchema([FeatureColumn.Numeric("seats", 12, true), FeatureColumn.Categorical("plan", ["basic", "pro"])], "as_of"),
        Calibration = new ManifestCalibration { Method = CalibrationMethod.Platt, Slope = -1.2, Offset = 0.1 },
        Thresholds = new ManifestThresholds(0.31, 0.22, new RiskBandThresholds(0.5, 0.2)),
        Metrics = new ManifestMetrics
        {
            Validation = new Dictionary<string, double> { ["auc"] = 0.8 },
            Cv = new Dictionary<string, MetricSummary> { ["auc"] = new(0.79, 0.01) },
        },
    };

    [Fact]
    public void WriteThenRead_OnnxSection_RoundTrips()
    {
        var manifest = Sample() with { Onnx = new ManifestOnnx("model.onnx", new string('c', 64), 1029, 29, 0, 1e-7) };
        var json = manifest.ToJson();
        Assert.Contains("\"max_probability_difference\": 1E-07", json, StringComparison.Ordinal);
        Assert.Equal(manifest.Onnx, ModelManifest.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))).Onnx);
    }

    [Fact]
    public void Validate_BadOnnxSection_Throws()
    {
        var good = new ManifestOnnx("model.onnx", new string('c', 64), 1029, 29, 0, 0);
        Assert.Throws<ModelManifestException>(() => (Sample() with { Onnx = good with { Sha256 = "XYZ" } }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { Onnx = good with { File = "../model.onnx" } }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { Onnx = good with { File = "model.zip" } }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { Onnx = good with { EdgeRows = 2000 } }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { Onnx = good with { MaxProbabilityDifference = -1 } }).Validate());
        (Sample() with { Onnx = good }).Validate();
    }

    [Fact]
    public void WriteThenRead_RoundTrips()
    {
        var manifest = Sample();
        var json = manifest.ToJson();
        Assert.Contains("\"model_kind\": \"fast_tree\"", json, StringComparison.Ordinal);
        Assert.Contains("\"feature_names\"", json, StringComparison.Ordinal);
        Assert.Contains("\"plan=pro\"", json, StringComparison.Ordinal);
        Assert.Contains("\"missing_indicator\": true", json, StringComparison.Ordinal);
        var back = ModelManifest.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(manifest.Features.FeatureNames, back.Features.FeatureNames);
        Assert.Equal(manifest.Features.Columns, back.Features.Columns);
        Assert.Equal(manifest.Calibration, back.Calibration);
        Assert.Equal(0.79, back.Metrics!.Cv!["auc"].Mean);
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public void Read_FeatureNamesThatDisagree_Throws()
    {
        var json = Sample().ToJson().Replace("\"plan=pro\"", "\"plan=enterprise\"", StringComparison.Ordinal);
        var error = Assert.Throws<ModelManifestException>(() => ModelManifest.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("feature_names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownField_Throws()
    {
        var json = Sample().ToJson().Replace("\"seed\": 42", "\"seed\": 42, \"sede\": 1", StringComparison.Ordinal);
        Assert.Throws<ModelManifestException>(() => ModelManifest.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void Read_UnsupportedVersionOrBadHash_Throws()
    {
        var version = Sample().ToJson().Replace("\"format_version\": 2", "\"format_version\": 9", StringComparison.Ordinal);
        Assert.Contains("format_version", Assert.Throws<ModelManifestException>(() => ModelManifest.Read(new MemoryStream(Encoding.UTF8.GetBytes(version)))).Message, StringComparison.Ordinal);
        Assert.Throws<ModelManifestException>(() => (Sample() with { ModelSha256 = "XYZ" }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { ModelFile = "../model.zip" }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { ScorerSha256 = "XYZ" }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { ScorerFile = "../scorer.json" }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { ModelFile = null }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { ScorerFile = "model.zip" }).Validate());
        Assert.Throws<ModelManifestException>(() => (Sample() with { Parity = new ManifestParity(10, 29, 0, 0) }).Validate());
        (Sample() with { ModelFile = null, ModelSha256 = null }).Validate();
    }

    [Fact]
    public void Read_MissingRequiredField_Throws()
    {
        var json = Sample().ToJson().Replace("\"seed\": 42,", string.Empty, StringComparison.Ordinal);
        Assert.Throws<ModelManifestException>(() => ModelManifest.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void WriteThenRead_WithoutTimeColumn_RoundTrips()
    {
        var manifest = Sample() with
        {
            TimeColumn = null,
            Features = new FeatureSchema([FeatureColumn.Numeric("seats", 1)]),
        };
        var back = ModelManifest.Read(new MemoryStream(Encoding.UTF8.GetBytes(manifest.ToJson())));
        Assert.Null(back.Features.TimeColumn);
        Assert.Equal(["seats"], back.Features.FeatureNames);
    }
}
