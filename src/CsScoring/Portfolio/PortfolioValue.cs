using System.Globalization;
using CsScoring.Metrics;
using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>
/// An account's three value figures, consistent by construction: <see cref="Potential"/> is what the account is worth
/// if it stays; <see cref="AtRisk"/> = churn probability × potential; <see cref="Expected"/> = potential − at risk.
/// </summary>
/// <remarks>
/// <para>
/// So 0 ≤ value at risk ≤ potential value, expected value + value at risk = potential value, and expected value never
/// rises with the churn probability. A figure that grows without bound (no churn and no discounting in the retention
/// model) keeps <see cref="LtvStatus.Unbounded"/>: it is never reported as 0. With an unbounded potential, value at
/// risk is unbounded when the churn probability is above 0 (else 0) and expected value is unbounded when it is below 1
/// (else 0).
/// </para>
/// <para>The churn probability is the churn model's, over its horizon, so value at risk is the value the account
/// would take with it if it left within that horizon. Immutable and thread-safe.</para>
/// </remarks>
/// <param name="Potential">The value if retained: discounted margin over the residual lifetime the retention model gives an account of its tenure.</param>
/// <param name="Expected">The value given the churn risk: (1 − p) × potential.</param>
/// <param name="AtRisk">The value at risk over the churn model's horizon: p × potential.</param>
public readonly record struct PortfolioValue(LtvResult Potential, LtvResult Expected, LtvResult AtRisk)
{
    /// <summary>The three figures from a potential value and a churn probability.</summary>
    /// <param name="potential">The value if retained (bounded and ≥ 0, or unbounded).</param>
    /// <param name="churnProbability">The churn probability over the horizon, in [0, 1]; NaN (not scored) leaves nothing at risk.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1] or the potential is negative.</exception>
    public static PortfolioValue Of(LtvResult potential, double churnProbability)
    {
        if (double.IsNaN(churnProbability))
        {
            return new PortfolioValue(potential, potential, LtvResult.Bounded(0));
        }

        if (churnProbability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(churnProbability), churnProbability, "A churn probability must be in [0, 1].");
        }

        if (potential.IsUnbounded)
        {
            return new PortfolioValue(
                potential,
                churnProbability < 1 ? LtvResult.Unbounded : LtvResult.Bounded(0),
                churnProbability > 0 ? LtvResult.Unbounded : LtvResult.Bounded(0));
        }

        var value = potential.Value;
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(potential), value, "A potential value cannot be negative.");
        }

        // Rounded to cents once, and expected taken as the remainder, so the two always add up to the potential.
        var atRisk = Math.Min(value, Math.Round(value * (decimal)churnProbability, 2));
        return new PortfolioValue(potential, LtvResult.Bounded(value - atRisk), LtvResult.Bounded(atRisk));
    }

    /// <summary>Compares two figures for ranking: an unbounded figure ranks above every bounded one.</summary>
    /// <param name="left">A figure.</param>
    /// <param name="right">Another.</param>
    /// <returns>Negative, zero or positive as <paramref name="left"/> is smaller, equal or larger.</returns>
    public static int Compare(LtvResult left, LtvResult right)
        => left.IsUnbounded != right.IsUnbounded ? (left.IsUnbounded ? 1 : -1)
            : left.IsUnbounded ? 0 : left.Value.CompareTo(right.Value);
}

/// <summary>
/// The retention and value model the portfolio values accounts with: an account's potential value is its monthly
/// margin (MRR × gross margin) times the discounted expected residual lifetime of a retained account of its tenure.
/// </summary>
/// <remarks>
/// With a fitted sBG retention model (<see cref="Retention"/>) the residual lifetime is the model's DERL at the
/// account's tenure in months, so it depends on how long the account has stayed, never on where it stands in its
/// contract. Without one, a constant monthly retention (<see cref="MonthlyRetention"/>) gives r / (1 + d − r). The
/// lifetime is unbounded only without discounting and without churn; the potential value then keeps that status.
/// Immutable and thread-safe.
/// </remarks>
public sealed record PortfolioValueModel
{
    private readonly double _grossMargin = 1;
    private readonly double _monthlyDiscountRate = 0.01;
    private readonly double _monthlyRetention = 0.98;

    /// <summary>The fitted sBG retention model (monthly periods), or <see langword="null"/> to use <see cref="MonthlyRetention"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public SbgParameters? Retention { get; init; }

