using System.Text.Json;
using CsScoring.Health;
using CsScoring.Training.Cli;
using CsScoring.Training.Health;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Health;

public sealed class HealthCommandTests : IClassFixture<HealthCommandTests.SampleFixture>, IDisposable
{
    private readonly SampleFixture _sample;
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-health-").FullName;

    public HealthCommandTests(SampleFixture sample) => _sample = sample;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("score")]
    [InlineData("backtest")]
    [InlineData("tune")]
    public void Help_EveryHealthCommand_Renders(string command)
    {
        var (code, stdout, error) = CliAppTests.Run("health", command, "--help");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("--data", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_WritesScoresBandsCoverageAndDrivers()
    {
        var output = Path.Combine(_directory, "scores.csv");
        var (code, stdout, error) = CliAppTests.Run("health", "score", "--data", _sample.Accounts, "--scorecard", _sample.Scorecard, "--out", output, "--json", "-q");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var accounts = root.GetProperty("accounts");
        Assert.True(accounts.GetArrayLength() > 0);
        Assert.Equal(accounts.GetArrayLength(), root.GetProperty("bands").EnumerateArray().Sum(b => b.GetProperty("accounts").GetInt32()) + root.GetProperty("insufficient_data").GetInt32());
        var first = accounts[0];
        Assert.True(first.TryGetProperty("score", out _));
        Assert.True(first.TryGetProperty("coverage", out _));
        Assert.True(first.TryGetProperty("top_drivers", out _));

        var lines = File.ReadAllLines(output);
        Assert.Equal(accounts.GetArrayLength() + 1, lines.Length);
        Assert.StartsWith("account_id,as_of,score,band,status,coverage,", lines[0], StringComparison.Ordinal);
        Assert.Contains("contribution_seat_utilization", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Score_ExistingOutputWithoutForce_IsBadInput()
    {
        var output = Path.Combine(_directory, "scores.csv");
        File.WriteAllText(output, "keep");
        var (code, _, error) = CliAppTests.Run("health", "score", "--data", _sample.Accounts, "--out", output, "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(output));
    }

    [Fact]
    public void Score_Overrides_AppliedAndExpired()
    {
        var overrides = Path.Combine(_directory, "overrides.csv");
        var ids = File.ReadLines(_sample.Accounts).Skip(1).Select(l => l.Split(',')[0]).Distinct().ToList();
        var last = File.ReadLines(_sample.Accounts).Skip(1).Max(l => l.Split(',')[1]);
        var lastIds = File.ReadLines(_sample.Accounts).Skip(1).Where(l => l.Split(',')[1] == last).Select(l => l.Split(',')[0]).Take(2).ToList();
        File.WriteAllText(overrides, $"account_id,score,reason,expires\n{lastIds[0]},5,exec sponsor left,2999-01-01\n{lastIds[1]},95,renewed early,2000-01-01\n");
        var output = Path.Combine(_directory, "scores.csv");
        var (code, stdout, error) = CliAppTests.Run("health", "score", "--data", _sample.Accounts, "--out", output, "--overrides", overrides, "--json");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("overrides_applied").GetInt32());
        Assert.Equal(lastIds[1], json.RootElement.GetProperty("overrides_expired")[0].GetString());
        Assert.Contains("expired", error, StringComparison.Ordinal);
        var row = File.ReadLines(output).Single(l => l.StartsWith(lastIds[0] + ",", StringComparison.Ordinal)).Split(',');
        Assert.Equal("5", row[2]);
        Assert.Equal("applied", row[7]);
        Assert.NotEmpty(ids);
    }

    [Fact]
    public void Score_Rules_PickTheOnboardingScorecardForNewAccounts()
    {
        File.WriteAllText(Path.Combine(_directory, "onboarding.json"), """
            {
              "name": "onboarding",
              "groups": [
                { "name": "adoption", "metrics": [
                  { "column": "seat_utilization", "scaling": { "kind": "linear", "min": 0.1, "max": 0.6 } },
                  { "column": "logins_30d", "scaling": { "kind": "logarithmic", "min": 0, "max": 200 } }
                ] }
              ]
            }
            """);
        var rules = Path.Combine(_directory, "rules.json");
        File.WriteAllText(rules, """{ "rules": [ { "scorecard": "onboarding.json", "when": [ { "attribute": "tenure_months", "operator": "less_than", "number": 3 } ] } ] }""");
        var output = Path.Combine(_directory, "scores.csv");
        var (code, stdout, error) = CliAppTests.Run("health", "score", "--data", _sample.Accounts, "--scorecard", _sample.Scorecard, "--rules", rules, "--out", output, "--json");
        Assert.True(code == ExitCodes.Success, error);

        var lines = File.ReadAllLines(output);
        var header = lines[0].Split(',');
        var tenure = File.ReadLines(_sample.Accounts).Skip(1).Select(l => l.Split(',')).ToLookup(f => (f[0], f[1]), f => double.Parse(f[7], System.Globalization.CultureInfo.InvariantCulture));
        var scorecardColumn = Array.IndexOf(header, "scorecard");
        Assert.True(scorecardColumn > 0);
        var names = new HashSet<string>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            var expected = tenure[(fields[0], fields[1])].Single() < 3 ? "onboarding" : "sample-default";
            Assert.Equal(expected, fields[scorecardColumn]);
            names.Add(fields[scorecardColumn]);
        }

        Assert.Equal(2, names.Count);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(2, json.RootElement.GetProperty("scorecards").GetArrayLength());
    }

    [Fact]
    public void Score_RulesWithBadCondition_IsBadInputNamingThePath()
    {
        var rules = Path.Combine(_directory, "rules.json");
        File.WriteAllText(rules, """{ "rules": [ { "scorecard": "x.json", "when": [ { "attribute": "tenure_months", "operator": "less_than" } ] } ] }""");
        var (code, _, error) = CliAppTests.Run("health", "score", "--data", _sample.Accounts, "--rules", rules, "--out", Path.Combine(_directory, "s.csv"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("$.rules[0].when[0]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_Json_HasAucBandsAndCoverage()
    {
        var (code, stdout, error) = CliAppTests.Run("health", "backtest", "--data", _sample.Accounts, "--scorecard", _sample.Scorecard, "--horizon-days", "90", "--json");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var auc = root.GetProperty("auc").GetDouble();
        Assert.InRange(auc, 0.6, 1.0);
        var bands = root.GetProperty("bands");
        Assert.Equal(["red", "yellow", "green"], bands.EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.All(bands.EnumerateArray(), b => Assert.True(b.GetProperty("accounts").GetInt32() >= 0 && b.TryGetProperty("churn_rate", out _)));
        Assert.InRange(root.GetProperty("coverage_mean").GetDouble(), 0.5, 1.0);

        // The score must order risk: red churns more than green.
        Assert.True(bands[0].GetProperty("churn_rate").GetDouble() > bands[2].GetProperty("churn_rate").GetDouble());
    }

    [Fact]
    public void Backtest_AsOfDateWithoutOutcomes_IsBadInput()
    {
        var (code, _, error) = CliAppTests.Run("health", "backtest", "--data", _sample.Accounts, "--as-of", "1990-01-31");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("1990-01-31", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_ReportsAucBeforeAndAfterOnALaterWindow_AndWritesAValidScorecard()
    {
        var output = Path.Combine(_directory, "tuned.json");
        var (code, stdout, error) = CliAppTests.Run("health", "tune", "--data", _sample.Accounts, "--scorecard", _sample.Scorecard, "--out", output, "--json", "-q");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.InRange(root.GetProperty("auc_before").GetDouble(), 0.5, 1.0);
        Assert.InRange(root.GetProperty("auc_after").GetDouble(), 0.5, 1.0);
        var fitTo = DateOnly.Parse(root.GetProperty("fit_window").GetProperty("to").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var evaluationFrom = DateOnly.Parse(root.GetProperty("evaluation_window").GetProperty("from").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(evaluationFrom > fitTo.AddDays(90));
        Assert.All(root.GetProperty("weights").EnumerateArray(), w => Assert.True(w.GetProperty("after").GetDouble() >= 0));
        var tuned = ScorecardJson.Load(output).Compile();
        Assert.Equal(root.GetProperty("version_after").GetString(), tuned.Version.ToString());
    }

    [Fact]
    public void Score_InvalidScorecard_IsBadInputNamingTheJsonPath()
    {
        var scorecard = Path.Combine(_directory, "bad.json");
        File.WriteAllText(scorecard, File.ReadAllText(_sample.Scorecard).Replace("\"weight\": 35", "\"weight\": -35", StringComparison.Ordinal));
        var (code, _, error) = CliAppTests.Run("health", "score", "--data", _sample.Accounts, "--scorecard", scorecard, "--out", Path.Combine(_directory, "s.csv"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("bad.json: $.groups[0].weight", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_ScorecardColumnAbsentFromData_IsBadInputNamingTheColumn()
    {
        var scorecard = Path.Combine(_directory, "other.json");
        File.WriteAllText(scorecard, File.ReadAllText(_sample.Scorecard).Replace("\"column\": \"csat\"", "\"column\": \"csat_score\"", StringComparison.Ordinal));
        var (code, _, error) = CliAppTests.Run("health", "backtest", "--data", _sample.Accounts, "--scorecard", scorecard);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("column 'csat_score'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_DerivedFromSnapshots_MatchTheGeneratorsColumn()
    {
        var compiled = ScorecardSource.Load(_sample.Scorecard).Compile();
        var data = HealthData.Read(_sample.Accounts, compiled, 90);
        Assert.Equal("column churned_within_90d", data.LabelSource);
        var unlabelled = Path.Combine(_directory, "unlabelled.csv");
        var lines = File.ReadAllLines(_sample.Accounts);
        var label = Array.IndexOf(lines[0].Split(','), "churned_within_90d");
        File.WriteAllLines(unlabelled, lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != label))));
        var derived = HealthData.Read(unlabelled, compiled, 90);
        Assert.StartsWith("derived", derived.LabelSource, StringComparison.Ordinal);
        Assert.Equal(data.Labels, derived.Labels);
    }

    [Fact]
    public void Run_MainJob_WritesHealthScoresAndSummary()
    {
        var output = Path.Combine(_directory, "out");
        var (code, stdout, error) = CliAppTests.Run("run", "--data", _sample.Directory, "--out", output, "--json", "-q");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var health = json.RootElement.GetProperty("health");
        Assert.True(health.GetProperty("scored").GetInt32() > 0);
        Assert.InRange(health.GetProperty("backtest_auc").GetDouble(), 0.5, 1.0);
        Assert.True(File.Exists(Path.Combine(output, "health_scores.csv")));
        Assert.Contains("Backtest against 90-day churn", File.ReadAllText(Path.Combine(output, "report.html")), StringComparison.Ordinal);
    }

    /// <summary>A small generated customer base with the sample's scorecard beside it.</summary>
    public sealed class SampleFixture : IDisposable
    {
        public SampleFixture()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("csscoring-health-sample-").FullName;
            SampleGenerator.Generate(new SampleOptions { Accounts = 300, Months = 18 }, Directory);
            Scorecard = Path.Combine(Directory, "scorecard.json");
            using (var stream = typeof(ScorecardSource).Assembly.GetManifestResourceStream("CsScoring.Training.Health.default-scorecard.json")!)
            using (var file = File.Create(Scorecard))
            {
                stream.CopyTo(file);
            }
        }

        public string Directory { get; }

        public string Accounts => Path.Combine(Directory, "accounts.csv");

        public string Scorecard { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
