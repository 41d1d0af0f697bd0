namespace CsScoring.Segmentation;

/// <summary>
/// What a CS team costs, in which currency, and how much work each touch model, each new account and each renewal
/// takes: the inputs of <see cref="CapacityPlanner"/>.
/// </summary>
/// <remarks>
/// Immutable; <see cref="Validate"/> is called by the planner. Money is <see cref="decimal"/> in the book's currency,
/// which <see cref="Currency"/> only labels (nothing is converted). A tier's workload is either a number of accounts
/// per CSM or, when its hours per account are set, hours per account per month against <see cref="CsmMonthlyHours"/>.
/// </remarks>
public sealed record CapacityOptions
{
    /// <summary>The lower edge of the usual range of CS budget as a share of ARR (6%).</summary>
    public const double TypicalBudgetShareMinimum = 0.06;

    /// <summary>The upper edge of the usual range of CS budget as a share of ARR (10%).</summary>
    public const double TypicalBudgetShareMaximum = 0.10;

    /// <summary>The CS budget as a share of ARR, in (0, 1]. The default value is 0.08 (the median of the usual 6-10%).</summary>
    public double BudgetShareOfArr { get; init; } = 0.08;

    /// <summary>
    /// Fully loaded monthly cost of one CSM in the book's currency, &gt; 0 (salary, benefits, tools, share of
    /// management). The default value is 10,000, a placeholder to replace with your own: a fully loaded CSM in Japan
    /// costs about 450,000 JPY a month.
    /// </summary>
    public decimal CsmMonthlyCost { get; init; } = 10_000m;

    /// <summary>
    /// Fully loaded yearly cost of one CSM: <see cref="CsmMonthlyCost"/> x 12. Setting it sets the monthly cost to a
    /// twelfth, for callers that quote a yearly figure.
    /// </summary>
    public decimal CostPerCsm
    {
        get => CsmMonthlyCost * 12m;
        init => CsmMonthlyCost = value / 12m;
    }

    /// <summary>The label of the book's currency (for example <c>JPY</c>); <see langword="null"/> (the default) when not given.</summary>
    public string? Currency { get; init; }

    /// <summary>Accounts one dedicated (high-touch) CSM serves. The default value is 15.</summary>
    public double HighTouchAccountsPerCsm { get; init; } = 15;

    /// <summary>Accounts one pooled (low-touch) CSM serves. The default value is 80.</summary>
    public double LowTouchAccountsPerCsm { get; init; } = 80;

    /// <summary>Accounts one digital-programme owner serves through automation (tech-touch). The default value is 1,000.</summary>
    public double TechTouchAccountsPerCsm { get; init; } = 1000;

    /// <summary>
    /// Hours a high-touch account takes a month; when set (&gt; 0) it replaces <see cref="HighTouchAccountsPerCsm"/>
    /// with <see cref="CsmMonthlyHours"/> / hours. The default value is <see langword="null"/> (use accounts per CSM).
    /// </summary>
    public double? HighTouchHoursPerAccount { get; init; }

    /// <summary>Hours a low-touch account takes a month; see <see cref="HighTouchHoursPerAccount"/>. The default value is <see langword="null"/>.</summary>
    public double? LowTouchHoursPerAccount { get; init; }

    /// <summary>Hours a tech-touch account takes a month; see <see cref="HighTouchHoursPerAccount"/>. The default value is <see langword="null"/>.</summary>
    public double? TechTouchHoursPerAccount { get; init; }

    /// <summary>
    /// Hours a CSM spends on accounts in a month, &gt; 0. The default value is 120 (about 160 working hours less
    /// meetings, training and administration).
    /// </summary>
    public double CsmMonthlyHours { get; init; } = 120;

    /// <summary>CSM hours one new account's onboarding takes, &gt;= 0. The default value is 10.</summary>
    public double OnboardingHoursPerNewAccount { get; init; } = 10;

    /// <summary>CSM hours one renewal takes (review, negotiation, paperwork), &gt;= 0. The default value is 4.</summary>
    public double RenewalHoursPerRenewal { get; init; } = 4;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (each names itself).</exception>
    public void Validate()
    {
        if (!(BudgetShareOfArr is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BudgetShareOfArr), BudgetShareOfArr, "The budget share of ARR must be in (0, 1].");
        }

        if (CsmMonthlyCost <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CsmMonthlyCost), CsmMonthlyCost, "The monthly cost of a CSM must be positive.");
        }

        if (Currency is not null && string.IsNullOrWhiteSpace(Currency))
        {
            throw new ArgumentOutOfRangeException(nameof(Currency), Currency, "The currency label must not be blank (use null for none).");
        }

        foreach (var (name, value) in new[]
        {
            (nameof(HighTouchAccountsPerCsm), HighTouchAccountsPerCsm),
            (nameof(LowTouchAccountsPerCsm), LowTouchAccountsPerCsm),
            (nameof(TechTouchAccountsPerCsm), TechTouchAccountsPerCsm),
            (nameof(CsmMonthlyHours), CsmMonthlyHours),
        })
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(name, value, "The value must be a positive, finite number.");
            }
        }

        foreach (var (name, value) in new[]
        {
            (nameof(HighTouchHoursPerAccount), HighTouchHoursPerAccount),
            (nameof(LowTouchHoursPerAccount), LowTouchHoursPerAccount),
            (nameof(TechTouchHoursPerAccount), TechTouchHoursPerAccount),
        })
        {
            if (value is { } hours && (!(hours > 0) || double.IsInfinity(hours)))
            {
                throw new ArgumentOutOfRangeException(name, hours, "Hours per account must be a positive, finite number (or null to use accounts per CSM).");
            }
        }

        foreach (var (name, value) in new[]
        {
            (nameof(OnboardingHoursPerNewAccount), OnboardingHoursPerNewAccount),
            (nameof(RenewalHoursPerRenewal), RenewalHoursPerRenewal),
        })
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(name, value, "Hours must be a finite number >= 0.");
            }
        }
    }

    /// <summary>
    /// Accounts one CSM serves in a touch model: <see cref="CsmMonthlyHours"/> / hours per account when the tier's
    /// hours are set, else the tier's accounts per CSM.
    /// </summary>
    /// <param name="model">The touch model.</param>
    public double AccountsPerCsm(TouchModel model)
    {
        var hours = HoursPerAccount(model);
        return hours is { } h ? CsmMonthlyHours / h : model switch
        {
            TouchModel.HighTouch => HighTouchAccountsPerCsm,
            TouchModel.LowTouch => LowTouchAccountsPerCsm,
            _ => TechTouchAccountsPerCsm,
        };
    }

    /// <summary>The hours per account per month set for a touch model, or <see langword="null"/> when it is sized by accounts per CSM.</summary>
    /// <param name="model">The touch model.</param>
    public double? HoursPerAccount(TouchModel model) => model switch
    {
        TouchModel.HighTouch => HighTouchHoursPerAccount,
        TouchModel.LowTouch => LowTouchHoursPerAccount,
        _ => TechTouchHoursPerAccount,
    };
}
