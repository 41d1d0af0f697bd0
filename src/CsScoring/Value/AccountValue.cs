namespace CsScoring.Value;

/// <summary>
/// One account's inputs for expected LTV and value at risk: its MRR, margin and discount rate, and the churn
/// probability over a horizon that a churn model predicted.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly struct AccountValueInputs : IEquatable<AccountValueInputs>
{
    /// <summary>Creates the inputs and checks them.</summary>
    /// <param name="mrr">Monthly recurring revenue (≥ 0).</param>
    /// <param name="grossMargin">Gross margin, in [0, 1].</param>
    /// <param name="monthlyDiscountRate">Discount rate per month (≥ 0).</param>
    /// <param name="churnProbability">Probability of churning within the horizon, in [0, 1].</param>
    /// <param name="horizonMonths">The horizon of <paramref name="churnProbability"/> in months (≥ 1), e.g. 3 for a 90-day model.</param>
    /// <exception cref="InvalidModelInputException">An input is out of range or NaN.</exception>
    public AccountValueInputs(decimal mrr, double grossMargin, double monthlyDiscountRate, double churnProbability, int horizonMonths)
    {
        LtvCalculator.CheckMoney(mrr, "mrr");
        LtvCalculator.CheckRate(grossMargin, "gross_margin");
        ThrowHelper.IfNegative(monthlyDiscountRate, "discount_rate");
        LtvCalculator.CheckRate(churnProbability, "churn_probability");
        if (horizonMonths < 1)
        {
            ThrowHelper.InvalidModelInput("horizon_months", horizonMonths, "must be >= 1");
        }

        Mrr = mrr;
        GrossMargin = grossMargin;
        MonthlyDiscountRate = monthlyDiscountRate;
        ChurnProbability = churnProbability;
        HorizonMonths = horizonMonths;
    }

    /// <summary>Monthly recurring revenue.</summary>
    public decimal Mrr { get; }

    /// <summary>Gross margin.</summary>
    public double GrossMargin { get; }

    /// <summary>Discount rate per month.</summary>
    public double MonthlyDiscountRate { get; }

    /// <summary>Probability of churning within the horizon.</summary>
    public double ChurnProbability { get; }

    /// <summary>The horizon in months.</summary>
    public int HorizonMonths { get; }

    /// <inheritdoc />
    public static bool operator ==(AccountValueInputs left, AccountValueInputs right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(AccountValueInputs left, AccountValueInputs right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(AccountValueInputs other)
        => Mrr == other.Mrr && GrossMargin.Equals(other.GrossMargin) && MonthlyDiscountRate.Equals(other.MonthlyDiscountRate)
            && ChurnProbability.Equals(other.ChurnProbability) && HorizonMonths == other.HorizonMonths;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AccountValueInputs other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mrr, GrossMargin, MonthlyDiscountRate, ChurnProbability, HorizonMonths);
}

/// <summary>An account's expected LTV and value at risk.</summary>
/// <param name="MonthlyHazard">The constant monthly churn probability h with 1 − (1 − h)^H = the horizon probability.</param>
/// <param name="ExpectedLtv">m · r / (1 + d − r) with m = MRR × margin and r = 1 − h; unbounded when h = 0 and d = 0.</param>
/// <param name="ValueAtRisk">
/// The expected value lost to churn within the horizon: over the month τ ≤ H in which the account churns, the margin
/// it would still have paid through the horizon plus its discounted LTV beyond, weighted by P(τ). 0 when the churn
/// probability is 0; the horizon's margin when it is 1. Always bounded.
/// </param>
public readonly record struct AccountValue(double MonthlyHazard, LtvResult ExpectedLtv, decimal ValueAtRisk);

/// <summary>Expected LTV and value at risk per account, from a churn model's horizon probability. Allocation-free.</summary>
public static class AccountValuation
{
    /// <summary>Values one account.</summary>
    /// <param name="inputs">The account's inputs.</param>
    public static AccountValue Evaluate(in AccountValueInputs inputs)
    {
        var p = inputs.ChurnProbability;
        var horizon = inputs.HorizonMonths;
        var hazard = p >= 1 ? 1.0 : -Numerics.LogMath.ExpM1(Numerics.LogMath.Log1P(-p) / horizon);
        var retention = 1 - hazard;
        var margin = inputs.Mrr * LtvCalculator.ToDecimal(inputs.GrossMargin, "gross_margin");
        var ltv = LtvCalculator.Discounted(margin, retention, inputs.MonthlyDiscountRate);
        if (p == 0 || margin == 0)
        {
            return new AccountValue(hazard, ltv, 0m);
        }

        // E[loss] = Σ_{τ=1..H} P(τ) [Σ_{u=τ..H} m δ^u + δ^H L], P(τ) = r^(τ−1) h, δ = 1/(1+d): accumulated backwards
        // so the inner sum is a running total.
        var delta = 1 / (1 + inputs.MonthlyDiscountRate);
        var m = (double)margin;
        var beyond = Math.Pow(delta, horizon) * (double)ltv.Value;
        var tail = 0.0;
        var loss = 0.0;
        for (var u = horizon; u >= 1; u--)
        {
            tail += m * Math.Pow(delta, u);
            loss += Math.Pow(retention, u - 1) * hazard * (tail + beyond);
        }

        return new AccountValue(hazard, ltv, (decimal)loss);
    }

    /// <summary>Values many accounts, without allocating.</summary>
    /// <param name="inputs">The accounts.</param>
    /// <param name="destination">Receives one result per account.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static void Evaluate(ReadOnlySpan<AccountValueInputs> inputs, Span<AccountValue> destination)
    {
        if (destination.Length < inputs.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(destination), inputs.Length, destination.Length);
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            destination[i] = Evaluate(inputs[i]);
        }
    }
}
