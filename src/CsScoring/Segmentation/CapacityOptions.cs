namespace CsScoring.Segmentation;

/// <summary>What a CS team costs and how many accounts one CSM serves in each touch model.</summary>
/// <remarks>Immutable; each property validates its value when set, so an invalid instance cannot be built.</remarks>
public sealed record CapacityOptions
{
    /// <summary>The CS budget as a share of ARR.</summary>
    /// <value>The default value is 0.08 (the median; 0.06-0.10 is typical). Must be in (0, 1].</value>
    /// <exception cref="InvalidOptionException">The value is out of range.</exception>
    public double BudgetShareOfArr
    {
        get;
        init => field = OptionGuard.AboveAndAtMost(value, 0, 1, nameof(CapacityOptions));
    } = 0.08;

    /// <summary>Fully loaded yearly cost of one CSM, in the ARR's currency.</summary>
    /// <value>The default value is 120,000. Must be &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not positive.</exception>
    public decimal CostPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 120_000m;

    /// <summary>Accounts one dedicated CSM serves.</summary>
    /// <value>The default value is 15. Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double HighTouchAccountsPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 15;

    /// <summary>Accounts one pooled CSM serves.</summary>
    /// <value>The default value is 80. Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double LowTouchAccountsPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 80;

    /// <summary>Accounts one digital-CS owner serves through automation.</summary>
    /// <value>The default value is 1,000. Must be finite and &gt; 0.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number &gt; 0.</exception>
    public double TechTouchAccountsPerCsm
    {
        get;
        init => field = OptionGuard.Positive(value, nameof(CapacityOptions));
    } = 1000;

    /// <summary>Accounts per CSM for a touch model.</summary>
    /// <param name="model">The touch model.</param>
    public double AccountsPerCsm(TouchModel model) => model switch
    {
        TouchModel.HighTouch => HighTouchAccountsPerCsm,
        TouchModel.LowTouch => LowTouchAccountsPerCsm,
        _ => TechTouchAccountsPerCsm,
    };
}
