using CsScoring.Playbooks;
using CsScoring.Segmentation;

namespace CsScoring.Training.Reporting.Dashboard;

/// <summary>
/// Everything the dashboard shows, as plain data: the page renders it and computes nothing but layout, sums and
/// counts. Money is a <see cref="double"/> in <see cref="Currency"/>: NaN means "not known" (no model, not valued),
/// positive infinity means "unbounded" (a lifetime value with no finite figure), and the page says so in words.
/// </summary>
/// <param name="Title">The page title, e.g. "Customer success: Monday overview".</param>
/// <param name="Company">The company or book name, or <see langword="null"/>.</param>
/// <param name="AsOf">The date the book is seen on.</param>
/// <param name="Currency">The currency label (USD, EUR, GBP and JPY get their symbol; others are written after the figure), or <see langword="null"/>.</param>
/// <param name="Kpis">The KPI tiles, in display order; empty when there is no ledger (see <see cref="KpiNote"/>).</param>
/// <param name="Health">Health bands now, some periods back, and the movement between them; <see langword="null"/> when health was not scored.</param>
/// <param name="Accounts">One row per current account, as <c>portfolio.csv</c> has them, in any order.</param>
/// <param name="Tiers">Per tier: accounts, ARR, potential value, value at risk (see <see cref="DashboardBuilder.Tiers"/>).</param>
/// <param name="Queues">The action queue per owner (see <see cref="DashboardBuilder.Queues"/>).</param>
/// <param name="Headcount">The headcount plan, or <see langword="null"/> when none was made.</param>
internal sealed record DashboardData(
    string Title,
    string? Company,
    DateOnly AsOf,
    string? Currency,
    IReadOnlyList<KpiTile> Kpis,
    HealthBands? Health,
    IReadOnlyList<DashboardAccount> Accounts,
    IReadOnlyList<TierSummary> Tiers,
    IReadOnlyList<OwnerQueue> Queues,
    HeadcountPlan? Headcount)
{
    /// <summary>Why there are no KPI tiles (e.g. "No MRR ledger in the data folder"), shown in their place; <see langword="null"/> for the default note.</summary>
    public string? KpiNote { get; init; }

    /// <summary>Why there is no churn risk (e.g. "No churn model was given"), shown in place of the risk matrix; <see langword="null"/> for the default note.</summary>
    public string? RiskNote { get; init; }

    /// <summary>
    /// The churn probability from which the model calls an account high risk (the horizontal guide of the risk
    /// matrix); <see langword="null"/> to take the lowest probability of the accounts in the model's <c>high</c> band.
    /// </summary>
    public double? HighRiskThreshold { get; init; }

    /// <summary>The definition of an at-risk account the coverage table counts by.</summary>
    /// <value>The default value is <see cref="AtRiskRule.Default"/>.</value>
    public AtRiskRule AtRisk { get; init; } = AtRiskRule.Default;

    /// <summary>
    /// Per tier, the at-risk accounts and those without an action, as the playbook lint counted them (pass
    /// <see cref="PlaybookLintReport.Tiers"/>); when not given, counted from <see cref="Accounts"/> by <see cref="AtRisk"/>.
    /// </summary>
    public IReadOnlyList<AtRiskCoverage> AtRiskCoverage
    {
        get => field ?? DashboardBuilder.Coverage(Accounts, AtRisk);
        init;
    }

    /// <summary>
    /// The whole book's headline figures when <see cref="Accounts"/> holds only some accounts (a
    /// <see cref="DashboardCollector"/>'s bounded selection); when not given, summed over <see cref="Accounts"/>.
    /// </summary>
    public DashboardTotals Totals
    {
        get => field ?? new DashboardTotals(
            Accounts.Count,
            Accounts.Sum(a => a.Arr),
            Accounts.Where(a => double.IsFinite(a.ValueAtRisk)).Sum(a => a.ValueAtRisk),
            Accounts.Count(a => !string.IsNullOrWhiteSpace(a.Action)),
            Accounts.Any(a => double.IsFinite(a.ChurnProbability)));
        init;
    }

    /// <summary>The risk matrix's quadrants tallied over the whole book (valuable = high-touch); <see langword="null"/> to tally <see cref="Accounts"/>.</summary>
    public IReadOnlyList<DashboardCharts.Quadrant>? Quadrants { get; init; }

    /// <summary>The lowest potential value in high-touch over the whole book; <see langword="null"/> to take it from <see cref="Accounts"/>.</summary>
    public double? HighTouchCut { get; init; }

    /// <summary>Whether any account has a churn probability (a model was applied).</summary>
    public bool HasChurnModel => Totals.HasChurnModel;
}

/// <summary>How a KPI value reads.</summary>
internal enum KpiFormat
{
    /// <summary>Money in the page's currency, compact (1.2 M).</summary>
    Currency,

