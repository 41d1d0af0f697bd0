using CsScoring.Segmentation;

namespace CsScoring.Planning;

/// <summary>The six ways to organise a customer-success team.</summary>
public enum OrganisationModel
{
    /// <summary>One person covers the whole journey from sale to success.</summary>
    AllRounder = 0,

    /// <summary>CS also takes part in the sales phase, working closely with sales.</summary>
    SalesCsCollaboration = 1,

    /// <summary>One CSM per customer, the customer's single window into the company.</summary>
    Dedicated = 2,

    /// <summary>Specialist teams per function (onboarding, expansion, ...).</summary>
    Functional = 3,

    /// <summary>Teams by the customers' location.</summary>
    Regional = 4,

    /// <summary>Teams by company size or expected LTV (for example the dedicated model only for the top tier).</summary>
    ByCustomerSize = 5,
}

/// <summary>A company's growth stage.</summary>
public enum GrowthStage
{
    /// <summary>Finding product-market fit: few customers, the playbook still being written.</summary>
    Early = 0,

    /// <summary>Growing the customer base fast.</summary>
    Growth = 1,

    /// <summary>A large, established base.</summary>
    Scale = 2,
}

/// <summary>How much work an activity (onboarding, support) takes per customer.</summary>
public enum WorkLoad
{
    /// <summary>Little: customers mostly help themselves.</summary>
    Light = 0,

    /// <summary>Much: each customer needs hands-on work.</summary>
    Heavy = 1,
}

/// <summary>How much the customers' attributes and business customs differ between regions.</summary>
public enum RegionalDifferences
{
    /// <summary>Regions are alike.</summary>
    Low = 0,

    /// <summary>Regions differ in attributes or business customs.</summary>
    High = 1,
}

/// <summary>What the organisation-model advisor needs to know about the book and the company.</summary>
/// <remarks>Immutable; <see cref="Validate"/> is called by the advisor. <see cref="OrganisationProfile.FromBook"/> derives one from a book.</remarks>
public sealed record OrganisationProfile
{
    /// <summary>Current customers, &gt;= 0.</summary>
    public required int Customers { get; init; }

    /// <summary>ARR of the current customers, &gt;= 0.</summary>
    public required decimal Arr { get; init; }

    /// <summary>Share of ARR held by the top 10% of accounts, in [0, 1]; <see langword="null"/> (the default) when unknown.</summary>
    public double? TopDecileShare { get; init; }

    /// <summary>Regions the customers are in, &gt;= 1. The default value is 1.</summary>
    public int Regions { get; init; } = 1;

    /// <summary>Customers per region, when known (used to suggest a model per region). The default value is <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, int>? CustomersByRegion { get; init; }

    /// <summary>Whether the regions' customers differ. The default value is <see cref="RegionalDifferences.Low"/>.</summary>
    public RegionalDifferences RegionalDifferences { get; init; } = RegionalDifferences.Low;

    /// <summary>The onboarding load. The default value is <see cref="WorkLoad.Light"/>.</summary>
    public WorkLoad Onboarding { get; init; } = WorkLoad.Light;

    /// <summary>The support load. The default value is <see cref="WorkLoad.Light"/>.</summary>
    public WorkLoad Support { get; init; } = WorkLoad.Light;

    /// <summary>
    /// The growth stage; <see langword="null"/> (the default) to derive it from <see cref="Customers"/>: early below
    /// <see cref="OrganisationAdvisor.GrowthStageMinimumCustomers"/>, scale from <see cref="OrganisationAdvisor.ScaleStageMinimumCustomers"/>, growth between.
    /// </summary>
    public GrowthStage? Stage { get; init; }

    /// <summary>
    /// Budget share and CSM cost, to judge whether a dedicated CSM is affordable; <see langword="null"/> (the default)
    /// when the cost is not known (the dedicated model is then judged on the number of customers alone).
    /// </summary>
    public CapacityOptions? Capacity { get; init; }

    /// <summary>The stage given, or the one derived from the number of customers.</summary>
    public GrowthStage EffectiveStage => Stage ?? OrganisationAdvisor.StageFor(Customers);

