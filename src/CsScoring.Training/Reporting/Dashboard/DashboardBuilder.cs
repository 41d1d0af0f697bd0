using System.Globalization;
using CsScoring.Health;
using CsScoring.Metrics;
using CsScoring.Playbooks;
using CsScoring.Segmentation;

namespace CsScoring.Training.Reporting.Dashboard;

/// <summary>Maps the library's KPI, health and capacity results, and the portfolio rows, to the dashboard's parts.</summary>
internal static class DashboardBuilder
{
    /// <summary>The band of an account with too little data to be scored.</summary>
    public const string UnscoredBand = "insufficient_data";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// The KPI tiles: ARR and paying customers at each month's end; net and gross revenue retention and logo churn
    /// over the trailing twelve months to each month; NPS and CSAT by survey month; DAU/MAU over the last 30 days.
    /// Each trend covers the last <paramref name="trendMonths"/> months.
    /// </summary>
    /// <param name="history">The MRR ledger, or <see langword="null"/> without one (no revenue tiles).</param>
    /// <param name="surveys">Surveys grouped by month (<see cref="SurveyGrouping.Period"/>), or <see langword="null"/>.</param>
    /// <param name="usage">The usage report, or <see langword="null"/>.</param>
    /// <param name="trendMonths">How many months each trend line shows (at least 2).</param>
    public static IReadOnlyList<KpiTile> Kpis(MrrHistory? history, SurveyReport? surveys, UsageReport? usage, int trendMonths = 12)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trendMonths, 2);
        var tiles = new List<KpiTile>();
        if (history is not null)
        {
            var months = MrrBridge.Periods(history, PeriodLength.Month).TakeLast(trendMonths).ToList();
            if (months.Count > 0)
            {
                var last = months[^1].Period;
                tiles.Add(Tile("ARR", KpiFormat.Currency, months.Select(p => new KpiPoint(p.Period, (double)p.Arr)).ToList()) with { Caption = $"closing MRR x 12, {last}" });
                tiles.Add(Tile("Paying customers", KpiFormat.Number, months.Select(p => new KpiPoint(p.Period, p.CustomersEnd)).ToList()) with { Caption = $"at the end of {last}" });
            }

            // Trailing-twelve-month rates, one window per month, so the trend is not month-to-month noise.
            var windows = MrrBridge.TrailingTwelveMonthTrend(history, trendMonths);
            if (windows.Count > 0)
            {
                var label = windows.Select(w => ReportingPeriods.MonthStart(ReportingPeriods.MonthIndex(w.ClosingMonth)).ToString("yyyy-MM", C)).ToList();
                var caption = $"trailing 12 months to {label[^1]}";
                tiles.Add(Tile("Net revenue retention", KpiFormat.Percent, windows.Select((w, i) => new KpiPoint(label[i], w.Nrr)).ToList()) with { Caption = caption });
                tiles.Add(Tile("Gross revenue retention", KpiFormat.Percent, windows.Select((w, i) => new KpiPoint(label[i], w.Grr)).ToList()) with { Caption = caption });
                tiles.Add(Tile("Logo churn", KpiFormat.Percent, windows.Select((w, i) => new KpiPoint(label[i], w.LogoChurn)).ToList(), higherIsBetter: false) with { Caption = caption });
            }
        }

        if (surveys is not null && surveys.Groups.Count > 0)
        {
            var groups = surveys.Groups.TakeLast(trendMonths).ToList();
            tiles.Add(Tile("NPS", KpiFormat.Score, groups.Select(g => new KpiPoint(g.Key, g.Nps.N > 0 ? g.Nps.Score : double.NaN)).ToList()) with
            {
                Caption = $"{groups[^1].Key}, {groups[^1].Nps.N.ToString("N0", C)} answers",
            });
            tiles.Add(Tile("CSAT", KpiFormat.Percent, groups.Select(g => new KpiPoint(g.Key, g.Csat.N > 0 ? g.Csat.Score / 100 : double.NaN)).ToList()) with
            {
                Caption = $"share of 4-5 answers, {groups[^1].Key}",
            });
        }

        if (usage is not null)
        {
            tiles.Add(new KpiTile("DAU/MAU", usage.Overall.DauMau, KpiFormat.Ratio, double.NaN, []) { Caption = $"stickiness, 30 days to {usage.AsOf.ToString("yyyy-MM-dd", C)}" });
        }

        return tiles;
    }

    /// <summary>Health bands now and before, from two scorings of the book (e.g. at the as-of date and three months earlier).</summary>
    /// <param name="now">The accounts scored now.</param>
    /// <param name="before">The accounts scored before.</param>
    /// <param name="beforeLabel">When "before" was.</param>
    public static HealthBands HealthBands(IReadOnlyList<AccountHealth> now, IReadOnlyList<AccountHealth> before, string beforeLabel)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(before);
        var order = now.Concat(before).Select(a => a.Scorecard).Distinct().SelectMany(s => s.Bands.Select(b => b.Name)).ToList();
        return HealthBands(order, now.Select(Band), before.Select(Band), beforeLabel);

        static (string, string) Band(AccountHealth a) => (a.AccountId, a.Result.IsScored ? a.Scorecard.BandName(a.Result.Band) : UnscoredBand);
    }

    /// <summary>Health bands now and before from each account's band name at both times.</summary>
    /// <param name="bandOrder">The scorecard's band names, worst first; names not in it are added after, in ordinal order, <see cref="UnscoredBand"/> last.</param>
    /// <param name="now">Account id and band now.</param>
    /// <param name="before">Account id and band before.</param>
    /// <param name="beforeLabel">When "before" was.</param>
    public static HealthBands HealthBands(
        IEnumerable<string> bandOrder, IEnumerable<(string AccountId, string Band)> now, IEnumerable<(string AccountId, string Band)> before, string beforeLabel)
    {
        var current = ById(now);
        var earlier = ById(before);
        var bands = bandOrder.Distinct(StringComparer.Ordinal).Where(b => b != UnscoredBand).ToList();
        var extra = current.Values.Concat(earlier.Values).Where(b => !bands.Contains(b) && b != UnscoredBand).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        bands.AddRange(extra);
        if (current.Values.Concat(earlier.Values).Contains(UnscoredBand))
        {
            bands.Add(UnscoredBand);
        }

        var index = bands.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i, StringComparer.Ordinal);
        var nowCounts = new int[bands.Count];
        var beforeCounts = new int[bands.Count];
        var joined = new int[bands.Count];
        var left = new int[bands.Count];
        var movement = Enumerable.Range(0, bands.Count).Select(_ => new int[bands.Count]).ToArray();
        foreach (var (id, band) in current)
        {
            nowCounts[index[band]]++;
            if (earlier.TryGetValue(id, out var was))
            {
                movement[index[was]][index[band]]++;
            }
            else
            {
                joined[index[band]]++;
            }
        }

        foreach (var (id, band) in earlier)
        {
            beforeCounts[index[band]]++;
            if (!current.ContainsKey(id))
            {
                left[index[band]]++;
            }
        }

        return new HealthBands(bands, nowCounts, beforeCounts, beforeLabel, movement, joined, left);

        static Dictionary<string, string> ById(IEnumerable<(string AccountId, string Band)> accounts)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (id, band) in accounts)
            {
                map[id] = band; // the last scoring of an account wins
            }

            return map;
        }
    }

    /// <summary>Per tier, highest touch first: accounts, ARR, potential value (infinite when one is unbounded) and value at risk.</summary>
    public static IReadOnlyList<TierSummary> Tiers(IEnumerable<DashboardAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var count = new int[3];
        var arr = new double[3];
        var potential = new double[3];
        var risk = new double[3];
        foreach (var a in accounts)
        {
            var t = (int)a.Tier;
            count[t]++;
            arr[t] += a.Arr;
            potential[t] += double.IsNaN(a.PotentialValue) ? 0 : a.PotentialValue;
            risk[t] += double.IsNaN(a.ValueAtRisk) ? 0 : a.ValueAtRisk;
        }

        return [.. DashboardFormat.TierOrder.Select(t => new TierSummary(t, count[(int)t], arr[(int)t], potential[(int)t], risk[(int)t]))];
    }

    /// <summary>
    /// The queue per owner: every account with an action and an owner, by priority (then value at risk, then id);
    /// owners ordered by their most urgent action.
    /// </summary>
    public static IReadOnlyList<OwnerQueue> Queues(IEnumerable<DashboardAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        return
        [
            .. accounts
                .Where(a => !string.IsNullOrWhiteSpace(a.Action) && !string.IsNullOrWhiteSpace(a.Owner))
                .Select(a => (Owner: a.Owner!, Item: new QueuedAction(a.AccountId, a.Action!, a.Why, a.Due, a.Priority, a.Tier, a.ValueAtRisk)))
                .GroupBy(p => p.Owner, StringComparer.Ordinal)
                .Select(g => new OwnerQueue(g.Key, [.. g.Select(p => p.Item).OrderBy(i => i, QueueOrder.Instance)]))
                .OrderBy(q => q.Actions[0], QueueOrder.Instance)
                .ThenBy(q => q.Owner, StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// Per tier, high-touch first: the at-risk accounts by <paramref name="rule"/> and those without an action. The
    /// portfolio passes the playbook lint's own counts instead (<see cref="PlaybookLintReport.Tiers"/>); both apply the
    /// same <see cref="AtRiskRule"/>.
    /// </summary>
    public static IReadOnlyList<AtRiskCoverage> Coverage(IEnumerable<DashboardAccount> accounts, AtRiskRule rule)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(rule);
        var counts = new int[3, 4];
        foreach (var a in accounts)
        {
            var t = (int)a.Tier;
            var bare = string.IsNullOrWhiteSpace(a.Action);
            if (AtRiskRule.IsHighRisk(BandOf(a.ChurnBand)))
            {
                counts[t, 0]++;
                counts[t, 1] += bare ? 1 : 0;
            }

            if (rule.IsFallingHealth(a.HealthChange))
            {
                counts[t, 2]++;
                counts[t, 3] += bare ? 1 : 0;
            }
        }

        return [.. DashboardFormat.TierOrder.Select(t => new AtRiskCoverage(t, counts[(int)t, 0], counts[(int)t, 1], counts[(int)t, 2], counts[(int)t, 3]))];

        static CsScoring.Churn.RiskBand BandOf(string? band) => string.Equals(band, "high", StringComparison.OrdinalIgnoreCase) ? CsScoring.Churn.RiskBand.High : CsScoring.Churn.RiskBand.Low;
    }

    /// <summary>The headcount plan of a capacity plan, highest touch first, each tier's cost at the plan's CSM cost.</summary>
    public static HeadcountPlan Headcount(CapacityPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var yearly = (double)plan.CsmMonthlyCost * 12;
        var tiers = DashboardFormat.TierOrder
            .Select(t => plan.Tiers.Where(x => x.Model == t)
                .Select(x => new TierHeadcount(t, x.Accounts, x.AccountsPerCsm, x.CsmsNeeded, x.CsmsNeeded * yearly))
                .DefaultIfEmpty(new TierHeadcount(t, 0, double.NaN, 0, 0))
                .First())
            .ToList();
        var share = plan.TotalArr == 0 ? double.NaN : (double)(plan.Budget / plan.TotalArr);
        return new HeadcountPlan(tiers, plan.OnboardingCsms + plan.RenewalCsms, plan.CsmsNeeded, plan.CsmsAffordable, (double)plan.Budget, (double)plan.CostOfNeeded, yearly, share);
    }

    private static KpiTile Tile(string name, KpiFormat format, List<KpiPoint> trend, bool higherIsBetter = true)
        => new(name, trend.Count > 0 ? trend[^1].Value : double.NaN, format, trend.Count > 1 ? trend[^2].Value : double.NaN, trend, higherIsBetter);

    /// <summary>Priority first (none last), then the larger value at risk, then the account id (ordinal).</summary>
    internal sealed class QueueOrder : IComparer<QueuedAction>
    {
        public static readonly QueueOrder Instance = new();

        public int Compare(QueuedAction? x, QueuedAction? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? 1 : -1;
            }

            var byPriority = (x.Priority ?? int.MaxValue).CompareTo(y.Priority ?? int.MaxValue);
            if (byPriority != 0)
            {
                return byPriority;
            }

            var byRisk = (double.IsNaN(y.ValueAtRisk) ? -1 : y.ValueAtRisk).CompareTo(double.IsNaN(x.ValueAtRisk) ? -1 : x.ValueAtRisk);
            return byRisk != 0 ? byRisk : string.CompareOrdinal(x.AccountId, y.AccountId);
        }
    }
}
