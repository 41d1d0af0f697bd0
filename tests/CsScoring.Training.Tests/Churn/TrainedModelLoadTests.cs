using System.Globalization;
using System.Security.Cryptography;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn;

public sealed class TrainedModelLoadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-load-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("fasttree", "auto")]
    [InlineData("lightgbm", "isotonic")]
    [InlineData("logistic", "platt")]
    public void TrainedModel_LoadsInTheLibrary_AndReproducesTheValidationProbabilities(string trainer, string calibration)
    {
        var data = TelecomData.Write(_directory);
        var output = Path.Combine(_directory, trainer);
        var (code, _, error) = CliAppTests.Run("train", "--data", data, "--label", "Churn", "--out", output, "--trees", "20", "--folds", "3",
            "--trainer", trainer, "--calibration", calibration, "--no-refit", "-q");
        Assert.True(code == ExitCodes.Success, error);

        var model = ChurnModel.Load(output);
        var expected = File.ReadAllLines(Path.Combine(output, "validation_predictions.csv")).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => long.Parse(f[0], CultureInfo.InvariantCulture), f => double.Parse(f[2], CultureInfo.InvariantCulture));
        Assert.NotEmpty(expected);
        using var reader = TabularReader.Open(data);
        var row = new Dictionary<string, string?>();
        var checkedRows = 0;
        while (reader.Read())
        {
            if (!expected.TryGetValue(reader.RowNumber, out var probability))
            {
                continue;
            }

            for (var c = 0; c < reader.Columns.Count; c++)
            {
                row[reader.Columns[c]] = reader.GetString(c);
            }

            Assert.Equal(probability, model.Predict(row).Probability, 5e-6);
            checkedRows++;
        }

        Assert.Equal(expected.Count, checkedRows);
    }

    [Theory]
    [InlineData("fasttree")]
    [InlineData("lightgbm")]
    [InlineData("logistic")]
    public void TrainedModel_CarriesTheTrainingBackground_AndExplainsAsWithBackgroundOfTheTrainingRows(string trainer)
    {
        var data = TelecomData.Write(_directory);
        var output = Path.Combine(_directory, trainer);
        var (code, _, error) = CliAppTests.Run("train", "--data", data, "--label", "Churn", "--out", output, "--trees", "20", "--folds", "3",
            "--trainer", trainer, "-q");
        Assert.True(code == ExitCodes.Success, error);

        var manifest = ModelManifest.ReadFile(Path.Combine(output, ModelManifest.FileName));
        Assert.Equal(ExplanationBackground.FileName, manifest.BackgroundFile);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(output, ExplanationBackground.FileName)))), manifest.BackgroundSha256);

        var restored = ChurnModel.Load(output);
        Assert.True(restored.CanExplain);
        Assert.Equal(manifest.TrainingRows, restored.Background!.Rows);
        Assert.Equal("training rows", restored.Background.Population);

        // Refitted on every labelled row: the training rows are the file's rows.
        var rows = new List<float[]>();
        using (var reader = TabularReader.Open(data))
        {
            while (reader.Read())
            {
                var features = new float[restored.FeatureCount];
                restored.Mapper.Map(reader, features);
                rows.Add(features);
            }
        }

        Assert.Equal(manifest.TrainingRows, rows.Count);
        var fresh = ChurnModel.Load(output).WithBackground([.. rows.SelectMany(r => r)], rows.Count);
        var a = new float[restored.FeatureCount];
        var b = new float[restored.FeatureCount];
        var maxDelta = 0.0;
        foreach (var row in rows)
        {
            Assert.Equal(fresh.Explain(row, a), restored.Explain(row, b), 1e-9);
            for (var f = 0; f < a.Length; f++)
            {
                maxDelta = Math.Max(maxDelta, Math.Abs(a[f] - b[f]));
            }
        }

        Assert.True(maxDelta <= 1e-6, $"max |Δ contribution| = {maxDelta}");
    }
}
