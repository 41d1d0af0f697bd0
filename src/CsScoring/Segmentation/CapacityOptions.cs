namespace CsScoring.Segmentation;

/// <summary>
/// What a CS team costs, in which currency, and how much work each touch model, each new account and each renewal
/// takes: the inputs of <see cref="CapacityPlanner"/>.
/// </summary>
/// <remarks>
/// Immutable; each property validates its value when set, so an invalid instance cannot be built. Money is
/// <see cref="decimal"/> in the book's currency, which <see cref="Currency"/> only labels (nothing is converted). A
/// tier's workload is either a number of accounts per CSM or, when its hours per account are set, hours per account
/// per month against <see cref="CsmMonthlyHours"/>.
/// </remarks>
public sealed record CapacityOptions
{
    /// <summary>The lower edge of the usual range of CS budget as a share of ARR (6%).</summary>
    public const double TypicalBudgetShareMinimum = 0.06;

    /// <summary>The upper edge of the usual range of CS budget as a share of ARR (10%).</summary>
    public const double TypicalBudgetShareMaximum = 0.10;

    /// <summary>The CS budget as a share of ARR.</summary>
    /// <value>The default value is 0.08 (the median of the usual 6-10%). Must be in (0, 1].</value>
    /// <exception cref="InvalidOptionException">The value is out of range.</exception>
    public double BudgetShareOfArr
    {
        get;
        init => field = OptionGuard.AboveAndAtMost(value, 0, 1, nameof(CapacityOptions));
    } = 0.08;

    /// <summary>
    /// Fully loaded monthly cost of one CSM in the book's currency (salary, benefits, tools, share of management).
    /// </summary>
    /// <value>
    /// The default value is 10,000, a placeholder to replace with your own: a fully loaded CSM in Japan costs about
    /// 450,000 JPY a month. Must be &gt; 0.
    /// </value>
    /// <exception cref="InvalidOptionException">The value is not positive.</exception>
    public decimal CsmMonthlyCost
    {
        get => CostPerCsm / 12m;
        init => CostPerCsm = OptionGuard.Positive(value, nameof(CapacityOptions)) * 12m;
    }

    /// <summary>
    /// Fully loaded yearly cost of one CSM: <see cref="CsmMonthlyCost"/> x 12 (held as the yearly figure, so a
    /// monthly cost and a yearly one both read back exactly). Setting it sets the monthly cost to a twelfth.
    /// </summary>
    /// <value>The default value is 120,000 (10,000 a month). Must be &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not positive.</exception>
    public decimal CostPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 120_000m;

    /// <summary>The label of the book's currency (for example <c>JPY</c>).</summary>
    /// <value>The default value is <see langword="null"/> (not given). Must not be blank when set.</value>
    /// <exception cref="InvalidOptionException">The value is empty or white space.</exception>
    public string? Currency
    {
        get;
        init => field = value is null ? null : OptionGuard.NotBlank(value, nameof(CapacityOptions));
    }

    /// <summary>Accounts one dedicated (high-touch) CSM serves.</summary>
    /// <value>The default value is 15. Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double HighTouchAccountsPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 15;

    /// <summary>Accounts one pooled (low-touch) CSM serves.</summary>
    /// <value>The default value is 80. Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double LowTouchAccountsPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 80;

    /// <summary>Accounts one digital-programme owner serves through automation (tech-touch).</summary>
    /// <value>The default value is 1,000. Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double TechTouchAccountsPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 1000;

    /// <summary>
    /// Hours a high-touch account takes a month; when set it replaces <see cref="HighTouchAccountsPerCsm"/> with
    /// <see cref="CsmMonthlyHours"/> / hours.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (use accounts per CSM). Must be finite and &gt; 0 when set.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double? HighTouchHoursPerAccount
    {
        get;
        init => field = value is { } hours ? OptionGuard.Positive(hours, nameof(CapacityOptions)) : null;
    }

    /// <summary>Hours a low-touch account takes a month; see <see cref="HighTouchHoursPerAccount"/>.</summary>
    /// <value>The default value is <see langword="null"/>. Must be finite and &gt; 0 when set.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double? LowTouchHoursPerAccount
    {
        get;
        init => field = value is { } hours ? OptionGuard.Positive(hours, nameof(CapacityOptions)) : null;
    }

    /// <summary>Hours a tech-touch account takes a month; see <see cref="HighTouchHoursPerAccount"/>.</summary>
    /// <value>The default value is <see langword="null"/>. Must be finite and &gt; 0 when set.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double? TechTouchHoursPerAccount
    {
        get;
        init => field = value is { } hours ? OptionGuard.Positive(hours, nameof(CapacityOptions)) : null;
    }

    /// <summary>Hours a CSM spends on accounts in a month.</summary>
    /// <value>The default value is 120 (about 160 working hours less meetings, training and administration). Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double CsmMonthlyHours
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 120;

    /// <summary>CSM hours one new account's onboarding takes.</summary>
    /// <value>The default value is 10. Must be finite and &gt;= 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt;= 0.</exception>
    public double OnboardingHoursPerNewAccount
    {
        get;
        init => field = OptionGuard.NonNegative(value, nameof(CapacityOptions));
    } = 10;

    /// <summary>CSM hours one renewal takes (review, negotiation, paperwork).</summary>
    /// <value>The default value is 4. Must be finite and &gt;= 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt;= 0.</exception>
    public double RenewalHoursPerRenewal
    {
        get;
        init => field = OptionGuard.NonNegative(value, nameof(CapacityOptions));
    } = 4;

    /// <summary>
    /// Accounts one CSM serves in a touch model: <see cref="CsmMonthlyHours"/> / hours per account when the tier's
    /// hours are set, else the tier's accounts per CSM.
    /// </summary>
    /// <param name="model">The touch model.</param>
    /// <returns>Accounts per CSM.</returns>
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
    /// <returns>The hours, or <see langword="null"/>.</returns>
    public double? HoursPerAccount(TouchModel model) => model switch
    {
        TouchModel.HighTouch => HighTouchHoursPerAccount,
        TouchModel.LowTouch => LowTouchHoursPerAccount,
        _ => TechTouchHoursPerAccount,
    };
}
