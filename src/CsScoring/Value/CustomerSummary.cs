using System.Globalization;

namespace CsScoring.Value;

/// <summary>
/// One customer's purchase history in continuous time, as the BG/NBD, Pareto/NBD and Gamma-Gamma models use it:
/// the number of repeat transactions <c>x</c>, the time of the last one <c>t_x</c>, the customer's age <c>T</c>
/// (time from the first transaction to the end of the calibration period) and the mean value of the repeat
/// transactions.
/// </summary>
/// <remarks>
/// Times are in the unit the model is fitted in (weeks for CDNOW); the unit travels with the model, not with this
/// struct, so keep one unit per data set (see <see cref="TimeUnit"/>). The default value (0, 0, 0, 0) is a customer
/// acquired at the end of the calibration period. Immutable and thread-safe.
/// </remarks>
public readonly struct CustomerSummary : IEquatable<CustomerSummary>
{
    /// <summary>Creates a summary and checks it.</summary>
    /// <param name="frequency">Repeat transactions x (≥ 0; the first transaction is not counted).</param>
    /// <param name="recency">Time of the last repeat transaction t_x since the first one (0 when x = 0; 0 ≤ t_x ≤ T).</param>
    /// <param name="age">The customer's age T: time from the first transaction to the end of calibration (≥ 0).</param>
    /// <param name="monetaryValue">Mean value of the repeat transactions (≥ 0; 0 when x = 0 or unknown).</param>
    /// <exception cref="InvalidModelInputException">A value is negative, not finite, recency exceeds age, or x = 0 with t_x &gt; 0.</exception>
    public CustomerSummary(int frequency, double recency, double age, double monetaryValue = 0)
    {
        Frequency = frequency;
        Recency = recency;
        Age = age;
        MonetaryValue = monetaryValue;
        Validate(null);
    }

    /// <summary>Creates a summary without a monetary value and checks it, naming <paramref name="row"/> in the error.</summary>
    private CustomerSummary(long row, int frequency, double recency, double age)
    {
        Frequency = frequency;
        Recency = recency;
        Age = age;
        Validate(row);
    }

    /// <summary>Checks a summary without a monetary value, naming <paramref name="row"/> in the error.</summary>
    internal static void Check(int frequency, double recency, double age, long row) => _ = new CustomerSummary(row, frequency, recency, age);

    /// <summary>Repeat transactions x in the calibration period (≥ 0).</summary>
    public int Frequency { get; }

    /// <summary>Time t_x of the last repeat transaction, from the first transaction (0 ≤ t_x ≤ T).</summary>
    public double Recency { get; }

    /// <summary>The customer's age T: time from the first transaction to the end of the calibration period.</summary>
    public double Age { get; }

    /// <summary>Mean value of the repeat transactions, in the data's currency (0 when x = 0).</summary>
    public double MonetaryValue { get; }

    /// <inheritdoc />
    public static bool operator ==(CustomerSummary left, CustomerSummary right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(CustomerSummary left, CustomerSummary right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(CustomerSummary other)
        => Frequency == other.Frequency && Recency.Equals(other.Recency) && Age.Equals(other.Age) && MonetaryValue.Equals(other.MonetaryValue);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CustomerSummary other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Frequency, Recency, Age, MonetaryValue);

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"x = {Frequency}, t_x = {Recency}, T = {Age}, mean value = {MonetaryValue}");

    /// <summary>Checks the summary, naming <paramref name="row"/> in the error.</summary>
    internal void Validate(long? row)
    {
        if (Frequency < 0)
        {
            ThrowHelper.InvalidModelInput("frequency", Frequency, "must be >= 0", row);
        }

        if (!(Age >= 0) || double.IsInfinity(Age))
        {
            ThrowHelper.InvalidModelInput("T", Age, "must be a finite number >= 0", row);
        }

        if (!(Recency >= 0) || double.IsInfinity(Recency))
        {
            ThrowHelper.InvalidModelInput("recency", Recency, "must be a finite number >= 0", row);
        }

        if (Recency > Age)
        {
            ThrowHelper.InvalidModelInput("recency", Recency, string.Create(CultureInfo.InvariantCulture, $"exceeds T = {Age}: the last transaction cannot come after the end of calibration"), row);
        }

        if (Frequency == 0 && Recency != 0)
        {
            ThrowHelper.InvalidModelInput("recency", Recency, "must be 0 when frequency is 0", row);
        }

        if (!(MonetaryValue >= 0) || double.IsInfinity(MonetaryValue))
        {
            ThrowHelper.InvalidModelInput("monetary_value", MonetaryValue, "must be a finite number >= 0", row);
        }
    }
}
