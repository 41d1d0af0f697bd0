using System.Globalization;
using System.Security.Cryptography;
using CsScoring.Churn;
using CsScoring.Training.Churn.MlNet;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace CsScoring.Benchmarks.Churn;

/// <summary>
/// The benchmark model: FastTree, 100 trees × 20 leaves, trained on generated churn-like data with 20
/// features, saved as a model directory and loaded back three ways (CsScoring, ML.NET, ONNX Runtime), plus 10,000
/// distinct rows to score (a repeated row would flatter the branch predictor). <see cref="Blend"/> is the same trees
/// blended in margin space with a logistic regression trained on the same rows.
/// </summary>
internal sealed class ChurnBenchmarkModel : IDisposable
{
    public const int Features = 20;
    public const int Rows = 10_000;

    private ChurnBenchmarkModel()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("csscoring-bench-").FullName;
        Context = new MLContext(seed: 1);
        var training = Generate(20_000, seed: 11);
        var data = Context.Data.LoadFromEnumerable(training.Select(r => new Example { Features = r.Features, Label = r.Label }));
        var options = new FastTreeBinaryTrainer.Options { NumberOfTrees = 100, NumberOfLeaves = 20, MinimumExampleCountPerLeaf = 20, NumberOfThreads = 1 };
        var trained = Context.BinaryClassification.Trainers.FastTree(options).Fit(data);
        PortableScorer trees;
        using (var zip = new MemoryStream())
        {
            Context.Model.Save(trained, data.Schema, zip);
            trees = MlNetModelReader.Read(trained, data.Schema, null);
            WriteModelDirectory(Directory, trees, zip.ToArray());
        }

        var linear = MlNetModelReader.Read(
            Context.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1 }).Fit(data), data.Schema, null);
        var blendDirectory = Path.Combine(Directory, "blend");
        System.IO.Directory.CreateDirectory(blendDirectory);
        WriteModelDirectory(blendDirectory, new PortableScorer
        {
            FormatVersion = PortableScorer.CurrentFormatVersion,
            ModelKind = ModelKind.Blend,
            FeatureCount = Features,
            Blend = new PortableBlend(
            [
                new PortableBlendComponent { ModelKind = ModelKind.LogisticRegression, Weight = 0.4, Linear = linear.Linear },
                new PortableBlendComponent { ModelKind = ModelKind.FastTree, Weight = 0.8, Trees = trees.Trees },
            ], -0.1),
            Calibration = trees.Calibration,
        }, ReadOnlyMemory<byte>.Empty);

        MlNetModel = Context.Model.Load(Path.Combine(Directory, ChurnModelDirectory.MlNetModelFileName), out _);
        Model = ChurnModel.Load(Directory);
        Inputs = Generate(Rows, seed: 12).Select(r => r.Features).ToArray();
        RowMajor = Inputs.SelectMany(r => r).ToArray();
        var background = Generate(2_000, seed: 13).SelectMany(r => r.Features).ToArray();
        Explained = Model.WithBackground(background, 2_000);
        Blend = ChurnModel.Load(blendDirectory).WithBackground(background, 2_000);
        DataView = Context.Data.LoadFromEnumerable(Inputs.Select(f => new Input { Features = f }));

        using var onnx = new MemoryStream();
        Context.Model.ConvertToOnnx(MlNetModel, DataView, onnx);
        Onnx = new InferenceSession(onnx.ToArray(), new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
    }

    public static ChurnBenchmarkModel Instance => s_instance.Value;

    private static readonly Lazy<ChurnBenchmarkModel> s_instance = new(() => new ChurnBenchmarkModel());

    public string Directory { get; }

    public MLContext Context { get; }

    public ITransformer MlNetModel { get; }

    public ChurnModel Model { get; }

    public ChurnModel Explained { get; }

    /// <summary>A logistic regression (weight 0.4) and the same trees (weight 0.8) blended, with an explanation background.</summary>
    public ChurnModel Blend { get; }

    public float[][] Inputs { get; }

    public float[] RowMajor { get; }

    public IDataView DataView { get; }

    public InferenceSession Onnx { get; }

    public void Dispose()
    {
        Onnx.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static List<(float[] Features, bool Label)> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<(float[], bool)>(count);
        for (var i = 0; i < count; i++)
        {
            var f = new float[Features];
            for (var j = 0; j < Features; j++)
            {
                f[j] = (float)(j % 4 == 0 ? random.Next(0, 30) : random.NextDouble() * (j + 1));
            }

            var logit = (0.15 * f[0]) - (0.8 * f[1]) + (0.3 * Math.Sin(f[2])) - (0.05 * f[4]) + (f[5] > 3 ? 0.7 : -0.2) - (0.1 * f[7] * f[1]) - 0.5;
            rows.Add((f, random.NextDouble() < 1 / (1 + Math.Exp(-logit))));
        }

        return rows;
    }

    private static void WriteModelDirectory(string directory, PortableScorer scorer, ReadOnlyMemory<byte> mlNetModel)
    {
        var schema = new FeatureSchema(Enumerable.Range(0, Features).Select(i => FeatureColumn.Numeric("f" + i.ToString(CultureInfo.InvariantCulture), 0)), "as_of");
        var manifest = new ModelManifest
        {
            FormatVersion = ModelManifest.CurrentFormatVersion,
            LibraryVersion = "0.1.0",
            ModelKind = scorer.ModelKind,
            ScorerFile = ChurnModelDirectory.ScorerFileName,
            ScorerSha256 = ChurnModelDirectory.ScorerSha256(scorer),
            DataSha256 = new string('0', 64),
            Label = new ManifestLabel("churned", "1"),
            TimeColumn = "as_of",
            Seed = 1,
            Trainer = new ManifestTrainer("fast_tree", new Dictionary<string, double> { ["number_of_trees"] = 100, ["number_of_leaves"] = 20 }),
            Features = schema,
            Calibration = new ManifestCalibration { Method = CalibrationMethod.Platt, Slope = -1, Offset = 0 },
            Thresholds = new ManifestThresholds(0.5, 0.5, new RiskBandThresholds(0.5, 0.2)),
        };
        ChurnModelDirectory.Write(directory, manifest, scorer, null, mlNetModel);
    }

    public sealed class Example
    {
        [VectorType(ChurnBenchmarkModel.Features)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    public sealed class Input
    {
        [VectorType(ChurnBenchmarkModel.Features)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Output
    {
        public float Score { get; set; }

        public float Probability { get; set; }
    }
}
