using CsScoring.Churn.Explain;

namespace CsScoring.Tests.Churn.Explain;

public sealed class ChurnReasonTests
{
    [Theory]
    [InlineData("tickets_90d", 7f, 0.4f, null, "tickets_90d = 7 raises churn risk")]
    [InlineData("tickets_90d", 7f, 0.4f, "support tickets in 90 days", "support tickets in 90 days = 7 raises churn risk")]
    [InlineData("seat_utilization", 0.8125f, -0.3f, null, "seat_utilization = 0.813 lowers churn risk")]
    [InlineData("plan=basic", 1f, 0.2f, null, "plan is basic raises churn risk")]
    [InlineData("plan=basic", 0f, -0.2f, null, "plan is not basic lowers churn risk")]
    [InlineData("csat_missing", 1f, 0.1f, null, "csat is missing raises churn risk")]
    [InlineData("csat_missing", 0f, -0.1f, null, "csat is present lowers churn risk")]
    public void Describe_ReadsLikeASentence(string feature, float value, float contribution, string? label, string expected)
    {
        var labels = label is null ? null : new Dictionary<string, string> { [feature] = label };
        Assert.Equal(expected, new ChurnReason(0, feature, value, contribution).Describe(labels));
    }

    [Fact]
    public void Top_OrdersByMagnitudeThenIndex_AndSkipsZeros()
    {
        string[] names = ["a", "b", "c", "d", "e"];
        float[] values = [1, 2, 3, 4, 5];
        float[] contributions = [0.5f, -0.9f, 0f, 0.5f, 0.1f];
        var reasons = new ChurnReason[4];
        Assert.Equal(4, ChurnReason.Top(names, values, contributions, reasons));
        Assert.Equal(["b", "a", "d", "e"], reasons.Select(r => r.Feature));
        Assert.False(reasons[0].RaisesRisk);
        var more = new ChurnReason[5];
        Assert.Equal(4, ChurnReason.Top(names, values, contributions, more));
    }

    [Fact]
    public void Top_WrongLengths_Throws()
        => Assert.Throws<ArgumentException>(() => ChurnReason.Top(["a"], new float[2], new float[2], new ChurnReason[1]));
}
