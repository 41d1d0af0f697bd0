using CsScoring.Segmentation;

namespace CsScoring.Training.Reporting.Dashboard;

/// <summary>
/// Gathers what the dashboard shows from accounts handed over one by one, in bounded memory: totals, tiers, the risk
/// matrix's quadrants, the accounts the page draws or lists (the most value at risk and an id-hashed sample, the same
/// ones <see cref="DashboardCharts.Sample"/> would pick from the whole book) and each owner's most urgent actions. Its
/// size depends on the page's limits, never on the number of accounts.
/// </summary>
internal sealed class DashboardCollector(double? highRiskThreshold)
{
    private readonly TopQueue<DashboardAccount> _riskiest = new(Math.Max(DashboardCharts.ScatterTopByRisk, DashboardPage.TopAccounts), DashboardCharts.ByRisk);
    private readonly TopQueue<(uint Hash, DashboardAccount Account)> _sample = new(DashboardCharts.MaxScatterPoints, (x, y) => x.Hash != y.Hash ? x.Hash.CompareTo(y.Hash) : string.CompareOrdinal(x.Account.AccountId, y.Account.AccountId));
    private readonly Dictionary<string, OwnerState> _owners = new(StringComparer.Ordinal);
    private readonly int[] _tierAccounts = new int[3];
    private readonly double[] _tierArr = new double[3];
    private readonly double[] _tierPotential = new double[3];
    private readonly double[] _tierRisk = new double[3];

    // Quadrants: [valuable (high-touch)][at risk (p >= the model's high threshold)].
    private readonly int[,] _quadrantAccounts = new int[2, 2];
    private readonly double[,] _quadrantArr = new double[2, 2];
    private readonly double[,] _quadrantRisk = new double[2, 2];
    private double _highTouchCut = double.PositiveInfinity;
    private DashboardTotals _totals = new(0, 0, 0, 0, false);

    public void Add(DashboardAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var valued = double.IsFinite(account.ValueAtRisk);
        _totals = new DashboardTotals(
            _totals.Accounts + 1,
            _totals.Arr + account.Arr,
            _totals.ValueAtRisk + (valued ? account.ValueAtRisk : 0),
            _totals.WithAction + (string.IsNullOrWhiteSpace(account.Action) ? 0 : 1),
            _totals.HasChurnModel || double.IsFinite(account.ChurnProbability));
        var t = (int)account.Tier;
        _tierAccounts[t]++;
        _tierArr[t] += account.Arr;
        _tierPotential[t] += double.IsNaN(account.PotentialValue) ? 0 : account.PotentialValue;
        _tierRisk[t] += valued ? account.ValueAtRisk : 0;

        var plotted = double.IsFinite(account.ChurnProbability) && (double.IsPositiveInfinity(account.PotentialValue) || account.PotentialValue >= 0);
        if (plotted && highRiskThreshold is { } threshold)
        {
            var high = account.Tier == TouchModel.HighTouch ? 1 : 0;
            var risky = account.ChurnProbability >= threshold ? 1 : 0;
            _quadrantAccounts[high, risky]++;
            _quadrantArr[high, risky] += account.Arr;
            _quadrantRisk[high, risky] += valued ? account.ValueAtRisk : 0;
            if (high == 1)
            {
                _highTouchCut = Math.Min(_highTouchCut, account.PotentialValue);
            }
        }

        _riskiest.Add(account);
        _sample.Add((DashboardCharts.StableHash(account.AccountId), account));

        if (!string.IsNullOrWhiteSpace(account.Action) && !string.IsNullOrWhiteSpace(account.Owner))
        {
            if (!_owners.TryGetValue(account.Owner, out var owner))
            {
                owner = new OwnerState();
                _owners[account.Owner] = owner;
            }

            owner.Add(new QueuedAction(account.AccountId, account.Action, account.Why, account.Due, account.Priority, account.Tier, account.ValueAtRisk));
        }
    }

