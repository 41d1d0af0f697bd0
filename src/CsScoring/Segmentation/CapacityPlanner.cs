namespace CsScoring.Segmentation;

/// <summary>
/// CS headcount two ways. Top-down: what the budget affords (ARR x budget share / (monthly cost per CSM x 12)).
/// Bottom-up: what the book needs (per touch model, accounts / accounts per CSM or hours per account against a
/// CSM's monthly hours, plus the onboarding and renewal load). The gap between the two is explicit, in people and in money.
/// </summary>
/// <remarks>Stateless and thread-safe. What-if analysis is a second call with other tiers or options.</remarks>
/// <example>
/// <code>
/// var options = new CapacityOptions { CsmMonthlyCost = 450_000m, Currency = "JPY" };
/// TopDownPlan plan = CapacityPlanner.TopDown(100_000_000m, options); // budget 8,000,000 JPY, 1.5 CSMs
/// </code>
/// </example>
public static class CapacityPlanner
{
    /// <summary>The headcount a budget of <see cref="CapacityOptions.BudgetShareOfArr"/> x ARR affords.</summary>
    /// <param name="arr">Annual recurring revenue, &gt;= 0, in the currency of <see cref="CapacityOptions.CsmMonthlyCost"/>.</param>
    /// <param name="options">Budget share, monthly cost per CSM and currency; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">ARR is negative, or an option is out of range.</exception>
    public static TopDownPlan TopDown(decimal arr, CapacityOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(arr);
        options ??= new CapacityOptions();
        var ratio = options.BudgetShareOfArr;
        var budget = arr * (decimal)ratio;
        var exact = budget / options.CostPerCsm;
        var band = ratio < CapacityOptions.TypicalBudgetShareMinimum ? BudgetBand.BelowTypical
            : ratio > CapacityOptions.TypicalBudgetShareMaximum ? BudgetBand.AboveTypical
            : BudgetBand.Typical;
        var position = (ratio - CapacityOptions.TypicalBudgetShareMinimum) / (CapacityOptions.TypicalBudgetShareMaximum - CapacityOptions.TypicalBudgetShareMinimum);
        var warning = band switch
        {
            BudgetBand.BelowTypical => $"A budget of {Percent(ratio)} of ARR is below the usual 6-10%: expect thin coverage or a mostly tech-touch model.",
            BudgetBand.AboveTypical => $"A budget of {Percent(ratio)} of ARR is above the usual 6-10%: check that CS pays for itself in retention and expansion.",
            _ => null,
        };
        return new TopDownPlan(arr, ratio, budget, options.CsmMonthlyCost, options.Currency, Math.Round(exact, 1, MidpointRounding.AwayFromZero), (double)exact, band, position, warning);
    }

