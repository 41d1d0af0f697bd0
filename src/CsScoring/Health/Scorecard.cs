using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace CsScoring.Health;

/// <summary>
/// A health scorecard definition: metrics in (possibly nested) weighted groups, each scaled to 0-100 points, combined
/// into an overall score from 0 (worst) to 100 (best) and named bands. Build it in code or read it from JSON with
/// <see cref="ScorecardJson"/>; call <see cref="Compile"/> to score accounts.
/// </summary>
/// <remarks>
/// A definition is an immutable description; it is validated when compiled or read from JSON, and every error names
/// the JSON path of the offending value (for example <c>$.groups[1].metrics[0].weight</c>). Thread-safe to share.
/// </remarks>
/// <example>
/// <code>
/// var scorecard = new Scorecard
/// {
///     Name = "default",
///     Groups =
///     [
///         new ScorecardGroup { Name = "engagement", Weight = 2, Metrics = [new ScorecardMetric { Column = "dau_mau", Scaling = MetricScaling.Linear(0.05, 0.5) }] },
///         new ScorecardGroup { Name = "support", Weight = 1, Metrics = [new ScorecardMetric { Column = "tickets_90d", Direction = MetricDirection.LowerIsBetter, Scaling = MetricScaling.Linear(0, 10) }] },
///     ],
/// };
/// var compiled = scorecard.Compile();
/// var result = compiled.Score([0.3, 2], stackalloc double[2]);
/// </code>
/// </example>
public sealed class Scorecard
{
    /// <summary>An empty definition: set <see cref="Name"/> and <see cref="Groups"/>.</summary>
    public Scorecard()
    {
    }

    // JSON reads through this constructor so that omitted members keep their documented defaults (source-generated
    // metadata would otherwise reset init-only members it did not find to zero).
    [JsonConstructor]
    [SetsRequiredMembers]
    internal Scorecard(string name, IReadOnlyList<ScorecardGroup> groups, string? description = null, IReadOnlyList<HealthBand>? bands = null,
        double minimumCoverage = 0.5, double trendDeadBand = 2.0)
    {
        Name = name;
        Groups = groups;
        Description = description;
        Bands = bands ?? HealthBand.Default;
        MinimumCoverage = minimumCoverage;
        TrendDeadBand = trendDeadBand;
    }

    /// <summary>The scorecard's name, shown in reports and used by selection rules. Required, not blank.</summary>
    public required string Name { get; init; }

    /// <summary>Free text for people; it does not take part in scoring nor in the <see cref="CompiledScorecard.Version"/>.</summary>
    public string? Description { get; init; }

    /// <summary>The top-level groups (at least one). Their weights are relative to each other.</summary>
    public required IReadOnlyList<ScorecardGroup> Groups { get; init; }

    /// <summary>
    /// The score bands from worst to best, each starting at its <see cref="HealthBand.From"/> score.
    /// </summary>
    /// <value>The default is red from 0, yellow from 40 and green from 70 (red &lt; 40 &lt;= yellow &lt; 70 &lt;= green).</value>
    public IReadOnlyList<HealthBand> Bands { get; init; } = HealthBand.Default;

    /// <summary>
    /// The share of the total weight (0-1) that must have data for a score to be given; below it the result's
    /// status is <see cref="HealthStatus.InsufficientData"/> and it carries no score.
    /// </summary>
    /// <value>The default is 0.5.</value>
    public double MinimumCoverage { get; init; } = 0.5;

    /// <summary>Score points (>= 0) within which a change from the previous score counts as flat, not up or down.</summary>
    /// <value>The default is 2 points.</value>
    public double TrendDeadBand { get; init; } = 2.0;

    /// <summary>Compiles the scorecard into flat arrays for fast, allocation-free scoring.</summary>
    /// <param name="options">Reference populations for percentile scalings; <see langword="null"/> for none.</param>
    /// <returns>The compiled scorecard (immutable, thread-safe).</returns>
    /// <exception cref="ScorecardException">The definition is invalid; the message and <see cref="ScorecardException.Path"/> say where.</exception>
    public CompiledScorecard Compile(ScorecardCompileOptions? options = null) => CompiledScorecard.Create(this, options ?? ScorecardCompileOptions.Default);

    /// <summary>Returns a copy of this scorecard with other groups (for instance re-weighted ones).</summary>
    /// <param name="groups">The new top-level groups.</param>
    /// <returns>The copy.</returns>
    public Scorecard WithGroups(IReadOnlyList<ScorecardGroup> groups) => new()
    {
        Name = Name,
        Description = Description,
        Groups = groups,
        Bands = Bands,
        MinimumCoverage = MinimumCoverage,
        TrendDeadBand = TrendDeadBand,
    };
}

/// <summary>A weighted group of metrics and/or nested groups.</summary>
/// <remarks>
/// A group's score is the weighted mean of its children's points; children without data are skipped and their
/// weight is shared among the others (the <see cref="MissingDataPolicy.Redistribute"/> policy).
/// </remarks>
public sealed class ScorecardGroup
{
    /// <summary>An empty group: set <see cref="Name"/>.</summary>
    public ScorecardGroup()
    {
    }

    [JsonConstructor]
    [SetsRequiredMembers]
    internal ScorecardGroup(string name, double weight = 1.0, IReadOnlyList<ScorecardMetric>? metrics = null, IReadOnlyList<ScorecardGroup>? groups = null)
    {
        Name = name;
        Weight = weight;
        Metrics = metrics ?? [];
        Groups = groups ?? [];
    }

