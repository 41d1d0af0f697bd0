using CsScoring.Segmentation;

namespace CsScoring.Planning;

/// <summary>One current account of a book, as plain values: the input of organisation planning.</summary>
/// <param name="Id">The account's id.</param>
/// <param name="Arr">Its ARR, &gt;= 0.</param>
public sealed record BookAccount(string Id, decimal Arr)
{
    /// <summary>Its touch model when already decided; <see langword="null"/> (the default) to tier it by <see cref="TierValue"/>.</summary>
    public TouchModel? Tier { get; init; }

    /// <summary>The value it is tiered by (for example expected LTV); <see langword="null"/> (the default) to tier by <see cref="Arr"/>.</summary>
    public decimal? TierValue { get; init; }

    /// <summary>Its region, or <see langword="null"/>.</summary>
    public string? Region { get; init; }

    /// <summary>When its current contract started, or <see langword="null"/>: counts towards the onboarding load.</summary>
    public DateOnly? ContractStart { get; init; }

    /// <summary>Its next renewal that needs CS work (term contracts), or <see langword="null"/>: counts towards the renewal load.</summary>
    public DateOnly? NextRenewal { get; init; }

    /// <summary>Whether it completed onboarding, or <see langword="null"/> when unknown.</summary>
    public bool? OnboardingCompleted { get; init; }

    /// <summary>Support tickets it raises a month, or <see langword="null"/> when unknown.</summary>
    public double? TicketsPerMonth { get; init; }

    /// <summary>The value it is tiered by: <see cref="TierValue"/> when given, else <see cref="Arr"/>.</summary>
    public decimal ValueForTiering => TierValue ?? Arr;
}
