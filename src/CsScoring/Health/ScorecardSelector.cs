using CsScoring.Conditions;

namespace CsScoring.Health;

/// <summary>
/// Chooses a scorecard per account by rules on its attributes, for example an onboarding scorecard while
/// <c>tenure_months &lt; 3</c>. The first rule whose conditions all hold wins; otherwise the fallback applies.
/// Conditions are written in the library's one condition language (<see cref="Condition"/>).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ScorecardSelector
{
    private readonly ScorecardRule[] _rules;

    /// <summary>Creates a selector.</summary>
    /// <param name="rules">The rules, tried in order.</param>
    /// <param name="fallback">The scorecard when no rule matches.</param>
    /// <exception cref="ArgumentException">A rule is null, has no condition or a null condition.</exception>
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

            if (_rules[i].When is not { Count: > 0 } when)
            {
                throw new ArgumentException($"Rule {i} (scorecard '{_rules[i].Scorecard.Name}') has no condition; use the fallback instead.", nameof(rules));
            }

            if (when.Contains(null!))
            {
                throw new ArgumentException($"Rule {i} (scorecard '{_rules[i].Scorecard.Name}') has a null condition.", nameof(rules));
            }
        }

        Fallback = fallback;
    }

    /// <summary>The rules in the order they are tried.</summary>
    public IReadOnlyList<ScorecardRule> Rules => _rules;

    /// <summary>The scorecard used when no rule matches.</summary>
    public CompiledScorecard Fallback { get; }

    /// <summary>Chooses the scorecard for one account.</summary>
    /// <param name="account">The account's attributes by name, as text (see <see cref="Condition"/> for how they are read).</param>
    /// <returns>The first matching rule's scorecard, or the fallback.</returns>
    public CompiledScorecard Select(IReadOnlyDictionary<string, string?> account)
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

    /// <summary>The conditions; all must hold (a missing attribute fails every comparison).</summary>
    public required IReadOnlyList<Condition> When { get; init; }

    /// <summary>Whether every condition holds for an account.</summary>
    /// <param name="account">The account's attributes by name, as text.</param>
    /// <returns><see langword="true"/> when the rule applies.</returns>
    public bool Matches(IReadOnlyDictionary<string, string?> account)
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
