namespace CsScoring.Metrics;

/// <summary>
/// The area under the ROC curve: the probability that a randomly chosen positive scores higher than a randomly
/// chosen negative (ties count one half), computed exactly from ranks (Mann-Whitney U) in O(n log n).
/// </summary>
public static class RocAuc
{
    /// <summary>Computes ROC-AUC of <paramref name="scores"/> (higher = more likely positive).</summary>
    /// <param name="scores">One score per example; NaN is not allowed.</param>
    /// <param name="positives">Whether each example is positive; same length as <paramref name="scores"/>.</param>
    /// <returns>AUC in [0, 1]; <see cref="double.NaN"/> when there are no positives or no negatives.</returns>
    /// <exception cref="ArgumentException">The spans differ in length or a score is NaN.</exception>
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives)
    {
        if (scores.Length != positives.Length)
        {
            throw new ArgumentException($"scores has {scores.Length} elements but positives has {positives.Length}.", nameof(positives));
        }

        var order = new int[scores.Length];
        var keys = scores.ToArray();
        for (var i = 0; i < order.Length; i++)
        {
            if (double.IsNaN(keys[i]))
            {
                throw new ArgumentException($"scores[{i}] is NaN.", nameof(scores));
            }

            order[i] = i;
        }

        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positiveCount = 0;
        var start = 0;
        while (start < keys.Length)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] == keys[start])
            {
                end++;
            }

            // Tied scores share the mean of their 1-based ranks.
            var midRank = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++)
            {
                if (positives[order[k]])
                {
                    positiveRankSum += midRank;
                    positiveCount++;
                }
            }

            start = end;
        }

        long negativeCount = scores.Length - positiveCount;
        if (positiveCount == 0 || negativeCount == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positiveCount * (positiveCount + 1) / 2.0)) / ((double)positiveCount * negativeCount);
    }
}
