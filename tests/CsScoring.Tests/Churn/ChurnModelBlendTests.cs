using System.Text;
using System.Text.Json.Nodes;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Churn;

public sealed class ChurnModelBlendTests
{
    private static readonly Lazy<(ChurnModel Trees, ChurnModel Linear)> s_components = new(() =>
    {
        var flat = BlendModels.BackgroundRows(out var rows);
        return (ChurnModel.Load(ModelDirectories.Get("light_gbm")).WithBackground(flat, rows),
                ChurnModel.Load(ModelDirectories.Get("logistic")).WithBackground(flat, rows));
    });

    private static List<float[]> Rows()
        => [.. ModelDirectories.Rows(300, 8).Select(ModelDirectories.Features), .. BlendModels.Component("light_gbm").SelfTest!.Rows.Select(r => r.ToArray())];

    [Fact]
    public void Load_BlendDirectory_IsABlendThatExplains()
    {
        var model = ChurnModel.Load(BlendModels.Get());
        Assert.Equal(ModelKind.Blend, model.Kind);
        Assert.Null(model.Trees);
        Assert.True(model.CanExplain);
        Assert.Equal(2, model.Background!.Components!.Count);
    }

    [Fact]
    public void Predict_IsTheWeightedSumOfComponentMarginsPlusBias_ThenCalibrated()
    {
        var model = ChurnModel.Load(BlendModels.Get());
        var (trees, linear) = s_components.Value;
        foreach (var row in Rows())
        {
            var expected = BlendModels.Blended(0.6, trees.Predict(row).RawScore, 0.4, linear.Predict(row).RawScore, 0.1);
            var prediction = model.Predict(row);
            Assert.Equal(expected, prediction.RawScore);
            Assert.Equal(BlendModels.Platt(expected), prediction.Probability);
        }
    }

    [Fact]
    public void PredictBatch_EqualsSingleRow_AcrossBlocks()
    {
        var model = ChurnModel.Load(BlendModels.Get());
        var rows = Rows().Concat(Rows()).ToList();
        Assert.True(rows.Count > 256);
        var flat = rows.SelectMany(r => r).ToArray();
        var probabilities = new float[rows.Count];
        var predictions = new ChurnPrediction[rows.Count];
        model.PredictBatch(flat, rows.Count, probabilities);
        model.PredictBatch(flat, rows.Count, predictions);
        for (var i = 0; i < rows.Count; i++)
        {
            var single = model.Predict(rows[i]);
            Assert.Equal(single.RawScore, predictions[i].RawScore);
            Assert.Equal(single.Probability, predictions[i].Probability);
            Assert.Equal(single.Probability, probabilities[i]);
        }
    }

