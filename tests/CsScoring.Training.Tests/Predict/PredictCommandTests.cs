using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Predict;

/// <summary>A sample and a model trained on it with <c>csscoring train</c>, shared by the predict tests.</summary>
public sealed class TrainedSampleFixture : IDisposable
{
    public TrainedSampleFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("csscoring-predict-").FullName;
        var data = Path.Combine(Directory, "data");
        System.IO.Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 250, Months = 10 }, data);
        Accounts = Path.Combine(data, "accounts.csv");
        Model = Path.Combine(Directory, "model");
        var (code, _, error) = CliAppTests.Run("train", "--data", Accounts, "--label", "churned_within_90d", "--id", "account_id", "--time", "as_of",
            "--trainer", "fasttree", "--out", Model, "--quiet");
        Assert.True(code == ExitCodes.Success, error);
    }

    public string Directory { get; }

    public string Accounts { get; }

    public string Model { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public sealed class PredictCommandTests(TrainedSampleFixture sample) : IClassFixture<TrainedSampleFixture>
{
    [Fact]
    public void Predict_UnparsableCells_AreImputedAndCountedPerColumn()
    {
        var lines = File.ReadAllLines(sample.Accounts);
        var header = lines[0].Split(',');
        var csat = Array.IndexOf(header, "csat");
        var seats = Array.IndexOf(header, "seats");
        for (var i = 1; i <= 6; i++)
        {
            var cells = lines[i].Split(',');
            cells[csat] = i % 2 == 0 ? "n/a-ish" : "Infinity";
            if (i <= 2)
            {
                cells[seats] = "lots";
            }

            lines[i] = string.Join(',', cells);
        }

        var data = Path.Combine(sample.Directory, "dirty-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllLines(data, lines);
        var output = Path.Combine(sample.Directory, "predictions-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, stdout, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", data, "--out", output, "--json", "--quiet");
        Assert.True(code == ExitCodes.Success, error);

        var warnings = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("warnings").EnumerateArray()
            .Where(w => w.GetProperty("code").GetString() == "imputed-cells")
            .ToDictionary(w => w.GetProperty("column").GetString()!, w => w.GetProperty("count").GetInt64());
        Assert.Equal(6, warnings["csat"]);
        Assert.Equal(2, warnings["seats"]);
        Assert.Contains("imputed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WritesOneRowPerInputRow_WithTheLibrarysProbabilitiesAndReasons()
    {
        var output = Path.Combine(sample.Directory, "predictions-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", output, "--explain", "2", "--quiet");
        Assert.True(code == ExitCodes.Success, error);

        var model = ChurnModel.Load(sample.Model);
        using var predictions = TabularReader.Open(output);
        Assert.Equal(["account_id", "as_of", "churn_probability", "risk_band", "raw_score", "reason_1", "reason_1_contribution", "reason_2", "reason_2_contribution"], predictions.Columns);
        using var data = TabularReader.Open(sample.Accounts);
        var features = new float[model.FeatureCount];
        var rows = 0;
        while (data.Read())
        {
            Assert.True(predictions.Read());
            rows++;
            model.Mapper.Map(data, features);
            var expected = model.Predict(features);
            Assert.Equal(data.GetString(data.GetOrdinal("account_id")), predictions.GetString(0));
            Assert.Equal(expected.Probability, predictions.GetDoubleOrNaN(2), 6);
            Assert.Equal(expected.Band.ToString().ToLowerInvariant(), predictions.GetString(3));
            Assert.EndsWith("churn risk", predictions.GetString(5), StringComparison.Ordinal);
        }

        Assert.False(predictions.Read());
        Assert.True(rows > 100);
    }

    [Fact]
    public void Predict_Json_ReportsCountsBandsAndTopAccounts()
    {
        var output = Path.Combine(sample.Directory, "predictions-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, stdout, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", output, "--json", "--top", "5");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var rows = root.GetProperty("rows").GetInt64();
        var bands = root.GetProperty("bands");
        Assert.Equal(rows, bands.GetProperty("high").GetInt64() + bands.GetProperty("medium").GetInt64() + bands.GetProperty("low").GetInt64());
        var top = root.GetProperty("top_at_risk").EnumerateArray().Select(a => a.GetProperty("probability").GetDouble()).ToList();
        Assert.Equal(5, top.Count);
        Assert.Equal(top.OrderByDescending(p => p), top);
        Assert.Equal(3, root.GetProperty("explain").GetInt32());
    }

    [Fact]
    public void Predict_ModelWithTrainingBackground_ExplainsRelativeToTheTrainingRows()
    {
        var output = Path.Combine(sample.Directory, "predictions-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, stdout, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", output, "--json", "--explain", "3");
        Assert.True(code == ExitCodes.Success, error);
        Assert.DoesNotContain("no explanation background", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var model = ChurnModel.Load(sample.Model);
        Assert.True(json.RootElement.GetProperty("background_from_model").GetBoolean());
        Assert.Equal($"the {model.Background!.Rows} training rows stored with the model", json.RootElement.GetProperty("background").GetString());

        // Every reason is the loaded model's own explanation, worded by column kind.
        using var data = TabularReader.Open(sample.Accounts);
        using var predictions = TabularReader.Open(output);
        var features = new float[model.FeatureCount];
        var contributions = new float[model.FeatureCount];
        var reasons = new CsScoring.Churn.Explain.ChurnReason[3];
        var reasonTexts = new List<string>();
        while (data.Read() && predictions.Read())
        {
            model.Mapper.Map(data, features);
            model.Explain(features, contributions);
            var count = model.TopReasons(features, contributions, reasons);
            for (var k = 0; k < count; k++)
            {
                Assert.Equal(model.DescribeReason(reasons[k]), predictions.GetString(5 + (2 * k)));
                Assert.Equal(reasons[k].Contribution, predictions.GetDoubleOrNaN(6 + (2 * k)), 5e-6);
                reasonTexts.Add(predictions.GetString(5 + (2 * k)));
            }
        }

        Assert.Contains(reasonTexts, r => System.Text.RegularExpressions.Regex.IsMatch(r, @"^renewal_date (in \d+ days?|\d+ days? ago|on the as-of date) (raises|lowers) churn risk$"));
        Assert.DoesNotContain(reasonTexts, r => r.StartsWith("renewal_date = ", StringComparison.Ordinal));
        Assert.DoesNotContain(reasonTexts, r => r.StartsWith("executive_sponsor = 1", StringComparison.Ordinal) || r.StartsWith("executive_sponsor = 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Predict_ModelDirectoryWithoutBackground_LearnsItFromTheScoredRows()
    {
        // A model directory as written before training stored the background.
        var old = Path.Combine(sample.Directory, "old-model-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(old);
        foreach (var file in System.IO.Directory.GetFiles(sample.Model).Where(f => Path.GetFileName(f) != CsScoring.Churn.Explain.ExplanationBackground.FileName))
        {
            File.Copy(file, Path.Combine(old, Path.GetFileName(file)));
        }

        var manifestPath = Path.Combine(old, CsScoring.Churn.Manifest.ModelManifest.FileName);
        var manifest = CsScoring.Churn.Manifest.ModelManifest.ReadFile(manifestPath) with { BackgroundFile = null, BackgroundSha256 = null };
        File.WriteAllText(manifestPath, manifest.ToJson());
        ChurnModelDirectory.WriteManifestChecksum(old);
        Assert.False(ChurnModel.Load(old).CanExplain);

        var output = Path.Combine(sample.Directory, "predictions-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, stdout, error) = CliAppTests.Run("predict", "--model", old, "--data", sample.Accounts, "--out", output, "--json", "--explain", "2");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("no explanation background", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var rows = json.RootElement.GetProperty("rows").GetInt64();
        Assert.False(json.RootElement.GetProperty("background_from_model").GetBoolean());
        Assert.Equal($"the {rows} scored rows", json.RootElement.GetProperty("background").GetString());
        using var predictions = TabularReader.Open(output);
        Assert.True(predictions.Read());
        Assert.EndsWith("churn risk", predictions.GetString(5), StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_ExplainZero_WritesNoReasonColumns()
    {
        var output = Path.Combine(sample.Directory, "predictions-" + Guid.NewGuid().ToString("N") + ".csv");
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", output, "--explain", "0", "-q");
        Assert.True(code == ExitCodes.Success, error);
        using var predictions = TabularReader.Open(output);
        Assert.DoesNotContain(predictions.Columns, c => c.StartsWith("reason", StringComparison.Ordinal));
    }

    [Fact]
    public void Predict_DataLackingModelColumns_IsBadInputNamingThem()
    {
        var data = Path.Combine(sample.Directory, "narrow-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllLines(data, ["account_id,as_of,seats", "A1,2025-01-31,4"]);
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", data, "--out", Path.Combine(sample.Directory, "never.csv"), "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lacks", error, StringComparison.Ordinal);
        Assert.Contains("tenure_months", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(sample.Directory, "never.csv")));
    }

    [Fact]
    public void Predict_MissingModelDirectory_IsBadInput()
    {
        var (code, _, error) = CliAppTests.Run("predict", "--model", Path.Combine(sample.Directory, "no-model"), "--data", sample.Accounts, "--out", Path.Combine(sample.Directory, "x.csv"), "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("manifest.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_ExistingOutputWithoutForce_IsBadInputAndKeepsIt()
    {
        var output = Path.Combine(sample.Directory, "existing-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(output, "old");
        var (code, _, _) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", output, "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("old", File.ReadAllText(output));
        Assert.Equal(ExitCodes.Success, CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", output, "--force", "-q").ExitCode);
    }

    [Theory]
    [InlineData("--explain", "-1")]
    [InlineData("--top", "-2")]
    public void Predict_BadOption_IsBadInput(string option, string value)
    {
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", "x.csv", option, value);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Run_ScoresCurrentCustomersOnly_AndCountsTheFormerOnes()
    {
        var output = Path.Combine(sample.Directory, "run-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, error) = CliAppTests.Run("run", "--data", Path.GetDirectoryName(sample.Accounts)!, "--out", output, "--json", "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var step = json.RootElement.GetProperty("churn_predictions");

        // Current customers: accounts whose latest snapshot is on the data's last as-of date.
        var latest = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        using (var data = TabularReader.Open(sample.Accounts))
        {
            while (data.Read())
            {
                var id = data.GetString(data.GetOrdinal("account_id"));
                var date = data.GetDate(data.GetOrdinal("as_of"));
                latest[id] = latest.TryGetValue(id, out var before) && before > date ? before : date;
            }
        }

        var last = latest.Values.Max();
        var current = latest.Where(p => p.Value == last).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        Assert.True(current.Count < latest.Count, "the sample should have accounts that left");
        Assert.Equal(current.Count, step.GetProperty("accounts").GetInt32());
        Assert.Equal(latest.Count - current.Count, step.GetProperty("former_accounts_left_out").GetInt32());
        Assert.Equal(last.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), step.GetProperty("as_of").GetString());
        Assert.Equal("training", step.GetProperty("explanation_background").GetString());
        Assert.All(step.GetProperty("top_at_risk").EnumerateArray(), a => Assert.Contains(a.GetString()!, current));

        using var predictions = TabularReader.Open(Path.Combine(output, "churn_predictions.csv"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (predictions.Read())
        {
            Assert.True(seen.Add(predictions.GetString(0)), "an account was scored twice");
            Assert.Equal(last, predictions.GetDate(1));
            Assert.InRange(predictions.GetDoubleOrNaN(2), 0, 1);
        }

        Assert.Equal(current, seen);
        var report = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("Churn risk now", report, StringComparison.Ordinal);
        Assert.Contains("Former accounts left out", report, StringComparison.Ordinal);
        Assert.Contains("training rows stored with the model", report, StringComparison.Ordinal);
    }
}
