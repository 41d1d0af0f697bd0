using CsScoring.Metrics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CsScoring.Tests.Metrics;

public sealed class BinaryMetricsTests
{
    // Reference values from scikit-learn: roc_auc_score / average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).
    [Fact]
    public void AucAndAveragePrecision_MatchScikitLearn()
    {
        double[] p = [0.1, 0.4, 0.35, 0.8];
        bool[] y = [false, false, true, true];
        Assert.Equal(0.75, BinaryMetrics.Auc(p, y), 12);
        Assert.Equal(0.8333333333333333, BinaryMetrics.AveragePrecision(p, y), 12);
    }

    [Fact]
    public void Auc_TiesCountHalf()
    {
        Assert.Equal(0.5, BinaryMetrics.Auc([0.5, 0.5], [true, false]), 12);
        Assert.True(double.IsNaN(BinaryMetrics.Auc([0.5, 0.7], [true, true])));
    }

    [Fact]
    public void Compute_KnownCase_GivesEveryMetric()
    {
        double[] p = [0.9, 0.8, 0.3, 0.2, 0.1];
        bool[] y = [true, false, true, false, false];
        var m = BinaryMetrics.Compute(p, y, threshold: 0.5);
        Assert.Equal((0.01 + 0.64 + 0.49 + 0.04 + 0.01) / 5, m.Brier, 12);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.2) + Math.Log(0.3) + Math.Log(0.8) + Math.Log(0.9)) / 5, m.LogLoss, 12);
        Assert.Equal(0.6, m.Accuracy, 12);
        Assert.Equal(0.5, m.Precision, 12);
        Assert.Equal(0.5, m.Recall, 12);
        Assert.Equal(0.5, m.F1, 12);
        Assert.Equal(2.5, m.LiftAt10, 12);
        Assert.Equal(5.0 / 6.0, m.Auc, 12);
        Assert.Equal(2.0 / 3.0, m.Ks, 12);
    }

    [Fact]
    public void Ece_PerfectlyCalibratedBins_IsZero()
    {
        var p = Enumerable.Repeat(0.25, 8).ToArray();
        bool[] y = [true, false, false, false, true, false, false, false];
        Assert.Equal(0, BinaryMetrics.Ece(p, y), 12);
    }

    [Fact]
    public void CostThreshold_ActsOnlyWhereItPays()
    {
        double[] p = [0.9, 0.6, 0.4, 0.1];
        bool[] y = [true, true, false, false];
        var (threshold, value) = BinaryMetrics.CostThreshold(p, y, actionCost: 100, successRate: 0.5, accountValue: 1000);
        Assert.Equal(0.6, threshold);
        Assert.Equal(800, value, 9);
        Assert.Equal(0.6, BinaryMetrics.F1Threshold(p, y));
    }

    // The order is the one a comparison sort by descending value, then ascending index, gives: with ties, NaN,
    // infinities and both zeros.
    [Property(MaxTest = 200)]
    public Property OrderDescending_IsDescendingValueThenIndex(int seed)
    {
        var random = new Random(seed);
        double[] pool = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 0.5, -0.5, 1e-300, double.Epsilon, -double.Epsilon];
        var p = new double[random.Next(0, 300)];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = random.Next(3) == 0 ? pool[random.Next(pool.Length)] : Math.Round(random.NextDouble(), random.Next(1, 4));
        }

        var expected = Enumerable.Range(0, p.Length).ToArray();
        Array.Sort(expected, (a, b) =>
        {
            var c = p[b].CompareTo(p[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return expected.SequenceEqual(BinaryMetrics.OrderDescending(p)).ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property Auc_Meets_Specification(int seed)
    {
        var random = new Random(seed);
        var n = random.Next(4, 60);
        var p = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
        var y = Enumerable.Range(0, n).Select(i => i % 2 == 0).ToArray();
        var auc = BinaryMetrics.Auc(p, y);
        var flipped = BinaryMetrics.Auc(p.Select(v => 1 - v).ToArray(), y);

        // Brute force over pairs, and reversing the scores mirrors the AUC.
        double wins = 0, pairs = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (y[i] && !y[j])
                {
                    pairs++;
                    wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
                }
            }
        }

        return (Math.Abs(auc - (wins / pairs)) < 1e-12 && Math.Abs(auc + flipped - 1) < 1e-12).ToProperty();
    }

    [Fact]
    public void Compute_LengthsDiffer_Throws()
        => Assert.Throws<ArgumentException>(() => BinaryMetrics.Compute([0.1, 0.2], [true], 0.5));

    [Fact]
    public void Reliability_PutsEachProbabilityInItsTenthAndLeavesEmptyBinsOut()
    {
        var bins = BinaryMetrics.Reliability([0.05, 0.07, 0.95], [false, true, true]);

        Assert.Equal(2, bins.Count);
        Assert.Equal(2, bins[0].Count);
        Assert.Equal(0.06, bins[0].MeanPredicted, 12);
        Assert.Equal(0.5, bins[0].ObservedRate, 12);
        Assert.Equal(0.9, bins[1].Lower, 12);
    }
}
