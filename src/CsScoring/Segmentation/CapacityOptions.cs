namespace CsScoring.Segmentation;

/// <summary>What a CS team costs and how many accounts one CSM serves in each touch model.</summary>
/// <remarks>Immutable; <see cref="Validate"/> is called by the planner.</remarks>
public sealed record CapacityOptions
{
    /// <summary>The CS budget as a share of ARR. The default value is 0.08 (the median; 0.06-0.10 is typical).</summary>
    public double BudgetShareOfArr { get; init; } = 0.08;

    /// <summary>Fully loaded yearly cost of one CSM, in the ARR's currency. The default value is 120,000.</summary>
    public decimal CostPerCsm { get; init; } = 120_000m;

    /// <summary>Accounts one dedicated CSM serves. The default value is 15.</summary>
    public double HighTouchAccountsPerCsm { get; init; } = 15;

    /// <summary>Accounts one pooled CSM serves. The default value is 80.</summary>
    public double LowTouchAccountsPerCsm { get; init; } = 80;

    /// <summary>Accounts one digital-CS owner serves through automation. The default value is 1,000.</summary>
    public double TechTouchAccountsPerCsm { get; init; } = 1000;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (each names itself).</exception>
    public void Validate()
    {
        if (!(BudgetShareOfArr is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BudgetShareOfArr), BudgetShareOfArr, "The budget share of ARR must be in (0, 1].");
        }

        if (CostPerCsm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CostPerCsm), CostPerCsm, "The cost per CSM must be positive.");
        }

        foreach (var (name, value) in new[]
        {
            (nameof(HighTouchAccountsPerCsm), HighTouchAccountsPerCsm),
            (nameof(LowTouchAccountsPerCsm), LowTouchAccountsPerCsm),
            (nameof(TechTouchAccountsPerCsm), TechTouchAccountsPerCsm),
        })
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(name, value, "Accounts per CSM must be a positive, finite number.");
            }
        }
    }

    /// <summary>Accounts per CSM for a touch model.</summary>
    /// <param name="model">The touch model.</param>
    public double AccountsPerCsm(TouchModel model) => model switch
    {
        TouchModel.HighTouch => HighTouchAccountsPerCsm,
        TouchModel.LowTouch => LowTouchAccountsPerCsm,
        _ => TechTouchAccountsPerCsm,
    };
}
