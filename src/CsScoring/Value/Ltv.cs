using System.Globalization;

namespace CsScoring.Value;

/// <summary>Whether an LTV figure is a finite number or grows without bound.</summary>
public enum LtvStatus
{
    /// <summary>The figure is a finite amount.</summary>
    Bounded,

    /// <summary>
    /// The figure is unbounded: no churn and no discounting (an infinite stream of payments), or a zero divisor such
    /// as a CAC payback with no margin. No number is reported, rather than an infinity posing as one.
    /// </summary>
    Unbounded,
}

/// <summary>
/// An LTV figure (an amount of money, a ratio or a number of months) with an explicit <see cref="Status"/>.
/// </summary>
/// <remarks>Immutable and thread-safe. The default value is a bounded 0.</remarks>
public readonly struct LtvResult : IEquatable<LtvResult>
{
    private readonly decimal _value;

    private LtvResult(decimal value, LtvStatus status)
    {
        _value = value;
        Status = status;
    }

    /// <summary>The unbounded result.</summary>
    public static LtvResult Unbounded { get; } = new(0, LtvStatus.Unbounded);

    /// <summary>Whether the figure is finite or unbounded.</summary>
    public LtvStatus Status { get; }

    /// <summary>Whether the figure is unbounded.</summary>
    public bool IsUnbounded => Status == LtvStatus.Unbounded;

    /// <summary>The figure.</summary>
    /// <exception cref="InvalidOperationException">The figure is unbounded; check <see cref="Status"/> first or use <see cref="TryGetValue"/>.</exception>
    public decimal Value
    {
        get
        {
            if (IsUnbounded)
            {
                ThrowHelper.InvalidOperation("The LTV figure is unbounded (no churn and no discounting); it has no value.");
            }

            return _value;
        }
    }

    /// <inheritdoc />
    public static bool operator ==(LtvResult left, LtvResult right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(LtvResult left, LtvResult right) => !left.Equals(right);

    /// <summary>A finite figure.</summary>
    /// <param name="value">The amount.</param>
    public static LtvResult Bounded(decimal value) => new(value, LtvStatus.Bounded);

    /// <summary>Gets the figure when it is bounded.</summary>
    /// <param name="value">The figure, or 0 when unbounded.</param>
    /// <returns>Whether the figure is bounded.</returns>
    public bool TryGetValue(out decimal value)
    {
        value = _value;
        return !IsUnbounded;
    }

    /// <inheritdoc />
    public bool Equals(LtvResult other) => Status == other.Status && _value == other._value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LtvResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_value, Status);

    /// <inheritdoc />
    public override string ToString() => IsUnbounded ? "unbounded" : _value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The inputs of the LTV formulas for one customer or segment, all per billing period (a month, a year: the same
/// period for every rate).
/// </summary>
/// <remarks>Immutable and thread-safe. The default value (all 0) is valid and gives unbounded results.</remarks>
public readonly struct LtvInputs : IEquatable<LtvInputs>
{
    /// <summary>Creates the inputs and checks them.</summary>
    /// <param name="arpa">Average revenue per account per period (≥ 0).</param>
    /// <param name="churnRate">Churn rate per period, in [0, 1].</param>
    /// <param name="grossMargin">Gross margin, in [0, 1]; 1 for revenue LTV.</param>
    /// <param name="discountRate">Discount rate per period (≥ 0); 0 for no discounting.</param>
    /// <exception cref="InvalidModelInputException">A rate is NaN, negative or (for churn and margin) above 1, or ARPA is negative.</exception>
    public LtvInputs(decimal arpa, double churnRate, double grossMargin = 1, double discountRate = 0)
    {
        LtvCalculator.CheckMoney(arpa, "arpa");
        LtvCalculator.CheckRate(churnRate, "churn_rate");
        LtvCalculator.CheckRate(grossMargin, "gross_margin");
        ThrowHelper.IfNegative(discountRate, "discount_rate");
        Arpa = arpa;
        ChurnRate = churnRate;
        GrossMargin = grossMargin;
        DiscountRate = discountRate;
    }

    /// <summary>Average revenue per account per period.</summary>
    public decimal Arpa { get; }

    /// <summary>Churn rate per period.</summary>
    public double ChurnRate { get; }

    /// <summary>Gross margin.</summary>
    public double GrossMargin { get; }

    /// <summary>Discount rate per period.</summary>
    public double DiscountRate { get; }

    /// <inheritdoc />
    public static bool operator ==(LtvInputs left, LtvInputs right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(LtvInputs left, LtvInputs right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(LtvInputs other) => Arpa == other.Arpa && ChurnRate.Equals(other.ChurnRate) && GrossMargin.Equals(other.GrossMargin) && DiscountRate.Equals(other.DiscountRate);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LtvInputs other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Arpa, ChurnRate, GrossMargin, DiscountRate);
}

/// <summary>The three LTV figures of one <see cref="LtvInputs"/>.</summary>
/// <param name="Simple">ARPA / churn.</param>
/// <param name="GrossMargin">ARPA × margin / churn.</param>
/// <param name="Discounted">m · r / (1 + d − r) with m = ARPA × margin, r = 1 − churn (Gupta et al. 2006).</param>
public readonly record struct LtvFigures(LtvResult Simple, LtvResult GrossMargin, LtvResult Discounted);

/// <summary>
/// The LTV formulas CS and finance teams use, in <see cref="decimal"/> money, allocation-free. A churn rate of 0
/// gives an <see cref="LtvStatus.Unbounded"/> result (never a division by zero, never an infinity); negative or NaN
/// inputs throw <see cref="InvalidModelInputException"/>.
/// </summary>
/// <example>
/// <code>
/// var figures = LtvCalculator.Compute(new LtvInputs(arpa: 500m, churnRate: 0.02, grossMargin: 0.8, discountRate: 0.01));
/// decimal ltv = figures.Discounted.Value;                      // 500 · 0.8 · 0.98 / (1.01 − 0.98)
/// double annual = LtvCalculator.ConvertChurnRate(0.02, TimeUnit.Month, TimeUnit.Year);   // 1 − 0.98^12
/// </code>
/// </example>
public static class LtvCalculator
{
    // decimal holds 28 significant digits; a positive rate below this would round to 0 and divide by zero.
    private const double SmallestRate = 1e-20;

    /// <summary>Simple LTV = ARPA / churn rate.</summary>
    /// <param name="arpa">Revenue per account per period (≥ 0).</param>
    /// <param name="churnRate">Churn per period, in [0, 1]; 0 gives an unbounded result.</param>
    public static LtvResult Simple(decimal arpa, double churnRate) => GrossMargin(arpa, 1, churnRate);

    /// <summary>Gross-margin LTV = ARPA × margin / churn rate.</summary>
    /// <param name="arpa">Revenue per account per period (≥ 0).</param>
    /// <param name="grossMargin">Gross margin, in [0, 1].</param>
    /// <param name="churnRate">Churn per period, in [0, 1]; 0 gives an unbounded result.</param>
    public static LtvResult GrossMargin(decimal arpa, double grossMargin, double churnRate)
    {
        CheckMoney(arpa, "arpa");
        CheckRate(grossMargin, "gross_margin");
        CheckRate(churnRate, "churn_rate");
        if (churnRate == 0)
        {
            return LtvResult.Unbounded;
        }

        return LtvResult.Bounded(arpa * ToDecimal(grossMargin, "gross_margin") / ToDecimal(churnRate, "churn_rate"));
    }

    /// <summary>
    /// Discounted LTV = m · r / (1 + d − r) (Gupta et al. 2006): margin m per period received at the end of each period
    /// the customer is retained, with retention r and discount rate d per period.
    /// </summary>
    /// <param name="marginPerPeriod">Margin per period (≥ 0).</param>
    /// <param name="retentionRate">Retention per period, in [0, 1].</param>
    /// <param name="discountRate">Discount rate per period (≥ 0).</param>
    /// <returns>Unbounded only when r = 1 and d = 0.</returns>
    public static LtvResult Discounted(decimal marginPerPeriod, double retentionRate, double discountRate)
    {
        CheckMoney(marginPerPeriod, "margin_per_period");
        CheckRate(retentionRate, "retention_rate");
        ThrowHelper.IfNegative(discountRate, "discount_rate");
        var denominator = (1 + (decimal)discountRate) - (decimal)retentionRate;
        if (denominator == 0)
        {
            return LtvResult.Unbounded;
        }

        if (1 + discountRate - retentionRate < SmallestRate)
        {
            ThrowHelper.InvalidModelInput("discount_rate", discountRate, "with the retention rate leaves 1 + d - r below 1e-20; the LTV exceeds the decimal range");
        }

        return LtvResult.Bounded(marginPerPeriod * (decimal)retentionRate / denominator);
    }

    /// <summary>All three figures for one input.</summary>
    /// <param name="inputs">The inputs.</param>
    public static LtvFigures Compute(in LtvInputs inputs)
    {
        var margin = inputs.Arpa * ToDecimal(inputs.GrossMargin, "gross_margin");
        return new LtvFigures(
            Simple(inputs.Arpa, inputs.ChurnRate),
            GrossMargin(inputs.Arpa, inputs.GrossMargin, inputs.ChurnRate),
            Discounted(margin, 1 - inputs.ChurnRate, inputs.DiscountRate));
    }

    /// <summary>All three figures for many inputs, without allocating.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="destination">Receives one result per input; at least as long as <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static void Compute(ReadOnlySpan<LtvInputs> inputs, Span<LtvFigures> destination)
    {
        if (destination.Length < inputs.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(destination), inputs.Length, destination.Length);
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            destination[i] = Compute(inputs[i]);
        }
    }

    /// <summary>
    /// Converts a churn rate between period lengths: 1 − (1 − rate)^(to / from), e.g. annual = 1 − (1 − monthly)^12.
    /// </summary>
    /// <param name="churnRate">Churn per <paramref name="fromPeriodLength"/>, in [0, 1].</param>
    /// <param name="fromPeriodLength">The length of the rate's period (&gt; 0, any unit).</param>
    /// <param name="toPeriodLength">The length of the wanted period (&gt; 0, same unit).</param>
    public static double ConvertChurnRate(double churnRate, double fromPeriodLength, double toPeriodLength)
    {
        CheckRate(churnRate, "churn_rate");
        ThrowHelper.IfNotPositive(fromPeriodLength, "from_period_length");
        ThrowHelper.IfNotPositive(toPeriodLength, "to_period_length");
        if (churnRate == 0 || churnRate == 1)
        {
            return churnRate;
        }

        // 1 − exp(k · log(1 − c)), accurate for small rates.
        return -Numerics.LogMath.ExpM1(toPeriodLength / fromPeriodLength * Numerics.LogMath.Log1P(-churnRate));
    }

    /// <summary>Converts a churn rate between time units (a month is 1/12 year, see <see cref="TimeUnit"/>).</summary>
    /// <param name="churnRate">Churn per <paramref name="from"/>, in [0, 1].</param>
    /// <param name="from">The rate's period.</param>
    /// <param name="to">The wanted period.</param>
    public static double ConvertChurnRate(double churnRate, TimeUnit from, TimeUnit to)
        => ConvertChurnRate(churnRate, TimeUnits.Days(from), TimeUnits.Days(to));

    /// <summary>LTV : CAC, the ratio of lifetime value to customer-acquisition cost.</summary>
    /// <param name="ltv">The LTV (unbounded gives an unbounded ratio).</param>
    /// <param name="cac">Acquisition cost (≥ 0; 0 gives an unbounded ratio).</param>
    public static LtvResult LtvToCac(LtvResult ltv, decimal cac)
    {
        CheckMoney(cac, "cac");
        if (ltv.IsUnbounded || cac == 0)
        {
            return LtvResult.Unbounded;
        }

        return LtvResult.Bounded(ltv.Value / cac);
    }

    /// <summary>CAC payback in months = CAC / (monthly ARPA × margin).</summary>
    /// <param name="cac">Acquisition cost (≥ 0).</param>
    /// <param name="monthlyArpa">Revenue per account per month (≥ 0).</param>
    /// <param name="grossMargin">Gross margin, in [0, 1].</param>
    /// <returns>Months; unbounded when the monthly margin is 0 and CAC &gt; 0.</returns>
    public static LtvResult CacPaybackMonths(decimal cac, decimal monthlyArpa, double grossMargin)
    {
        CheckMoney(cac, "cac");
        CheckMoney(monthlyArpa, "arpa");
        CheckRate(grossMargin, "gross_margin");
        var margin = monthlyArpa * ToDecimal(grossMargin, "gross_margin");
        if (margin == 0)
        {
            return cac == 0 ? LtvResult.Bounded(0) : LtvResult.Unbounded;
        }

        return LtvResult.Bounded(cac / margin);
    }

    internal static void CheckRate(double rate, string field)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            ThrowHelper.InvalidModelInput(field, rate, "must be a number in [0, 1]");
        }
    }

    internal static void CheckMoney(decimal amount, string field)
    {
        if (amount < 0)
        {
            ThrowHelper.InvalidModelInput(field, (double)amount, "must be >= 0");
        }
    }

    internal static decimal ToDecimal(double rate, string field)
    {
        if (rate > 0 && rate < SmallestRate)
        {
            ThrowHelper.InvalidModelInput(field, rate, "is too small for decimal money (use 0 for none)");
        }

        return (decimal)rate;
    }
}
