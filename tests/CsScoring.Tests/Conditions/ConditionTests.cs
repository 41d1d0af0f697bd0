using System.Text.Json;
using CsScoring.Conditions;
using CsScoring.Data;

namespace CsScoring.Tests.Conditions;

public sealed class ConditionTests
{
    private static readonly JsonSerializerOptions Compact = new(CsScoringJson.Options) { WriteIndented = false };

    private static Dictionary<string, string?> Account(string? value) => new(StringComparer.Ordinal) { ["x"] = value };

    [Theory]
    [InlineData(ConditionOperator.LessThan, "2", true)]
    [InlineData(ConditionOperator.LessThan, "3", false)]
    [InlineData(ConditionOperator.LessOrEqual, "3", true)]
    [InlineData(ConditionOperator.LessOrEqual, "3.0001", false)]
    [InlineData(ConditionOperator.GreaterThan, "4", true)]
    [InlineData(ConditionOperator.GreaterThan, "3", false)]
    [InlineData(ConditionOperator.GreaterOrEqual, "3", true)]
    [InlineData(ConditionOperator.GreaterOrEqual, "2.9999", false)]
    [InlineData(ConditionOperator.Equal, "3.0", true)]
    [InlineData(ConditionOperator.Equal, "3e0", true)]
    [InlineData(ConditionOperator.Equal, "4", false)]
    [InlineData(ConditionOperator.NotEqual, "4", true)]
    [InlineData(ConditionOperator.NotEqual, "3", false)]
    public void Number_EachOperator_ComparesTheValue(ConditionOperator op, string value, bool holds)
        => Assert.Equal(holds, Condition.Compare("x", op, 3).Holds(Account(value)));

    [Theory]
    [InlineData(ConditionOperator.LessThan, "2024-03-30", true)]
    [InlineData(ConditionOperator.LessThan, "2024-03-31", false)]
    [InlineData(ConditionOperator.LessOrEqual, "2024-03-31", true)]
    [InlineData(ConditionOperator.LessOrEqual, "2024-04-01", false)]
    [InlineData(ConditionOperator.GreaterThan, "2025-01-01", true)]
    [InlineData(ConditionOperator.GreaterThan, "2024-03-31", false)]
    [InlineData(ConditionOperator.GreaterOrEqual, "2024-03-31", true)]
    [InlineData(ConditionOperator.GreaterOrEqual, "2023-12-31", false)]
    [InlineData(ConditionOperator.Equal, "2024-03-31T23:59:59Z", true)]
    [InlineData(ConditionOperator.Equal, "2024-03-31 08:00", true)]
    [InlineData(ConditionOperator.Equal, "2024-04-01", false)]
    [InlineData(ConditionOperator.NotEqual, "2024-04-01", true)]
    [InlineData(ConditionOperator.NotEqual, "2024-03-31", false)]
    public void Date_EachOperator_ComparesTheDay(ConditionOperator op, string value, bool holds)
        => Assert.Equal(holds, Condition.Compare("x", op, new DateOnly(2024, 3, 31)).Holds(Account(value)));

    [Theory]
    [InlineData(ConditionOperator.Equal, "Enterprise", true)]
    [InlineData(ConditionOperator.Equal, "ENTERPRISE", true)]
    [InlineData(ConditionOperator.Equal, " enterprise", false)]
    [InlineData(ConditionOperator.Equal, "entreprise", false)]
    [InlineData(ConditionOperator.NotEqual, "starter", true)]
    [InlineData(ConditionOperator.NotEqual, "enterPRISE", false)]
    public void Text_ComparesOrdinallyIgnoringCase_WithoutTrimming(ConditionOperator op, string value, bool holds)
        => Assert.Equal(holds, Condition.Compare("x", op, "enterprise").Holds(Account(value)));

    [Fact]
    public void Text_IsOrdinal_NotCultural()
    {
        Assert.False(Condition.Is("x", "e").Holds(Account("é")));
        Assert.False(Condition.Is("x", "ss").Holds(Account("ß")));
        Assert.True(Condition.Is("x", "É").Holds(Account("é")));
    }

    public static TheoryData<Condition> Comparisons => new()
    {
        Condition.Compare("x", ConditionOperator.LessThan, 1),
        Condition.Compare("x", ConditionOperator.GreaterOrEqual, 1),
        Condition.Compare("x", ConditionOperator.NotEqual, 1),
        Condition.Compare("x", ConditionOperator.NotEqual, new DateOnly(2024, 1, 1)),
        Condition.Compare("x", ConditionOperator.LessThan, new DateOnly(2024, 1, 1)),
        Condition.Compare("x", ConditionOperator.NotEqual, "a"),
        Condition.Is("x", "a"),
    };

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Comparison_OnMissingValue_NeverHolds(Condition condition)
    {
        Assert.False(condition.Holds(new Dictionary<string, string?>()));
        foreach (var missing in new[] { null, string.Empty, "   " })
        {
            Assert.False(condition.Holds(Account(missing)));
        }
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1,5")]
    public void Number_UnreadableOrNotFinite_IsMissing(string value)
    {
        Assert.False(Condition.Compare("x", ConditionOperator.NotEqual, 1).Holds(Account(value)));
        Assert.False(Condition.Compare("x", ConditionOperator.LessThan, 1e308).Holds(Account(value)));
    }

    [Theory]
    [InlineData("31/03/2024")]
    [InlineData("2024-3-31")]
    [InlineData("yesterday")]
    public void Date_Unreadable_IsMissing(string value)
        => Assert.False(Condition.Compare("x", ConditionOperator.NotEqual, new DateOnly(2024, 3, 31)).Holds(Account(value)));

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData(" ", true)]
    [InlineData("0", false)]
    [InlineData("n/a", false)]
    public void MissingAndPresent_TestForBlankOrAbsent(string? value, bool missing)
    {
        Assert.Equal(missing, Condition.Missing("x").Holds(Account(value)));
        Assert.Equal(!missing, Condition.Present("x").Holds(Account(value)));
        Assert.True(Condition.Missing("y").Holds(Account(value)));
        Assert.False(Condition.Present("y").Holds(Account(value)));
    }

