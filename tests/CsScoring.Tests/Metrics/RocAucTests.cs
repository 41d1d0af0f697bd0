using CsScoring.Metrics;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Metrics;

public sealed class RocAucTests
{
    [Fact]
    public void Compute_KnownCase_MatchesPairCounting()
        => Assert.Equal(0.75, RocAuc.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);

    [Fact]
    public void Compute_Ties_CountHalf()
        => Assert.Equal(0.5, RocAuc.Compute([1, 1, 1, 1], [true, false, true, false]), 12);

    [Fact]
    public void Compute_OneClass_IsNaN()
        => Assert.True(double.IsNaN(RocAuc.Compute([1, 2], [true, true])));

    [Fact]
    public void Compute_NaNScore_Throws()
        => Assert.Throws<ArgumentException>(() => RocAuc.Compute([double.NaN, 1], [true, false]));

    [Property(MaxTest = 200)]
    public void Compute_Meets_Specification(NormalFloat[] raw, bool[] flags)
    {
        var n = Math.Min(raw.Length, flags.Length);
        var scores = raw.Take(n).Select(x => Math.Round(x.Get, 1)).ToArray();
        var labels = flags.Take(n).ToArray();
        var auc = RocAuc.Compute(scores, labels);
        if (!labels.Contains(true) || !labels.Contains(false))
        {
            Assert.True(double.IsNaN(auc));
            return;
        }

        // Brute force over all positive-negative pairs.
        double wins = 0, pairs = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (labels[i] && !labels[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        Assert.Equal(wins / pairs, auc, 9);
    }
}
