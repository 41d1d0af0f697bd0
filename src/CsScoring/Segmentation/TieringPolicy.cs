namespace CsScoring.Segmentation;

/// <summary>
/// Assigns a touch model from an account's value (LTV or ARR, in one currency): at or above
/// <see cref="HighTouchMinimum"/> high-touch, at or above <see cref="LowTouchMinimum"/> low-touch, else tech-touch.
/// </summary>
/// <remarks>Immutable and thread-safe. Build one with explicit cut-offs or from a population's percentiles.</remarks>
public sealed record TieringPolicy
{
    /// <summary>Creates a policy with explicit cut-offs.</summary>
    /// <param name="highTouchMinimum">The least value served high-touch.</param>
    /// <param name="lowTouchMinimum">The least value served low-touch; at most <paramref name="highTouchMinimum"/>.</param>
    /// <exception cref="InvalidOptionException">A cut-off is negative or the two are out of order (the message names the cut-off).</exception>
    public TieringPolicy(decimal highTouchMinimum, decimal lowTouchMinimum)
    {
        LowTouchMinimum = OptionGuard.NonNegative(lowTouchMinimum, nameof(TieringPolicy), nameof(LowTouchMinimum));
        if (highTouchMinimum < lowTouchMinimum)
        {
            OptionGuard.Throw(nameof(TieringPolicy), nameof(HighTouchMinimum), highTouchMinimum, FormattableString.Invariant($"must be at least the low-touch cut-off ({lowTouchMinimum})"));
        }

        HighTouchMinimum = highTouchMinimum;
    }

    /// <summary>The least value served high-touch.</summary>
    public decimal HighTouchMinimum { get; }

    /// <summary>The least value served low-touch.</summary>
    public decimal LowTouchMinimum { get; }

    /// <summary>
    /// Cut-offs such that about the top <paramref name="highTouchShare"/> of accounts by value are high-touch and the
    /// next <paramref name="lowTouchShare"/> low-touch.
    /// </summary>
    /// <param name="values">The population's values (LTV or ARR); at least one.</param>
    /// <param name="highTouchShare">Share of accounts served high-touch, in [0, 1]. The default value is 0.05.</param>
    /// <param name="lowTouchShare">Share served low-touch, in [0, 1 - <paramref name="highTouchShare"/>]. The default value is 0.25.</param>
    /// <exception cref="ArgumentException">No values.</exception>
    /// <exception cref="InvalidOptionException">A share is out of range (the message names it).</exception>
    public static TieringPolicy FromShares(ReadOnlySpan<decimal> values, double highTouchShare = 0.05, double lowTouchShare = 0.25)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("At least one account value is needed.", nameof(values));
        }

        OptionGuard.InRange(highTouchShare, 0, 1, nameof(TieringPolicy), nameof(highTouchShare));
        OptionGuard.InRange(lowTouchShare, 0, 1 - highTouchShare, nameof(TieringPolicy), nameof(lowTouchShare));

        var sorted = values.ToArray();
        Array.Sort(sorted);
        Array.Reverse(sorted);
        var high = CutOff(sorted, highTouchShare);
        var low = Math.Min(high, CutOff(sorted, highTouchShare + lowTouchShare));
        return new TieringPolicy(high, low);
    }

    /// <summary>The touch model for a value.</summary>
    /// <param name="value">LTV or ARR.</param>
    public TouchModel Assign(decimal value)
        => value >= HighTouchMinimum ? TouchModel.HighTouch : value >= LowTouchMinimum ? TouchModel.LowTouch : TouchModel.TechTouch;

    // The value of the last account inside the top share (descending order); above every value when the share is 0.
    private static decimal CutOff(decimal[] descending, double share)
    {
        var count = (int)Math.Round(share * descending.Length, MidpointRounding.AwayFromZero);
        return count == 0 ? descending[0] + 1 : descending[Math.Min(count, descending.Length) - 1];
    }
}
