using System.Text.Json;
using CsScoring.Playbooks;

namespace CsScoring.Tests.Playbooks;

public sealed class PlaybookTests
{
    [Fact]
    public void Recommend_HighestPriorityMatchingRuleWins_WithReasons()
    {
        var signals = new Dictionary<string, object?>
        {
            ["churn_probability"] = 0.62,
            ["touch_model"] = "high_touch",
            ["days_to_renewal"] = 30.0,
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
        var signals = new Dictionary<string, object?> { ["churn_probability"] = double.NaN, ["seat_utilization"] = 0.95 };
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
            [new PlaybookRule("r", "do", 1, [new PlaybookCondition("tier", ComparisonOperator.LessThan, "high")])]));
}