    /// <summary>The monthly retention of a retained account when there is no <see cref="Retention"/> model, in [0, 1].</summary>
    /// <value>The default value is 0.98.</value>
    public double MonthlyRetention
    {
        get => _monthlyRetention;
        init => _monthlyRetention = OptionGuard.InRange(value, 0, 1, nameof(PortfolioValueModel), nameof(MonthlyRetention));
    }

    /// <summary>The gross margin, in [0, 1] (1: revenue value).</summary>
    /// <value>The default value is 1.</value>
    public double GrossMargin
    {
        get => _grossMargin;
        init => _grossMargin = OptionGuard.InRange(value, 0, 1, nameof(PortfolioValueModel), nameof(GrossMargin));
    }

    /// <summary>The monthly discount rate (≥ 0).</summary>
    /// <value>The default value is 0.01.</value>
    public double MonthlyDiscountRate
    {
        get => _monthlyDiscountRate;
        init => _monthlyDiscountRate = OptionGuard.NonNegative(value, nameof(PortfolioValueModel), nameof(MonthlyDiscountRate));
    }

    /// <summary>
    /// This model with its retention fitted to the MRR ledger: a shifted-beta-geometric (sBG) model over the ledger's
    /// monthly cohorts, so residual lifetime depends on tenure. Falls back to this model's constant monthly retention
    /// when there is no ledger, no cohort with a known start, or the sBG model does not fit; <paramref name="source"/>
    /// says which, in words a report can show.
    /// </summary>
    /// <param name="ledger">The MRR ledger, or <see langword="null"/>.</param>
    /// <param name="source">How the retention was obtained.</param>
    public PortfolioValueModel WithRetentionFrom(MrrLedger? ledger, out string source)
    {
        var fallback = string.Create(CultureInfo.InvariantCulture, $"constant monthly retention {MonthlyRetention:0.###}, discount {MonthlyDiscountRate:0.###} a month");
        if (ledger is null)
        {
            source = fallback + " (no MRR ledger)";
            return this;
        }

        var cohorts = CohortSurvival.Create(ledger);
        if (cohorts.Cohorts.Count == 0)
        {
            source = fallback + " (the ledger has no cohorts with a known start)";
            return this;
        }

        try
        {
            var fit = SbgModel.FitCohorts(cohorts.SurvivorCounts).Parameters;
            source = string.Create(CultureInfo.InvariantCulture, $"sBG retention fitted to {cohorts.Cohorts.Count} monthly cohorts ({fit}), residual lifetime by tenure, discount {MonthlyDiscountRate:0.###} a month");
            return this with { Retention = fit };
        }
        catch (ModelFitException ex)
        {
            source = $"{fallback} (the sBG model does not fit the ledger's cohorts: {ex.Message})";
            return this;
        }
    }

    /// <summary>The discounted residual lifetime in months of a retained account of a tenure, or <see langword="null"/> when unbounded.</summary>
    /// <param name="tenureMonths">Whole months the account has been a customer (negative counts as 0).</param>
    /// <returns>The lifetime in months of payment.</returns>
    public double? ResidualLifetime(int tenureMonths)
    {
        if (Retention is { } sbg)
        {
            if (MonthlyDiscountRate == 0 && !(sbg.Alpha > 1))
            {
                return null;
            }

            return sbg.DiscountedExpectedResidualLifetime(MonthlyDiscountRate, Math.Max(0, tenureMonths));
        }

        var lifetime = LtvCalculator.Discounted(1m, MonthlyRetention, MonthlyDiscountRate);
        return lifetime.IsUnbounded ? null : (double)lifetime.Value;
    }

    /// <summary>An account's potential value: MRR × gross margin × <see cref="ResidualLifetime"/>.</summary>
    /// <param name="mrr">The account's MRR (≥ 0).</param>
    /// <param name="tenureMonths">Its tenure in whole months.</param>
    /// <returns>The value, unbounded when the lifetime is (and the margin is positive).</returns>
    public LtvResult PotentialValue(decimal mrr, int tenureMonths) => PotentialValue(mrr, ResidualLifetime(tenureMonths));

    internal LtvResult PotentialValue(decimal mrr, double? lifetime)
    {
        var margin = mrr * (decimal)GrossMargin;
        if (margin <= 0)
        {
            return LtvResult.Bounded(0);
        }

        return lifetime is { } months ? LtvResult.Bounded(Math.Round(margin * (decimal)months, 2)) : LtvResult.Unbounded;
    }
}
