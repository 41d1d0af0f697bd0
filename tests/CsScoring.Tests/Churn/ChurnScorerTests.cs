using CsScoring.Churn;
using CsScoring.Training.Churn.MlNet;
using CsScoring.Churn.Manifest;
using Microsoft.ML;

namespace CsScoring.Tests.Churn;

public sealed class ChurnScorerTests
{
    public static TheoryData<string> Models => TrainedModels.Names;

    [Theory]
    [MemberData(nameof(Models))]
    public void Scores_MatchPredictionEngine_OnGeneratedAndEdgeRows(string name)
    {
        var model = TrainedModels.Get(name);
        var scorer = model.Compile();
        var thresholds = scorer.Trees?.Nodes.Where(n => n.Feature >= 0).Select(n => n.Threshold).ToList();
        var rows = TrainedModels.GenerateRows(1000, 99).Select(r => r.Features).Concat(TrainedModels.EdgeRows(1000, 5, thresholds)).ToList();
        var references = model.References(rows);
        var maxDelta = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            var score = scorer.RawScore(rows[i]);
            var probability = scorer.Calibrator.Apply(score);
            var (expectedScore, expectedProbability) = references[i];
            if (scorer.Trees is not null)
            {
                // Trees: the same leaves summed in the same order, so the score is bit-identical.
                Assert.True(score.Equals(expectedScore), $"row {i}: score {score:R} != {expectedScore:R}");
            }
            else
            {
                Assert.True(Math.Abs(score - expectedScore) <= 1e-5 * Math.Max(1, Math.Abs(expectedScore)) || score.Equals(expectedScore), $"row {i}: score {score:R} vs {expectedScore:R}");
            }

            if (float.IsNaN(expectedProbability))
            {
                Assert.True(float.IsNaN(probability), $"row {i}: expected NaN probability, got {probability}");
                continue;
            }

            var delta = Math.Abs(probability - expectedProbability);
            maxDelta = Math.Max(maxDelta, delta);
            Assert.True(delta <= 1e-6, $"row {i}: probability {probability:R} vs {expectedProbability:R}");
        }

        Assert.True(maxDelta <= 1e-6);
    }

    [Theory]
    [InlineData("fast_tree")]
    [InlineData("light_gbm")]
    [InlineData("fast_tree_isotonic")]
    public void TreeProbabilities_AreBitIdenticalToPredictionEngine(string name)
    {
        var model = TrainedModels.Get(name);
        var scorer = model.Compile();
        var rows = TrainedModels.EdgeRows(500, 11);
        var references = model.References(rows);
        for (var i = 0; i < rows.Count; i++)
        {
            var probability = scorer.Calibrator.Apply(scorer.RawScore(rows[i]));
            Assert.Equal(references[i].Probability, probability);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Batch_EqualsSingleRow(string name)
    {
        var scorer = TrainedModels.Get(name).Compile();
        var rows = TrainedModels.EdgeRows(517, 3);
        var flat = rows.SelectMany(r => r).ToArray();
        var scores = new float[rows.Count];
        scorer.RawScores(flat, rows.Count, scores);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(scorer.RawScore(rows[i]), scores[i]);
        }
    }

    [Theory]
    [InlineData("fast_tree", ModelKind.FastTree, "platt")]
    [InlineData("light_gbm", ModelKind.LightGbm, "platt")]
    [InlineData("logistic", ModelKind.LogisticRegression, "platt")]
    [InlineData("fast_tree_isotonic", ModelKind.FastTree, "isotonic")]
    public void Read_RecognisesKindAndCalibrator(string name, ModelKind kind, string calibration)
    {
        var scorer = TrainedModels.Get(name).Compile();
        Assert.Equal(kind, scorer.Kind);
        Assert.Equal(calibration, scorer.Calibrator.Method);
        Assert.Equal(TrainedModels.FeatureCount, scorer.FeatureCount);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FromPortable_EdgeRows_MatchMlNet(string name)
    {
        // Thresholds, their float neighbours, NaN and infinities: tree scores bit for bit, probabilities to 1e-6.
        var model = TrainedModels.Get(name);
        var scorer = model.Compile();
        var rows = MlNetModelReader.EdgeRows(model.Portable());
        var references = model.References(rows);
        for (var i = 0; i < rows.Count; i++)
        {
            var score = scorer.RawScore(rows[i]);
            if (scorer.Trees is not null)
            {
                Assert.Equal(references[i].Score, score);
            }
            else
            {
                Assert.Equal(references[i].Score, score, 1e-4f);
            }

            Assert.Equal(references[i].Probability, scorer.Calibrator.Apply(score), 1e-6f);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ToPortable_RoundTripsThroughJson(string name)
    {
        var scorer = TrainedModels.Get(name).Compile();
        var portable = scorer.ToPortable();
        var bytes = ChurnModelDirectory.SerializeScorer(portable);
        var back = ChurnScorer.FromPortable(ChurnModelDirectory.ReadScorer(new MemoryStream(bytes)), null);
        Assert.Equal(bytes, ChurnModelDirectory.SerializeScorer(back.ToPortable()));
        var row = new float[TrainedModels.FeatureCount];
        Array.Fill(row, float.NaN);
        Assert.Equal(scorer.RawScore(row), back.RawScore(row));
    }

    [Fact]
    public void LightGbm_SendsNaNWhereLightGbmDefaultsIt()
    {
        // LightGBM nodes carry a missing-value default; ignoring it (NaN goes right) would change these scores.
        var scorer = TrainedModels.LightGbm.Compile();
        Assert.True(scorer.Trees!.HasMissingDefaults);
        var row = new float[TrainedModels.FeatureCount];
        Array.Fill(row, float.NaN);
        Assert.Equal(TrainedModels.LightGbm.Reference(row).Score, scorer.RawScore(row));
    }
}

public sealed class WideTreeScorerTests
{
    // Trees with more than 32 leaves leave the QuickScorer batch path for the walking ones (plain for FastTree,
    // with missing-value defaults for LightGBM); those must be exact too.
    [Theory]
    [InlineData("fast_tree")]
    [InlineData("light_gbm")]
    public void WideTrees_BatchAndSingle_MatchPredictionEngine(string trainer)
    {
        var context = new Microsoft.ML.MLContext(seed: 2);
        var data = context.Data.LoadFromEnumerable(TrainedModels.GenerateRows(4000, 19, missingRate: 0.1));
        Microsoft.ML.IEstimator<Microsoft.ML.ITransformer> estimator = trainer == "fast_tree"
            ? context.BinaryClassification.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer.Options { NumberOfTrees = 12, NumberOfLeaves = 48, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 })
            : context.BinaryClassification.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer.Options { NumberOfIterations = 12, NumberOfLeaves = 48, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1 });
        var model = estimator.Fit(data);
        var trained = new TrainedModel(trainer + "_wide", context, model, data.Schema, []);
        var scorer = trained.Compile();
        Assert.True(scorer.Trees!.LeafCount > 12 * 32);
        var rows = TrainedModels.EdgeRows(700, 23);
        var flat = rows.SelectMany(r => r).ToArray();
        var batch = new float[rows.Count];
        scorer.RawScores(flat, rows.Count, batch);
        var references = trained.References(rows);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(references[i].Score, scorer.RawScore(rows[i]));
            Assert.Equal(references[i].Score, batch[i]);
        }
    }
}