    /// <summary>A share, shown as a percentage; changes in percentage points.</summary>
    Percent,

    /// <summary>A count or plain number with thousands separators.</summary>
    Number,

    /// <summary>A score such as NPS (-100..100), signed; changes in points.</summary>
    Score,

    /// <summary>A ratio such as DAU/MAU, to three decimals.</summary>
    Ratio,
}

/// <summary>One KPI tile: the current value, the change on the previous period and a trend line.</summary>
/// <param name="Name">The KPI's name, e.g. "Net revenue retention".</param>
/// <param name="Value">The current value (NaN: not known).</param>
/// <param name="Format">How to read <paramref name="Value"/>.</param>
/// <param name="Previous">The value one period before (NaN when there is none): the tile shows the change.</param>
/// <param name="Trend">The values per period, oldest first, for the sparkline (may be empty).</param>
/// <param name="HigherIsBetter">Whether a rise is good news (false for churn).</param>
internal sealed record KpiTile(string Name, double Value, KpiFormat Format, double Previous, IReadOnlyList<KpiPoint> Trend, bool HigherIsBetter = true)
{
    /// <summary>What the value measures, e.g. "trailing 12 months to 2024-06" (shown under the name), or <see langword="null"/>.</summary>
    public string? Caption { get; init; }

    /// <summary>
    /// The change on the previous period: relative (a fraction) for money and numbers, absolute (points) for shares,
    /// scores and ratios; NaN when either value is missing or a relative change has no base.
    /// </summary>
    public double Change => !double.IsFinite(Value) || !double.IsFinite(Previous)
        ? double.NaN
        : Format is KpiFormat.Currency or KpiFormat.Number
            ? (Previous == 0 ? double.NaN : (Value - Previous) / Math.Abs(Previous))
            : Value - Previous;
}

/// <summary>One point of a KPI's trend.</summary>
/// <param name="Period">The period's label, e.g. "2024-06".</param>
/// <param name="Value">The value (NaN: a gap).</param>
internal readonly record struct KpiPoint(string Period, double Value);

/// <summary>Health bands now and some periods back, and how accounts moved between them.</summary>
/// <param name="Bands">The band names, worst first (e.g. red, yellow, green); an unscored band such as <c>insufficient_data</c> may come last.</param>
/// <param name="Now">Accounts per band now, in <paramref name="Bands"/> order.</param>
/// <param name="Before">Accounts per band at <paramref name="BeforeLabel"/>, in <paramref name="Bands"/> order.</param>
/// <param name="BeforeLabel">When "before" was, e.g. "2024-03-31 (3 months earlier)".</param>
/// <param name="Movement">Accounts in both: <c>Movement[from][to]</c>, indices into <paramref name="Bands"/>.</param>
/// <param name="Joined">Per band now, accounts that were not in the book before.</param>
/// <param name="Left">Per band before, accounts no longer in the book.</param>
internal sealed record HealthBands(
    IReadOnlyList<string> Bands,
    IReadOnlyList<int> Now,
    IReadOnlyList<int> Before,
    string BeforeLabel,
    IReadOnlyList<IReadOnlyList<int>> Movement,
    IReadOnlyList<int> Joined,
    IReadOnlyList<int> Left);

/// <summary>One current account, with the columns of <c>portfolio.csv</c>.</summary>
/// <param name="AccountId">The account id, raw (the page escapes it).</param>
/// <param name="Arr">Annual recurring revenue.</param>
/// <param name="HealthScore">The health score 0..100 (NaN: not scored).</param>
/// <param name="HealthBand">The health band's name, or <see langword="null"/>.</param>
/// <param name="HealthChange">The change in health score over the trend window (NaN: unknown).</param>
/// <param name="ChurnProbability">The churn probability over the model's horizon (NaN: no model).</param>
/// <param name="ChurnBand">The model's band (low, medium, high), or <see langword="null"/>.</param>
/// <param name="TopReasons">The top churn reasons in words, or <see langword="null"/>.</param>
/// <param name="PotentialValue">Value if retained (+infinity: unbounded; NaN: not valued).</param>
/// <param name="ExpectedValue">Value given the churn risk (+infinity: unbounded; NaN: not valued).</param>
/// <param name="ValueAtRisk">Value at risk over the horizon (NaN: not valued).</param>
/// <param name="Tier">The touch model.</param>
/// <param name="Priority">The account's place in the action queue (1 first), or <see langword="null"/> without an action.</param>
/// <param name="Action">The action, or <see langword="null"/>.</param>
/// <param name="Owner">Who does it (a named CSM, a pooled team, automated), or <see langword="null"/>.</param>
/// <param name="Due">When it is due, or <see langword="null"/>.</param>
/// <param name="Why">The reasons that fired, in words, or <see langword="null"/>.</param>
internal sealed record DashboardAccount(
    string AccountId,
    double Arr,
    double HealthScore,
    string? HealthBand,
    double HealthChange,
    double ChurnProbability,
    string? ChurnBand,
    string? TopReasons,
    double PotentialValue,
    double ExpectedValue,
    double ValueAtRisk,
    TouchModel Tier,
    int? Priority,
    string? Action,
    string? Owner,
    DateOnly? Due,
    string? Why);

