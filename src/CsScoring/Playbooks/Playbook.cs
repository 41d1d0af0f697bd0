using System.Text.Json;
using CsScoring.Conditions;
using CsScoring.Data;

namespace CsScoring.Playbooks;

/// <summary>
/// Rules that turn an account's signals (churn probability, health, tier, renewal, usage...) into the one next
/// action a CS team should take, with the reasons that triggered it. Rules are tried by descending priority; the
/// first whose conditions all hold wins.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Conditions are written in the library's one condition language
/// (<see cref="Condition"/>): a comparison with a signal the account lacks does not hold.
/// </remarks>
public sealed class Playbook
{
    private readonly PlaybookRule[] _rules;

    /// <summary>Creates a playbook.</summary>
    /// <param name="rules">The rules; names unique, each with at least one condition.</param>
    /// <exception cref="ArgumentException">A rule is invalid (the message names it).</exception>
    public Playbook(IEnumerable<PlaybookRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules.OrderByDescending(r => r.Priority).ThenBy(r => r.Name, StringComparer.Ordinal)];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in _rules)
        {
            rule.Validate();
            if (!names.Add(rule.Name))
            {
                throw new ArgumentException($"Two rules are named '{rule.Name}'.", nameof(rules));
            }
        }
    }

    /// <summary>The rules, highest priority first.</summary>
    public IReadOnlyList<PlaybookRule> Rules => _rules;

    /// <summary>
    /// A sensible default playbook (the one <c>data/sample/playbooks.json</c> holds): every account in the churn
    /// model's high band and every account whose health fell by 15 points or more gets a tier-specific action; then
    /// support, billing, adoption and expansion plays.
    /// </summary>
    public static Playbook Default { get; } = new(
    [
        Rule("executive-business-review", 100, 7, "High churn risk on a high-touch account",
            "Executive business review: the CSM and an executive sponsor meet the customer within 7 days and agree a success plan.",
            Condition.Is("churn_band", "high"), Condition.Is("tier", "high_touch")),
        Rule("escalated-rescue", 95, 7, "High risk and high value below high-touch: escalated to a named CSM",
            "Named-CSM rescue: call the customer this week, review the churn reasons and agree a recovery plan.",
            Condition.Is("churn_band", "high"), Condition.Is("escalated", "true")),
        Rule("at-risk-one-to-many", 90, 14, "High churn risk on a low-touch account",
            "One-to-many recovery: invite the account to the next adoption workshop and a pooled-CSM office hour.",
            Condition.Is("churn_band", "high"), Condition.Is("tier", "low_touch")),
        Rule("at-risk-automated", 90, 3, "High churn risk on a tech-touch account",
            "Automated recovery: in-product guide to the unused features and a three-step re-engagement e-mail sequence.",
            Condition.Is("churn_band", "high"), Condition.Is("tier", "tech_touch")),
        Rule("health-drop-review", 80, 14, "Health fell sharply",
            "Health review: the CSM walks through the health drivers with the customer and agrees next steps.",
            Condition.Compare("health_change", ConditionOperator.LessOrEqual, -15), Condition.Is("tier", "high_touch")),
        Rule("health-drop-session", 80, 14, "Health fell sharply",
            "Health check session: a pooled CSM runs a one-to-few review of adoption with the account's admins.",
            Condition.Compare("health_change", ConditionOperator.LessOrEqual, -15), Condition.Is("tier", "low_touch")),
        Rule("health-drop-nudge", 80, 3, "Health fell sharply",
            "Automated nudge: e-mail the admins the usage they dropped, with a link to the relevant guide.",
            Condition.Compare("health_change", ConditionOperator.LessOrEqual, -15), Condition.Is("tier", "tech_touch")),
        Rule("support-recovery", 70, 7, "Severe support tickets on an account at risk",
            "Support recovery: review the open severe tickets with support leadership and follow up with the customer.",
            Condition.Compare("severe_tickets_90d", ConditionOperator.GreaterOrEqual, 2), Condition.Compare("churn_band", ConditionOperator.NotEqual, "low")),
        Rule("billing-outreach", 60, 14, "Late invoices on an account at risk",
            "Billing outreach: finance and the account's owner resolve the late invoices together.",
            Condition.Compare("late_invoices_90d", ConditionOperator.GreaterOrEqual, 1), Condition.Compare("churn_band", ConditionOperator.NotEqual, "low")),
        Rule("adoption-review", 50, 21, "Medium churn risk driven by usage the customer can change",
            "Adoption review: address the top churn reason with the customer (training, configuration or a use-case workshop).",
            Condition.Is("churn_band", "medium"), Condition.Is("reason_1_role", "signal"), Condition.Is("reason_1_direction", "raises")),
        Rule("red-health-review", 40, 21, "Health is red",
            "Health review: go through the red health drivers with the customer and agree next steps.",
            Condition.Is("health_band", "red")),
        Rule("expansion", 10, 30, "Healthy and near the seat limit",
            "Expansion: propose more seats or the next plan.",
            Condition.Is("churn_band", "low"), Condition.Compare("seat_utilization", ConditionOperator.GreaterOrEqual, 0.9)),
    ]);

    private static PlaybookRule Rule(string name, int priority, int dueDays, string why, string action, params Condition[] conditions)
        => new(name, action, priority, conditions) { DueDays = dueDays, Why = why };

    /// <summary>Who owns each tier's actions unless a rule names its own owner (escalated accounts: a named CSM).</summary>
    /// <value>The default value is <see cref="PlaybookOwners"/> with its defaults.</value>
    public PlaybookOwners Owners { get; init; } = new();

    /// <summary>
    /// Reads a playbook from JSON: <c>{"owners": {"high_touch": "named_csm", ...}, "rules": [{"name", "action",
    /// "priority", "why", "due_days", "owner", "conditions": [{"attribute", "operator", "number" | "text" | "date"}]}]}</c>
    /// (conditions as <see cref="Condition"/> reads them, the older <c>"signal"</c> and <c>"value"</c> included).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The playbook.</returns>
    /// <exception cref="JsonException">The JSON is malformed, has an unknown property or a wrong type (the message gives the path).</exception>
    /// <exception cref="ArgumentException">A rule is invalid (the message names it).</exception>
    public static Playbook FromJson(string json)
    {
        var document = JsonSerializer.Deserialize(json, CsScoringJson.TypeInfo<PlaybookDocument>())
            ?? throw new JsonException("The playbook JSON is null.");
        return new Playbook(document.Rules) { Owners = document.Owners ?? new PlaybookOwners() };
    }

    /// <summary>Writes the playbook as JSON in CsScoring's style.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(new PlaybookDocument { Owners = Owners, Rules = _rules }, CsScoringJson.TypeInfo<PlaybookDocument>());

    /// <summary>The names of the attributes the rules test, each once, in first-use order.</summary>
    public IReadOnlyList<string> Attributes => [.. _rules.SelectMany(r => r.Conditions).Select(c => c.Attribute).Distinct(StringComparer.Ordinal)];

    /// <summary>The action for an account, or <see langword="null"/> when no rule applies.</summary>
    /// <param name="signals">The account's signals by name, as text (invariant-culture numbers, ISO dates, categories); blank, NaN or absent counts as missing.</param>
    public PlaybookRecommendation? Recommend(IReadOnlyDictionary<string, string?> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        foreach (var rule in _rules)
        {
            if (Holds(rule, signals))
            {
                var reasons = new string[rule.Conditions.Count];
                for (var i = 0; i < reasons.Length; i++)
                {
                    var condition = rule.Conditions[i];
                    reasons[i] = condition.Describe(signals.GetValueOrDefault(condition.Attribute));
                }

                return new PlaybookRecommendation(rule.Name, rule.Action, reasons) { Why = rule.Why, DueDays = rule.DueDays, Owner = rule.Owner };
            }
        }

        return null;
    }

    private static bool Holds(PlaybookRule rule, IReadOnlyDictionary<string, string?> signals)
    {
        // Indexed, not foreach: an interface enumerator per rule and account is most of the playbook's allocation.
        var conditions = rule.Conditions;
        for (var i = 0; i < conditions.Count; i++)
        {
            if (!conditions[i].Holds(signals))
            {
                return false;
            }
        }

        return true;
    }

    internal sealed record PlaybookDocument
    {
        public PlaybookOwners? Owners { get; init; }

        public required IReadOnlyList<PlaybookRule> Rules { get; init; }
    }
}

