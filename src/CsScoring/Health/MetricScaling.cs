namespace CsScoring.Health;

/// <summary>
/// How a metric's value becomes 0-100 points. One type for every kind, so the JSON stays flat
/// (<c>{"kind": "linear", "min": 0, "max": 1}</c>); each kind uses only its own fields and rejects the others.
/// </summary>
/// <remarks>
/// Points always move in the metric's <see cref="MetricDirection"/>: for <see cref="ScalingKind.Linear"/>,
/// <see cref="ScalingKind.Logarithmic"/> and <see cref="ScalingKind.Percentile"/> the direction flips the scale;
/// for <see cref="ScalingKind.Thresholds"/> and <see cref="ScalingKind.Piecewise"/> the given points must already
/// rise (higher is better) or fall (lower is better) with the value.
/// </remarks>
public sealed class MetricScaling
{
    /// <summary>The kind of scaling.</summary>
    public required ScalingKind Kind { get; init; }

    /// <summary>
    /// <see cref="ScalingKind.Linear"/> and <see cref="ScalingKind.Logarithmic"/>: the value at the worst end
    /// (higher is better) or best end (lower is better) of the scale; values beyond the bounds are clamped.
    /// </summary>
    public double? Min { get; init; }

    /// <summary><see cref="ScalingKind.Linear"/> and <see cref="ScalingKind.Logarithmic"/>: the other bound (> <see cref="Min"/>).</summary>
    public double? Max { get; init; }

    /// <summary>
    /// <see cref="ScalingKind.Logarithmic"/>: added to the value before the logarithm, so zero counts can be scaled
    /// (<c>ln(value + offset)</c>); <c>min + offset</c> must be > 0. The default is 1.
    /// </summary>
    public double? Offset { get; init; }

    /// <summary>
    /// <see cref="ScalingKind.Thresholds"/>: the strictly increasing cut-offs; a value below <c>cuts[0]</c> earns
    /// <c>points[0]</c>, a value in <c>[cuts[i-1], cuts[i])</c> earns <c>points[i]</c>.
    /// </summary>
    public IReadOnlyList<double>? Cuts { get; init; }

    /// <summary><see cref="ScalingKind.Piecewise"/>: the strictly increasing values of the points the scale passes through.</summary>
    public IReadOnlyList<double>? At { get; init; }

    /// <summary>
    /// <see cref="ScalingKind.Thresholds"/>: the points (0-100) of each band, one more than <see cref="Cuts"/>;
    /// <see cref="ScalingKind.Piecewise"/>: the points (0-100) at each <see cref="At"/> value (linear between them, flat beyond).
    /// </summary>
    public IReadOnlyList<double>? Points { get; init; }

    /// <summary>
    /// <see cref="ScalingKind.Percentile"/>: the reference population (finite values); when absent it must be given
    /// at compile time in <see cref="ScorecardCompileOptions.ReferencePopulations"/>.
    /// </summary>
    public IReadOnlyList<double>? Reference { get; init; }

    /// <summary>Points rise linearly from <paramref name="min"/> to <paramref name="max"/> (clamped outside).</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound (> <paramref name="min"/>).</param>
    /// <returns>The scaling.</returns>
    public static MetricScaling Linear(double min, double max) => new() { Kind = ScalingKind.Linear, Min = min, Max = max };

    /// <summary>Points by bands of the value: below <c>cuts[0]</c> earns <c>points[0]</c>, and so on.</summary>
    /// <param name="cuts">The strictly increasing cut-offs.</param>
    /// <param name="points">The points of each band (one more than the cuts).</param>
    /// <returns>The scaling.</returns>
    public static MetricScaling Thresholds(IReadOnlyList<double> cuts, IReadOnlyList<double> points)
        => new() { Kind = ScalingKind.Thresholds, Cuts = cuts, Points = points };

    /// <summary>Points linear between given (value, points) pairs and flat beyond the ends.</summary>
    /// <param name="at">The strictly increasing values.</param>
    /// <param name="points">The points at each value.</param>
    /// <returns>The scaling.</returns>
    public static MetricScaling Piecewise(IReadOnlyList<double> at, IReadOnlyList<double> points)
        => new() { Kind = ScalingKind.Piecewise, At = at, Points = points };

    /// <summary>Points linear in <c>ln(value + offset)</c> between the bounds (clamped outside).</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound (> <paramref name="min"/>).</param>
    /// <param name="offset">Added before the logarithm; <c>min + offset</c> must be > 0.</param>
    /// <returns>The scaling.</returns>
    public static MetricScaling Logarithmic(double min, double max, double offset = 1.0)
        => new() { Kind = ScalingKind.Logarithmic, Min = min, Max = max, Offset = offset };

    /// <summary>Points are the percentile rank (mid-rank for ties) of the value in a reference population.</summary>
    /// <param name="reference">The population, or <see langword="null"/> to supply it at compile time.</param>
    /// <returns>The scaling.</returns>
    public static MetricScaling Percentile(IReadOnlyList<double>? reference = null)
        => new() { Kind = ScalingKind.Percentile, Reference = reference };
}

/// <summary>The kinds of <see cref="MetricScaling"/>.</summary>
public enum ScalingKind
{
    /// <summary>Cut-offs mapped to chosen points (for example red/yellow/green).</summary>
    Thresholds,

    /// <summary>Linear between two bounds, clamped.</summary>
    Linear,

    /// <summary>Piecewise-linear through given points.</summary>
    Piecewise,

    /// <summary>Linear in the logarithm of the value, between two bounds, clamped.</summary>
    Logarithmic,

    /// <summary>Percentile rank against a reference population.</summary>
    Percentile,
}

/// <summary>Inputs a scorecard needs at compile time besides its definition.</summary>
public sealed class ScorecardCompileOptions
{
    /// <summary>No reference populations.</summary>
    public static ScorecardCompileOptions Default { get; } = new();

    /// <summary>
    /// Reference populations for <see cref="ScalingKind.Percentile"/> metrics without an inline reference, keyed by
    /// the metric's name (or column when unnamed). Non-finite values are ignored. They are part of the version hash.
    /// </summary>
    /// <value>The default is none.</value>
    public IReadOnlyDictionary<string, IReadOnlyList<double>>? ReferencePopulations { get; init; }
}
