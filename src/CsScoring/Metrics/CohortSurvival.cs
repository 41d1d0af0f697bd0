using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Metrics;

/// <summary>
/// Survivor counts of monthly acquisition cohorts from an MRR ledger: the input of contractual retention models
/// (<see cref="Value.SbgModel"/>). An account joins the cohort of its first paying month and survives month k when
/// it has paid in every month from its first through the k-th after it; the first unpaid month ends its lifetime
/// (a later reactivation does not revive it: the model describes the first contract).
/// </summary>
/// <remarks>
/// Accounts already paying in the ledger's first month are left out: their acquisition month is unknown, so counting
/// them as new would bias retention upwards. Each cohort is observed up to the ledger's last month, so younger
/// cohorts have shorter survivor series. Immutable; thread-safe.
/// </remarks>
public sealed class CohortSurvival
{
    private readonly int[][] _survivors;

    private CohortSurvival(DateOnly[] cohorts, int[][] survivors, DateOnly lastMonth, int leftTruncated)
    {
        Cohorts = cohorts;
        _survivors = survivors;
        LastMonth = lastMonth;
        LeftTruncatedAccounts = leftTruncated;
    }

    /// <summary>The cohorts' first months (first day of the month), oldest first.</summary>
    public IReadOnlyList<DateOnly> Cohorts { get; }

    /// <summary>The ledger's last month: the end of observation.</summary>
    public DateOnly LastMonth { get; }

    /// <summary>Accounts left out because they were already paying in the ledger's first month.</summary>
    public int LeftTruncatedAccounts { get; }

    /// <summary>Every cohort's survivor counts, in the order of <see cref="Cohorts"/> (a fresh copy, ready for <see cref="Value.SbgModel.FitCohorts"/>).</summary>
    public IReadOnlyList<int[]> SurvivorCounts => [.. _survivors.Select(s => (int[])s.Clone())];

    /// <summary>A cohort's survivor counts: index 0 is the cohort size, index k the accounts still paying k months later.</summary>
    /// <param name="cohort">The index in <see cref="Cohorts"/>.</param>
    public ReadOnlySpan<int> Survivors(int cohort) => _survivors[cohort];

    /// <summary>
    /// The pooled observed survival curve: for each age k, the product of the month-on-month retention of every
    /// cohort old enough to be observed at k (a life-table estimate that uses each cohort as long as it is seen).
    /// </summary>
    /// <returns>S(0) = 1, S(1), … up to the oldest cohort's age.</returns>
    public double[] PooledSurvival()
    {
        var maxAge = _survivors.Length == 0 ? 0 : _survivors.Max(s => s.Length - 1);
        var curve = new double[maxAge + 1];
        curve[0] = 1;
        for (var k = 1; k <= maxAge; k++)
        {
            long atRisk = 0, retained = 0;
            foreach (var s in _survivors)
            {
                if (s.Length > k)
                {
                    atRisk += s[k - 1];
                    retained += s[k];
                }
            }

            curve[k] = atRisk == 0 ? curve[k - 1] : curve[k - 1] * retained / atRisk;
        }

        return curve;
    }

    /// <summary>Builds the cohorts from ledger entries; an entry with MRR 0 counts as not paying.</summary>
    /// <param name="entries">Account, month and MRR.</param>
    /// <exception cref="ArgumentException">An account id is blank or an MRR is negative.</exception>
    public static CohortSurvival Create(IEnumerable<MrrEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var months = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        var first = int.MaxValue;
        var last = int.MinValue;
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry.AccountId))
            {
                throw new ArgumentException("An MRR entry has a blank account id.", nameof(entries));
            }

            if (entry.Mrr < 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Account '{entry.AccountId}' has a negative MRR {entry.Mrr} in {entry.Month:yyyy-MM}."), nameof(entries));
            }

            var index = MonthIndex(entry.Month);
            first = Math.Min(first, index);
            last = Math.Max(last, index);
            if (entry.Mrr == 0)
            {
                continue;
            }

            if (!months.TryGetValue(entry.AccountId, out var set))
            {
                set = [];
                months.Add(entry.AccountId, set);
            }

            set.Add(index);
        }

        if (first == int.MaxValue)
        {
            throw new ArgumentException("The ledger has no entries.", nameof(entries));
        }

        // Lifetime of each account: months of uninterrupted payment from its first month.
        var byCohort = new SortedDictionary<int, List<int>>();
        var truncated = 0;
        foreach (var (_, set) in months)
        {
            var start = set.Min;
            if (start == first)
            {
                truncated++;
                continue;
            }

            var lifetime = 0;
            while (set.Contains(start + lifetime + 1))
            {
                lifetime++;
            }

            if (!byCohort.TryGetValue(start, out var list))
            {
                list = [];
                byCohort.Add(start, list);
            }

            list.Add(lifetime);
        }

        var cohorts = new DateOnly[byCohort.Count];
        var survivors = new int[byCohort.Count][];
        var c = 0;
        foreach (var (start, lifetimes) in byCohort)
        {
            var age = last - start;
            var counts = new int[age + 1];
            foreach (var lifetime in lifetimes)
            {
                for (var k = 0; k <= Math.Min(lifetime, age); k++)
                {
                    counts[k]++;
                }
            }

            cohorts[c] = FromIndex(start);
            survivors[c] = counts;
            c++;
        }

        return new CohortSurvival(cohorts, survivors, FromIndex(last), truncated);
    }

    /// <summary>Reads the cohorts from a ledger table with the columns <c>account_id</c>, <c>month</c> and <c>mrr</c>.</summary>
    /// <param name="reader">A reader positioned before the first row.</param>
    /// <exception cref="DataFormatException">A column is absent, a month is not a date, or an MRR is blank, negative or not a number (row and column named).</exception>
    public static CohortSurvival Read(TabularReader reader) => Create(MrrLedger.Read(reader));

    /// <summary>Cohorts of an MRR ledger.</summary>
    /// <param name="ledger">The ledger.</param>
    public static CohortSurvival Create(MrrLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return Create(ledger.Entries);
    }

    private static int MonthIndex(DateOnly date) => (date.Year * 12) + date.Month - 1;

    private static DateOnly FromIndex(int index) => new(index / 12, (index % 12) + 1, 1);
}
