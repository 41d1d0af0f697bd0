using System.Globalization;
using CsScoring.Churn;
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
}
