using System.Text.Json;
using CsScoring.Conditions;
using CsScoring.Data;
using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class ScorecardSelectorTests
{
    [Fact]
    public void Select_SampleScorecardWithRulesReadFromJson_AppliesTheConditionLanguage()
    {
        var sample = ScorecardJson.Load(SampleData.File("scorecard.json")).Compile();
        var onboarding = HealthTestData.Mixed(minimumCoverage: 0.1).Compile();
        var when = JsonSerializer.Deserialize<IReadOnlyList<Condition>>(
            """[{"attribute": "tenure_months", "operator": "less_than", "number": 3}, {"attribute": "plan", "operator": "not_equal", "text": "enterprise"}]""",
            CsScoringJson.Options)!;
        var selector = new ScorecardSelector([new ScorecardRule { Scorecard = onboarding, When = when }], sample);

        Assert.Same(onboarding, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "2", ["plan"] = "starter" }));
        Assert.Same(sample, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "2", ["plan"] = "Enterprise" }));
        Assert.Same(sample, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "2" }));
        Assert.Same(sample, selector.Select(new Dictionary<string, string?> { ["tenure_months"] = "", ["plan"] = "starter" }));
    }

    [Fact]
    public void Ctor_RuleWithoutConditions_Throws()
        => Assert.Throws<ArgumentException>(() => new ScorecardSelector(
            [new ScorecardRule { Scorecard = HealthTestData.Mixed().Compile(), When = [] }], HealthTestData.Mixed().Compile()));
}