/// <summary>One rule: when every condition holds, recommend the action.</summary>
/// <param name="Name">A unique name, e.g. <c>renewal-rescue</c>.</param>
/// <param name="Action">What the CS team should do.</param>
/// <param name="Priority">Higher is tried first.</param>
/// <param name="Conditions">At least one condition; all must hold.</param>
public sealed record PlaybookRule(string Name, string Action, int Priority, IReadOnlyList<Condition> Conditions)
{
    /// <summary>Why the rule exists, in words a CSM reads first (e.g. "Health fell sharply"); the fired conditions follow it.</summary>
    /// <value>The default value is <see langword="null"/> (the conditions alone).</value>
    public string? Why { get; init; }

    /// <summary>Days from the as-of date until the action is due (≥ 0).</summary>
    /// <value>The default value is 7.</value>
    public int DueDays { get; init; } = 7;

    /// <summary>Who owns the action whatever the tier, or <see langword="null"/> for the playbook's owner of the account's tier.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public PlaybookOwner? Owner { get; init; }

    internal void Validate()
    {
        if (DueDays < 0)
        {
            throw new ArgumentException($"Rule '{Name}' has a negative due_days ({DueDays}).", nameof(DueDays));
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("A playbook rule has no name.", nameof(Name));
        }

        if (string.IsNullOrWhiteSpace(Action))
        {
            throw new ArgumentException($"Rule '{Name}' has no action.", nameof(Action));
        }

        if (Conditions is null || Conditions.Count == 0)
        {
            throw new ArgumentException($"Rule '{Name}' has no conditions.", nameof(Conditions));
        }

        if (Conditions.Contains(null!))
        {
            throw new ArgumentException($"Rule '{Name}' has a null condition.", nameof(Conditions));
        }
    }
}

