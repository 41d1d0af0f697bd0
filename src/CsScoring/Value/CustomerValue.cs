using System.Globalization;

namespace CsScoring.Value;

/// <summary>
/// How to value customers over a horizon: the model's time unit, the horizon and the discount rate each with an
/// explicit unit, so a model fitted in weeks cannot be read as days by mistake. Immutable; each property validates its value when set.
/// </summary>
public sealed class ClvOptions
{
    /// <summary>The unit of the summaries the model was fitted on (recency and T), e.g. <see cref="TimeUnit.Week"/> for CDNOW.</summary>
    public required TimeUnit ModelTimeUnit { get; init; }

    /// <summary>The horizon's length, in <see cref="HorizonUnit"/>.</summary>
    /// <value>The default value is 12. Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double Horizon
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(ClvOptions));
    } = 12;

    /// <summary>The unit of <see cref="Horizon"/>.</summary>
    /// <value>The default value is <see cref="TimeUnit.Month"/>.</value>
    public TimeUnit HorizonUnit { get; init; } = TimeUnit.Month;

    /// <summary>The discount rate per <see cref="DiscountPeriod"/> (e.g. 0.01 a month ≈ 12.7 % a year).</summary>
    /// <value>The default value is 0 (no discounting). Must be finite and ≥ 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number ≥ 0.</exception>
    public double DiscountRate
    {
        get;
        init => field = OptionGuard.NonNegative(value, nameof(ClvOptions));
    }

    /// <summary>
    /// The period the discount rate applies to; the horizon is cut into periods of this length, and each period's
    /// expected spend is discounted to its end.
    /// </summary>
    /// <value>The default value is <see cref="TimeUnit.Month"/>.</value>
    public TimeUnit DiscountPeriod { get; init; } = TimeUnit.Month;

    /// <summary>The horizon in the model's time unit.</summary>
    public double HorizonInModelUnits => TimeUnits.Convert(Horizon, HorizonUnit, ModelTimeUnit);

    /// <summary>The discount period in the model's time unit.</summary>
    public double DiscountPeriodInModelUnits => TimeUnits.Convert(1, DiscountPeriod, ModelTimeUnit);

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"horizon {Horizon} {HorizonUnit}, discount {DiscountRate} per {DiscountPeriod}, model in {ModelTimeUnit}");
}

/// <summary>
/// Customer lifetime value from a repeat-transaction model and a spend model (Fader, Hardie and Lee 2005): expected
/// transactions per discount period × expected spend per transaction, discounted. Allocation-free.
/// </summary>
/// <example>
/// <code>
/// var options = new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = 12, HorizonUnit = TimeUnit.Month, DiscountRate = 0.01 };
/// double clv = CustomerValue.Clv(bgnbd.Parameters, gammaGamma.Parameters, customer, options);
/// </code>
/// </example>
public static class CustomerValue
{
    /// <summary>CLV over the horizon with a known spend per transaction.</summary>
    /// <typeparam name="TModel">The transaction model (<see cref="BgNbdParameters"/>, <see cref="ParetoNbdParameters"/>).</typeparam>
    /// <param name="model">The fitted model.</param>
    /// <param name="customer">The customer's calibration summary.</param>
    /// <param name="spendPerTransaction">Expected spend per transaction (≥ 0), in the currency of the result.</param>
    /// <param name="options">Horizon, discounting and units.</param>
    /// <returns>The discounted expected spend over the horizon (≥ 0).</returns>
    public static double Clv<TModel>(in TModel model, in CustomerSummary customer, double spendPerTransaction, ClvOptions options)
        where TModel : struct, IRepeatTransactionModel
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowHelper.IfNegative(spendPerTransaction, "spend_per_transaction");
        return spendPerTransaction * DiscountedTransactions(model, customer, options.HorizonInModelUnits, options.DiscountPeriodInModelUnits, options.DiscountRate);
    }

    /// <summary>CLV over the horizon with spend from a Gamma-Gamma model.</summary>
    /// <typeparam name="TModel">The transaction model.</typeparam>
    /// <param name="model">The fitted transaction model.</param>
    /// <param name="spend">The fitted spend model.</param>
    /// <param name="customer">The customer's summary (frequency and monetary value feed the spend model).</param>
    /// <param name="options">Horizon, discounting and units.</param>
    public static double Clv<TModel>(in TModel model, in GammaGammaParameters spend, in CustomerSummary customer, ClvOptions options)
        where TModel : struct, IRepeatTransactionModel
        => Clv(model, customer, spend.ExpectedSpend(customer.Frequency, customer.MonetaryValue), options);

    /// <summary>CLV for many customers, without allocating.</summary>
    /// <typeparam name="TModel">The transaction model.</typeparam>
    /// <param name="model">The fitted transaction model.</param>
    /// <param name="spend">The fitted spend model.</param>
    /// <param name="customers">The customers.</param>
    /// <param name="options">Horizon, discounting and units.</param>
    /// <param name="destination">Receives one CLV per customer.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static void Clv<TModel>(in TModel model, in GammaGammaParameters spend, ReadOnlySpan<CustomerSummary> customers, ClvOptions options, Span<double> destination)
        where TModel : struct, IRepeatTransactionModel
    {
        ArgumentNullException.ThrowIfNull(options);
        if (destination.Length < customers.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(destination), customers.Length, destination.Length);
        }

        var horizon = options.HorizonInModelUnits;
        var period = options.DiscountPeriodInModelUnits;
        for (var i = 0; i < customers.Length; i++)
        {
            var amount = spend.ExpectedSpend(customers[i].Frequency, customers[i].MonetaryValue);
            destination[i] = amount * DiscountedTransactions(model, customers[i], horizon, period, options.DiscountRate);
        }
    }

    /// <summary>Σ_i (E[Y(t_i)] − E[Y(t_{i−1})]) / (1 + d)^i over periods of length ℓ up to the horizon (the last may be partial).</summary>
    private static double DiscountedTransactions<TModel>(in TModel model, in CustomerSummary customer, double horizon, double period, double discount)
        where TModel : struct, IRepeatTransactionModel
    {
        var steps = (int)Math.Ceiling((horizon / period) - 1e-9);
        var previous = 0.0;
        var total = 0.0;
        var factor = 1.0;
        for (var i = 1; i <= steps; i++)
        {
            var t = Math.Min(i * period, horizon);
            var expected = model.ExpectedTransactions(customer, t);
            factor /= 1 + discount;
            total += (expected - previous) * factor;
            previous = expected;
        }

        return Math.Max(total, 0);
    }
}
