namespace CsScoring.Health;

/// <summary>
/// A score set by hand (for example after a call with the customer) with the reason and the date it stops
/// applying. The library has no clock: overrides are applied against an as-of date the caller passes.
/// </summary>
public sealed class HealthOverride
{
    /// <summary>The score that replaces the computed one (0-100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The score is outside 0-100 or NaN.</exception>
    public required double Score
    {
        get;
        init
        {
            if (!double.IsFinite(value) || value < 0 || value > 100)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "An override's score must be between 0 and 100.");
            }

            field = value;
        }
    }

    /// <summary>Why the score was overridden (required, not blank, shown next to the score).</summary>
    /// <exception cref="ArgumentException">The reason is blank.</exception>
    public required string Reason
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>The last day the override applies; on later as-of dates it is ignored and reported as expired.</summary>
    public required DateOnly Expires { get; init; }

    /// <summary>Who set it, when known.</summary>
    public string? SetBy { get; init; }

    /// <summary>
    /// Applies the override to a computed result as of a date.
    /// </summary>
    /// <param name="computed">The computed result.</param>
    /// <param name="asOf">The date the result is for.</param>
    /// <param name="scorecard">The scorecard, for the band of the overriding score.</param>
    /// <returns>The result to show and whether the override applied or had expired.</returns>
    public OverrideOutcome Apply(HealthScore computed, DateOnly asOf, CompiledScorecard scorecard)
    {
        ArgumentNullException.ThrowIfNull(scorecard);

        if (asOf > Expires)
        {
            return new OverrideOutcome(computed, OverrideState.Expired, this);
        }

        var result = new HealthScore(Score, scorecard.BandOf(Score), computed.Coverage, HealthStatus.Scored, computed.Version);
        return new OverrideOutcome(result, OverrideState.Applied, this);
    }
}

/// <summary>Whether an override changed a result.</summary>
public enum OverrideState : byte
{
    /// <summary>There was no override.</summary>
    None,

    /// <summary>The override replaced the computed score.</summary>
    Applied,

    /// <summary>The override had expired before the as-of date and was ignored.</summary>
    Expired,
}

/// <summary>The result after an override, and what happened to the override.</summary>
/// <param name="Result">The result to show (the override's score when applied, else the computed one).</param>
/// <param name="State">Whether the override applied, had expired, or there was none.</param>
/// <param name="Override">The override, when there was one.</param>
public sealed record OverrideOutcome(HealthScore Result, OverrideState State, HealthOverride? Override);