/// <summary>One tier's share of the book.</summary>
/// <param name="Tier">The touch model.</param>
/// <param name="Accounts">Accounts in it.</param>
/// <param name="Arr">Their ARR.</param>
/// <param name="PotentialValue">Their potential value (+infinity when one is unbounded).</param>
/// <param name="ValueAtRisk">Their value at risk.</param>
internal sealed record TierSummary(TouchModel Tier, int Accounts, double Arr, double PotentialValue, double ValueAtRisk);

/// <summary>One owner's queue of actions.</summary>
/// <param name="Owner">The owner (a named CSM, a pooled team, automated).</param>
/// <param name="Actions">All the owner's actions, most urgent first (the page shows the first few and counts the rest).</param>
internal sealed record OwnerQueue(string Owner, IReadOnlyList<QueuedAction> Actions)
{
    /// <summary>All the owner's actions, when <see cref="Actions"/> holds only the most urgent; by default their count.</summary>
    public int Count
    {
        get => field < 0 ? Actions.Count : field;
        init;
    }

    = -1;

    /// <summary>The value at risk of all the owner's accounts, when <see cref="Actions"/> holds only some; <see langword="null"/> to sum them.</summary>
    public double? TotalValueAtRisk { get; init; }

    /// <summary>The tiers of all the owner's accounts, highest touch first; <see langword="null"/> to take them from <see cref="Actions"/>.</summary>
    public IReadOnlyList<TouchModel>? Tiers { get; init; }

    /// <summary>The value at risk of the queue's accounts (NaN ones left out).</summary>
    public double ValueAtRisk => TotalValueAtRisk ?? Actions.Where(a => double.IsFinite(a.ValueAtRisk)).Sum(a => a.ValueAtRisk);
}

/// <summary>One action in an owner's queue.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Action">What to do.</param>
/// <param name="Why">The reasons that fired, in words.</param>
/// <param name="Due">When it is due, or <see langword="null"/>.</param>
/// <param name="Priority">The place in the queue (1 first), or <see langword="null"/>.</param>
/// <param name="Tier">The account's touch model.</param>
/// <param name="ValueAtRisk">The account's value at risk (NaN: not valued).</param>
internal sealed record QueuedAction(string AccountId, string Action, string? Why, DateOnly? Due, int? Priority, TouchModel Tier, double ValueAtRisk);

/// <summary>The CS headcount the tiers need against what the budget pays for.</summary>
/// <param name="Tiers">Per tier: accounts, accounts per CSM, CSMs needed and their yearly cost.</param>
/// <param name="OtherCsms">CSMs for the onboarding and renewal load, on top of the tiers.</param>
/// <param name="CsmsNeeded">All the CSMs the book needs.</param>
/// <param name="CsmsAffordable">CSMs the budget pays for.</param>
/// <param name="Budget">The yearly CS budget.</param>
/// <param name="CostOfNeeded">The yearly cost of <paramref name="CsmsNeeded"/>.</param>
/// <param name="CsmYearlyCost">The fully loaded yearly cost of one CSM.</param>
/// <param name="BudgetShareOfArr">The budget as a share of ARR.</param>
internal sealed record HeadcountPlan(
    IReadOnlyList<TierHeadcount> Tiers, double OtherCsms, double CsmsNeeded, double CsmsAffordable, double Budget, double CostOfNeeded, double CsmYearlyCost, double BudgetShareOfArr)
{
    /// <summary>Affordable minus needed CSMs: negative when the budget falls short.</summary>
    public double HeadcountGap => CsmsAffordable - CsmsNeeded;

    /// <summary>Budget minus the cost of the need: negative when the budget falls short.</summary>
    public double MoneyGap => Budget - CostOfNeeded;
}

/// <summary>One tier's headcount.</summary>
/// <param name="Tier">The touch model.</param>
/// <param name="Accounts">Accounts in it.</param>
/// <param name="AccountsPerCsm">Accounts one CSM serves in it.</param>
/// <param name="CsmsNeeded">Accounts / accounts per CSM.</param>
/// <param name="Cost">The yearly cost of those CSMs.</param>
internal sealed record TierHeadcount(TouchModel Tier, int Accounts, double AccountsPerCsm, double CsmsNeeded, double Cost);
