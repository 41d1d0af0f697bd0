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

    /// <summary>A sensible default playbook for the signals the rest of CsScoring produces.</summary>
    public static Playbook Default { get; } = new(
    [
        new PlaybookRule("executive-escalation", "Executive escalation: CSM and executive sponsor meet the customer within 7 days; review the success plan.", 100,
            [Condition.Compare("churn_probability", ConditionOperator.GreaterOrEqual, 0.5), Condition.Compare("touch_model", ConditionOperator.Equal, "high_touch")]),
        new PlaybookRule("renewal-rescue", "Renewal rescue: open the renewal conversation now with an ROI review.", 90,
            [Condition.Compare("churn_probability", ConditionOperator.GreaterOrEqual, 0.3), Condition.Compare("days_to_renewal", ConditionOperator.LessOrEqual, 90)]),
        new PlaybookRule("support-recovery", "Support recovery: review the open severe tickets with support leadership and call the customer.", 80,
            [Condition.Compare("severe_tickets_90d", ConditionOperator.GreaterOrEqual, 2), Condition.Compare("churn_probability", ConditionOperator.GreaterOrEqual, 0.15)]),
        new PlaybookRule("billing-outreach", "Billing outreach: finance and the CSM resolve the late invoices together.", 70,
            [Condition.Compare("late_invoices_90d", ConditionOperator.GreaterOrEqual, 1), Condition.Compare("churn_probability", ConditionOperator.GreaterOrEqual, 0.15)]),
        new PlaybookRule("re-engagement", "Re-engagement: enrol the users in the adoption campaign and offer a training session.", 60,
            [Condition.Compare("churn_probability", ConditionOperator.GreaterOrEqual, 0.2)]),
        new PlaybookRule("health-review", "Health review: the CSM walks through the red health drivers with the customer and agrees next steps.", 50,
            [Condition.Compare("health_band", ConditionOperator.Equal, "red")]),
        new PlaybookRule("expansion", "Expansion: the account is healthy and near its seat limit; propose more seats.", 10,
            [Condition.Compare("churn_probability", ConditionOperator.LessThan, 0.05), Condition.Compare("seat_utilization", ConditionOperator.GreaterOrEqual, 0.9)]),
    ]);

    /// <summary>Reads a playbook from JSON: <c>{"rules": [{"name", "action", "priority", "conditions": [{"attribute", "operator", "number" | "text" | "date"}]}]}</c> (conditions as <see cref="Condition"/> reads them, the older <c>"signal"</c> and <c>"value"</c> included).</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="JsonException">The JSON is malformed, has an unknown property or a wrong type (the message gives the path).</exception>
    /// <exception cref="ArgumentException">A rule is invalid.</exception>
    public static Playbook FromJson(string json)
    {
        var document = JsonSerializer.Deserialize(json, CsScoringJson.TypeInfo<PlaybookDocument>())
            ?? throw new JsonException("The playbook JSON is null.");
        return new Playbook(document.Rules);
    }

    /// <summary>Writes the playbook as JSON in CsScoring's style.</summary>
    public string ToJson() => JsonSerializer.Serialize(new PlaybookDocument { Rules = _rules }, CsScoringJson.TypeInfo<PlaybookDocument>());

    /// <summary>The action for an account, or <see langword="null"/> when no rule applies.</summary>
    /// <param name="signals">The account's signals by name, as text (invariant-culture numbers, ISO dates, categories); blank, NaN or absent counts as missing.</param>
    public PlaybookRecommendation? Recommend(IReadOnlyDictionary<string, string?> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        foreach (var rule in _rules)
        {
            if (rule.Conditions.All(c => c.Holds(signals)))
            {
                var reasons = rule.Conditions.Select(c => c.Describe(signals.GetValueOrDefault(c.Attribute))).ToArray();
                return new PlaybookRecommendation(rule.Name, rule.Action, reasons);
            }
        }

        return null;
    }

    internal sealed record PlaybookDocument
    {
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
    internal void Validate()
    {
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
public sealed record PlaybookRecommendation(string Rule, string Action, IReadOnlyList<string> Reasons);
