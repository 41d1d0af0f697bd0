using System.Globalization;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Training.Churn.Onnx;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn.Onnx;

/// <summary>
/// model.onnx is a contract: written for every learner and both calibrators, with one named input per feature, the
/// probability and score outputs only, and probabilities that ONNX Runtime reproduces to 1e-6 on the rows predict
/// scores (small data, few trees, two folds, to keep the suite fast).
/// </summary>
public sealed class OnnxExportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-onnx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("fasttree", "platt")]
    [InlineData("fasttree", "isotonic")]
    [InlineData("lightgbm", "platt")]
    [InlineData("lightgbm", "isotonic")]
    [InlineData("logistic", "platt")]
    [InlineData("logistic", "isotonic")]
    [InlineData("blend", "platt")]
    [InlineData("blend", "isotonic")]
    public void Train_EveryTrainerAndCalibration_WritesOnnxThatReproducesPredict(string trainer, string calibration)
    {
        var data = TelecomData.Write(_directory, rows: 400);
        var model = Path.Combine(_directory, "model");
        var (code, _, error) = CliAppTests.Run(
            "train", "--data", data, "--label", "Churn", "--id", "customerID", "--trainer", trainer, "--calibration", calibration,
            "--trees", "8", "--folds", "2", "--out", model, "--quiet");
        Assert.True(code == ExitCodes.Success, error);

        var manifest = ModelManifest.ReadFile(Path.Combine(model, ModelManifest.FileName));
        Assert.Equal(calibration, manifest.Calibration.Method.ToString().ToLowerInvariant());
        var onnx = Assert.IsType<ManifestOnnx>(manifest.Onnx);
        Assert.Equal(OnnxExport.FileName, onnx.File);
        var bytes = File.ReadAllBytes(Path.Combine(model, onnx.File));
        Assert.Equal(onnx.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        Assert.True(onnx.MaxProbabilityDifference <= OnnxExport.ProbabilityTolerance, $"manifest parity {onnx.MaxProbabilityDifference}");
        Assert.True(onnx.EdgeRows > 0 && onnx.Rows > onnx.EdgeRows);

        using var session = OnnxExport.OpenSession(bytes);
        Assert.Equal(manifest.Features.FeatureNames.Select(OnnxScorerGraph.InputName), session.InputNames);
        Assert.All(session.InputMetadata.Values, m => Assert.Equal(typeof(float), m.ElementType));
        Assert.Equal(["probability", "score"], session.OutputNames);

        // What predict computes for each row, against ONNX Runtime on the input matrix predict writes.
        var features = Path.Combine(_directory, "features.csv");
        (code, _, error) = CliAppTests.Run("predict", "--model", model, "--data", data, "--out", Path.Combine(_directory, "p.csv"), "--features-out", features, "--explain", "0", "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        var (matrix, probabilities, rows) = ReadFeatures(features, session.InputNames);
        Assert.Equal(400, rows);
        var (actual, _) = OnnxExport.Run(session, matrix, rows, session.InputNames.Count);
        var worst = probabilities.Select((p, i) => Math.Abs(p - actual[i])).Max();
        Assert.True(worst <= 1e-6, $"max |Δp| = {worst}");
    }

    [Fact]
    public void Build_FeatureNamedLikeAnOutput_GetsAPrefixedInput()
    {
        Assert.Equal("feature/score", OnnxScorerGraph.InputName("score"));
        Assert.Equal("feature/probability", OnnxScorerGraph.InputName("probability"));
        Assert.Equal("plan=pro", OnnxScorerGraph.InputName("plan=pro"));
    }

    // Up to the cap every row is compared; past it, exactly the cap's worth, in order, spread from the first row to
    // near the last with no gap wider than twice the even spacing.
    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 5)]
    [InlineData(6, 5)]
    [InlineData(1000, 7)]
    [InlineData(475_000, OnnxExport.MaxParityRows)]
    public void Spread_KeepsAtMostTheCount_EvenlyAndInOrder(int length, int count)
    {
        int[] rows = [.. Enumerable.Range(0, length).Select(i => (i * 3) + 1)];
        var spread = OnnxExport.Spread(rows, count);
        if (length <= count)
        {
            Assert.Same(rows, spread);
            return;
        }

        Assert.Equal(count, spread.Length);
        Assert.Equal(rows[0], spread[0]);
        Assert.All(spread.Zip(spread.Skip(1)), pair => Assert.True(pair.First < pair.Second));
        var gap = (double)length / count * 3;
        Assert.All(spread.Zip(spread.Skip(1)), pair => Assert.True(pair.Second - pair.First <= 2 * gap));
        Assert.True(rows[^1] - spread[^1] <= 2 * gap);
    }

    private static (float[] Matrix, float[] Probabilities, int Rows) ReadFeatures(string path, IReadOnlyList<string> inputs)
    {
        using var reader = TabularReader.Open(path);
        var ordinals = inputs.Select(name => reader.Columns.ToList().IndexOf(name)).ToArray();
        Assert.DoesNotContain(-1, ordinals);
        var probability = reader.Columns.ToList().IndexOf("probability");
        var matrix = new List<float>();
        var probabilities = new List<float>();
        while (reader.Read())
        {
            matrix.AddRange(ordinals.Select(o => Parse(reader.GetString(o))));
            probabilities.Add(Parse(reader.GetString(probability)));
        }

        return ([.. matrix], [.. probabilities], probabilities.Count);
    }

    private static float Parse(string text) => text.Length == 0 ? float.NaN : float.Parse(text, CultureInfo.InvariantCulture);
}