/// <summary>The action a playbook recommends and why.</summary>
/// <param name="Rule">The rule that matched.</param>
/// <param name="Action">What to do.</param>
/// <param name="Reasons">Each condition with the account's value, e.g. <c>churn_probability = 0.62 (&gt;= 0.5)</c>.</param>
public sealed record PlaybookRecommendation(string Rule, string Action, IReadOnlyList<string> Reasons)
{
    /// <summary>The rule's own reason text, or <see langword="null"/>.</summary>
    public string? Why { get; init; }

    /// <summary>Days from the as-of date until the action is due.</summary>
    public int DueDays { get; init; }

    /// <summary>The rule's owner, or <see langword="null"/> for the owner of the account's tier.</summary>
    public PlaybookOwner? Owner { get; init; }

    /// <summary>The reason as a CSM reads it: the rule's reason text, then the conditions that fired.</summary>
    public string Explanation => Why is null ? string.Join("; ", Reasons) : $"{Why}: {string.Join("; ", Reasons)}";
}

/// <summary>Who carries out an action.</summary>
public enum PlaybookOwner
{
    /// <summary>The account's dedicated (named) CSM.</summary>
    NamedCsm = 0,

    /// <summary>The pooled CS team (one-to-few, one-to-many sessions).</summary>
    PooledTeam = 1,

    /// <summary>Automation: in-product messages and e-mail sequences.</summary>
    Automated = 2,
}

/// <summary>The owner of each tier's actions.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PlaybookOwners
{
    /// <summary>High-touch accounts' owner.</summary>
    /// <value>The default value is <see cref="PlaybookOwner.NamedCsm"/>.</value>
    public PlaybookOwner HighTouch { get; init; } = PlaybookOwner.NamedCsm;

    /// <summary>Low-touch accounts' owner.</summary>
    /// <value>The default value is <see cref="PlaybookOwner.PooledTeam"/>.</value>
    public PlaybookOwner LowTouch { get; init; } = PlaybookOwner.PooledTeam;

    /// <summary>Tech-touch accounts' owner.</summary>
    /// <value>The default value is <see cref="PlaybookOwner.Automated"/>.</value>
    public PlaybookOwner TechTouch { get; init; } = PlaybookOwner.Automated;

    /// <summary>The owner of a tier's actions.</summary>
    /// <param name="tier">The tier.</param>
    /// <returns>The owner.</returns>
    public PlaybookOwner Of(Segmentation.TouchModel tier) => tier switch
    {
        Segmentation.TouchModel.HighTouch => HighTouch,
        Segmentation.TouchModel.LowTouch => LowTouch,
        _ => TechTouch,
    };
}