    /// <summary>The group's name (unique among groups of the scorecard), for example <c>engagement</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The group's weight relative to its siblings: finite and >= 0; not all siblings may be zero.</summary>
    /// <value>The default is 1.</value>
    public double Weight { get; init; } = 1.0;

    /// <summary>The metrics directly in this group (may be empty when the group has nested groups).</summary>
    public IReadOnlyList<ScorecardMetric> Metrics { get; init; } = [];

    /// <summary>Nested groups (may be empty). A group needs at least one metric or nested group.</summary>
    public IReadOnlyList<ScorecardGroup> Groups { get; init; } = [];

    /// <summary>Returns a copy with another weight and other children.</summary>
    /// <param name="weight">The new weight.</param>
    /// <param name="metrics">The new metrics.</param>
    /// <param name="groups">The new nested groups.</param>
    /// <returns>The copy.</returns>
    public ScorecardGroup With(double weight, IReadOnlyList<ScorecardMetric> metrics, IReadOnlyList<ScorecardGroup> groups)
        => new() { Name = Name, Weight = weight, Metrics = metrics, Groups = groups };
}

/// <summary>One metric of a scorecard: an input column scaled to 0-100 points.</summary>
public sealed class ScorecardMetric
{
    /// <summary>An empty metric: set <see cref="Column"/> and <see cref="Scaling"/>.</summary>
    public ScorecardMetric()
    {
    }

    [JsonConstructor]
    [SetsRequiredMembers]
    internal ScorecardMetric(string column, MetricScaling scaling, string? name = null, double weight = 1.0, MetricDirection direction = MetricDirection.HigherIsBetter,
        MissingDataPolicy missing = MissingDataPolicy.Redistribute, double? missingValue = null)
    {
        Column = column;
        Scaling = scaling;
        Name = name;
        Weight = weight;
        Direction = direction;
        Missing = missing;
        MissingValue = missingValue;
    }

    /// <summary>The metric's name (unique in the scorecard).</summary>
    /// <value>The default (<see langword="null"/>) uses <see cref="Column"/>.</value>
    public string? Name { get; init; }

    /// <summary>The input column the metric reads, for example <c>seat_utilization</c>.</summary>
    public required string Column { get; init; }

    /// <summary>The metric's weight relative to its siblings in the group: finite and >= 0.</summary>
    /// <value>The default is 1.</value>
    public double Weight { get; init; } = 1.0;

    /// <summary>Whether a higher value is better (the default) or worse.</summary>
    public MetricDirection Direction { get; init; } = MetricDirection.HigherIsBetter;

    /// <summary>How a value becomes 0-100 points.</summary>
    public required MetricScaling Scaling { get; init; }

    /// <summary>What to do when the value is missing (blank, NaN or infinite).</summary>
    /// <value>The default is <see cref="MissingDataPolicy.Redistribute"/>.</value>
    public MissingDataPolicy Missing { get; init; } = MissingDataPolicy.Redistribute;

    /// <summary>The value substituted for a missing one under <see cref="MissingDataPolicy.Constant"/> (finite); otherwise unset.</summary>
    public double? MissingValue { get; init; }

    /// <summary>The name used in results: <see cref="Name"/> or, when unset, <see cref="Column"/>.</summary>
    [JsonIgnore]
    public string DisplayName => Name ?? Column;

    /// <summary>Returns a copy with another weight.</summary>
    /// <param name="weight">The new weight.</param>
    /// <returns>The copy.</returns>
    public ScorecardMetric WithWeight(double weight) => new()
    {
        Name = Name,
        Column = Column,
        Weight = weight,
        Direction = Direction,
        Scaling = Scaling,
        Missing = Missing,
        MissingValue = MissingValue,
    };
}

/// <summary>Whether a higher metric value means a healthier account.</summary>
public enum MetricDirection
{
    /// <summary>Higher values earn more points (usage, adoption, NPS).</summary>
    HigherIsBetter,

    /// <summary>Lower values earn more points (tickets, days since last login, late invoices).</summary>
    LowerIsBetter,
}

/// <summary>What a metric contributes when its value is missing (blank, NaN or infinite).</summary>
public enum MissingDataPolicy
{
    /// <summary>Skip the metric and share its weight among the others in its group (the default).</summary>
    Redistribute,

    /// <summary>Score it as the worst points its scaling can give.</summary>
    Worst,

    /// <summary>Score it as if its value were <see cref="ScorecardMetric.MissingValue"/>.</summary>
    Constant,
}

/// <summary>A named score band starting at a score, for example yellow from 40.</summary>
public sealed class HealthBand
{
    /// <summary>The default bands: red from 0, yellow from 40, green from 70.</summary>
    public static IReadOnlyList<HealthBand> Default { get; } =
    [
        new HealthBand { Name = "red", From = 0 },
        new HealthBand { Name = "yellow", From = 40 },
        new HealthBand { Name = "green", From = 70 },
    ];

    /// <summary>The band's name (unique in the scorecard).</summary>
    public required string Name { get; init; }

    /// <summary>The lowest score (0-100) in the band. The first band starts at 0; later ones strictly increase.</summary>
    public double From { get; init; }
}
