using System.Text.Json;
using CsScoring.Conditions;
using CsScoring.Playbooks;

namespace CsScoring.Tests.Playbooks;

public sealed class PlaybookTests
{
    [Fact]
    public void Recommend_HighestPriorityMatchingRuleWins_WithReasons()
    {
        var signals = new Dictionary<string, string?>
        {
            ["churn_probability"] = "0.62",
            ["touch_model"] = "high_touch",
            ["days_to_renewal"] = "30",
        };

        var recommendation = Playbook.Default.Recommend(signals);

        Assert.NotNull(recommendation);
        Assert.Equal("executive-escalation", recommendation.Rule);
        Assert.Contains("churn_probability = 0.62 (>= 0.5)", recommendation.Reasons);
        Assert.Contains("touch_model = high_touch (= high_touch)", recommendation.Reasons);
    }

    [Fact]
    public void Recommend_MissingOrNaNSignal_DoesNotMatch()
    {
        var signals = new Dictionary<string, string?> { ["churn_probability"] = "NaN", ["seat_utilization"] = "0.95" };
        Assert.Null(Playbook.Default.Recommend(signals));
    }

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
