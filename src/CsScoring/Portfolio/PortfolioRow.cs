using CsScoring.Churn;
using CsScoring.Churn.Features;
using CsScoring.Playbooks;
using CsScoring.Segmentation;
using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>One churn reason as the portfolio shows it.</summary>
/// <param name="Feature">The model feature.</param>
/// <param name="Column">The data column it comes from.</param>
/// <param name="Role">Signal (a lever) or context.</param>
/// <param name="RaisesRisk">Whether it raises the churn risk.</param>
/// <param name="Imputed">Whether the account's cell was blank and the model imputed it (the text then says "is missing", never the imputed value).</param>
/// <param name="Contribution">The TreeSHAP contribution to the log-odds.</param>
/// <param name="Text">The reason in words.</param>
/// <remarks>The role is the model's (its feature schema's), so the same column reads the same way in every report.</remarks>
public sealed record PortfolioReason(string Feature, string Column, FeatureRole Role, bool RaisesRisk, bool Imputed, float Contribution, string Text)
{
    /// <summary>The kind of signal (usage, support, sentiment, billing); <see langword="null"/> for context or a signal of no known kind.</summary>
    public SignalKind? Signal { get; init; }
}

/// <summary>One current customer in the portfolio: health, churn risk, value, tier, priority and the next action.</summary>
/// <remarks>Immutable. See <see cref="PortfolioValue"/> for the value definitions.</remarks>
public sealed record PortfolioRow
{
    /// <summary>The account, exactly as the data holds it.</summary>
    public required string AccountId { get; init; }

    /// <summary>The as-of date of the portfolio (the account's current snapshot date).</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>ARR: 12 × the current snapshot's MRR (0 when blank).</summary>
    public required decimal Arr { get; init; }

    /// <summary>Tenure in whole months (0 when the data has none).</summary>
    public required int TenureMonths { get; init; }

    /// <summary>The health score (NaN when the account has too little data).</summary>
    public required double HealthScore { get; init; }

    /// <summary>The health band's name (<c>insufficient_data</c> when not scored).</summary>
    public required string HealthBand { get; init; }

    /// <summary>The health score's change over <see cref="PortfolioOptions.TrendPeriods"/> snapshots (NaN without that history or a score).</summary>
    public required double HealthChange { get; init; }

    /// <summary>The share of the scorecard's weight with data, in [0, 1].</summary>
    public required double HealthCoverage { get; init; }

    /// <summary>The metrics that cost the most health points, largest shortfall first.</summary>
    public required IReadOnlyList<string> HealthDrivers { get; init; }

    /// <summary>The churn probability over the model's horizon.</summary>
    public required float ChurnProbability { get; init; }

    /// <summary>The model's own risk band for that probability.</summary>
    public required RiskBand ChurnBand { get; init; }

    /// <summary>The top churn reasons, signals first.</summary>
    public required IReadOnlyList<PortfolioReason> TopReasons { get; init; }

    /// <summary>Potential, expected and at-risk value.</summary>
    public required PortfolioValue Value { get; init; }

    /// <summary>The touch tier, by potential value.</summary>
    public required TouchModel Tier { get; init; }

    /// <summary>Whether the account was escalated to a named CSM (high risk, high value, below high-touch).</summary>
    public required bool Escalated { get; init; }

    /// <summary>The priority across the book: 1 has the most value at risk.</summary>
    public required int Priority { get; init; }

    /// <summary>The priority within the tier: 1 has the tier's most value at risk.</summary>
    public required int TierPriority { get; init; }

    /// <summary>The playbook's action, or <see langword="null"/> when no rule matched.</summary>
    public required PlaybookRecommendation? Action { get; init; }

    /// <summary>Who carries out the action, or <see langword="null"/> without one.</summary>
    public required PlaybookOwner? Owner { get; init; }

    /// <summary>When the action is due, or <see langword="null"/> without one.</summary>
    public required DateOnly? Due { get; init; }

    /// <summary>The potential value (see <see cref="PortfolioValue.Potential"/>).</summary>
    public LtvResult PotentialValue => Value.Potential;

    /// <summary>The expected value (see <see cref="PortfolioValue.Expected"/>).</summary>
    public LtvResult ExpectedValue => Value.Expected;

    /// <summary>The value at risk (see <see cref="PortfolioValue.AtRisk"/>).</summary>
    public LtvResult ValueAtRisk => Value.AtRisk;
}
