using CsScoring.Churn.Explain;
using FsCheck.Xunit;

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

    [Property(MaxTest = 500)]
    public void Top_IsTheLargestMagnitudesWithTiesByIndex(int seed, byte k)
    {
        // Repeated magnitudes of both signs, zeros and NaN; k up to past the feature count and past the one-pass limit.
        var random = new Random(seed);
        var n = random.Next(0, 90);
        var contributions = Enumerable.Range(0, n).Select(_ => random.Next(8) switch
        {
            0 => 0f,
            1 => float.NaN,
            2 => 0.5f,
            3 => -0.5f,
            _ => (float)(random.NextDouble() - 0.5),
        }).ToArray();
        var names = Enumerable.Range(0, n).Select(i => $"f{i}").ToArray();
        var features = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        var destination = new ChurnReason[k % 80];

        var written = ChurnReason.Top(names, features, contributions, destination);

        var expected = Enumerable.Range(0, n).Where(i => Math.Abs(contributions[i]) > 0)
            .OrderByDescending(i => Math.Abs(contributions[i])).ThenBy(i => i).Take(destination.Length).ToArray();
        Assert.Equal(expected, destination.Take(written).Select(r => r.FeatureIndex));
    }
}
