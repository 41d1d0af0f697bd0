using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace CsScoring.Tests.Churn;

/// <summary>Small ML.NET models trained once per test run on generated churn-like data, saved and loaded back.</summary>
internal static class TrainedModels
{
    public const int FeatureCount = 8;

    private static readonly Lazy<IReadOnlyDictionary<string, TrainedModel>> s_models = new(TrainAll);

    public static TrainedModel FastTree => s_models.Value["fast_tree"];

    public static TrainedModel LightGbm => s_models.Value["light_gbm"];

    public static TrainedModel Logistic => s_models.Value["logistic"];

    public static TrainedModel FastTreePlatt => s_models.Value["fast_tree_platt"];

    public static TrainedModel FastTreeIsotonic => s_models.Value["fast_tree_isotonic"];

    public static TrainedModel LightGbmIsotonic => s_models.Value["light_gbm_isotonic"];

    public static IEnumerable<TrainedModel> All => s_models.Value.Values;

    public static TheoryData<string> Names => new(s_names);

    public static TrainedModel Get(string name) => s_models.Value[name];

    private static readonly string[] s_names = ["fast_tree", "light_gbm", "logistic", "fast_tree_platt", "fast_tree_isotonic", "light_gbm_isotonic"];

    /// <summary>Generated rows: numbers with missing values, a one-hot category in the last three features.</summary>
    public static List<Row> GenerateRows(int count, int seed, double missingRate = 0.05)
    {
        var random = new Random(seed);
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            var f = new float[FeatureCount];
            f[0] = (float)(random.NextDouble() * 20);          // tickets
            f[1] = (float)random.NextDouble();                 // utilisation
            f[2] = (float)(random.NextDouble() * 36);          // tenure
            f[3] = (float)(random.NextDouble() * 10 - 5);      // usage trend
            f[4] = random.Next(2);                             // exec sponsor
            f[5 + random.Next(3)] = 1;                         // plan one-hot
            for (var j = 0; j < 4; j++)
            {
                if (random.NextDouble() < missingRate)
                {
                    f[j] = float.NaN;
                }
            }

            var tickets = float.IsNaN(f[0]) ? 10 : f[0];
            var utilisation = float.IsNaN(f[1]) ? 0.5 : f[1];
            var logit = (0.25 * tickets) - (3 * utilisation) - (0.05 * (float.IsNaN(f[2]) ? 18 : f[2])) - f[4] + (f[7] * 0.8) - 0.5;
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            rows.Add(new Row { Features = f, Label = label });
        }

        return rows;
    }

    /// <summary>Rows that probe the edges: NaN, infinities, all-zero categories, values on split thresholds.</summary>
    public static List<float[]> EdgeRows(int count, int seed, IReadOnlyList<float>? thresholds = null)
    {
        var random = new Random(seed);
        var rows = new List<float[]>();
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, float.MinValue, float.Epsilon];
        for (var i = 0; i < count; i++)
        {
            var f = GenerateRows(1, seed + i, 0)[0].Features;
            for (var j = 0; j < FeatureCount; j++)
            {
                var pick = random.Next(10);
                if (pick == 0)
                {
                    f[j] = specials[random.Next(specials.Length)];
                }
                else if (pick == 1 && thresholds is { Count: > 0 })
                {
                    var threshold = thresholds[random.Next(thresholds.Count)];
                    f[j] = random.Next(3) switch { 0 => threshold, 1 => MathF.BitDecrement(threshold), _ => MathF.BitIncrement(threshold) };
                }
            }

            if (random.Next(4) == 0)
            {
                // An unseen or missing category: all one-hot columns zero, as the feature mapping emits.
                f[5] = f[6] = f[7] = 0;
            }

            rows.Add(f);
        }

        return rows;
    }

    private static Dictionary<string, TrainedModel> TrainAll()
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(GenerateRows(1500, 7));
        var fastTree = new FastTreeBinaryTrainer.Options { NumberOfTrees = 20, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 10, NumberOfThreads = 1 };
        var lightGbm = new LightGbmBinaryTrainer.Options { NumberOfIterations = 20, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 10, NumberOfThreads = 1, Seed = 1 };
        var estimators = new Dictionary<string, IEstimator<ITransformer>>
        {
            ["fast_tree"] = context.BinaryClassification.Trainers.FastTree(fastTree),
            ["light_gbm"] = context.BinaryClassification.Trainers.LightGbm(lightGbm),
            ["logistic"] = context.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1 }),
            ["fast_tree_platt"] = context.BinaryClassification.Trainers.FastTree(fastTree).Append(context.BinaryClassification.Calibrators.Platt(-1.3, 0.2)),
            ["fast_tree_isotonic"] = context.BinaryClassification.Trainers.FastTree(fastTree).Append(context.BinaryClassification.Calibrators.Isotonic()),
            ["light_gbm_isotonic"] = context.BinaryClassification.Trainers.LightGbm(lightGbm).Append(context.BinaryClassification.Calibrators.Isotonic()),
        };
        var models = new Dictionary<string, TrainedModel>();
        foreach (var (name, estimator) in estimators)
        {
            var trained = estimator.Fit(data);
            using var stream = new MemoryStream();
            context.Model.Save(trained, data.Schema, stream);
            var bytes = stream.ToArray();
            var loaded = context.Model.Load(new MemoryStream(bytes), out var schema);
            models[name] = new TrainedModel(name, context, loaded, schema, bytes);
        }

        return models;
    }

    public sealed class Row
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    public sealed class Input
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Output
    {
        public float Score { get; set; }

        public float Probability { get; set; }
    }
}

/// <summary>A trained model, loaded back from its saved bytes as a service would.</summary>
internal sealed record TrainedModel(string Name, MLContext Context, ITransformer Model, DataViewSchema Schema, byte[] ZipBytes)
{
    public ChurnScorer Compile() => ChurnScorer.FromPortable(MlNetModelReader.Read(Model, Schema, Name), Name);

    public PortableScorer Portable() => MlNetModelReader.Read(Model, Schema, Name);

    public (float Score, float Probability) Reference(float[] features)
    {
        var engine = Context.Model.CreatePredictionEngine<TrainedModels.Input, TrainedModels.Output>(Model);
        var output = new TrainedModels.Output();
        engine.Predict(new TrainedModels.Input { Features = features }, ref output);
        return (output.Score, output.Probability);
    }

    public List<(float Score, float Probability)> References(IEnumerable<float[]> rows)
    {
        var engine = Context.Model.CreatePredictionEngine<TrainedModels.Input, TrainedModels.Output>(Model);
        var results = new List<(float, float)>();
        foreach (var row in rows)
        {
            var output = new TrainedModels.Output();
            engine.Predict(new TrainedModels.Input { Features = row }, ref output);
            results.Add((output.Score, output.Probability));
        }

        return results;
    }

    public override string ToString() => Name;
}
