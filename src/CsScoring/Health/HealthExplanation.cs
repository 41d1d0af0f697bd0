namespace CsScoring.Health;

/// <summary>Why an account has its score: each metric's value, points, effective weight and contribution.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class HealthExplanation
{
    private readonly CompiledScorecard _scorecard;

    internal HealthExplanation(HealthScore result, IReadOnlyList<MetricExplanation> metrics, CompiledScorecard scorecard)
    {
        Result = result;
        Metrics = metrics;
        _scorecard = scorecard;
    }

    /// <summary>The result being explained.</summary>
    public HealthScore Result { get; }

    /// <summary>One entry per metric, in the scorecard's metric order.</summary>
    public IReadOnlyList<MetricExplanation> Metrics { get; }

    /// <summary>The band's name, or <c>insufficient_data</c>.</summary>
    public string BandName => _scorecard.BandName(Result.Band);

    /// <summary>
    /// The metrics pulling the score down the most: largest shortfall (effective weight × points short of 100) first,
    /// only those with a shortfall above zero; ties keep metric order.
    /// </summary>
    /// <param name="count">The most to return (>= 0).</param>
    /// <returns>The drivers.</returns>
    public IReadOnlyList<MetricExplanation> TopDrivers(int count = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. Metrics.Where(m => m.Shortfall > 0).OrderByDescending(m => m.Shortfall).ThenBy(m => m.Metric.Index).Take(count)];
    }
}

/// <summary>One metric's part in a score.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Value">The input value, or NaN when missing.</param>
/// <param name="Points">The points (0-100) the value earned; for a missing value the policy's points, NaN when redistributed.</param>
/// <param name="EffectiveWeight">The metric's share of the score (0-1) after missing metrics were redistributed; 0 when redistributed away.</param>
/// <param name="Contribution">The points it adds to the score (EffectiveWeight × Points); 0 for an unscored result.</param>
/// <param name="Shortfall">The points it leaves on the table: EffectiveWeight × (100 − Points).</param>
/// <param name="HasData">Whether the value was present.</param>
public sealed record MetricExplanation(CompiledMetric Metric, double Value, double Points, double EffectiveWeight, double Contribution, double Shortfall, bool HasData);
