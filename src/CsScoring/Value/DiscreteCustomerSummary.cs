using System.Globalization;

namespace CsScoring.Value;

/// <summary>
/// A customer's history over discrete transaction opportunities (BG/BB): transactions x in n opportunities, the
/// last one at opportunity t_x, and a weight (how many customers share this pattern, for grouped data).
/// </summary>
/// <remarks>Immutable and thread-safe. The default value is invalid (n = 0 with weight 0); use the constructor.</remarks>
public readonly struct DiscreteCustomerSummary : IEquatable<DiscreteCustomerSummary>
{
    /// <summary>Creates a summary and checks it.</summary>
    /// <param name="frequency">Transactions x (0 ≤ x ≤ n).</param>
    /// <param name="recency">Opportunity t_x of the last transaction (0 when x = 0; x ≤ t_x ≤ n).</param>
    /// <param name="periods">Opportunities n (≥ 1).</param>
    /// <param name="weight">Customers with this pattern (finite, &gt; 0); default 1.</param>
    /// <exception cref="InvalidModelInputException">The combination is impossible.</exception>
    public DiscreteCustomerSummary(int frequency, int recency, int periods, double weight = 1)
    {
        Frequency = frequency;
        Recency = recency;
        Periods = periods;
        Weight = weight;
        Validate(null);
    }

    /// <summary>Transactions x in the <see cref="Periods"/> opportunities.</summary>
    public int Frequency { get; }

    /// <summary>The opportunity t_x of the last transaction (0 when x = 0).</summary>
    public int Recency { get; }

    /// <summary>Transaction opportunities n.</summary>
    public int Periods { get; }

    /// <summary>How many customers share this pattern.</summary>
    public double Weight { get; }

    /// <inheritdoc />
    public static bool operator ==(DiscreteCustomerSummary left, DiscreteCustomerSummary right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(DiscreteCustomerSummary left, DiscreteCustomerSummary right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(DiscreteCustomerSummary other)
        => Frequency == other.Frequency && Recency == other.Recency && Periods == other.Periods && Weight.Equals(other.Weight);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DiscreteCustomerSummary other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Frequency, Recency, Periods, Weight);

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"x = {Frequency}, t_x = {Recency}, n = {Periods}, weight = {Weight}");

    internal void Validate(long? row)
    {
        if (Periods < 1)
        {
            ThrowHelper.InvalidModelInput("periods", Periods, "must be >= 1", row);
        }

        if (Frequency < 0 || Frequency > Periods)
        {
            ThrowHelper.InvalidModelInput("frequency", Frequency, string.Create(CultureInfo.InvariantCulture, $"must be between 0 and periods = {Periods}"), row);
        }

        if (Frequency == 0 ? Recency != 0 : Recency < Frequency || Recency > Periods)
        {
            ThrowHelper.InvalidModelInput("recency", Recency, string.Create(CultureInfo.InvariantCulture, $"is impossible with frequency = {Frequency} and periods = {Periods} (0 when frequency is 0, else frequency <= recency <= periods)"), row);
        }

        if (!(Weight > 0) || double.IsInfinity(Weight))
        {
            ThrowHelper.InvalidModelInput("weight", Weight, "must be a finite number > 0", row);
        }
    }
}
