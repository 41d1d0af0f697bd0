using System.Text.Json;
using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Training.Health;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Predict;

public sealed class PredictOutputTests(TrainedSampleFixture sample) : IClassFixture<TrainedSampleFixture>
{
    private string NewPath(string name) => Path.Combine(sample.Directory, Guid.NewGuid().ToString("N") + "-" + name);

    [Fact]
    public void Predict_OutIsADirectory_ExitsTwoBeforeScoringAndNamesIt()
    {
        var folder = NewPath("scores.csv"); // a folder that happens to carry a table's name
        Directory.CreateDirectory(folder);
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", folder, "--force");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"'{folder}'", error, StringComparison.Ordinal);
        Assert.Contains("is a folder", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp-", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_ParentIsAFile_ExitsTwoNamingTheUsersPath()
    {
        var file = NewPath("plain.txt");
        File.WriteAllText(file, "x");
        var target = Path.Combine(file, "scores.csv");
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", target);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"'{target}'", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp-", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_And_HealthScore_SameKey_OutputsJoinOnPseudonymisedIds()
    {
        var key = NewPath("pseudonym.key");
        File.WriteAllText(key, "shared-pseudonym-key-0123456789\n");
        var predictions = NewPath("predictions.csv");
        var (code, stdout, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", predictions, "--pseudonym-key-file", key, "--json");
        Assert.True(code == ExitCodes.Success, error);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal(["account_id"], json.RootElement.GetProperty("privacy").GetProperty("pseudonymised").EnumerateArray().Select(e => e.GetString()!));
        }

        var scorecard = NewPath("scorecard.json");
        using (var stream = typeof(ScorecardSource).Assembly.GetManifestResourceStream("CsScoring.Training.Health.default-scorecard.json")!)
        using (var file = File.Create(scorecard))
        {
            stream.CopyTo(file);
        }

        var health = NewPath("health.csv");
        (code, _, error) = CliAppTests.Run("health", "score", "--data", sample.Accounts, "--scorecard", scorecard, "--out", health, "--pseudonym-key-file", key, "-q");
        Assert.True(code == ExitCodes.Success, error);

        var predicted = Ids(predictions);
        var scored = Ids(health);
        Assert.All(predicted, id => Assert.StartsWith("p_", id, StringComparison.Ordinal));
        Assert.DoesNotContain(predicted, id => id.StartsWith('A'));
        var joined = scored.Intersect(predicted).Count();
        Assert.Equal(scored.Count, joined);
    }

    [Fact]
    public void Predict_PseudonymizeIdsWithoutAKey_ExitsTwoNamingTheSources()
    {
        Assert.Null(Environment.GetEnvironmentVariable("CSSCORING_PSEUDONYM_KEY"));
        var (code, _, error) = CliAppTests.Run("predict", "--model", sample.Model, "--data", sample.Accounts, "--out", NewPath("p.csv"), "--pseudonymize-ids");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("CSSCORING_PSEUDONYM_KEY", error, StringComparison.Ordinal);
    }

    private static HashSet<string> Ids(string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = TabularReader.Open(path);
        var id = reader.GetOrdinal("account_id");
        while (reader.Read())
        {
            ids.Add(reader.GetString(id));
        }

        return ids;
    }
}