    private static string Percent(double ratio) => (ratio * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>Plans capacity for accounts already assigned to touch models, with no onboarding or renewal load.</summary>
    /// <param name="accounts">Each account's touch model and ARR (&gt;= 0).</param>
    /// <param name="options">Costs and ratios; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An ARR is negative.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static CapacityPlan Plan(IEnumerable<(TouchModel Model, decimal Arr)> accounts, CapacityOptions? options)
        => Plan(accounts, default(BookActivity), options);

    /// <summary>Plans capacity for accounts already assigned to touch models, with the book's onboarding and renewal load.</summary>
    /// <param name="accounts">Each account's touch model and ARR (&gt;= 0).</param>
    /// <param name="activity">New accounts and renewals per month.</param>
    /// <param name="options">Costs, ratios and hours; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An ARR is negative, or an activity rate is negative or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static CapacityPlan Plan(IEnumerable<(TouchModel Model, decimal Arr)> accounts, BookActivity activity, CapacityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        options ??= new CapacityOptions();
        activity.Validate();
        var counts = new int[3];
        var arr = new decimal[3];
        foreach (var (model, value) in accounts)
        {
            if (value < 0)
            {
                throw new ArgumentException($"An account's ARR is negative ({value}).", nameof(accounts));
            }

            counts[(int)model]++;
            arr[(int)model] += value;
        }

        var tiers = new TierCapacity[3];
        for (var i = 0; i < 3; i++)
        {
            var model = (TouchModel)i;
            var perCsm = options.AccountsPerCsm(model);
            tiers[i] = new TierCapacity(model, counts[i], arr[i], counts[i] / perCsm) { AccountsPerCsm = perCsm };
        }

        var onboarding = activity.NewAccountsPerMonth * options.OnboardingHoursPerNewAccount / options.CsmMonthlyHours;
        var renewals = activity.RenewalsPerMonth * options.RenewalHoursPerRenewal / options.CsmMonthlyHours;
        var totalArr = arr[0] + arr[1] + arr[2];
        var budget = totalArr * (decimal)options.BudgetShareOfArr;
        var needed = tiers.Sum(t => t.CsmsNeeded) + onboarding + renewals;
        var affordable = (double)(budget / options.CostPerCsm);
        return new CapacityPlan(tiers, totalArr, budget, needed, affordable, (decimal)needed * options.CostPerCsm)
        {
            OnboardingCsms = onboarding,
            RenewalCsms = renewals,
            Activity = activity,
            CsmMonthlyCost = options.CsmMonthlyCost,
            Currency = options.Currency,
        };
    }
}

/// <summary>Where a budget share of ARR sits against the usual 6-10% range.</summary>
public enum BudgetBand
{
    /// <summary>Below 6% of ARR.</summary>
    BelowTypical = 0,

    /// <summary>From 6% to 10% of ARR.</summary>
    Typical = 1,

    /// <summary>Above 10% of ARR.</summary>
    AboveTypical = 2,
}

/// <summary>The headcount a CS budget affords: budget = ARR x ratio; headcount = budget / (monthly cost per CSM x 12).</summary>
/// <param name="Arr">The ARR planned for.</param>
/// <param name="Ratio">The budget share of ARR.</param>
/// <param name="Budget">ARR x ratio, per year.</param>
/// <param name="CsmMonthlyCost">Fully loaded monthly cost of one CSM.</param>
/// <param name="Currency">The currency label, or <see langword="null"/>.</param>
/// <param name="Headcount">Budget / (monthly cost x 12), to one decimal (midpoints away from zero).</param>
/// <param name="ExactHeadcount">The same, unrounded.</param>
/// <param name="Band">Where <paramref name="Ratio"/> sits against the usual 6-10%.</param>
/// <param name="BandPosition">(ratio - 6%) / 4%: 0 at 6%, 0.5 at the 8% median, 1 at 10%; below 0 or above 1 outside the range.</param>
/// <param name="Warning">Why a ratio outside the range deserves a second look; <see langword="null"/> inside it.</param>
public sealed record TopDownPlan(
    decimal Arr, double Ratio, decimal Budget, decimal CsmMonthlyCost, string? Currency, decimal Headcount, double ExactHeadcount,
    BudgetBand Band, double BandPosition, string? Warning);

