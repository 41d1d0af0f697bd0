using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Tests.Data;

namespace CsScoring.Tests.Health;

public sealed class ScorecardRulesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-rules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ScoreLatest_ScoresEachAccountWithTheScorecardItsColumnsSelect()
    {
        var onboarding = new Scorecard
        {
            Name = "onboarding",
            Groups = [new ScorecardGroup { Name = "usage", Metrics = [new ScorecardMetric { Column = "usage", Scaling = MetricScaling.Linear(0, 1) }] }],
        };
        ScorecardJson.Save(Path.Combine(_directory, "onboarding.json"), onboarding);
        var rules = Path.Combine(_directory, "rules.json");
        File.WriteAllText(rules, """{ "rules": [ { "scorecard": "onboarding.json", "when": [ { "attribute": "tenure_months", "operator": "less_than", "number": 3 } ] } ] }""");
        var fallback = HealthTestData.Mixed().Compile();
        var table = BufferedTable.Read(MemoryDataFolder.Table(
            "account_id,as_of,tenure_months,usage,logins,idle_days,tickets,nps\nNEW,2025-03-31,1,0.5,1,1,1,1\nOLD,2025-03-31,30,0.5,1,1,1,1\n", "accounts.csv"));
        var selector = ScorecardRules.Load(rules, fallback);
        HealthSnapshots history;
        using (var reader = table.CreateReader())
        {
            history = HealthSnapshots.Read(reader, fallback, 90);
        }

        var accounts = ScorecardRules.ScoreLatest(table, history, selector, new DateOnly(2025, 3, 31), 0, 1, 90, null);

        Assert.Equal(["NEW", "OLD"], accounts.Select(a => a.AccountId));
        Assert.Equal("onboarding", accounts[0].Scorecard.Name);
        Assert.Equal(50, accounts[0].Result.Score, 9);
        Assert.Same(fallback, accounts[1].Scorecard);
    }

    [Fact]
    public void Load_ConditionWithoutOperand_NamesItsJsonPath()
    {
        var rules = Path.Combine(_directory, "rules.json");
        File.WriteAllText(rules, """{ "rules": [ { "scorecard": "x.json", "when": [ { "attribute": "tenure_months", "operator": "less_than" } ] } ] }""");

        var error = Assert.Throws<ScorecardException>(() => ScorecardRules.Load(rules, HealthTestData.Mixed().Compile()));

        Assert.Contains("$.rules[0].when[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => ScorecardRules.Load(Path.Combine(_directory, "none.json"), HealthTestData.Mixed().Compile()));
}