    /// <summary>The page's data from what was gathered, with the parts the collector does not see given.</summary>
    public DashboardData Build(string title, string? company, DateOnly asOf, string? currency, IReadOnlyList<KpiTile> kpis, HealthBands? health, HeadcountPlan? headcount)
    {
        // The same accounts DashboardCharts.Sample picks from the whole book: the riskiest, then the smallest hashes of the rest.
        var top = _riskiest.Sorted();
        var chosen = new HashSet<string>(top.Take(DashboardCharts.ScatterTopByRisk).Select(a => a.AccountId), StringComparer.Ordinal);
        var rest = _sample.Sorted().Where(x => !chosen.Contains(x.Account.AccountId)).Take(DashboardCharts.MaxScatterPoints - DashboardCharts.ScatterTopByRisk).Select(x => x.Account);
        var accounts = top.Concat(rest).DistinctBy(a => a.AccountId, StringComparer.Ordinal).ToList();
        var tiers = DashboardFormat.TierOrder.Select(t => new TierSummary(t, _tierAccounts[(int)t], _tierArr[(int)t], _tierPotential[(int)t], _tierRisk[(int)t])).ToList();
        var queues = _owners
            .Select(o => o.Value.Queue(o.Key))
            .OrderBy(q => q.Actions[0], DashboardBuilder.QueueOrder.Instance)
            .ThenBy(q => q.Owner, StringComparer.Ordinal)
            .ToList();
        IReadOnlyList<DashboardCharts.Quadrant>? quadrants = null;
        if (highRiskThreshold is not null && _tierAccounts[(int)TouchModel.HighTouch] > 0)
        {
            quadrants =
            [
                Quadrant("valuable, at risk: save", 1, 1, true),
                Quadrant("smaller, at risk: save at scale", 0, 1, false),
                Quadrant("valuable, healthy: grow", 1, 0, false),
                Quadrant("smaller, healthy: keep automated", 0, 0, false),
            ];
        }

        return new DashboardData(title, company, asOf, currency, kpis, health, accounts, tiers, queues, headcount)
        {
            HighRiskThreshold = highRiskThreshold,
            Totals = _totals,
            Quadrants = quadrants,
            HighTouchCut = double.IsFinite(_highTouchCut) ? _highTouchCut : null,
        };

        DashboardCharts.Quadrant Quadrant(string label, int high, int risky, bool highlight)
            => new(label, _quadrantAccounts[high, risky], _quadrantArr[high, risky], _quadrantRisk[high, risky], highlight);
    }

    private sealed class OwnerState
    {
        private readonly TopQueue<QueuedAction> _top = new(DashboardPage.ActionsPerOwner, DashboardBuilder.QueueOrder.Instance.Compare);
        private readonly bool[] _tiers = new bool[3];
        private int _count;
        private double _valueAtRisk;

        public void Add(QueuedAction action)
        {
            _count++;
            _valueAtRisk += double.IsFinite(action.ValueAtRisk) ? action.ValueAtRisk : 0;
            _tiers[(int)action.Tier] = true;
            _top.Add(action);
        }

        public OwnerQueue Queue(string owner) => new(owner, _top.Sorted())
        {
            Count = _count,
            TotalValueAtRisk = _valueAtRisk,
            Tiers = [.. DashboardFormat.TierOrder.Where(t => _tiers[(int)t])],
        };
    }

    /// <summary>The first <c>count</c> items in an order, kept in a bounded max-heap.</summary>
    private sealed class TopQueue<T>(int count, Comparison<T> order)
    {
        private readonly PriorityQueue<T, T> _kept = new(Comparer<T>.Create((x, y) => order(y, x)));

        public void Add(T item)
        {
            if (_kept.Count < count)
            {
                _kept.Enqueue(item, item);
            }
            else if (count > 0 && order(item, _kept.Peek()) < 0)
            {
                _kept.EnqueueDequeue(item, item);
            }
        }

        public List<T> Sorted()
        {
            var items = _kept.UnorderedItems.Select(x => x.Element).ToList();
            items.Sort(order);
            return items;
        }
    }
}

/// <summary>The whole book's headline figures, for a page that holds only some of its accounts.</summary>
/// <param name="Accounts">Current accounts.</param>
/// <param name="Arr">Their ARR.</param>
/// <param name="ValueAtRisk">Their value at risk (not valued ones left out).</param>
/// <param name="WithAction">Accounts with an action.</param>
/// <param name="HasChurnModel">Whether any account has a churn probability.</param>
internal sealed record DashboardTotals(int Accounts, double Arr, double ValueAtRisk, int WithAction, bool HasChurnModel);
