namespace CsScoring.Health;

/// <summary>Rolls child accounts' health up to their parent, weighted by ARR.</summary>
/// <remarks>Thread-safe (no state).</remarks>
public static class HealthRollup
{
    /// <summary>
    /// The parent's health: the ARR-weighted mean score of the scored children, the ARR-weighted mean coverage of
    /// all children, and the band of that score. Unscored if no scored child has ARR above zero.
    /// </summary>
    /// <param name="children">The children's results.</param>
    /// <param name="arr">Each child's annual recurring revenue (finite, >= 0), aligned with <paramref name="children"/>.</param>
    /// <param name="scorecard">The scorecard whose bands and version the parent's result carries.</param>
    /// <returns>The parent's result.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, or an ARR is negative, NaN or infinite.</exception>
    public static HealthScore Combine(ReadOnlySpan<HealthScore> children, ReadOnlySpan<double> arr, CompiledScorecard scorecard)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        if (children.Length != arr.Length)
        {
            throw new ArgumentException($"Expected one ARR per child ({children.Length}), got {arr.Length}.", nameof(arr));
        }

        double total = 0, scoredWeight = 0, weightedScore = 0, weightedCoverage = 0;
        for (var i = 0; i < children.Length; i++)
        {
            var weight = arr[i];
            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentException($"The ARR of child {i} must be finite and >= 0, not {weight}.", nameof(arr));
            }

            total += weight;
            weightedCoverage += weight * children[i].Coverage;
            if (children[i].IsScored)
            {
                scoredWeight += weight;
                weightedScore += weight * children[i].Score;
            }
        }

        var coverage = total > 0 ? Math.Min(1.0, weightedCoverage / total) : 0.0;
        if (scoredWeight <= 0)
        {
            return new HealthScore(double.NaN, -1, coverage, HealthStatus.InsufficientData, scorecard.Version);
        }

        var score = Math.Clamp(weightedScore / scoredWeight, 0.0, 100.0);
        return new HealthScore(score, scorecard.BandOf(score), coverage, HealthStatus.Scored, scorecard.Version);
    }

    /// <summary>Rolls up every parent: children are grouped by their parent's id.</summary>
    /// <param name="parents">Each child's parent id (<see langword="null"/> or empty for an account without parent).</param>
    /// <param name="children">The children's results, aligned with <paramref name="parents"/>.</param>
    /// <param name="arr">The children's ARR, aligned with <paramref name="parents"/>.</param>
    /// <param name="scorecard">The scorecard whose bands and version the results carry.</param>
    /// <returns>Each parent's result, by parent id (ordinal order).</returns>
    public static IReadOnlyDictionary<string, HealthScore> ByParent(IReadOnlyList<string?> parents, ReadOnlySpan<HealthScore> children, ReadOnlySpan<double> arr, CompiledScorecard scorecard)
    {
        ArgumentNullException.ThrowIfNull(parents);
        if (parents.Count != children.Length || arr.Length != children.Length)
        {
            throw new ArgumentException($"Parents ({parents.Count}), results ({children.Length}) and ARR ({arr.Length}) must be aligned.", nameof(parents));
        }

        var members = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < parents.Count; i++)
        {
            if (string.IsNullOrEmpty(parents[i]))
            {
                continue;
            }

            if (!members.TryGetValue(parents[i]!, out var list))
            {
                members[parents[i]!] = list = [];
            }

            list.Add(i);
        }

        var result = new SortedDictionary<string, HealthScore>(StringComparer.Ordinal);
        foreach (var (parent, indices) in members)
        {
            var scores = new HealthScore[indices.Count];
            var weights = new double[indices.Count];
            for (var j = 0; j < indices.Count; j++)
            {
                scores[j] = children[indices[j]];
                weights[j] = arr[indices[j]];
            }

            result[parent] = Combine(scores, weights, scorecard);
        }

        return result;
    }
}
