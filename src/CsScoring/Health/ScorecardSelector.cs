namespace CsScoring.Health;

/// <summary>
/// Chooses a scorecard per account by rules on its attributes, for example an onboarding scorecard while
/// <c>tenure_months &lt; 3</c>. The first rule whose conditions all hold wins; otherwise the fallback applies.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ScorecardSelector
{
    private readonly ScorecardRule[] _rules;

    /// <summary>Creates a selector.</summary>
    /// <param name="rules">The rules, tried in order.</param>
    /// <param name="fallback">The scorecard when no rule matches.</param>
    /// <exception cref="ArgumentException">A rule is null or has no condition.</exception>
    public ScorecardSelector(IEnumerable<ScorecardRule> rules, CompiledScorecard fallback)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(fallback);
        _rules = [.. rules];
        for (var i = 0; i < _rules.Length; i++)
        {
            if (_rules[i] is null)
            {
                throw new ArgumentException($"Rule {i} is null.", nameof(rules));
            }

            if (_rules[i].When.Count == 0)
            {
                throw new ArgumentException($"Rule {i} (scorecard '{_rules[i].Scorecard.Name}') has no condition; use the fallback instead.", nameof(rules));
            }
        }

        Fallback = fallback;
    }

    /// <summary>The rules in the order they are tried.</summary>
    public IReadOnlyList<ScorecardRule> Rules => _rules;

    /// <summary>The scorecard used when no rule matches.</summary>
    public CompiledScorecard Fallback { get; }

    /// <summary>Chooses the scorecard for one account.</summary>
    /// <param name="account">The account's attributes.</param>
    /// <returns>The first matching rule's scorecard, or the fallback.</returns>
    public CompiledScorecard Select(IAccountAttributes account)
    {
        ArgumentNullException.ThrowIfNull(account);
        foreach (var rule in _rules)
        {
            if (rule.Matches(account))
            {
                return rule.Scorecard;
            }
        }

        return Fallback;
    }
}

/// <summary>A selection rule: a scorecard and the conditions (all must hold) under which it applies.</summary>
public sealed class ScorecardRule
{
    /// <summary>The scorecard the rule selects.</summary>
    public required CompiledScorecard Scorecard { get; init; }

    /// <summary>The conditions; all must hold (an absent attribute fails its condition).</summary>
    public required IReadOnlyList<AttributeCondition> When { get; init; }

    /// <summary>Whether every condition holds for an account.</summary>
    /// <param name="account">The account's attributes.</param>
    /// <returns><see langword="true"/> when the rule applies.</returns>
    public bool Matches(IAccountAttributes account)
    {
        ArgumentNullException.ThrowIfNull(account);
        foreach (var condition in When)
        {
            if (!condition.Holds(account))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Comparison operators of an <see cref="AttributeCondition"/>.</summary>
public enum ConditionOperator
{
    /// <summary>Number strictly below the operand.</summary>
    LessThan,

    /// <summary>Number below or equal to the operand.</summary>
    LessOrEqual,

    /// <summary>Number strictly above the operand.</summary>
    GreaterThan,

    /// <summary>Number above or equal to the operand.</summary>
    GreaterOrEqual,

    /// <summary>Equal number, or equal text (ordinal, case-insensitive).</summary>
    Equal,

    /// <summary>Different number or text.</summary>
    NotEqual,
}

/// <summary>A test of one account attribute, numeric or textual.</summary>
public sealed class AttributeCondition
{
    /// <summary>The attribute's name, for example <c>tenure_months</c> or <c>plan</c>.</summary>
    public required string Attribute { get; init; }

    /// <summary>The comparison.</summary>
    public required ConditionOperator Operator { get; init; }

    /// <summary>The numeric operand (set this or <see cref="Text"/>).</summary>
    public double? Number { get; init; }

    /// <summary>The text operand, for <see cref="ConditionOperator.Equal"/> and <see cref="ConditionOperator.NotEqual"/>.</summary>
    public string? Text { get; init; }

    /// <summary>A numeric condition.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <param name="op">The comparison.</param>
    /// <param name="number">The operand (finite).</param>
    /// <returns>The condition.</returns>
    public static AttributeCondition Compare(string attribute, ConditionOperator op, double number)
    {
        if (!double.IsFinite(number))
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, "The operand must be finite.");
        }

        return new AttributeCondition { Attribute = attribute, Operator = op, Number = number };
    }

    /// <summary>A text equality condition (ordinal, case-insensitive).</summary>
    /// <param name="attribute">The attribute.</param>
    /// <param name="text">The text.</param>
    /// <returns>The condition.</returns>
    public static AttributeCondition Is(string attribute, string text) => new() { Attribute = attribute, Operator = ConditionOperator.Equal, Text = text };

    /// <summary>Whether the condition holds; an absent or missing attribute never satisfies a condition.</summary>
    /// <param name="account">The account's attributes.</param>
    /// <returns><see langword="true"/> when it holds.</returns>
    public bool Holds(IAccountAttributes account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (Text is not null)
        {
            if (!account.TryGetText(Attribute, out var text) || text is null)
            {
                return false;
            }

            var equal = string.Equals(text, Text, StringComparison.OrdinalIgnoreCase);
            return Operator switch
            {
                ConditionOperator.Equal => equal,
                ConditionOperator.NotEqual => !equal,
                _ => throw new InvalidOperationException($"Condition on '{Attribute}': text can only be compared with equal or not_equal."),
            };
        }

        if (Number is not { } operand)
        {
            throw new InvalidOperationException($"Condition on '{Attribute}' has neither a number nor a text operand.");
        }

        if (!account.TryGetNumber(Attribute, out var value) || !double.IsFinite(value))
        {
            return false;
        }

        return Operator switch
        {
            ConditionOperator.LessThan => value < operand,
            ConditionOperator.LessOrEqual => value <= operand,
            ConditionOperator.GreaterThan => value > operand,
            ConditionOperator.GreaterOrEqual => value >= operand,
            ConditionOperator.Equal => value == operand,
            _ => value != operand,
        };
    }
}

/// <summary>An account's attributes as the selection rules see them.</summary>
public interface IAccountAttributes
{
    /// <summary>Gets a numeric attribute.</summary>
    /// <param name="name">The attribute.</param>
    /// <param name="value">Its value when present.</param>
    /// <returns>Whether the account has it.</returns>
    bool TryGetNumber(string name, out double value);

    /// <summary>Gets a text attribute.</summary>
    /// <param name="name">The attribute.</param>
    /// <param name="value">Its value when present.</param>
    /// <returns>Whether the account has it.</returns>
    bool TryGetText(string name, out string? value);
}

/// <summary>Account attributes held in dictionaries.</summary>
/// <param name="numbers">Numeric attributes.</param>
/// <param name="texts">Text attributes, or <see langword="null"/>.</param>
public sealed class AccountAttributes(IReadOnlyDictionary<string, double> numbers, IReadOnlyDictionary<string, string>? texts = null) : IAccountAttributes
{
    /// <inheritdoc />
    public bool TryGetNumber(string name, out double value) => numbers.TryGetValue(name, out value);

    /// <inheritdoc />
    public bool TryGetText(string name, out string? value)
    {
        value = null;
        return texts is not null && texts.TryGetValue(name, out value);
    }
}
