namespace CsScoring.Metrics;

/// <summary>
/// How MRR moved from one month to the next: the MRR bridge (starting + new + expansion + reactivation -
/// contraction - churned = ending) and the customer counts behind it.
/// </summary>
/// <param name="Month">The first day of the month the movements lead into.</param>
/// <param name="StartingMrr">MRR of the month before.</param>
/// <param name="NewMrr">MRR of accounts paying for the first time.</param>
/// <param name="ExpansionMrr">Increases of accounts that paid in both months.</param>
/// <param name="ContractionMrr">Decreases of accounts that paid in both months (positive amount).</param>
/// <param name="ChurnedMrr">The previous MRR of accounts that stopped paying (positive amount).</param>
/// <param name="ReactivationMrr">MRR of accounts paying again after a gap.</param>
/// <param name="StartingCustomers">Accounts that paid in the month before.</param>
/// <param name="NewCustomers">Accounts paying for the first time.</param>
/// <param name="ChurnedCustomers">Accounts that stopped paying.</param>
/// <param name="ReactivatedCustomers">Accounts paying again after a gap.</param>
public readonly record struct MrrMovements(
    DateOnly Month,
    decimal StartingMrr,
    decimal NewMrr,
    decimal ExpansionMrr,
    decimal ContractionMrr,
    decimal ChurnedMrr,
    decimal ReactivationMrr,
    int StartingCustomers,
    int NewCustomers,
    int ChurnedCustomers,
    int ReactivatedCustomers)
{
    /// <summary>MRR at the end of the month: the bridge's result.</summary>
    public decimal EndingMrr => StartingMrr + NewMrr + ExpansionMrr + ReactivationMrr - ContractionMrr - ChurnedMrr;

    /// <summary>Accounts paying at the end of the month.</summary>
    public int EndingCustomers => StartingCustomers + NewCustomers + ReactivatedCustomers - ChurnedCustomers;

    /// <summary>Share of the starting customers that churned; NaN when there were none.</summary>
    public double LogoChurnRate => StartingCustomers == 0 ? double.NaN : (double)ChurnedCustomers / StartingCustomers;

    /// <summary>(contraction + churned MRR) / starting MRR; NaN when starting MRR is 0.</summary>
    public double GrossRevenueChurnRate => StartingMrr == 0 ? double.NaN : (double)((ContractionMrr + ChurnedMrr) / StartingMrr);

    /// <summary>(churned + contraction - expansion) / starting MRR: negative when expansion outgrows losses; NaN when starting MRR is 0.</summary>
    public double NetRevenueChurnRate => StartingMrr == 0 ? double.NaN : (double)((ContractionMrr + ChurnedMrr - ExpansionMrr) / StartingMrr);
}

/// <summary>Retention of one starting population of customers between two months.</summary>
/// <param name="StartMonth">The month the customers paid in.</param>
/// <param name="EndMonth">The month retention is measured in.</param>
/// <param name="Customers">Customers paying in <paramref name="StartMonth"/>.</param>
/// <param name="RetainedCustomers">Of those, customers paying in <paramref name="EndMonth"/>.</param>
/// <param name="StartingMrr">Their MRR in <paramref name="StartMonth"/>.</param>
/// <param name="RetainedMrrCapped">Their MRR in <paramref name="EndMonth"/>, each capped at its starting MRR.</param>
/// <param name="RetainedMrr">Their MRR in <paramref name="EndMonth"/>, expansion included.</param>
public readonly record struct CohortRetention(
    DateOnly StartMonth,
    DateOnly EndMonth,
    int Customers,
    int RetainedCustomers,
    decimal StartingMrr,
    decimal RetainedMrrCapped,
    decimal RetainedMrr)
{
    /// <summary>Share of customers still paying; NaN when there were none.</summary>
    public double LogoRetention => Customers == 0 ? double.NaN : (double)RetainedCustomers / Customers;

    /// <summary>Gross revenue retention (GRR), at most 1; NaN when starting MRR is 0.</summary>
    public double GrossRevenueRetention => StartingMrr == 0 ? double.NaN : (double)(RetainedMrrCapped / StartingMrr);

    /// <summary>Net revenue retention (NRR), above 1 when expansion outgrows churn and contraction; NaN when starting MRR is 0.</summary>
    public double NetRevenueRetention => StartingMrr == 0 ? double.NaN : (double)(RetainedMrr / StartingMrr);
}
