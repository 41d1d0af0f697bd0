using System.Text.Json;
using CsScoring.Conditions;
using CsScoring.Playbooks;

namespace CsScoring.Tests.Playbooks;

public sealed class PlaybookTests
{
    [Fact]
    public void Recommend_HighestPriorityMatchingRuleWins_WithReasonsDueDaysAndWhy()
    {
        var signals = new Dictionary<string, string?>
        {
            ["churn_band"] = "high",
            ["tier"] = "high_touch",
            ["health_change"] = "-30",
        };

        var recommendation = Playbook.Default.Recommend(signals);

        Assert.NotNull(recommendation);
        Assert.Equal("executive-business-review", recommendation.Rule);
        Assert.Equal(["churn_band = high (= high)", "tier = high_touch (= high_touch)"], recommendation.Reasons);
        Assert.Equal(7, recommendation.DueDays);
        Assert.Equal("High churn risk on a high-touch account: churn_band = high (= high); tier = high_touch (= high_touch)", recommendation.Explanation);
    }

    [Theory]
    [InlineData("high", "low_touch", "0", "at-risk-one-to-many")]
    [InlineData("high", "tech_touch", "0", "at-risk-automated")]
    [InlineData("low", "high_touch", "-20", "health-drop-review")]
    [InlineData("low", "low_touch", "-15", "health-drop-session")]
    [InlineData("medium", "tech_touch", "-40", "health-drop-nudge")]
    public void Default_CoversEveryHighBandAndFallingHealthAccountWithATierSpecificAction(string band, string tier, string change, string rule)
        => Assert.Equal(rule, Playbook.Default.Recommend(new Dictionary<string, string?> { ["churn_band"] = band, ["tier"] = tier, ["health_change"] = change })?.Rule);

    [Fact]
    public void Recommend_MissingOrNaNSignal_DoesNotMatch()
    {
        var signals = new Dictionary<string, string?> { ["health_change"] = "NaN", ["seat_utilization"] = "0.95" };
        Assert.Null(Playbook.Default.Recommend(signals));
    }

