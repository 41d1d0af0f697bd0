using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn;

namespace CsScoring.Training.Tests.Churn;

public sealed class HeadlineTests
{
    [Fact]
    public void HoldoutAuc_MatchesHanleyMcNeilStandardError()
    {
        // Hanley and McNeil (1982): AUC 0.8 on 50 positives and 50 negatives has a standard error of 0.0445.
        var interval = Headline.HoldoutAuc(0.8, 50, 50);

        Assert.Equal(0.8 - (1.96 * 0.0445), interval.Lower, 3);
        Assert.Equal(0.8 + (1.96 * 0.0445), interval.Upper, 3);
    }

    [Fact]
    public void HoldoutAuc_NarrowsWithMoreRows_AndStaysInTheUnitInterval()
    {
        var small = Headline.HoldoutAuc(0.9, 20, 80);
        var large = Headline.HoldoutAuc(0.9, 200, 800);
        var perfect = Headline.HoldoutAuc(0.999, 5, 5);

        Assert.True(large.Upper - large.Lower < small.Upper - small.Lower);
        Assert.InRange(perfect.Upper, 0.999, 1);
        Assert.True(double.IsNaN(Headline.HoldoutAuc(0.7, 0, 10).Lower));
    }

    [Fact]
    public void CrossValidated_UsesTheStandardErrorOfAKFoldMean()
    {
        var interval = Headline.CrossValidated(new MetricSummary(0.8, 0.05), folds: 5);

        Assert.Equal(0.8 - (1.959964 * 0.05 / Math.Sqrt(5)), interval.Lower, 6);
        Assert.Equal(0.8 + (1.959964 * 0.05 / Math.Sqrt(5)), interval.Upper, 6);
        Assert.Contains("95% interval", interval.Describe(), StringComparison.Ordinal);
    }
}
