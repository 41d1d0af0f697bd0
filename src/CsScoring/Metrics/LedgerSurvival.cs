namespace CsScoring.Metrics;

/// <summary>Customer lifetimes of a ledger, ready for <see cref="KaplanMeierCurve.Estimate"/> and <see cref="LogRankTest.Compare"/>.</summary>
/// <param name="Observations">One lifetime per account, in months.</param>
/// <param name="LeftTruncated">Accounts left out because they were already paying in the ledger's first month (their start is unknown).</param>
public sealed record LedgerLifetimes(IReadOnlyList<SurvivalObservation> Observations, int LeftTruncated);

/// <summary>One row of a cohort retention matrix: the accounts whose first paying period is the same.</summary>
/// <param name="Cohort">The start period's label.</param>
/// <param name="Customers">Accounts in the cohort.</param>
/// <param name="StartingMrr">Their MRR in the start period.</param>
/// <param name="LogoRetention">Index k: share of the cohort paying k periods after the start (index 0 is 1); as many entries as periods observed.</param>
/// <param name="RevenueRetention">Index k: the cohort's MRR k periods after the start / its starting MRR (expansion included, so it may exceed 1).</param>
public sealed record CohortRow(string Cohort, int Customers, decimal StartingMrr, IReadOnlyList<double> LogoRetention, IReadOnlyList<double> RevenueRetention);

/// <summary>Survival and cohort views of an <see cref="MrrHistory"/>.</summary>
/// <remarks>
/// A lifetime is the months of uninterrupted payment from an account's first paying month: the first unpaid month
/// ends it (the event, churn), and a later return does not revive it (the survival of the first contract). An
/// account still paying in the ledger's last month is right-censored at its months paid so far. Accounts paying in
/// the ledger's first month are left out by default: their start is unknown (left truncation). Thread-safe.
/// </remarks>
public static class LedgerSurvival
{
    /// <summary>The lifetimes of the accounts (of one segment).</summary>
    /// <param name="history">The ledger.</param>
    /// <param name="segment">One segment, or <see langword="null"/> for all.</param>
    /// <param name="includeLeftTruncated">Count accounts paying in the first month as starting then (biases survival down); <see langword="false"/> by default.</param>
    public static LedgerLifetimes Lifetimes(MrrHistory history, string? segment = null, bool includeLeftTruncated = false)
    {
        ArgumentNullException.ThrowIfNull(history);
        var list = new List<SurvivalObservation>();
        var truncated = 0;
        foreach (var account in history.Accounts)
        {
            if ((segment is not null && account.Segment != segment) || account.FirstPaid == int.MaxValue)
            {
                continue;
            }

            if (account.FirstPaid == history.FirstMonthIndex && !includeLeftTruncated)
            {
                truncated++;
                continue;
            }

            var months = 1;
            while (account.FirstPaid + months <= history.LastMonthIndex && account.ValueAt(account.FirstPaid + months) > 0)
            {
                months++;
            }

            var active = account.FirstPaid + months > history.LastMonthIndex;
            list.Add(new SurvivalObservation(months, !active));
        }

        return new LedgerLifetimes(list, truncated);
    }

    /// <summary>
    /// Logo and revenue retention by start period: an account's value in a period is its MRR in the period's last
    /// month (or the ledger's last month for a period cut short); its cohort is its first period with a value. The
    /// ledger's first period is left out (its accounts' starts are unknown). An account that starts and stops within
    /// one period of a quarterly matrix is not seen.
    /// </summary>
    /// <param name="history">The ledger.</param>
    /// <param name="length">Month or quarter.</param>
    /// <param name="segment">One segment, or <see langword="null"/>.</param>
    public static IReadOnlyList<CohortRow> Cohorts(MrrHistory history, PeriodLength length, string? segment = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var first = ReportingPeriods.PeriodIndex(history.FirstMonthIndex, length);
        var last = ReportingPeriods.PeriodIndex(history.LastMonthIndex, length);
        var periods = last - first + 1;
        var cohorts = new SortedDictionary<int, (int Customers, int[] Logos, decimal[] Revenue)>();
        foreach (var account in history.Accounts)
        {
            if (segment is not null && account.Segment != segment)
            {
                continue;
            }

            var start = -1;
            for (var p = 0; p < periods; p++)
            {
                var value = ValueIn(history, account, first + p, length);
                if (start < 0)
                {
                    if (value <= 0)
                    {
                        continue;
                    }

                    if (p == 0)
                    {
                        break;
                    }

                    start = p;
                    if (!cohorts.TryGetValue(p, out var row))
                    {
                        row = (0, new int[periods - p], new decimal[periods - p]);
                    }

                    cohorts[p] = (row.Customers + 1, row.Logos, row.Revenue);
                }

                var (_, logos, revenue) = cohorts[start];
                logos[p - start] += value > 0 ? 1 : 0;
                revenue[p - start] += value;
            }
        }

        return [.. cohorts.Select(c => new CohortRow(
            ReportingPeriods.Label(first + c.Key, length),
            c.Value.Customers,
            c.Value.Revenue[0],
            [.. c.Value.Logos.Select(l => (double)l / c.Value.Customers)],
            [.. c.Value.Revenue.Select(r => c.Value.Revenue[0] == 0 ? double.NaN : (double)(r / c.Value.Revenue[0]))]))];
    }

    private static decimal ValueIn(MrrHistory history, MrrHistory.Account account, int period, PeriodLength length)
        => account.ValueAt(Math.Min(ReportingPeriods.FirstMonthOf(period, length) + (int)length - 1, history.LastMonthIndex));
}