/// <summary>New accounts and renewals a month: the onboarding and renewal load of a book.</summary>
/// <param name="NewAccountsPerMonth">Accounts that start a month, &gt;= 0.</param>
/// <param name="RenewalsPerMonth">Renewals that need CS work a month, &gt;= 0.</param>
public readonly record struct BookActivity(double NewAccountsPerMonth, double RenewalsPerMonth)
{
    /// <summary>
    /// Counts a book's activity around <paramref name="asOf"/>: contracts that started in the twelve months up to it,
    /// and renewals due in the twelve months after it, each divided by 12.
    /// </summary>
    /// <param name="accounts">Each account's contract start and next renewal that needs CS work (<see langword="null"/> when unknown or none, for example a monthly contract that renews by itself).</param>
    /// <param name="asOf">The date the book is seen on.</param>
    public static BookActivity FromDates(IEnumerable<(DateOnly? ContractStart, DateOnly? NextRenewal)> accounts, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var yearBefore = asOf.AddMonths(-12);
        var yearAfter = asOf.AddMonths(12);
        int started = 0, renewing = 0;
        foreach (var (start, renewal) in accounts)
        {
            started += start is { } s && s > yearBefore && s <= asOf ? 1 : 0;
            renewing += renewal is { } r && r > asOf && r <= yearAfter ? 1 : 0;
        }

        return new BookActivity(started / 12.0, renewing / 12.0);
    }

    /// <summary>Checks both rates.</summary>
    /// <exception cref="ArgumentException">A rate is negative or not finite.</exception>
    public void Validate()
    {
        if (!(NewAccountsPerMonth >= 0) || double.IsInfinity(NewAccountsPerMonth))
        {
            throw new ArgumentException($"New accounts per month must be a finite number >= 0, not {NewAccountsPerMonth}.", nameof(NewAccountsPerMonth));
        }

        if (!(RenewalsPerMonth >= 0) || double.IsInfinity(RenewalsPerMonth))
        {
            throw new ArgumentException($"Renewals per month must be a finite number >= 0, not {RenewalsPerMonth}.", nameof(RenewalsPerMonth));
        }
    }
}

/// <summary>One touch model's share of the book and the CSMs it needs.</summary>
/// <param name="Model">The touch model.</param>
/// <param name="Accounts">Accounts in it.</param>
/// <param name="Arr">Their ARR.</param>
/// <param name="CsmsNeeded">Accounts / accounts per CSM (fractional: part of a pooled person's time).</param>
public readonly record struct TierCapacity(TouchModel Model, int Accounts, decimal Arr, double CsmsNeeded)
{
    /// <summary>Accounts one CSM serves in this tier (from hours per account when those were set).</summary>
    public double AccountsPerCsm { get; init; }
}

/// <summary>The headcount a book needs (bottom-up) against what its budget affords (top-down).</summary>
/// <param name="Tiers">Per touch model, tech-touch first.</param>
/// <param name="TotalArr">ARR of all accounts.</param>
/// <param name="Budget">Budget share x ARR, per year.</param>
/// <param name="CsmsNeeded">Headcount the book calls for: the tiers plus the onboarding and renewal load.</param>
/// <param name="CsmsAffordable">Budget / (monthly cost per CSM x 12).</param>
/// <param name="CostOfNeeded">Yearly cost of <paramref name="CsmsNeeded"/>.</param>
public sealed record CapacityPlan(
    IReadOnlyList<TierCapacity> Tiers, decimal TotalArr, decimal Budget, double CsmsNeeded, double CsmsAffordable, decimal CostOfNeeded)
{
    /// <summary>CSMs the onboarding of new accounts takes.</summary>
    public double OnboardingCsms { get; init; }

    /// <summary>CSMs the renewals take.</summary>
    public double RenewalCsms { get; init; }

    /// <summary>The new accounts and renewals per month planned for.</summary>
    public BookActivity Activity { get; init; }

    /// <summary>Fully loaded monthly cost of one CSM.</summary>
    public decimal CsmMonthlyCost { get; init; }

    /// <summary>The currency label, or <see langword="null"/>.</summary>
    public string? Currency { get; init; }

    /// <summary>Affordable minus needed headcount: negative when the budget cannot cover the coverage model.</summary>
    public double HeadcountGap => CsmsAffordable - CsmsNeeded;

    /// <summary>Budget minus the yearly cost of the needed headcount: negative when the book needs more than the budget.</summary>
    public decimal MoneyGap => Budget - CostOfNeeded;

    /// <summary>Cost of the needed headcount as a share of ARR (compare with the 6-10% norm); NaN when ARR is 0.</summary>
    public double NeededCostShareOfArr => TotalArr == 0 ? double.NaN : (double)(CostOfNeeded / TotalArr);
}
