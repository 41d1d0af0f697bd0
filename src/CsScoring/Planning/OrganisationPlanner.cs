using CsScoring.Segmentation;

namespace CsScoring.Planning;

/// <summary>Everything <see cref="OrganisationPlanner.Plan"/> needs besides the book and its ARR history.</summary>
/// <remarks>Immutable. Each part validates its own options; the what-if levers are <see cref="Tiering"/> (or the shares) and <see cref="Capacity"/>.</remarks>
public sealed record OrganisationPlanOptions
{
    /// <summary>The date the book is seen on; the hiring plan starts on the first day of the next month.</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>Budget share, CSM cost and currency, and each tier's workload. The default value is <c>new CapacityOptions()</c>.</summary>
    public CapacityOptions Capacity { get; init; } = new();

    /// <summary>Horizon, growth and lead time of the hiring plan. The default value is <c>new HiringOptions()</c>.</summary>
    public HiringOptions Hiring { get; init; } = new();

    /// <summary>
    /// Explicit tier cut-offs that re-tier every account by <see cref="BookAccount.ValueForTiering"/>; <see langword="null"/>
    /// (the default) to keep the tiers the accounts carry and tier the others by <see cref="HighTouchShare"/> and <see cref="LowTouchShare"/>.
    /// </summary>
    public TieringPolicy? Tiering { get; init; }

    /// <summary>Share of accounts served high-touch when tiering by shares. The default value is 0.05.</summary>
    public double HighTouchShare { get; init; } = 0.05;

    /// <summary>Share of accounts served low-touch when tiering by shares. The default value is 0.25.</summary>
    public double LowTouchShare { get; init; } = 0.25;

    /// <summary>New accounts and renewals per month; <see langword="null"/> (the default) to count them from the accounts' dates (<see cref="BookActivity.FromDates"/>).</summary>
    public BookActivity? Activity { get; init; }

    /// <summary>The growth stage for the advisor; <see langword="null"/> (the default) to derive it from the number of customers.</summary>
    public GrowthStage? Stage { get; init; }

    /// <summary>Whether regions differ; <see langword="null"/> (the default) to derive it from the book (<see cref="OrganisationProfile.FromBook"/>).</summary>
    public RegionalDifferences? RegionalDifferences { get; init; }

    /// <summary>The onboarding load; <see langword="null"/> (the default) to derive it from the book.</summary>
    public WorkLoad? Onboarding { get; init; }

    /// <summary>The support load; <see langword="null"/> (the default) to derive it from the book.</summary>
    public WorkLoad? Support { get; init; }
}

/// <summary>A book's CS organisation plan: top-down and bottom-up headcount, the hiring plan and the organisation advice.</summary>
/// <param name="AsOf">The date the book was seen on.</param>
/// <param name="Tiering">The cut-offs the accounts without a tier were tiered by; <see langword="null"/> when every account carried its tier.</param>
/// <param name="TopDown">What the budget affords today.</param>
/// <param name="BottomUp">What the book needs today, per tier, with the onboarding and renewal load and the gap in people and money.</param>
/// <param name="Hiring">ARR, headcount both ways and hires per quarter.</param>
/// <param name="Profile">The inputs the advisor used.</param>
/// <param name="Advice">The six organisation models ranked, now and if customers triple.</param>
public sealed record OrganisationPlan(
    DateOnly AsOf, TieringPolicy? Tiering, TopDownPlan TopDown, CapacityPlan BottomUp, HiringPlan Hiring, OrganisationProfile Profile, OrganisationAdvice Advice);

/// <summary>The one entry point of organisation planning: from a book and its ARR history to an <see cref="OrganisationPlan"/>.</summary>
/// <remarks>Stateless and thread-safe; the same inputs give the same plan.</remarks>
/// <example>
/// <code>
/// CustomerBook book;
/// using (var reader = TabularReader.Open("data/sample/accounts.csv")) { book = CustomerBook.Read(BufferedTable.Read(reader)); }
/// MrrLedger ledger;
/// using (var reader = TabularReader.Open("data/sample/mrr_ledger.csv")) { ledger = MrrLedger.Read(reader); }
/// var plan = OrganisationPlanner.Plan(book.Accounts, ArrHistory.FromLedger(ledger), new OrganisationPlanOptions
/// {
///     AsOf = book.AsOf,
///     Capacity = new CapacityOptions { CsmMonthlyCost = 9_000m, Currency = "USD" },
///     Hiring = new HiringOptions { Quarters = 6, LeadTimeMonths = 3 },
/// });
/// </code>
/// </example>
public static class OrganisationPlanner
{
    /// <summary>Plans the CS organisation for a book.</summary>
    /// <param name="book">The current accounts: ARR, and optionally tier, tier value, region, contract dates and loads.</param>
    /// <param name="arrHistory">Monthly ARR, oldest first (<see cref="ArrHistory.FromLedger"/>); may be empty when <see cref="HiringOptions.AnnualGrowthRate"/> is set.</param>
    /// <param name="options">Dates, costs, horizon and what-if levers.</param>
    /// <exception cref="ArgumentException">The book is empty, an ARR is negative, an option is out of range, or the history is too short for a trend (names the argument or option).</exception>
    public static OrganisationPlan Plan(IReadOnlyList<BookAccount> book, IReadOnlyList<ArrPoint> arrHistory, OrganisationPlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(arrHistory);
        ArgumentNullException.ThrowIfNull(options);
        if (book.Count == 0)
        {
            throw new ArgumentException("The book has no accounts.", nameof(book));
        }

        var capacity = options.Capacity;
        var policy = options.Tiering;
        if (policy is null && book.Any(a => a.Tier is null))
        {
            policy = TieringPolicy.FromShares(book.Select(a => a.ValueForTiering).ToArray(), options.HighTouchShare, options.LowTouchShare);
        }

        var tiers = book.Select(a => (options.Tiering is not null || a.Tier is null ? policy!.Assign(a.ValueForTiering) : a.Tier.Value, a.Arr)).ToList();
        var activity = options.Activity ?? BookActivity.FromDates(book.Select(a => (a.ContractStart, a.NextRenewal)), options.AsOf);
        var bottomUp = CapacityPlanner.Plan(tiers, activity, capacity);
        var topDown = CapacityPlanner.TopDown(bottomUp.TotalArr, capacity);
        var start = new DateOnly(options.AsOf.Year, options.AsOf.Month, 1).AddMonths(1);
        var hiring = HiringPlanner.Plan(bottomUp.TotalArr, bottomUp.CsmsNeeded, start, arrHistory, options.Hiring, capacity);
        var derived = OrganisationProfile.FromBook(book, options.AsOf, capacity);
        var profile = derived with
        {
            Stage = options.Stage,
            RegionalDifferences = options.RegionalDifferences ?? derived.RegionalDifferences,
            Onboarding = options.Onboarding ?? derived.Onboarding,
            Support = options.Support ?? derived.Support,
        };
        return new OrganisationPlan(options.AsOf, book.Any(a => a.Tier is null) || options.Tiering is not null ? policy : null, topDown, bottomUp, hiring, profile, OrganisationAdvisor.Advise(profile));
    }
}
