using CsScoring.Playbooks;
using CsScoring.Segmentation;
using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>One tier's share of the book.</summary>
/// <param name="Tier">The tier.</param>
/// <param name="Accounts">Its accounts.</param>
/// <param name="Arr">Their ARR.</param>
/// <param name="PotentialValue">Their potential value (unbounded when one is).</param>
/// <param name="ValueAtRisk">Their value at risk (unbounded when one is).</param>
/// <param name="Escalated">Its accounts escalated to a named CSM.</param>
/// <param name="HighestChurnProbability">The highest churn probability among its accounts (NaN when empty).</param>
public sealed record TierSummary(TouchModel Tier, int Accounts, decimal Arr, LtvResult PotentialValue, LtvResult ValueAtRisk, int Escalated, double HighestChurnProbability);

/// <summary>Health band distribution now and <see cref="Periods"/> snapshots back, and how accounts moved between bands.</summary>
/// <param name="Periods">How many snapshots back.</param>
/// <param name="Bands">The band names, worst first as the scorecard orders them, then <c>insufficient_data</c>.</param>
/// <param name="Now">Accounts per band now.</param>
/// <param name="Before">Accounts per band then (accounts with that history only).</param>
/// <param name="Movement">Accounts by band then (row) and band now (column), for accounts with that history.</param>
/// <param name="WithoutHistory">Current accounts without a snapshot that far back.</param>
public sealed record HealthBandMovement(int Periods, IReadOnlyList<string> Bands, IReadOnlyList<int> Now, IReadOnlyList<int> Before, IReadOnlyList<IReadOnlyList<int>> Movement, int WithoutHistory);

/// <summary>One queued action.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Priority">Its priority across the book.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Escalated">Whether it was escalated.</param>
/// <param name="Rule">The playbook rule.</param>
/// <param name="Action">What to do.</param>
/// <param name="Why">Why, as a CSM reads it.</param>
/// <param name="Due">When it is due.</param>
/// <param name="ValueAtRisk">Its value at risk.</param>
public sealed record QueuedAction(string AccountId, int Priority, TouchModel Tier, bool Escalated, string Rule, string Action, string Why, DateOnly Due, LtvResult ValueAtRisk);

/// <summary>An owner's action queue: the most urgent actions by priority.</summary>
/// <param name="Owner">The owner.</param>
/// <param name="Accounts">Accounts with an action for this owner.</param>
/// <param name="Top">The first actions by priority.</param>
public sealed record OwnerActions(PlaybookOwner Owner, int Accounts, IReadOnlyList<QueuedAction> Top);

/// <summary>A playbook rule's share of the portfolio.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Accounts">The accounts it picked.</param>
/// <param name="Arr">Their ARR.</param>
/// <param name="ValueAtRisk">Their bounded value at risk (unbounded figures are left out and counted by the tier summaries).</param>
public sealed record PlaybookActionSummary(string Rule, int Accounts, decimal Arr, decimal ValueAtRisk);

/// <summary>The portfolio's figures: as-of date, tiers, health movement, action queues, playbook lint and headcount plan.</summary>
/// <param name="AsOf">The as-of date.</param>
/// <param name="AsOfInferred">Whether it was inferred from the data.</param>
/// <param name="FutureRowsIgnored">Snapshot rows after the as-of date that were ignored.</param>
/// <param name="Warnings">What the user should know (future rows ignored, playbook lint), each a sentence.</param>
/// <param name="Accounts">Current customers.</param>
/// <param name="FormerAccounts">Accounts whose snapshots end before the as-of date.</param>
/// <param name="Tiers">Per tier, high-touch first.</param>
/// <param name="HealthBands">The health band distribution and movement.</param>
/// <param name="Actions">Per playbook rule, most accounts first (ties by name).</param>
/// <param name="ActionQueue">Per owner, the most urgent actions.</param>
/// <param name="Lint">The playbook lint over this book.</param>
/// <param name="Capacity">The headcount plan for the tiers (escalated accounts count as high-touch).</param>
public sealed record PortfolioSummary(
    DateOnly AsOf,
    bool AsOfInferred,
    int FutureRowsIgnored,
    IReadOnlyList<string> Warnings,
    int Accounts,
    int FormerAccounts,
    IReadOnlyList<TierSummary> Tiers,
    HealthBandMovement HealthBands,
    IReadOnlyList<PlaybookActionSummary> Actions,
    IReadOnlyList<OwnerActions> ActionQueue,
    PlaybookLintReport Lint,
    CapacityPlan Capacity);

/// <summary>A whole portfolio in memory: every row by priority and the summary.</summary>
/// <param name="Rows">The rows, by priority (1 first).</param>
/// <param name="Summary">The summary.</param>
public sealed record PortfolioResult(IReadOnlyList<PortfolioRow> Rows, PortfolioSummary Summary);
