using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace CsScoring.Training.Tests.Predict;

/// <summary>Runs only where the repository's data/sample is present (found by walking up from the test binaries).</summary>
public sealed class SampleFactAttribute : FactAttribute
{
    public SampleFactAttribute()
    {
        if (SampleParityTests.FindSample() is null)
        {
            Skip = "data/sample/accounts.csv was not found above the test binaries.";
        }
    }
}

/// <summary>Models trained by <c>csscoring train</c> on data/sample, scored by the library and by ML.NET.</summary>
public sealed class SampleParityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-parity-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static string? FindSample()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "data", "sample", "accounts.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [SampleFact]
    [Trait("Category", "Slow")]
    public void FastTree_ValidationWindowAndEdgeRows_MatchPredictionEngineWithin1e6() => AssertParity("fasttree");

    [SampleFact]
    [Trait("Category", "Slow")]
    public void LightGbm_ValidationWindowAndEdgeRows_MatchPredictionEngineWithin1e6() => AssertParity("lightgbm");

    private void AssertParity(string trainer)
    {
        var accounts = FindSample()!;
        var modelDirectory = Path.Combine(_directory, trainer);
        var (code, _, error) = CliAppTests.Run("train", "--data", accounts, "--label", "churned_within_90d", "--id", "account_id", "--time", "as_of",
            "--trainer", trainer, "--folds", "2", "--out", modelDirectory, "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        var model = ChurnModel.Load(modelDirectory);

        // The out-of-time validation window: the last three snapshot months, mapped exactly as training mapped them.
        var rows = new List<float[]>();
        using (var reader = TabularReader.Open(accounts))
        {
            var months = new SortedSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                months.Add(reader.GetString(reader.GetOrdinal("as_of")));
            }

            var window = months.Reverse().Take(3).ToHashSet(StringComparer.Ordinal);
            using var again = TabularReader.Open(accounts);
            while (again.Read())
            {
                if (window.Contains(again.GetString(again.GetOrdinal("as_of"))))
                {
                    var features = new float[model.FeatureCount];
                    model.Mapper.Map(again, features);
                    rows.Add(features);
                }
            }
        }

        var validationRows = rows.Count;

        // Rows no account has: NaN, infinities, all-zero one-hot groups (an unseen category).
        var random = new Random(3);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -1e9f, 1e9f];
        for (var i = 0; i < 2000; i++)
        {
            var row = (float[])rows[random.Next(validationRows)].Clone();
            for (var f = 0; f < row.Length; f++)
            {
                if (random.Next(4) == 0)
                {
                    row[f] = random.Next(3) == 0 ? specials[random.Next(specials.Length)] : 0f;
                }
            }

            rows.Add(row);
        }

        var context = new MLContext(seed: 1);
        var reference = context.Model.Load(Path.Combine(modelDirectory, "model.zip"), out _);
        var definition = SchemaDefinition.Create(typeof(Input));
        definition[nameof(Input.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
        var engine = context.Model.CreatePredictionEngine<Input, Output>(reference, inputSchemaDefinition: definition);
        double maxValidation = 0, maxGenerated = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var expected = new Output();
            engine.Predict(new Input { Features = rows[i] }, ref expected);
            var actual = model.Predict(rows[i]);
            Assert.Equal(expected.Score, actual.RawScore);
            var delta = Math.Abs(expected.Probability - actual.Probability);
            if (i < validationRows)
            {
                maxValidation = Math.Max(maxValidation, delta);
            }
            else
            {
                maxGenerated = Math.Max(maxGenerated, delta);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{trainer} ({model.Manifest.Calibration.Method}): max |dp| = {maxValidation:R} on {validationRows} validation rows, {maxGenerated:R} on {rows.Count - validationRows} generated edge rows"));
        Assert.True(maxValidation <= 1e-6, $"validation max |dp| = {maxValidation}");
        Assert.True(maxGenerated <= 1e-6, $"generated max |dp| = {maxGenerated}");
    }

    private sealed class Input
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float Score { get; set; }

        public float Probability { get; set; }
    }
}