    [Fact]
    public void Factories_RejectMalformedConditions()
    {
        Assert.Throws<ArgumentException>(() => Condition.Compare("x", ConditionOperator.LessThan, "a"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Condition.Compare("x", ConditionOperator.LessThan, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Condition.Compare("x", ConditionOperator.Equal, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => Condition.Compare("x", ConditionOperator.IsMissing, 1));
        Assert.Throws<ArgumentException>(() => Condition.Compare("x", ConditionOperator.IsPresent, new DateOnly(2024, 1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Condition.Compare("x", (ConditionOperator)99, 1));
        Assert.Throws<ArgumentException>(() => Condition.Compare(" ", ConditionOperator.Equal, 1));
        Assert.Throws<ArgumentException>(() => Condition.Missing(string.Empty));
        Assert.Throws<ArgumentNullException>(() => Condition.Compare("x", ConditionOperator.Equal, (string)null!));
    }

    [Fact]
    public void Describe_ShowsTheValueAndTheTest()
    {
        Assert.Equal("p = 0.623 (>= 0.5)", Condition.Compare("p", ConditionOperator.GreaterOrEqual, 0.5).Describe("0.62345"));
        Assert.Equal("plan = Pro (!= starter)", Condition.Compare("plan", ConditionOperator.NotEqual, "starter").Describe("Pro"));
        Assert.Equal("nps is missing", Condition.Missing("nps").Describe(null));
        Assert.Equal("x < 2024-01-01", Condition.Compare("x", ConditionOperator.LessThan, new DateOnly(2024, 1, 1)).ToString());
    }

    public static TheoryData<string> JsonForms => new()
    {
        """{"attribute":"tenure_months","operator":"less_than","number":3}""",
        """{"attribute":"plan","operator":"not_equal","text":"starter"}""",
        """{"attribute":"renewal_date","operator":"greater_or_equal","date":"2024-03-31"}""",
        """{"attribute":"nps","operator":"is_missing"}""",
        """{"attribute":"nps","operator":"is_present"}""",
    };

    [Theory]
    [MemberData(nameof(JsonForms))]
    public void Json_RoundTripsEachKind(string json)
    {
        var condition = JsonSerializer.Deserialize<Condition>(json, CsScoringJson.Options)!;
        var written = JsonSerializer.Serialize(condition, CsScoringJson.Options);
        Assert.Equal(condition, JsonSerializer.Deserialize<Condition>(written, CsScoringJson.Options));
        Assert.Equal(json, JsonSerializer.Serialize(condition, Compact));
    }

    [Fact]
    public void Json_ScorecardRuleForm_IsRead()
    {
        var when = JsonSerializer.Deserialize<IReadOnlyList<Condition>>(
            """[{"attribute": "tenure_months", "operator": "less_than", "number": 3}, {"attribute": "plan", "operator": "equal", "text": "Enterprise"}]""",
            CsScoringJson.Options)!;
        Assert.Equal([Condition.Compare("tenure_months", ConditionOperator.LessThan, 3), Condition.Is("plan", "Enterprise")], when);
    }

    [Fact]
    public void Json_EarlierPlaybookForm_IsRead()
        => Assert.Equal(
            Condition.Compare("churn_probability", ConditionOperator.GreaterOrEqual, 0.5),
            JsonSerializer.Deserialize<Condition>("""{"signal": "churn_probability", "operator": "greater_or_equal", "value": 0.5}""", CsScoringJson.Options));

    [Theory]
    [InlineData("""[{"attribute":"x","operator":"less_than"}]""", "exactly one of")]
    [InlineData("""[{"attribute":"x","operator":"less_than","number":1,"text":"a"}]""", "exactly one of")]
    [InlineData("""[{"attribute":"x","operator":"is_missing","number":1}]""", "takes no")]
    [InlineData("""[{"attribute":"x","operator":"about","number":1}]""", "unknown operator 'about'")]
    [InlineData("""[{"attribute":"x","operator":"less_than","text":"a"}]""", "equal or not_equal")]
    [InlineData("""[{"attribute":"x","operator":"equal","number":"NaN"}]""", "finite")]
    [InlineData("""[{"attribute":"x","operator":"equal","number":"3"}]""", "must be a number")]
    [InlineData("""[{"attribute":"x","operator":"equal","date":"31/03/2024"}]""", "yyyy-MM-dd")]
    [InlineData("""[{"attribute":"x","operator":"equal","number":1,"colour":"red"}]""", "unknown property 'colour'")]
    [InlineData("""[{"operator":"equal","number":1}]""", "needs 'attribute'")]
    [InlineData("""[{"attribute":"x","number":1}]""", "needs 'operator'")]
    [InlineData("""[{"attribute":"x","signal":"y","operator":"equal","number":1}]""", "twice")]
    [InlineData("""[3]""", "must be an object")]
    public void Json_BadCondition_IsAJsonErrorWithItsPath(string json, string problem)
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<IReadOnlyList<Condition>>(json, CsScoringJson.Options));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Equal("$[0]", ex.Path);
    }
}
