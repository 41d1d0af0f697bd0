using System.Globalization;

namespace CsScoring.Health;

/// <summary>Which way a score moved since the previous one.</summary>
public enum TrendDirection : byte
{
    /// <summary>One of the two results has no score, so there is no trend.</summary>
    Unknown,

    /// <summary>The change is within the dead band.</summary>
    Flat,

    /// <summary>The score rose by more than the dead band.</summary>
    Up,

    /// <summary>The score fell by more than the dead band.</summary>
    Down,
}

/// <summary>
/// The change of an account's score against its previous score: the delta, its direction with a dead band, and
/// whether the scorecard itself changed between the two (so an edit of the scorecard is told apart from a change
/// in the customer).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly struct HealthTrend : IEquatable<HealthTrend>
{
    private HealthTrend(double delta, TrendDirection direction, bool scorecardChanged)
    {
        Delta = delta;
        Direction = direction;
        ScorecardChanged = scorecardChanged;
    }

    /// <summary>Current minus previous score, in points; NaN when either is unscored.</summary>
    public double Delta { get; }

    /// <summary>Up, down or flat (|delta| &lt;= dead band), or unknown.</summary>
    public TrendDirection Direction { get; }

    /// <summary>
    /// Whether the two results come from different scorecard versions: the delta then mixes a change of the
    /// customer with a change of the scorecard (rescore the previous values with the current scorecard to separate them).
    /// </summary>
    public bool ScorecardChanged { get; }

    /// <summary>Equal when every field is equal.</summary>
    public static bool operator ==(HealthTrend left, HealthTrend right) => left.Equals(right);

    /// <summary>Not equal when any field differs.</summary>
    public static bool operator !=(HealthTrend left, HealthTrend right) => !left.Equals(right);

    /// <summary>Compares a result with the previous one.</summary>
    /// <param name="previous">The earlier result.</param>
    /// <param name="current">The later result.</param>
    /// <param name="deadBand">Points (finite, >= 0) within which a change is flat (the scorecard's <see cref="CompiledScorecard.TrendDeadBand"/>).</param>
    /// <returns>The trend.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deadBand"/> is negative, NaN or infinite.</exception>
    public static HealthTrend Between(HealthScore previous, HealthScore current, double deadBand)
    {
        if (!double.IsFinite(deadBand) || deadBand < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(deadBand), deadBand, "The dead band must be a finite number of points >= 0.");
        }

        var changed = previous.Version != current.Version;
        if (!previous.IsScored || !current.IsScored)
        {
            return new HealthTrend(double.NaN, TrendDirection.Unknown, changed);
        }

        var delta = current.Score - previous.Score;
        var direction = delta > deadBand ? TrendDirection.Up : delta < -deadBand ? TrendDirection.Down : TrendDirection.Flat;
        return new HealthTrend(delta, direction, changed);
    }

    /// <inheritdoc />
    public bool Equals(HealthTrend other) => Delta.Equals(other.Delta) && Direction == other.Direction && ScorecardChanged == other.ScorecardChanged;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is HealthTrend other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Delta, Direction, ScorecardChanged);

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Direction} ({Delta:+0.0;-0.0;0.0}){(ScorecardChanged ? ", scorecard changed" : string.Empty)}");
}
