using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;

namespace CsScoring.Tests.Churn;

/// <summary>
/// Blends of the test suite's LightGBM and logistic-regression model directories (one schema, so one feature vector):
/// the portable blend, its manifest, and a model directory written through the library's writer.
/// </summary>
internal static class BlendModels
{
    public const double PlattSlope = -1.1;
    public const double PlattOffset = 0.2;

    private static readonly Lazy<string> s_directory = new(() => Write(Directory(), Portable(0.6, 0.4, 0.1), withBackground: true));

    public static PortableScorer Component(string name)
    {
        using var stream = File.OpenRead(Path.Combine(ModelDirectories.Get(name), ChurnModelDirectory.ScorerFileName));
        return ChurnModelDirectory.ReadScorer(stream);
    }

    /// <summary>A LightGBM + logistic blend with Platt after blending and self-test rows scored through the components.</summary>
    public static PortableScorer Portable(double treeWeight, double linearWeight, double bias, bool withSelfTest = true)
    {
        var trees = Component("light_gbm");
        var linear = Component("logistic");
        var blend = new PortableScorer
        {
            FormatVersion = PortableScorer.CurrentFormatVersion,
            ModelKind = ModelKind.Blend,
            FeatureCount = trees.FeatureCount,
            Blend = new PortableBlend(
            [
                new PortableBlendComponent { ModelKind = ModelKind.LightGbm, Weight = treeWeight, Trees = trees.Trees },
                new PortableBlendComponent { ModelKind = ModelKind.LogisticRegression, Weight = linearWeight, Linear = linear.Linear },
            ], bias),
            Calibration = new PortableCalibration { Method = CalibrationMethod.Platt, Slope = PlattSlope, Offset = PlattOffset },
        };
        if (!withSelfTest)
        {
            return blend;
        }

        // Expected values from the component models loaded on their own, combined as the format defines.
        var treeModel = ChurnModel.Load(ModelDirectories.Get("light_gbm"));
        var linearModel = ChurnModel.Load(ModelDirectories.Get("logistic"));
        var rows = trees.SelfTest!.Rows.Concat(linear.SelfTest!.Rows).ToList();
        var scores = new List<float>();
        var probabilities = new List<float>();
        foreach (var row in rows)
        {
            var features = row.ToArray();
            var score = Blended(treeWeight, treeModel.Predict(features).RawScore, linearWeight, linearModel.Predict(features).RawScore, bias);
            scores.Add(score);
            probabilities.Add(Platt(score));
        }

        return blend with { SelfTest = new PortableSelfTest(rows, scores, probabilities) };
    }

    public static float Blended(double treeWeight, float treeScore, double linearWeight, float linearScore, double bias)
        => (float)((treeWeight * treeScore) + (linearWeight * linearScore) + bias);

    public static float Platt(float score) => float.IsNaN(score) ? float.NaN : (float)(1 / (1 + Math.Exp((PlattSlope * score) + PlattOffset)));

    public static ModelManifest Manifest(PortableScorer scorer)
    {
        using var stream = File.OpenRead(Path.Combine(ModelDirectories.Get("light_gbm"), ChurnModelDirectory.ManifestFileName));
        var manifest = ModelManifest.Read(stream);
        return manifest with
        {
            ModelKind = ModelKind.Blend,
            ScorerSha256 = ChurnModelDirectory.ScorerSha256(scorer),
            ModelFile = null,
            ModelSha256 = null,
            Parity = null,
            Trainer = new ManifestTrainer("blend", new Dictionary<string, double> { ["weight_light_gbm"] = 0.6, ["weight_logistic_regression"] = 0.4 }),
            Calibration = new ManifestCalibration { Method = CalibrationMethod.Platt, Slope = PlattSlope, Offset = PlattOffset },
        };
    }

    /// <summary>The shared blend model directory (weights 0.6 / 0.4, bias 0.1) with its background from 800 rows.</summary>
    public static string Get() => s_directory.Value;

    public static float[] BackgroundRows(out int rows)
    {
        var list = ModelDirectories.Rows(800, 41).Select(ModelDirectories.Features).ToList();
        rows = list.Count;
        return [.. list.SelectMany(r => r)];
    }

    public static string Directory()
    {
        var path = Path.Combine(Path.GetTempPath(), "csscoring-blend-tests-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public static string Write(string directory, PortableScorer scorer, bool withBackground)
    {
        var manifest = Manifest(scorer);
        ExplanationBackground? background = null;
        if (withBackground)
        {
            var flat = BackgroundRows(out var rows);
            background = ChurnModel.Create(manifest, scorer).WithBackground(flat, rows).Background;
        }

        ChurnModelDirectory.Write(directory, manifest, scorer, background, ReadOnlyMemory<byte>.Empty);
        return directory;
    }
}
