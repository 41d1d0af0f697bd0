namespace CsScoring.Segmentation;

/// <summary>
/// Turns a segmented book of business into the CS headcount it needs (accounts / accounts per CSM, per tier) and
/// the headcount its budget affords (budget share x ARR / cost per CSM), so the gap between the two is explicit.
/// </summary>
public static class CapacityPlanner
{
    /// <summary>Plans capacity for accounts already assigned to touch models.</summary>
    /// <param name="accounts">Each account's touch model and ARR (&gt;= 0).</param>
    /// <param name="options">Costs and ratios; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An ARR is negative.</exception>
    public static CapacityPlan Plan(IEnumerable<(TouchModel Model, decimal Arr)> accounts, CapacityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        options ??= new CapacityOptions();
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
            tiers[i] = new TierCapacity(model, counts[i], arr[i], counts[i] / options.AccountsPerCsm(model));
        }

        var totalArr = arr[0] + arr[1] + arr[2];
        var budget = totalArr * (decimal)options.BudgetShareOfArr;
        var needed = tiers.Sum(t => t.CsmsNeeded);
        var affordable = (double)(budget / options.CostPerCsm);
        return new CapacityPlan(tiers, totalArr, budget, needed, affordable, (decimal)needed * options.CostPerCsm);
    }
}

/// <summary>One touch model's share of the book and the CSMs it needs.</summary>
/// <param name="Model">The touch model.</param>
/// <param name="Accounts">Accounts in it.</param>
/// <param name="Arr">Their ARR.</param>
/// <param name="CsmsNeeded">Accounts / accounts per CSM (fractional: part of a pooled person's time).</param>
public readonly record struct TierCapacity(TouchModel Model, int Accounts, decimal Arr, double CsmsNeeded);

/// <summary>The headcount a book needs against what its budget affords.</summary>
/// <param name="Tiers">Per touch model, tech-touch first.</param>
/// <param name="TotalArr">ARR of all accounts.</param>
/// <param name="Budget">Budget share x ARR.</param>
/// <param name="CsmsNeeded">Headcount the coverage ratios call for.</param>
/// <param name="CsmsAffordable">Budget / cost per CSM.</param>
/// <param name="CostOfNeeded">Cost of <paramref name="CsmsNeeded"/>.</param>
public sealed record CapacityPlan(
    IReadOnlyList<TierCapacity> Tiers, decimal TotalArr, decimal Budget, double CsmsNeeded, double CsmsAffordable, decimal CostOfNeeded)
{
    /// <summary>Affordable minus needed headcount: negative when the budget cannot cover the coverage model.</summary>
    public double HeadcountGap => CsmsAffordable - CsmsNeeded;

    /// <summary>Cost of the needed headcount as a share of ARR (compare with the 6-10% norm); NaN when ARR is 0.</summary>
    public double NeededCostShareOfArr => TotalArr == 0 ? double.NaN : (double)(CostOfNeeded / TotalArr);
}
