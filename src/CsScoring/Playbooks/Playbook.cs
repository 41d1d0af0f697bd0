using System.Globalization;
using System.Text.Json;
using CsScoring.Data;

namespace CsScoring.Playbooks;

/// <summary>
/// Rules that turn an account's signals (churn probability, health, tier, renewal, usage...) into the one next
/// action a CS team should take, with the reasons that triggered it. Rules are tried by descending priority; the
/// first whose conditions all hold wins.
/// </summary>
/// <remarks>Immutable and thread-safe. A condition on a signal the account lacks does not hold.</remarks>
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
            [new("churn_probability", ComparisonOperator.GreaterOrEqual, 0.5), new("touch_model", ComparisonOperator.Equal, "high_touch")]),
        new PlaybookRule("renewal-rescue", "Renewal rescue: open the renewal conversation now with an ROI review.", 90,
            [new("churn_probability", ComparisonOperator.GreaterOrEqual, 0.3), new("days_to_renewal", ComparisonOperator.LessOrEqual, 90)]),
        new PlaybookRule("support-recovery", "Support recovery: review the open severe tickets with support leadership and call the customer.", 80,
            [new("severe_tickets_90d", ComparisonOperator.GreaterOrEqual, 2), new("churn_probability", ComparisonOperator.GreaterOrEqual, 0.15)]),
        new PlaybookRule("billing-outreach", "Billing outreach: finance and the CSM resolve the late invoices together.", 70,
            [new("late_invoices_90d", ComparisonOperator.GreaterOrEqual, 1), new("churn_probability", ComparisonOperator.GreaterOrEqual, 0.15)]),
        new PlaybookRule("re-engagement", "Re-engagement: enrol the users in the adoption campaign and offer a training session.", 60,
            [new("churn_probability", ComparisonOperator.GreaterOrEqual, 0.2)]),
        new PlaybookRule("health-review", "Health review: the CSM walks through the red health drivers with the customer and agrees next steps.", 50,
            [new("health_band", ComparisonOperator.Equal, "red")]),
        new PlaybookRule("expansion", "Expansion: the account is healthy and near its seat limit; propose more seats.", 10,
            [new("churn_probability", ComparisonOperator.LessThan, 0.05), new("seat_utilization", ComparisonOperator.GreaterOrEqual, 0.9)]),
    ]);

    /// <summary>Reads a playbook from JSON: <c>{"rules": [{"name", "action", "priority", "conditions": [{"signal", "operator", "value"}]}]}</c>.</summary>
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
    /// <param name="signals">The account's signals by name: numbers as <see cref="double"/>, categories as <see cref="string"/>; NaN counts as missing.</param>
    public PlaybookRecommendation? Recommend(IReadOnlyDictionary<string, object?> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        foreach (var rule in _rules)
        {
            if (rule.Conditions.All(c => c.IsMetBy(signals)))
            {
                var reasons = rule.Conditions.Select(c => c.Describe(signals[c.Signal])).ToArray();
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
public sealed record PlaybookRule(string Name, string Action, int Priority, IReadOnlyList<PlaybookCondition> Conditions)
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

        foreach (var condition in Conditions)
        {
            condition.Validate(Name);
        }
    }
}

/// <summary>How a condition compares a signal with its value.</summary>
public enum ComparisonOperator
{
    /// <summary>signal &lt; value.</summary>
    LessThan,

    /// <summary>signal &lt;= value.</summary>
    LessOrEqual,

    /// <summary>signal &gt; value.</summary>
    GreaterThan,

    /// <summary>signal &gt;= value.</summary>
    GreaterOrEqual,

    /// <summary>signal equals value (numbers or text, text ordinal).</summary>
    Equal,

    /// <summary>signal differs from value.</summary>
    NotEqual,
}

/// <summary>A comparison of one signal with a number or a text.</summary>
public sealed record PlaybookCondition
{
    /// <summary>Compares a numeric signal.</summary>
    /// <param name="signal">The signal's name.</param>
    /// <param name="operator">The comparison.</param>
    /// <param name="value">The number to compare with (finite).</param>
    public PlaybookCondition(string signal, ComparisonOperator @operator, double value)
    {
        Signal = signal;
        Operator = @operator;
        Value = value;
    }

    /// <summary>Compares a categorical signal (only <see cref="ComparisonOperator.Equal"/> and <see cref="ComparisonOperator.NotEqual"/>).</summary>
    /// <param name="signal">The signal's name.</param>
    /// <param name="operator">Equal or NotEqual.</param>
    /// <param name="text">The category.</param>
    public PlaybookCondition(string signal, ComparisonOperator @operator, string text)
    {
        Signal = signal;
        Operator = @operator;
        Text = text;
    }

    /// <summary>Creates an empty condition for serialisation.</summary>
    [System.Text.Json.Serialization.JsonConstructor]
    public PlaybookCondition()
    {
        Signal = string.Empty;
    }

    /// <summary>The signal's name.</summary>
    public string Signal { get; init; }

    /// <summary>The comparison.</summary>
    public ComparisonOperator Operator { get; init; }

    /// <summary>The number compared with, for numeric conditions.</summary>
    public double? Value { get; init; }

    /// <summary>The category compared with, for categorical conditions.</summary>
    public string? Text { get; init; }

    internal void Validate(string rule)
    {
        if (string.IsNullOrWhiteSpace(Signal))
        {
            throw new ArgumentException($"Rule '{rule}' has a condition without a signal.");
        }

        if ((Value is null) == (Text is null))
        {
            throw new ArgumentException($"Rule '{rule}', signal '{Signal}': give exactly one of value and text.");
        }

        if (Value is { } v && !double.IsFinite(v))
        {
            throw new ArgumentException($"Rule '{rule}', signal '{Signal}': the value must be finite.");
        }

        if (Text is not null && Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
        {
            throw new ArgumentException($"Rule '{rule}', signal '{Signal}': a text can only be compared with equal or not_equal.");
        }
    }

    internal bool IsMetBy(IReadOnlyDictionary<string, object?> signals)
    {
        if (!signals.TryGetValue(Signal, out var raw) || raw is null || raw is double.NaN)
        {
            return false;
        }

        if (Text is not null)
        {
            var equal = string.Equals(Convert.ToString(raw, CultureInfo.InvariantCulture), Text, StringComparison.Ordinal);
            return Operator == ComparisonOperator.Equal ? equal : !equal;
        }

        double x;
        try
        {
            x = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            return false;
        }

        var value = Value!.Value;
        return Operator switch
        {
            ComparisonOperator.LessThan => x < value,
            ComparisonOperator.LessOrEqual => x <= value,
            ComparisonOperator.GreaterThan => x > value,
            ComparisonOperator.GreaterOrEqual => x >= value,
            ComparisonOperator.Equal => x == value,
            _ => x != value,
        };
    }

    internal string Describe(object? actual)
    {
        var symbol = Operator switch
        {
            ComparisonOperator.LessThan => "<",
            ComparisonOperator.LessOrEqual => "<=",
            ComparisonOperator.GreaterThan => ">",
            ComparisonOperator.GreaterOrEqual => ">=",
            ComparisonOperator.Equal => "=",
            _ => "!=",
        };
        var shown = actual is double d ? d.ToString("0.###", CultureInfo.InvariantCulture) : Convert.ToString(actual, CultureInfo.InvariantCulture);
        var limit = Text ?? Value!.Value.ToString("0.###", CultureInfo.InvariantCulture);
        return $"{Signal} = {shown} ({symbol} {limit})";
    }
}

/// <summary>The action a playbook recommends and why.</summary>
/// <param name="Rule">The rule that matched.</param>
/// <param name="Action">What to do.</param>
/// <param name="Reasons">Each condition with the account's value, e.g. <c>churn_probability = 0.62 (&gt;= 0.5)</c>.</param>
public sealed record PlaybookRecommendation(string Rule, string Action, IReadOnlyList<string> Reasons);