    [Fact]
    public void SampleFile_IsTheDefaultPlaybook()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "data", "sample", "playbooks.json");
        var sample = Playbook.FromJson(File.ReadAllText(path));
        Assert.Equal(Playbook.Default.Rules, sample.Rules, (a, b) => a.Name == b.Name && a.Action == b.Action && a.Priority == b.Priority && a.Why == b.Why && a.DueDays == b.DueDays && a.Conditions.SequenceEqual(b.Conditions));
        Assert.Equal(Playbook.Default.Owners, sample.Owners);
    }

    [Fact]
    public void FromJson_OwnersAndRuleOwner_AreRead()
    {
        var playbook = Playbook.FromJson("""
            {"owners": {"low_touch": "named_csm"}, "rules": [{"name": "a", "action": "b", "priority": 1, "owner": "automated", "due_days": 3, "why": "w",
              "conditions": [{"attribute": "tier", "operator": "equal", "text": "low_touch"}]}]}
            """);

        Assert.Equal(PlaybookOwner.NamedCsm, playbook.Owners.LowTouch);
        Assert.Equal(PlaybookOwner.NamedCsm, playbook.Owners.HighTouch);
        Assert.Equal(PlaybookOwner.Automated, playbook.Rules[0].Owner);
        Assert.Equal(3, playbook.Rules[0].DueDays);
    }

    [Theory]
    [InlineData("""{"rules":[{"name":"a","action":"b","priority":1,"due_dayz":3,"conditions":[{"attribute":"x","operator":"is_present"}]}]}""", "due_dayz")]
    [InlineData("""{"rules":[{"name":"a","action":"b","priority":1,"owner":"robot","conditions":[{"attribute":"x","operator":"is_present"}]}]}""", "owner")]
    [InlineData("""{"owners":{"mid_touch":"automated"},"rules":[]}""", "mid_touch")]
    [InlineData("""{"rules":[{"name":"a","action":"b","priority":"high","conditions":[{"attribute":"x","operator":"is_present"}]}]}""", "priority")]
    public void FromJson_UnknownFieldOrBadValue_IsAnErrorNamingItsPath(string json, string path)
        => Assert.Contains(path, Assert.Throws<JsonException>(() => Playbook.FromJson(json)).Message, StringComparison.Ordinal);

    [Fact]
    public void FromJson_NegativeDueDays_IsAnErrorNamingTheRule()
        => Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => Playbook.FromJson(
            """{"rules":[{"name":"a","action":"b","priority":1,"due_days":-1,"conditions":[{"attribute":"x","operator":"is_present"}]}]}""")).Message, StringComparison.Ordinal);

    [Fact]
    public void Json_RoundTrips()
    {
        var json = Playbook.Default.ToJson();
        var copy = Playbook.FromJson(json);
        Assert.Equal(json, copy.ToJson());
        Assert.Equal(Playbook.Default.Rules.Count, copy.Rules.Count);
    }

    [Fact]
    public void FromJson_UnknownProperty_IsAnErrorWithItsPath()
    {
        var ex = Assert.Throws<JsonException>(() => Playbook.FromJson("""{"rules":[{"name":"a","action":"b","priority":1,"conditions":[],"colour":"red"}]}"""));
        Assert.Contains("colour", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_RuleWithoutConditions_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Playbook([new PlaybookRule("r", "do it", 1, [])]));
        Assert.Contains("'r'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_TextWithOrderingOperator_Throws()
        => Assert.Throws<ArgumentException>(() => new Playbook(
            [new PlaybookRule("r", "do", 1, [Condition.Compare("tier", ConditionOperator.LessThan, "high")])]));

    [Fact]
    public void FromJson_EarlierConditionForm_IsRead()
    {
        var playbook = Playbook.FromJson("""
            {"rules": [{"name": "r", "action": "call", "priority": 1, "conditions": [
              {"signal": "churn_probability", "operator": "greater_or_equal", "value": 0.5},
              {"signal": "touch_model", "operator": "equal", "text": "high_touch"}]}]}
            """);
        Assert.Equal(
            [Condition.Compare("churn_probability", ConditionOperator.GreaterOrEqual, 0.5), Condition.Is("touch_model", "high_touch")],
            playbook.Rules[0].Conditions);
        Assert.Contains("\"attribute\": \"churn_probability\"", playbook.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_BadCondition_IsAnErrorWithItsPath()
    {
        var ex = Assert.Throws<JsonException>(() => Playbook.FromJson("""{"rules":[{"name":"a","action":"b","priority":1,"conditions":[{"attribute":"plan","operator":"less_than","text":"pro"}]}]}"""));
        Assert.Equal("$.rules[0].conditions[0]", ex.Path);
        Assert.Contains("equal or not_equal", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommend_DateAndMissingConditions_Apply()
    {
        var playbook = new Playbook(
        [
            new PlaybookRule("renewal-soon", "prepare the renewal", 2, [Condition.Compare("renewal_date", ConditionOperator.LessOrEqual, new DateOnly(2024, 3, 31))]),
            new PlaybookRule("no-survey", "send the NPS survey", 1, [Condition.Missing("nps")]),
        ]);
        var renewal = playbook.Recommend(new Dictionary<string, string?> { ["renewal_date"] = "2024-03-01", ["nps"] = "9" });
        Assert.Equal("renewal-soon", renewal?.Rule);
        Assert.Equal(["renewal_date = 2024-03-01 (<= 2024-03-31)"], renewal!.Reasons);
        Assert.Equal("no-survey", playbook.Recommend(new Dictionary<string, string?> { ["renewal_date"] = "2024-06-01", ["nps"] = " " })?.Rule);
        Assert.Null(playbook.Recommend(new Dictionary<string, string?> { ["renewal_date"] = "2024-06-01", ["nps"] = "9" }));
    }
}
