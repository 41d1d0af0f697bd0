using System.Globalization;
using System.Text.Json;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-train-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (int Code, string Out, string Error) Train(string data, string output, params string[] extra)
        => CliAppTests.Run([
            "train", "--data", data, "--label", "Churn", "--out", output, "--trees", "20", "--folds", "3", "--json", .. extra]);

    [Fact]
    public void Train_TelecomExport_WritesEveryArtifactAndTheJsonContract()
    {
        var data = TelecomData.Write(_directory);
        var output = Path.Combine(_directory, "model");

        var (code, stdout, error) = Train(data, output);

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("light_gbm", root.GetProperty("trainer").GetString());
        Assert.Equal(600, root.GetProperty("rows").GetInt32());
        Assert.True(root.GetProperty("features").GetInt32() > 5);
        var validation = root.GetProperty("validation");
        foreach (var key in new[] { "auc", "pr_auc", "log_loss", "brier", "ece", "lift_at_10", "threshold" })
        {
            Assert.True(validation.TryGetProperty(key, out _), key);
        }

        Assert.InRange(validation.GetProperty("auc").GetDouble(), 0.65, 1.0);
        Assert.True(root.GetProperty("cv").GetProperty("mean").GetProperty("auc").GetDouble() > 0.6);
        Assert.True(root.GetProperty("cv").GetProperty("sd").TryGetProperty("brier", out _));

        // --folds 3 was given; 600 rows need no negative sample.
        Assert.Equal(3, root.GetProperty("cv").GetProperty("folds").GetInt32());
        Assert.Equal(1.0, root.GetProperty("negative_sample_rate").GetDouble());
        var artifacts = root.GetProperty("artifacts").EnumerateArray().Select(a => Path.GetFileName(a.GetString()!)).ToList();
        foreach (var file in new[] { "model.zip", "manifest.json", "metrics.json", "report.html", "validation_predictions.csv" })
        {
            Assert.Contains(file, artifacts);
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }

        var manifest = ModelManifest.ReadFile(Path.Combine(output, "manifest.json"));
        Assert.Equal("Yes", manifest.Label.Positive);
        Assert.DoesNotContain(manifest.Features.Columns, c => c.Name is "customerID" or "Email");
        Assert.Contains(manifest.Features.Columns, c => c.Name == "TotalCharges" && c.MissingIndicator);
        Assert.Contains("Contract=Month-to-month", manifest.Features.FeatureNames);
        Assert.Contains("Email", error, StringComparison.Ordinal);
        var report = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Equal(7, CountOf(report, "data:image/png;base64,"));
        Assert.Equal("model.onnx", root.GetProperty("onnx").GetProperty("file").GetString());
        Assert.True(root.GetProperty("onnx").GetProperty("max_probability_difference").GetDouble() <= 1e-6);
    }

    [Fact]
    public void Train_SameDataAndSeed_GivesTheSameBytesInEveryArtifact()
    {
        var data = TelecomData.Write(_directory);
        var first = Train(data, Path.Combine(_directory, "a"));
        var second = Train(data, Path.Combine(_directory, "b"));

        Assert.Equal(ExitCodes.Success, first.Code);
        Assert.Equal(ExitCodes.Success, second.Code);
        var files = Directory.GetFiles(Path.Combine(_directory, "a")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(Path.Combine(_directory, "b")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("background.json", files);
        Assert.Contains("model.zip", files);
        foreach (var file in files)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(_directory, "a", file!)).SequenceEqual(File.ReadAllBytes(Path.Combine(_directory, "b", file!))),
                $"{file} differs between two runs with the same data and seed");
        }
    }

    [Theory]
    [InlineData("lightgbm", "light_gbm")]
    [InlineData("logistic", "logistic_regression")]
    public void Train_OtherTrainers_Work(string trainer, string name)
    {
        var data = TelecomData.Write(_directory);
        var (code, stdout, error) = Train(data, Path.Combine(_directory, trainer), "--trainer", trainer, "--calibration", "platt");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(name, json.RootElement.GetProperty("trainer").GetString());
        Assert.True(json.RootElement.GetProperty("validation").GetProperty("auc").GetDouble() > 0.65);
    }

    [Fact]
    public void Train_Blend_WritesABlendThatPredictsAndExplains()
    {
        var data = TelecomData.Write(_directory);
        var output = Path.Combine(_directory, "blend");
        var (code, stdout, error) = Train(data, output, "--trainer", "blend");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("blend", root.GetProperty("trainer").GetString());
        var hyperparameters = root.GetProperty("hyperparameters");
        Assert.NotEqual(0, hyperparameters.GetProperty("weight_logistic_regression").GetDouble());
        Assert.NotEqual(0, hyperparameters.GetProperty("weight_light_gbm").GetDouble());
        Assert.Equal(20, hyperparameters.GetProperty("light_gbm.number_of_trees").GetDouble());
        var candidates = root.GetProperty("candidates").EnumerateArray().Select(c => (Name: c.GetProperty("trainer").GetString(), Chosen: c.GetProperty("chosen").GetBoolean())).ToList();
        Assert.Equal(["logistic_regression", "light_gbm", "blend"], candidates.Select(c => c.Name));
        Assert.Equal("blend", candidates.Single(c => c.Chosen).Name);
        Assert.True(root.GetProperty("validation").GetProperty("auc").GetDouble() > 0.65);
        Assert.Contains("blend out of fold: AUC", error, StringComparison.Ordinal);

        // No ML.NET model for a blend; the library loads the portable blend and its background.
        Assert.False(File.Exists(Path.Combine(output, "model.zip")));
        var model = CsScoring.Churn.ChurnModel.Load(output);
        Assert.Equal(ModelKind.Blend, model.Kind);
        Assert.True(model.CanExplain);
        var manifest = model.Manifest;
        Assert.Equal("blend", manifest.Trainer.Name);
        Assert.True(manifest.Parity!.Rows > manifest.Parity.EdgeRows);
        Assert.True(manifest.Parity.MaxProbabilityDifference <= 1e-6);

        var predictions = Path.Combine(_directory, "blend.csv");
        (code, _, error) = CliAppTests.Run("predict", "--model", output, "--data", data, "--out", predictions, "--explain", "3", "-q");
        Assert.True(code == ExitCodes.Success, error);
        var lines = File.ReadAllLines(predictions);
        Assert.Equal(601, lines.Length);
        Assert.Contains("reason_1", lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, 3)]
    [InlineData(400, 5)]
    public void Train_Auto_ABlendIsNeverWorseOutOfFoldThanItsBetterComponent(int rows, int seed)
    {
        var data = TelecomData.Write(_directory, rows: rows);
        var (code, stdout, error) = Train(data, Path.Combine(_directory, "auto-blend-" + seed.ToString(CultureInfo.InvariantCulture)), "--trainer", "auto", "--budget", "3", "--seed", seed.ToString(CultureInfo.InvariantCulture));

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var candidates = json.RootElement.GetProperty("candidates").EnumerateArray()
            .Select(c => (Name: c.GetProperty("trainer").GetString(), Brier: c.GetProperty("cv_brier").GetDouble(), Chosen: c.GetProperty("chosen").GetBoolean())).ToList();
        Assert.Contains(candidates, c => c.Name == "logistic_regression");
        Assert.Equal(candidates.Single(c => c.Chosen).Name, json.RootElement.GetProperty("trainer").GetString());
        var bestSingle = candidates.Where(c => c.Name != "blend").Min(c => c.Brier);
        if (candidates.Any(c => c.Name == "blend"))
        {
            // The share is chosen by the calibrated out-of-fold Brier with the components as endpoints, so a blend
            // that is made beats both components, and so the best single candidate, and is the one kept.
            var blend = Assert.Single(candidates, c => c.Name == "blend");
            Assert.True(blend.Brier < bestSingle, $"blend Brier {blend.Brier} against {bestSingle}");
            Assert.True(blend.Chosen);
            Assert.Contains("the blend wins", error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("blend not used: no share of", error, StringComparison.Ordinal);
            Assert.Equal(bestSingle, candidates.Single(c => c.Chosen).Brier);
        }
    }

    [Fact]
    public void Train_Auto_ReportsEveryCandidateAndPicksTheLowestCvBrier()
    {
        var data = TelecomData.Write(_directory, rows: 300);
        var (code, stdout, error) = Train(data, Path.Combine(_directory, "auto"), "--trainer", "auto", "--budget", "3");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var candidates = json.RootElement.GetProperty("candidates").EnumerateArray().ToList();
        // The budget counts searched candidates; the blend of the best linear and tree ones is reported beside them.
        Assert.Equal(3, candidates.Count(c => c.GetProperty("trainer").GetString() != "blend"));
        var chosen = candidates.Single(c => c.GetProperty("chosen").GetBoolean());
        Assert.Equal(candidates.Min(c => c.GetProperty("cv_brier").GetDouble()), chosen.GetProperty("cv_brier").GetDouble());
        Assert.Equal(chosen.GetProperty("trainer").GetString(), json.RootElement.GetProperty("trainer").GetString());
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Train_Auto_HalvesTheCandidatesOverTheRepeats_AndBlendsTwoThatSawEveryRepeat()
    {
        var data = TelecomData.Write(_directory, rows: 300);
        var (code, stdout, error) = Train(data, Path.Combine(_directory, "halving"), "--trainer", "auto", "--repeats", "3");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var candidates = json.RootElement.GetProperty("candidates").EnumerateArray()
            .Select(c => (Name: c.GetProperty("trainer").GetString(), Repeats: c.GetProperty("cv_repeats").GetInt32())).ToList();
        var linear = candidates.Where(c => c.Name == "logistic_regression").Select(c => c.Repeats).Order().ToList();
        var trees = candidates.Where(c => c.Name is "light_gbm" or "fast_tree").Select(c => c.Repeats).Order().ToList();

        // The search space has 4 linear and 5 tree candidates: the linear ones see every repeat, the trees are halved
        // 5 -> 3 -> 1 over repeats 1, 2 and 3.
        Assert.Equal(new[] { 3, 3, 3, 3 }, linear);
        Assert.Equal(new[] { 1, 1, 2, 2, 3 }, trees);
        Assert.All(candidates.Where(c => c.Name == "blend"), c => Assert.Equal(3, c.Repeats));
    }

    [Fact]
    public void Train_TimeBudget_IsRefusedAndPointsToTheCandidateBudget()
    {
        var data = TelecomData.Write(_directory, rows: 100);
        var (code, _, error) = Train(data, Path.Combine(_directory, "timed"), "--trainer", "auto", "--time-budget", "120");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--time-budget was removed", error, StringComparison.Ordinal);
        Assert.Contains("--budget", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "timed")));
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("auto", "--budget", "4")]
    [InlineData("fasttree", "--seed", "5")]
    public void Train_WritesByteIdenticalArtifactsWithParallelismOneAndTwo(string trainer, string option, string value)
    {
        // A fixed learner runs every fit (both cross-validations and both whole fits) in one parallel batch.
        var data = TelecomData.Write(_directory, rows: 300);
        string[] search = ["--trainer", trainer, option, value, "--repeats", "2"];
        var (code1, _, error1) = Train(data, Path.Combine(_directory, "p1"), [.. search, "--parallelism", "1"]);
        var (code2, _, error2) = Train(data, Path.Combine(_directory, "p2"), [.. search, "--parallelism", "2"]);

        Assert.True(code1 == ExitCodes.Success, error1);
        Assert.True(code2 == ExitCodes.Success, error2);
        var files = Directory.GetFiles(Path.Combine(_directory, "p1")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(Path.Combine(_directory, "p2")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        Assert.Contains("scorer.json", files);
        foreach (var file in files)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(_directory, "p1", file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_directory, "p2", file!))),
                $"{file} differs between parallelism 1 and 2");
        }
    }

    [Fact]
    public void Train_FoldColumns_CrossValidateOnTheGivenFoldsAndAreNoFeatures()
    {
        var lines = TelecomData.Create(300, 7).TrimEnd('\n').Split('\n');
        var withFolds = new List<string> { lines[0] + ",fold_a,fold_b" };
        for (var i = 1; i < lines.Length; i++)
        {
            withFolds.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{lines[i]},{i % 3 + 1},{i * 7 % 3}"));
        }

        var data = Path.Combine(_directory, "folds.csv");
        File.WriteAllLines(data, withFolds);
        var output = Path.Combine(_directory, "folded");
        var (code, stdout, error) = Train(data, output, "--fold-column", "fold_a", "--fold-column", "fold_b", "--trainer", "logistic");

        Assert.True(code == ExitCodes.Success, error);
        var manifest = ModelManifest.ReadFile(Path.Combine(output, "manifest.json"));
        Assert.DoesNotContain(manifest.Features.Columns, c => c.Name.StartsWith("fold_", StringComparison.Ordinal));
        Assert.Contains("3 folds x 2", File.ReadAllText(Path.Combine(output, "report.html")), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("cv").GetProperty("mean").GetProperty("auc").GetDouble() > 0.6);
    }

    [Fact]
    public void Train_FoldColumnWithText_IsAUserErrorNamingTheColumnAndRow()
    {
        var lines = TelecomData.Create(100, 7).TrimEnd('\n').Split('\n');
        var data = Path.Combine(_directory, "badfolds.csv");
        File.WriteAllLines(data, [lines[0] + ",fold", .. lines.Skip(1).Select((l, i) => l + (i == 41 ? ",x" : $",{i % 3}"))]);

        var (code, _, error) = Train(data, Path.Combine(_directory, "bad"), "--fold-column", "fold");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("fold", error, StringComparison.Ordinal);
        Assert.Contains("'x' is not an integer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_RepeatedCv_RunsFoldsTimesRepeats()
    {
        var data = TelecomData.Write(_directory, rows: 300);
        var (code, stdout, error) = Train(data, Path.Combine(_directory, "rep"), "--repeats", "2");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(2, json.RootElement.GetProperty("cv").GetProperty("repeats").GetInt32());
        Assert.True(json.RootElement.GetProperty("cv").GetProperty("sd").GetProperty("auc").GetDouble() > 0);
    }

    [Fact]
    public void Train_PseudonymizeIds_KeepsRawIdentifiersOutOfEveryArtifact()
    {
        var data = TelecomData.Write(_directory);
        var output = Path.Combine(_directory, "private");
        var key = Path.Combine(_directory, "pseudonym.key");
        File.WriteAllText(key, "secret-key-123-of-some-length\n");
        var (code, _, error) = Train(data, output, "--id", "customerID", "--pseudonymize-ids", "--pseudonym-key-file", key);

        Assert.True(code == ExitCodes.Success, error);
        foreach (var file in Directory.GetFiles(output).Where(f => !f.EndsWith(".zip", StringComparison.Ordinal) && !f.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("-AAXYZ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("@example.com", text, StringComparison.Ordinal);
        }

        var predictions = File.ReadAllLines(Path.Combine(output, "validation_predictions.csv"));
        Assert.StartsWith("p_", predictions[1], StringComparison.Ordinal);
        Assert.True(ModelManifest.ReadFile(Path.Combine(output, "manifest.json")).PseudonymizedIds);
    }

    [Fact]
    public void Train_PseudonymKeyOnTheCommandLine_IsRefusedWithoutEchoingIt()
    {
        var data = TelecomData.Write(_directory);
        var (code, _, error) = Train(data, Path.Combine(_directory, "m"), "--id", "customerID", "--pseudonymize-ids", "secret-key-123");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--pseudonym-key-file", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-123", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_SigningKeyFile_SignsAndPredictVerifies()
    {
        var data = TelecomData.Write(_directory);
        var output = Path.Combine(_directory, "signed");
        var key = Path.Combine(_directory, "signing.key");
        File.WriteAllText(key, "a-team-signing-key-0123456789\n");
        var (code, _, error) = Train(data, output, "--id", "customerID", "--signing-key-file", key);
        Assert.True(code == ExitCodes.Success, error);
        Assert.True(File.Exists(Path.Combine(output, "signature.json")));

        var predictions = Path.Combine(_directory, "p.csv");
        (code, _, error) = CliAppTests.Run("predict", "--model", output, "--data", data, "--out", predictions, "--signing-key-file", key, "-q");
        Assert.True(code == ExitCodes.Success, error);

        var wrong = Path.Combine(_directory, "wrong.key");
        File.WriteAllText(wrong, "someone-elses-key-0123456789");
        (code, _, error) = CliAppTests.Run("predict", "--model", output, "--data", data, "--out", predictions, "--force", "--signing-key-file", wrong, "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does not verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_SchemaFile_OverridesInference()
    {
        var data = TelecomData.Write(_directory);
        var schema = Path.Combine(_directory, "schema.json");
        File.WriteAllText(schema, """
            { "columns": { "SeniorCitizen": "categorical", "gender": "ignore",
                           "tenure": { "role": "signal", "signal": "usage" }, "MonthlyCharges": { "kind": "numeric", "role": "context" } } }
            """);
        var output = Path.Combine(_directory, "schema-model");

        var (code, _, error) = Train(data, output, "--schema", schema);

        Assert.True(code == ExitCodes.Success, error);
        var manifest = ModelManifest.ReadFile(Path.Combine(output, "manifest.json"));
        Assert.Contains("SeniorCitizen=0", manifest.Features.FeatureNames);
        Assert.DoesNotContain(manifest.Features.Columns, c => c.Name == "gender");

        // Roles: declared ones as declared, the rest inferred from the names; all recorded in the model directory.
        var columns = manifest.Features.Columns.ToList();
        Assert.Equal(new ColumnRole(FeatureRole.Signal, SignalKind.Usage), manifest.Features.RoleOf(columns.FindIndex(c => c.Name == "tenure")));
        Assert.Equal(ColumnRole.Context, manifest.Features.RoleOf(columns.FindIndex(c => c.Name == "MonthlyCharges")));
        Assert.Equal(new ColumnRole(FeatureRole.Signal, SignalKind.Billing), manifest.Features.RoleOf(columns.FindIndex(c => c.Name == "PaymentMethod")));
        Assert.All(columns, c => Assert.NotNull(c.Role));
        Assert.Contains("\"role\": \"context\"", File.ReadAllText(Path.Combine(output, "manifest.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ExistingModelWithoutForce_IsRefusedAndKept_AndForceReplacesIt()
    {
        var data = TelecomData.Write(_directory);
        var output = Path.Combine(_directory, "existing");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "model.zip"), "old");

        var (code, _, error) = Train(data, output);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal("old", File.ReadAllText(Path.Combine(output, "model.zip")));

        var failed = CliAppTests.Run("train", "--data", data, "--label", "NoSuchLabel", "--out", output, "--force", "-q");
        Assert.Equal(ExitCodes.BadInput, failed.ExitCode);
        Assert.Equal("old", File.ReadAllText(Path.Combine(output, "model.zip")));

        var forced = Train(data, output, "--force");
        Assert.Equal(ExitCodes.Success, forced.Code);
        Assert.NotEqual("old", File.ReadAllText(Path.Combine(output, "model.zip")));
    }

    [Fact]
    public void Train_WithTimeAndId_ValidatesOutOfTimeWithWholeAccounts()
    {
        var data = SnapshotData.Write(_directory);
        var output = Path.Combine(_directory, "oot");
        var (code, stdout, error) = CliAppTests.Run("train", "--data", data, "--label", "churned", "--id", "account", "--time", "as_of",
            "--out", output, "--trees", "20", "--folds", "3", "--json");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.Contains("out-of-time", json.RootElement.GetProperty("split").GetString(), StringComparison.Ordinal);
        var validationAccounts = File.ReadAllLines(Path.Combine(output, "validation_predictions.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        Assert.NotEmpty(validationAccounts);
        Assert.Equal(5, json.RootElement.GetProperty("unlabelled_rows").GetInt32());
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
