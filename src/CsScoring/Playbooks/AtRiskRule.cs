using CsScoring.Churn;
using CsScoring.Portfolio;

namespace CsScoring.Playbooks;

/// <summary>
/// The one definition of an at-risk account, shared by the playbook lint, the reports and the dashboard so their
/// counts always agree: an account is at risk when the churn model puts it in its own high band
/// (<see cref="IsHighRisk"/>), or when its health score fell by at least <see cref="FallingHealthPoints"/> points over
/// the portfolio's trend window (<see cref="PortfolioOptions.TrendPeriods"/> snapshots; <see cref="IsFallingHealth"/>).
/// </summary>
/// <remarks>
/// An account without a churn probability is not high risk; one without a health change (no earlier snapshot, or a
/// score on either side missing) is not falling. Immutable and thread-safe.
/// </remarks>
public sealed record AtRiskRule
{
    /// <summary>The default fall: 15 points of a 0-100 health score.</summary>
    public const double DefaultFallingHealthPoints = 15;

    private readonly double _fallingHealthPoints = DefaultFallingHealthPoints;

    /// <summary>The rule with the default fall of <see cref="DefaultFallingHealthPoints"/> points.</summary>
    public static AtRiskRule Default { get; } = new();

    /// <summary>How many health points lost over the trend window make an account's health falling (0.001-100).</summary>
    /// <value>The default value is 15.</value>
    /// <exception cref="InvalidOptionException">The value is outside 0.001-100 or NaN.</exception>
    public double FallingHealthPoints
    {
        get => _fallingHealthPoints;
        init => _fallingHealthPoints = OptionGuard.InRange(value, 0.001, 100, nameof(AtRiskRule), nameof(FallingHealthPoints));
    }

    /// <summary>Whether the churn model puts the account in its high band.</summary>
    /// <param name="churnBand">The account's churn band.</param>
    /// <returns><see langword="true"/> for <see cref="RiskBand.High"/>.</returns>
    public static bool IsHighRisk(RiskBand churnBand) => churnBand == RiskBand.High;

    /// <summary>Whether a health change is a fall of at least <see cref="FallingHealthPoints"/> points.</summary>
    /// <param name="healthChange">The change in health score over the trend window (NaN: unknown, never falling).</param>
    /// <returns><see langword="true"/> when <paramref name="healthChange"/> &lt;= -<see cref="FallingHealthPoints"/>.</returns>
    public bool IsFallingHealth(double healthChange) => healthChange <= -FallingHealthPoints;

    /// <summary>Whether an account is at risk: high churn band, or falling health.</summary>
    /// <param name="row">The account's portfolio row.</param>
    /// <returns><see langword="true"/> when either holds.</returns>
    public bool IsAtRisk(PortfolioRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return IsHighRisk(row.ChurnBand) || IsFallingHealth(row.HealthChange);
    }
}
