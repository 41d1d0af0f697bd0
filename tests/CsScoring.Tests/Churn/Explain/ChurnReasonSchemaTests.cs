using CsScoring.Churn.Explain;
using CsScoring.Churn.Features;

namespace CsScoring.Tests.Churn.Explain;

public sealed class ChurnReasonSchemaTests
{
    private static readonly FeatureSchema s_schema = new(
    [
        FeatureColumn.Date("renewal_date", 120, missingIndicator: true),
        FeatureColumn.Boolean("executive_sponsor", 0.4, missingIndicator: true),
        FeatureColumn.Categorical("plan", ["basic", "pro"]),
        FeatureColumn.Numeric("tickets_90d", 3),
        FeatureColumn.Numeric("csat_missing", 0),
    ], timeColumn: "as_of");

    [Theory]
    [InlineData("renewal_date", 152f, -0.4f, "renewal_date in 152 days lowers churn risk")]
    [InlineData("renewal_date", -30f, 0.4f, "renewal_date 30 days ago raises churn risk")]
    [InlineData("renewal_date", 1f, 0.4f, "renewal_date in 1 day raises churn risk")]
    [InlineData("renewal_date", -1f, 0.4f, "renewal_date 1 day ago raises churn risk")]
    [InlineData("renewal_date", 0f, 0.4f, "renewal_date on the as-of date raises churn risk")]
    [InlineData("renewal_date", 29.6f, 0.4f, "renewal_date in 30 days raises churn risk")]
    [InlineData("renewal_date_missing", 1f, 0.2f, "renewal_date is missing raises churn risk")]
    [InlineData("renewal_date_missing", 0f, -0.2f, "renewal_date is present lowers churn risk")]
    [InlineData("executive_sponsor", 1f, -0.3f, "executive_sponsor = yes lowers churn risk")]
    [InlineData("executive_sponsor", 0f, 0.3f, "executive_sponsor = no raises churn risk")]
    [InlineData("executive_sponsor", 0.4f, 0.3f, "executive_sponsor is missing raises churn risk")]
    [InlineData("executive_sponsor_missing", 1f, 0.1f, "executive_sponsor is missing raises churn risk")]
    [InlineData("plan=pro", 1f, -0.1f, "plan is pro lowers churn risk")]
    [InlineData("plan=basic", 0f, -0.1f, "plan is not basic lowers churn risk")]
    [InlineData("tickets_90d", 7f, 0.5f, "tickets_90d = 7 raises churn risk")]
    // A numeric column whose name ends in _missing is a number, not a missing flag, when the schema says so.
    [InlineData("csat_missing", 4f, 0.5f, "csat_missing = 4 raises churn risk")]
    public void Describe_WithSchema_WordsByColumnKind(string feature, float value, float contribution, string expected)
    {
        var index = s_schema.FeatureNames.ToList().IndexOf(feature);
        Assert.True(index >= 0, feature);
        Assert.Equal(expected, new ChurnReason(index, feature, value, contribution).Describe(s_schema));
    }

    [Fact]
    public void Describe_WithSchema_UsesLabels()
    {
        var labels = new Dictionary<string, string> { ["renewal_date"] = "the renewal", ["executive_sponsor"] = "an executive sponsor" };
        Assert.Equal("the renewal in 45 days raises churn risk", new ChurnReason(0, "renewal_date", 45, 0.1f).Describe(s_schema, labels));
        Assert.Equal("an executive sponsor = yes lowers churn risk", new ChurnReason(2, "executive_sponsor", 1, -0.1f).Describe(s_schema, labels));
        Assert.Equal("the renewal is missing raises churn risk", new ChurnReason(1, "renewal_date_missing", 1, 0.1f).Describe(s_schema, labels));
    }

    [Fact]
    public void Describe_DateWithoutTimeColumn_ShowsTheDate()
    {
        var schema = new FeatureSchema([FeatureColumn.Date("signup_date", 19000)]);
        var days = new DateOnly(2025, 6, 1).DayNumber - new DateOnly(1970, 1, 1).DayNumber;
        Assert.Equal("signup_date = 2025-06-01 raises churn risk", new ChurnReason(0, "signup_date", days, 0.2f).Describe(schema));
        Assert.Equal("signup_date = 10000000 raises churn risk", new ChurnReason(0, "signup_date", 1e7f, 0.2f).Describe(schema));
    }

    [Fact]
    public void Describe_ReasonNotOfThisSchema_FallsBackToTheNameAlone()
    {
        Assert.Equal("seats = 5 raises churn risk", new ChurnReason(0, "seats", 5, 0.1f).Describe(s_schema));
        Assert.Equal("x is missing raises churn risk", new ChurnReason(99, "x_missing", 1, 0.1f).Describe(s_schema));
    }

    [Fact]
    public void Describe_NonFiniteDate_ShowsTheValue()
        => Assert.Equal("renewal_date = NaN raises churn risk", new ChurnReason(0, "renewal_date", float.NaN, 0.1f).Describe(s_schema));
}
