namespace CsScoring.Metrics;

/// <summary>
/// The average-based revenue KPIs of an MRR ledger: ARPA, trailing logo churn and the mean starting MRR of new
/// accounts, the inputs of the textbook LTV formulas and of a new customer's value.
/// </summary>
/// <remarks>Money is rounded to cents. Thread-safe: the ledger is immutable.</remarks>
public static class LedgerKpis
{
    /// <summary>Average revenue per account in a month: its total MRR over the accounts paying at its end.</summary>
    /// <param name="ledger">The ledger.</param>
    /// <param name="month">Any day of the month.</param>
    /// <returns>ARPA rounded to cents; 0 when no account pays.</returns>
    public static decimal Arpa(MrrLedger ledger, DateOnly month)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var paying = ledger.MovementsIn(month).EndingCustomers;
        return paying > 0 ? Math.Round(ledger.TotalMrr(month) / paying, 2) : 0m;
    }

    /// <summary>
    /// The pooled monthly logo churn rate over the months up to <paramref name="lastMonth"/>: the accounts that stopped
    /// paying over those that paid the month before, summed over at most <paramref name="months"/> months (fewer when
    /// the ledger starts later; its first month has no month before).
    /// </summary>
    /// <param name="ledger">The ledger.</param>
    /// <param name="lastMonth">Any day of the last month.</param>
    /// <param name="months">The window, in months (≥ 1).</param>
    /// <returns>The rate in [0, 1]; 0 when no account paid at the start of any month of the window.</returns>
    public static double TrailingLogoChurn(MrrLedger ledger, DateOnly lastMonth, int months = 12)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        var end = new DateOnly(lastMonth.Year, lastMonth.Month, 1);
        long churned = 0, atStart = 0;
        for (var month = end; month > ledger.FirstMonth && month > end.AddMonths(-months); month = month.AddMonths(-1))
        {
            var movements = ledger.MovementsIn(month);
            churned += movements.ChurnedCustomers;
            atStart += movements.StartingCustomers;
        }

        return atStart > 0 ? (double)churned / atStart : 0;
    }

    /// <summary>The mean MRR of the first paid month of the accounts acquired in the given months.</summary>
    /// <param name="ledger">The ledger.</param>
    /// <param name="cohorts">The acquisition months (first day of the month), e.g. <see cref="CohortSurvival.Cohorts"/>.</param>
    /// <returns>The mean rounded to cents; 0 when no account started in those months.</returns>
    public static decimal MeanStartingMrr(MrrLedger ledger, IEnumerable<DateOnly> cohorts)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(cohorts);
        var starts = cohorts.Select(c => new DateOnly(c.Year, c.Month, 1)).ToHashSet();
        decimal total = 0;
        var count = 0;
        string? account = null;
        foreach (var entry in ledger.Entries)
        {
            // Entries come by account, then month: the first paid entry of each account is its start.
            if (entry.Mrr <= 0 || entry.AccountId == account)
            {
                continue;
            }

            account = entry.AccountId;
            if (starts.Contains(entry.Month))
            {
                total += entry.Mrr;
                count++;
            }
        }

        return count == 0 ? 0 : Math.Round(total / count, 2);
    }
}
