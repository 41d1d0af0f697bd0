using System.Globalization;
using System.Security.Cryptography;
using CsScoring.Churn;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace CsScoring.Tests.Churn;

/// <summary>
/// Model directories as <c>csscoring train</c> writes them (through the library's writer: scorer.json, model.zip with a Features
/// vector input, manifest.json), trained once per test run on generated account rows.
/// </summary>
internal static class ModelDirectories
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "csscoring-churn-tests-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        return root;
    });

    private static readonly Dictionary<string, Lazy<string>> s_directories = new()
    {
        ["fast_tree"] = new(() => Build("fast_tree", ModelKind.FastTree, CalibrationMethod.Platt)),
        ["light_gbm"] = new(() => Build("light_gbm", ModelKind.LightGbm, CalibrationMethod.Isotonic)),
        ["logistic"] = new(() => Build("logistic", ModelKind.LogisticRegression, CalibrationMethod.Platt)),
    };

    public static FeatureSchema Schema { get; } = new(
    [
        FeatureColumn.Numeric("tickets_90d", 3, missingIndicator: true),
        FeatureColumn.Numeric("seat_utilization", 0.6, missingIndicator: true),
        FeatureColumn.Numeric("tenure_months", 12),
        FeatureColumn.Boolean("executive_sponsor", 0),
        FeatureColumn.Categorical("plan", ["basic", "pro", "enterprise"]),
        FeatureColumn.Numeric("usage_trend", 0),
    ], timeColumn: "as_of");

    public static string Get(string name) => s_directories[name].Value;

    /// <summary>A fresh copy of a model directory that a test may damage.</summary>
    public static string Copy(string name)
    {
        var source = Get(name);
        var target = Path.Combine(s_root.Value, name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    /// <summary>Raw account rows as a CSV export has them: text cells, some blank, unseen plans, odd booleans.</summary>
    public static List<Dictionary<string, string?>> Rows(int count, int seed)
    {
        var random = new Random(seed);
        string[] plans = ["basic", "pro", "enterprise", "legacy", ""];
        string[] booleans = ["1", "0", "yes", "no", "TRUE", "false", "", "maybe"];
        var rows = new List<Dictionary<string, string?>>(count);
        for (var i = 0; i < count; i++)
        {
            rows.Add(new Dictionary<string, string?>
            {
                ["account_id"] = "A" + i.ToString(CultureInfo.InvariantCulture),
                ["as_of"] = "2025-06-01",
                ["tickets_90d"] = random.NextDouble() < 0.08 ? "" : random.Next(0, 25).ToString(CultureInfo.InvariantCulture),
                ["seat_utilization"] = random.NextDouble() < 0.08 ? "n/a" : random.NextDouble().ToString("0.###", CultureInfo.InvariantCulture),
                ["tenure_months"] = random.Next(1, 60).ToString(CultureInfo.InvariantCulture),
                ["executive_sponsor"] = booleans[random.Next(booleans.Length)],
                ["plan"] = plans[random.Next(plans.Length)],
                ["usage_trend"] = (random.NextDouble() * 2 - 1).ToString("0.###", CultureInfo.InvariantCulture),
            });
        }

        return rows;
    }

    public static bool Label(IReadOnlyDictionary<string, string?> row, Random random)
    {
        var tickets = double.TryParse(row["tickets_90d"], CultureInfo.InvariantCulture, out var t) ? t : 3;
        var utilisation = double.TryParse(row["seat_utilization"], CultureInfo.InvariantCulture, out var u) ? u : 0.3;
        var logit = (0.2 * tickets) - (3 * utilisation) - (0.03 * double.Parse(row["tenure_months"]!, CultureInfo.InvariantCulture))
                    + (row["plan"] == "basic" ? 0.7 : 0) - double.Parse(row["usage_trend"]!, CultureInfo.InvariantCulture);
        return random.NextDouble() < 1 / (1 + Math.Exp(-logit));
    }

    public static float[] Features(IReadOnlyDictionary<string, string?> row)
    {
        var features = new float[Schema.FeatureCount];
        new FeatureMapper(Schema).Map(row, features);
        return features;
    }

    private static string Build(string name, ModelKind kind, CalibrationMethod calibration)
    {
        var directory = Path.Combine(s_root.Value, name);
        Directory.CreateDirectory(directory);
        var context = new MLContext(seed: 1);
        var random = new Random(3);
        var examples = Rows(1200, 17).Select(r => new Example { Features = Features(r), Label = Label(r, random) }).ToList();
        var definition = SchemaDefinition.Create(typeof(Example));
        definition[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Schema.FeatureCount);
        var data = context.Data.LoadFromEnumerable(examples, definition);
        IEstimator<ITransformer> trainer = kind switch
        {
            ModelKind.FastTree => context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 30, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 10, NumberOfThreads = 1 }),
            ModelKind.LightGbm => context.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = 30, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 10, NumberOfThreads = 1, Seed = 1 }),
            _ => context.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1 }),
        };
        var predictor = trainer.Fit(data);
        var scored = predictor.Transform(data);
        ITransformer calibrator = calibration == CalibrationMethod.Platt
            ? context.BinaryClassification.Calibrators.Platt().Fit(scored)
            : context.BinaryClassification.Calibrators.Isotonic().Fit(scored);
        var model = new TransformerChain<ITransformer>(predictor, calibrator);
        using var zip = new MemoryStream();
        context.Model.Save(model, data.Schema, zip);
        ModelManifest ManifestFor(string scorerSha) => new()
        {
            FormatVersion = ModelManifest.CurrentFormatVersion,
            LibraryVersion = "0.1.0",
            ModelKind = kind,
            ScorerFile = ChurnModelDirectory.ScorerFileName,
            ScorerSha256 = scorerSha,
            DataSha256 = new string('0', 64),
            Label = new ManifestLabel("churned_within_90d", "1"),
            IdColumn = "account_id",
            TimeColumn = "as_of",
            Seed = 1,
            Trainer = new ManifestTrainer(name, new Dictionary<string, double> { ["number_of_trees"] = 30 }),
            Features = Schema,
            Calibration = calibration == CalibrationMethod.Platt
                ? new ManifestCalibration { Method = CalibrationMethod.Platt, Slope = -1, Offset = 0 }
                : new ManifestCalibration { Method = CalibrationMethod.Isotonic, Thresholds = [0.0], Values = [0.5] },
            Thresholds = new ManifestThresholds(0.3, 0.25, new RiskBandThresholds(0.5, 0.2)),
        };

        // Exported and proved against ML.NET on the training rows as the trainer does, then written by the library's writer.
        var width = Schema.FeatureCount;
        var features = examples.SelectMany(e => e.Features).ToArray();
        var export = PortableExport.Export(model, ManifestFor, features, width, [.. Enumerable.Range(0, examples.Count)]);
        var manifest = ManifestFor(ChurnModelDirectory.ScorerSha256(export.Scorer)) with { Parity = export.Parity };
        ChurnModelDirectory.Write(directory, manifest, export.Scorer, null, zip.ToArray());
        return directory;
    }

    private sealed class Example
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
