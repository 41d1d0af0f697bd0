using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Playbooks;
using CsScoring.Segmentation;
using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>An account's churn risk as the portfolio joins it.</summary>
/// <param name="Probability">The churn probability.</param>
/// <param name="Band">The risk band.</param>
/// <param name="TopReason">The strongest reason in words, or <see langword="null"/>.</param>
public sealed record ChurnRisk(double Probability, RiskBand Band, string? TopReason);

/// <summary>An account's health as the portfolio joins it.</summary>
/// <param name="Score">The score (NaN when the account has too little data to be scored).</param>
/// <param name="Band">The band's name.</param>
public sealed record HealthStanding(double Score, string Band);

/// <summary>Which value current customers were tiered by.</summary>
public enum TieringBasis
{
    /// <summary>Expected lifetime value where one is known, else ARR.</summary>
    ExpectedLtv,

    /// <summary>ARR (no account has a lifetime value).</summary>
    Arr,
}

/// <summary>One current customer with everything the parts say about it, its touch model and its next action.</summary>
/// <param name="Account">The account and its snapshot signals.</param>
/// <param name="Churn">Its churn risk, or <see langword="null"/> when it was not scored.</param>
/// <param name="Health">Its health, or <see langword="null"/> when it was not scored.</param>
/// <param name="Value">Its expected LTV and value at risk, or <see langword="null"/> when not valued (not paying, or no churn probability).</param>
/// <param name="Touch">Its touch model.</param>
/// <param name="Recommendation">The playbook's action, or <see langword="null"/> when no rule matched.</param>
public sealed record PortfolioEntry(PortfolioAccount Account, ChurnRisk? Churn, HealthStanding? Health, AccountValue? Value, TouchModel Touch, PlaybookRecommendation? Recommendation)
{
    /// <summary>The expected LTV rounded to cents (no trailing zeros); <see langword="null"/> when not valued or unbounded (see <see cref="Value"/> for the status).</summary>
    public decimal? ExpectedLtv => Value is { } v && v.ExpectedLtv.TryGetValue(out var ltv) ? Cents(ltv) : null;

    /// <summary>The value at risk rounded to cents (no trailing zeros; 0 when not valued).</summary>
    public decimal ValueAtRisk => Value is { } v ? Cents(v.ValueAtRisk) : 0m;

    // Dividing by 1 with 28 decimal places keeps the value and drops the trailing zeros of its scale.
    private static decimal Cents(decimal value) => Math.Round(value, 2) / 1.0000000000000000000000000000m;
}

/// <summary>A playbook rule's share of the portfolio.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Accounts">The accounts it picked.</param>
/// <param name="Arr">Their ARR.</param>
/// <param name="ValueAtRisk">Their value at risk.</param>
public sealed record PlaybookActionSummary(string Rule, int Accounts, decimal Arr, decimal ValueAtRisk);

/// <summary>The joined portfolio: every current customer, its tier and action, and the CS capacity the tiers need.</summary>
/// <param name="Entries">The accounts, by descending value at risk, then account id (ordinal).</param>
/// <param name="Basis">What the tiers were cut by.</param>
/// <param name="Tiering">The tier thresholds.</param>
/// <param name="Options">The capacity options the plan used.</param>
/// <param name="Capacity">The headcount plan.</param>
/// <param name="Actions">Per playbook rule, the accounts it picked, most accounts first (ties by name).</param>
public sealed record PortfolioPlan(
    IReadOnlyList<PortfolioEntry> Entries, TieringBasis Basis, TieringPolicy Tiering, CapacityOptions Options, CapacityPlan Capacity, IReadOnlyList<PlaybookActionSummary> Actions);