    /// <summary>Checks every input.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input is out of range (each names itself).</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Customers);
        ArgumentOutOfRangeException.ThrowIfNegative(Arr);
        if (TopDecileShare is { } share && !(share is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TopDecileShare), share, "The top decile's share of ARR must be in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Regions, 1);
        if (!Enum.IsDefined(RegionalDifferences))
        {
            throw new ArgumentOutOfRangeException(nameof(RegionalDifferences), RegionalDifferences, "Unknown value.");
        }

        if (!Enum.IsDefined(Onboarding))
        {
            throw new ArgumentOutOfRangeException(nameof(Onboarding), Onboarding, "Unknown value.");
        }

        if (!Enum.IsDefined(Support))
        {
            throw new ArgumentOutOfRangeException(nameof(Support), Support, "Unknown value.");
        }

        if (Stage is { } stage && !Enum.IsDefined(stage))
        {
            throw new ArgumentOutOfRangeException(nameof(Stage), stage, "Unknown growth stage.");
        }

    }

    /// <summary>
    /// Derives a profile from the current accounts of a book: customers, ARR, the top decile's share of ARR, regions
    /// (and customers per region), whether regions differ, and the onboarding and support loads. Each rule is in the
    /// remarks of the property it sets; the stage is left to be derived from the number of customers.
    /// </summary>
    /// <param name="accounts">The current accounts.</param>
    /// <param name="asOf">The date the book is seen on (for onboarding: contracts older than <see cref="OrganisationAdvisor.OnboardingWindowMonths"/> months).</param>
    /// <param name="capacity">Budget share and CSM cost, or <see langword="null"/>.</param>
    /// <remarks>
    /// Regions differ (<see cref="RegionalDifferences.High"/>) when, among regions with at least 5% of the customers,
    /// the highest ARR per customer is at least <see cref="OrganisationAdvisor.RegionalArrPerCustomerRatio"/> times the
    /// lowest (business customs cannot be read from data: say so with an explicit value). Onboarding is heavy when at
    /// least <see cref="OrganisationAdvisor.HeavyOnboardingIncompleteShare"/> of the accounts past their onboarding
    /// window have not completed it. Support is heavy when accounts raise at least
    /// <see cref="OrganisationAdvisor.HeavySupportTicketsPerAccountMonth"/> ticket a month on average.
    /// </remarks>
    public static OrganisationProfile FromBook(IReadOnlyList<BookAccount> accounts, DateOnly asOf, CapacityOptions? capacity = null)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var arr = accounts.Sum(a => a.Arr);
        var byRegion = accounts.Where(a => !string.IsNullOrWhiteSpace(a.Region))
            .GroupBy(a => a.Region!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var differences = RegionalDifferences.Low;
        var sizable = byRegion.Values.Where(g => g.Count >= 0.05 * accounts.Count).Select(g => g.Sum(a => a.Arr) / g.Count).ToList();
        if (sizable.Count >= 2 && sizable.Min() > 0 && sizable.Max() / sizable.Min() >= (decimal)OrganisationAdvisor.RegionalArrPerCustomerRatio)
        {
            differences = RegionalDifferences.High;
        }

        var window = asOf.AddMonths(-OrganisationAdvisor.OnboardingWindowMonths);
        var past = accounts.Where(a => a.OnboardingCompleted is not null && a.ContractStart is { } s && s <= window).ToList();
        var onboarding = past.Count > 0 && past.Count(a => a.OnboardingCompleted == false) >= OrganisationAdvisor.HeavyOnboardingIncompleteShare * past.Count
            ? WorkLoad.Heavy : WorkLoad.Light;
        var tickets = accounts.Where(a => a.TicketsPerMonth is not null).Select(a => a.TicketsPerMonth!.Value).ToList();
        var support = tickets.Count > 0 && tickets.Average() >= OrganisationAdvisor.HeavySupportTicketsPerAccountMonth ? WorkLoad.Heavy : WorkLoad.Light;
        return new OrganisationProfile
        {
            Customers = accounts.Count,
            Arr = arr,
            TopDecileShare = TopDecileShareOf(accounts.Select(a => a.Arr)),
            Regions = Math.Max(1, byRegion.Count),
            CustomersByRegion = byRegion.Count == 0 ? null : byRegion.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal),
            RegionalDifferences = differences,
            Onboarding = onboarding,
            Support = support,
            Capacity = capacity,
        };
    }

    /// <summary>
    /// The share of the total held by the top 10% of values (the largest ceiling(n / 10)); <see langword="null"/>
    /// when there are no values or they sum to 0.
    /// </summary>
    /// <param name="values">Values &gt;= 0, for example each account's ARR.</param>
    public static double? TopDecileShareOf(IEnumerable<decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.OrderByDescending(v => v).ToList();
        var total = sorted.Sum();
        if (sorted.Count == 0 || total <= 0)
        {
            return null;
        }

        var top = (sorted.Count + 9) / 10;
        return (double)(sorted.Take(top).Sum() / total);
    }
}