    [Fact]
    public void HotPaths_AllocateNothing()
    {
        var model = ChurnModel.Load(BlendModels.Get());
        var rows = Rows();
        var flat = rows.SelectMany(r => r).ToArray();
        var probabilities = new float[rows.Count];
        var predictions = new ChurnPrediction[rows.Count];
        var contributions = new float[model.FeatureCount];
        var reasons = new ChurnReason[3];
        var row = rows[3];
        for (var i = 0; i < 3; i++)
        {
            model.Predict(row);
            model.PredictBatch(flat, rows.Count, probabilities);
            model.PredictBatch(flat, rows.Count, predictions);
            model.Explain(row, contributions);
            model.TopReasons(row, contributions, reasons);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        model.Predict(row);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        before = GC.GetAllocatedBytesForCurrentThread();
        model.PredictBatch(flat, rows.Count, probabilities);
        model.PredictBatch(flat, rows.Count, predictions);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        before = GC.GetAllocatedBytesForCurrentThread();
        model.Explain(row, contributions);
        model.TopReasons(row, contributions, reasons);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ExplainBatch_OfABlend_EqualsExplainRowByRow()
        => ExplainBatchAssert.EqualsRowByRow(ChurnModel.Load(BlendModels.Get()), Rows());

    [Property(MaxTest = 40)]
    public bool Explain_Meets_Specification(NormalFloat treeWeight, NormalFloat linearWeight, NormalFloat bias, PositiveInt rowSeed)
    {
        // Any non-zero weights and bias: contributions sum to the margin minus the base value, and each equals the
        // weighted sum of the components' contributions relative to the same background rows.
        var wt = Math.Clamp(treeWeight.Get, -3, 3);
        var wl = Math.Clamp(linearWeight.Get, -3, 3);
        if (wt == 0 || wl == 0)
        {
            return true;
        }

        var b = Math.Clamp(bias.Get, -5, 5);
        var scorer = BlendModels.Portable(wt, wl, b, withSelfTest: false);
        var flat = BlendModels.BackgroundRows(out var rows);
        var model = ChurnModel.Create(BlendModels.Manifest(scorer), scorer).WithBackground(flat, rows);
        var (trees, linear) = s_components.Value;
        var row = ModelDirectories.Features(ModelDirectories.Rows(1, rowSeed.Get)[0]);
        var contributions = new float[model.FeatureCount];
        var treeContributions = new float[model.FeatureCount];
        var linearContributions = new float[model.FeatureCount];
        var expected = model.Explain(row, contributions);
        var treeExpected = trees.Explain(row, treeContributions);
        var linearExpected = linear.Explain(row, linearContributions);

        var margin = model.Predict(row).RawScore;
        var sums = Math.Abs(expected + contributions.Sum(c => (double)c) - margin) <= 1e-4 * Math.Max(1, Math.Abs(margin));
        var baseValue = Math.Abs(expected - (b + (wt * treeExpected) + (wl * linearExpected))) <= 1e-9 * Math.Max(1, Math.Abs(expected));
        var weighted = true;
        for (var f = 0; f < contributions.Length; f++)
        {
            var reference = (wt * treeContributions[f]) + (wl * linearContributions[f]);
            weighted &= Math.Abs(contributions[f] - reference) <= 1e-5 * Math.Max(1, Math.Abs(reference));
        }

        return sums && baseValue && weighted;
    }

    [Fact]
    public void SavedBackground_GivesTheSameExplanations()
    {
        var model = ChurnModel.Load(BlendModels.Get());
        var fresh = ChurnModel.Load(BlendModels.Get(), new ChurnModelLoadOptions()).WithBackground(BlendModels.BackgroundRows(out var rows), rows);
        using var stream = new MemoryStream(model.Background!.ToUtf8Bytes());
        var reapplied = fresh.WithBackground(ExplanationBackground.Read(stream));
        var a = new float[model.FeatureCount];
        var b = new float[model.FeatureCount];
        foreach (var row in Rows().Take(50))
        {
            Assert.Equal(model.Explain(row, a), reapplied.Explain(row, b));
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void SingleLearnerScorers_StayFormatVersion1_AndLoad()
    {
        // Models written before blends existed (and single learners written now) are format 1.
        Assert.Equal(PortableScorer.SingleLearnerFormatVersion, BlendModels.Component("light_gbm").FormatVersion);
        Assert.Equal(ModelKind.LightGbm, ChurnModel.Load(ModelDirectories.Get("light_gbm")).Kind);
        Assert.Equal(PortableScorer.CurrentFormatVersion, ChurnModel.Load(BlendModels.Get()).Scorer.ToPortable().FormatVersion);
        Assert.Equal(PortableScorer.SingleLearnerFormatVersion, ChurnModel.Load(ModelDirectories.Get("logistic")).Scorer.ToPortable().FormatVersion);
    }

    [Fact]
    public void ToPortable_RoundTripsTheBlendBytes()
    {
        var portable = BlendModels.Portable(0.6, 0.4, 0.1, withSelfTest: false);
        var compiled = ChurnScorer.FromPortable(portable, null);
        Assert.Equal(ChurnModelDirectory.SerializeScorer(portable), ChurnModelDirectory.SerializeScorer(compiled.ToPortable()));
    }

    public static TheoryData<string, ChurnModelError> BrokenScorers => new()
    {
        { "version 1", ChurnModelError.InvalidModel },
        { "version 3", ChurnModelError.UnsupportedVersion },
        { "one component", ChurnModelError.InvalidModel },
        { "zero weight", ChurnModelError.InvalidModel },
        { "infinite bias", ChurnModelError.InvalidModel },
        { "top-level trees too", ChurnModelError.InvalidModel },
        { "nested blend kind", ChurnModelError.InvalidModel },
        { "linear without weights", ChurnModelError.InvalidModel },
        { "self-test disagrees", ChurnModelError.InvalidModel },
    };

    [Theory]
    [MemberData(nameof(BrokenScorers))]
    public void Create_BrokenBlend_IsRefusedWithAClearError(string damage, ChurnModelError error)
    {
        var good = BlendModels.Portable(0.6, 0.4, 0.1);
        var parts = good.Blend!.Components;
        var broken = damage switch
        {
            "version 1" => good with { FormatVersion = 1 },
            "version 3" => good with { FormatVersion = 3 },
            "one component" => good with { Blend = good.Blend with { Components = [parts[0]] } },
            "zero weight" => good with { Blend = good.Blend with { Components = [parts[0], parts[1] with { Weight = 0 }] } },
            "infinite bias" => good with { Blend = good.Blend with { Bias = double.PositiveInfinity } },
            "top-level trees too" => good with { Trees = parts[0].Trees },
            "nested blend kind" => good with { Blend = good.Blend with { Components = [parts[0], parts[1] with { ModelKind = ModelKind.Blend }] } },
            "linear without weights" => good with { Blend = good.Blend with { Components = [parts[0], parts[1] with { Linear = null }] } },
            "self-test disagrees" => good with { SelfTest = good.SelfTest! with { Scores = [.. good.SelfTest.Scores.Select((s, i) => i == 0 ? s + 0.01f : s)] } },
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        var ex = Assert.Throws<ChurnModelException>(() => ChurnModel.Create(BlendModels.Manifest(broken), broken));
        Assert.Equal(error, ex.Error);
    }

    [Fact]
    public void Load_ManifestKindDisagreesWithBlendScorer_IsRefused()
    {
        var scorer = BlendModels.Portable(0.6, 0.4, 0.1);
        var manifest = BlendModels.Manifest(scorer) with { ModelKind = ModelKind.LightGbm };
        var ex = Assert.Throws<ChurnModelException>(() => ChurnModel.Create(manifest, scorer));
        Assert.Equal(ChurnModelError.SchemaMismatch, ex.Error);
    }

    [Fact]
    public void Load_EditedBlendWeight_FailsTheHashCheck()
    {
        var directory = BlendModels.Write(BlendModels.Directory(), BlendModels.Portable(0.6, 0.4, 0.1), withBackground: false);
        var path = Path.Combine(directory, ChurnModelDirectory.ScorerFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["blend"]!["components"]![0]!["weight"] = 0.7;
        File.WriteAllText(path, json.ToJsonString(), Encoding.UTF8);
        var ex = Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, ex.Error);
    }

    [Fact]
    public void WithBackground_OfAnotherShape_IsRefused()
    {
        var model = ChurnModel.Load(BlendModels.Get());
        var background = model.Background!;
        var (trees, _) = s_components.Value;
        Assert.Equal(ChurnModelError.InvalidBackground,
            Assert.Throws<ChurnModelException>(() => model.WithBackground(background with { Components = [background.Components![0], background.Components[0]] })).Error);
        Assert.Equal(ChurnModelError.InvalidBackground,
            Assert.Throws<ChurnModelException>(() => model.WithBackground(background with { Components = [background.Components![0] with { ExpectedValue = 1 }, background.Components[1]] })).Error);
        Assert.Equal(ChurnModelError.InvalidBackground,
            Assert.Throws<ChurnModelException>(() => trees.WithBackground(trees.Background! with { NodeCovers = null, LeafCovers = null, Components = background.Components })).Error);
    }
}