/// <summary>
/// Joins the parts per current customer, in memory and by raw account id: churn risk, health and value; tiers the
/// accounts by potential value (expected LTV, else ARR; an unbounded LTV ranks above every bounded one), plans the CS
/// capacity the tiers need, and picks each account's playbook action with its reasons.
/// </summary>
/// <remarks>
/// The playbook sees the signals <c>churn_probability</c>, <c>touch_model</c>, <c>health_score</c>,
/// <c>health_band</c>, <c>arr</c> and the account's snapshot signals; a missing number is NaN, so a condition on it
/// does not hold. Thread-safe: the inputs are only read.
/// </remarks>
public static class PortfolioBuilder
{
    /// <summary>Builds the portfolio.</summary>
    /// <param name="accounts">The current customers (see <see cref="PortfolioAccount.ReadCurrent"/>); at least one.</param>
    /// <param name="churn">Churn risk by account id.</param>
    /// <param name="health">Health by account id.</param>
    /// <param name="values">Expected LTV and value at risk by account id.</param>
    /// <param name="playbook">The playbook; <see langword="null"/> for <see cref="Playbook.Default"/>.</param>
    /// <param name="options">The capacity options; <see langword="null"/> for the defaults.</param>
    /// <returns>The portfolio.</returns>
    /// <exception cref="ArgumentException"><paramref name="accounts"/> is empty or an ARR is negative.</exception>
    public static PortfolioPlan Build(
        IReadOnlyList<PortfolioAccount> accounts,
        IReadOnlyDictionary<string, ChurnRisk> churn,
        IReadOnlyDictionary<string, HealthStanding> health,
        IReadOnlyDictionary<string, AccountValue> values,
        Playbook? playbook = null,
        CapacityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(churn);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(values);
        if (accounts.Count == 0)
        {
            throw new ArgumentException("A portfolio needs at least one account.", nameof(accounts));
        }

        playbook ??= Playbook.Default;
        options ??= new CapacityOptions();
        var joined = accounts.Select(a => (
            Account: a,
            Churn: churn.GetValueOrDefault(a.AccountId),
            Health: health.GetValueOrDefault(a.AccountId),
            Value: values.TryGetValue(a.AccountId, out var v) ? v : (AccountValue?)null)).ToList();

        // Tier by expected LTV where there is one, else by ARR: the value CS coverage should follow.
        var tierValues = joined.Select(j => TierValue(j.Account, j.Value)).ToArray();
        var policy = TieringPolicy.FromShares(tierValues);
        var entries = new List<PortfolioEntry>(joined.Count);
        for (var i = 0; i < joined.Count; i++)
        {
            var (account, risk, standing, value) = joined[i];
            var touch = policy.Assign(tierValues[i]);
            var recommendation = playbook.Recommend(Signals(account, risk, standing, touch));
            entries.Add(new PortfolioEntry(account, risk, standing, value, touch, recommendation));
        }

        var plan = CapacityPlanner.Plan(entries.Select(e => (e.Touch, e.Account.Arr)), options);
        entries.Sort((a, b) => b.ValueAtRisk.CompareTo(a.ValueAtRisk) is var byRisk && byRisk != 0 ? byRisk : string.CompareOrdinal(a.Account.AccountId, b.Account.AccountId));
        var actions = entries.Where(e => e.Recommendation is not null)
            .GroupBy(e => e.Recommendation!.Rule, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PlaybookActionSummary(g.Key, g.Count(), g.Sum(e => e.Account.Arr), g.Sum(e => e.ValueAtRisk)))
            .ToList();
        var basis = churn.Count > 0 && values.Count > 0 ? TieringBasis.ExpectedLtv : TieringBasis.Arr;
        return new PortfolioPlan(entries, basis, policy, options, plan, actions);
    }

    /// <summary>
    /// The signals the playbook sees for an account, in the one shape of account attributes (text; numbers written
    /// with "R" so they read back exactly; a missing value is <see langword="null"/>).
    /// </summary>
    /// <param name="account">The account.</param>
    /// <param name="churn">Its churn risk, or <see langword="null"/>.</param>
    /// <param name="health">Its health, or <see langword="null"/>.</param>
    /// <param name="touch">Its touch model.</param>
    public static IReadOnlyDictionary<string, string?> Signals(PortfolioAccount account, ChurnRisk? churn, HealthStanding? health, TouchModel touch)
    {
        ArgumentNullException.ThrowIfNull(account);
        var signals = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["churn_probability"] = Text(churn?.Probability ?? double.NaN),
            ["touch_model"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(touch.ToString()),
            ["health_score"] = Text(health?.Score ?? double.NaN),
            ["health_band"] = health?.Band,
            ["arr"] = Text((double)account.Arr),
        };
        foreach (var (name, value) in account.Signals)
        {
            signals[name] = Text(value);
        }

        return signals;
    }

    private static string? Text(double value)
        => double.IsNaN(value) ? null : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static decimal TierValue(PortfolioAccount account, AccountValue? value)
        => value is not { } v ? account.Arr
            : v.ExpectedLtv.IsUnbounded ? decimal.MaxValue
            : v.ExpectedLtv.TryGetValue(out var ltv) && Math.Round(ltv, 2) > 0 ? Math.Round(ltv, 2) : account.Arr;
}
