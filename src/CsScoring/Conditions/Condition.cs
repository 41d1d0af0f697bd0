using System.Globalization;
using System.Text.Json.Serialization;

namespace CsScoring.Conditions;

/// <summary>
/// One test of an account attribute: the condition language shared by scorecard selection
/// (<see cref="Health.ScorecardSelector"/>) and playbooks (<see cref="Playbooks.Playbook"/>).
/// </summary>
/// <remarks>
/// <para>
/// Attributes are text, as a data file holds them (<c>IReadOnlyDictionary&lt;string, string?&gt;</c>); the operand's
/// kind says how the text is read:
/// </para>
/// <list type="bullet">
/// <item><b>Number</b>: an invariant-culture number (<c>0.25</c>, <c>1e3</c>); every operator applies.</item>
/// <item><b>Date</b>: an ISO 8601 date, <c>yyyy-MM-dd</c>, optionally followed by a time (<c>T...</c> or a space),
/// which is ignored; every operator applies, earlier dates are smaller.</item>
/// <item><b>Text</b>: the one text rule is <em>ordinal comparison ignoring case</em>
/// (<see cref="StringComparison.OrdinalIgnoreCase"/>): no trimming and no culture, so <c>Enterprise</c> equals
/// <c>enterprise</c> but <c>é</c> does not equal <c>e</c>. Only <see cref="ConditionOperator.Equal"/> and
/// <see cref="ConditionOperator.NotEqual"/> apply.</item>
/// </list>
/// <para>
/// <b>Missing values.</b> An attribute is missing when it is absent, <see langword="null"/>, empty or white space, or
/// (for number and date conditions) not readable as that kind; NaN and infinities are missing numbers. A comparison
/// with a missing value never holds, <see cref="ConditionOperator.NotEqual"/> included;
/// <see cref="ConditionOperator.IsMissing"/> and <see cref="ConditionOperator.IsPresent"/> test for it.
/// </para>
/// <para>
/// JSON: <c>{"attribute": "tenure_months", "operator": "less_than", "number": 3}</c>, with <c>"text"</c> or
/// <c>"date"</c> in place of <c>"number"</c>, or no operand for <c>is_missing</c> and <c>is_present</c>. The playbook
/// form of earlier versions (<c>"signal"</c> for <c>"attribute"</c>, <c>"value"</c> for <c>"number"</c>) is read too.
/// Instances are immutable and thread-safe; the factories validate, so every instance is well formed.
/// </para>
/// </remarks>
[JsonConverter(typeof(ConditionJsonConverter))]
public sealed class Condition : IEquatable<Condition>
{
    private Condition(string attribute, ConditionOperator op, ConditionOperandKind kind, double number, string? text, DateOnly date)
    {
        Attribute = attribute;
        Operator = op;
        Kind = kind;
        _number = number;
        Text = text;
        _date = date;
    }

    private readonly double _number;
    private readonly DateOnly _date;

    /// <summary>The attribute's name, for example <c>tenure_months</c> or <c>plan</c>.</summary>
    public string Attribute { get; }

    /// <summary>The comparison.</summary>
    public ConditionOperator Operator { get; }

    /// <summary>The operand's kind.</summary>
    public ConditionOperandKind Kind { get; }

    /// <summary>The numeric operand, for <see cref="ConditionOperandKind.Number"/>; else <see langword="null"/>.</summary>
    public double? Number => Kind == ConditionOperandKind.Number ? _number : null;

    /// <summary>The text operand, for <see cref="ConditionOperandKind.Text"/>; else <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>The date operand, for <see cref="ConditionOperandKind.Date"/>; else <see langword="null"/>.</summary>
    public DateOnly? Date => Kind == ConditionOperandKind.Date ? _date : null;

    /// <summary>A numeric comparison.</summary>
    /// <param name="attribute">The attribute (not blank).</param>
    /// <param name="op">Any operator but <see cref="ConditionOperator.IsMissing"/> and <see cref="ConditionOperator.IsPresent"/>.</param>
    /// <param name="number">The operand (finite).</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">The attribute is blank, the operand is not finite or the operator takes no operand.</exception>
    public static Condition Compare(string attribute, ConditionOperator op, double number)
    {
        CheckAttribute(attribute);
        CheckComparison(op);
        if (!double.IsFinite(number))
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, "The operand must be finite.");
        }

        return new Condition(attribute, op, ConditionOperandKind.Number, number, null, default);
    }

    /// <summary>A date comparison.</summary>
    /// <param name="attribute">The attribute (not blank).</param>
    /// <param name="op">Any operator but <see cref="ConditionOperator.IsMissing"/> and <see cref="ConditionOperator.IsPresent"/>.</param>
    /// <param name="date">The operand.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">The attribute is blank or the operator takes no operand.</exception>
    public static Condition Compare(string attribute, ConditionOperator op, DateOnly date)
    {
        CheckAttribute(attribute);
        CheckComparison(op);
        return new Condition(attribute, op, ConditionOperandKind.Date, 0, null, date);
    }

    /// <summary>A text comparison (ordinal, ignoring case).</summary>
    /// <param name="attribute">The attribute (not blank).</param>
    /// <param name="op"><see cref="ConditionOperator.Equal"/> or <see cref="ConditionOperator.NotEqual"/>.</param>
    /// <param name="text">The operand.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">The attribute is blank, the text is null or the operator orders values.</exception>
    public static Condition Compare(string attribute, ConditionOperator op, string text)
    {
        CheckAttribute(attribute);
        ArgumentNullException.ThrowIfNull(text);
        if (op is not (ConditionOperator.Equal or ConditionOperator.NotEqual))
        {
            throw new ArgumentException($"Condition on '{attribute}': text can only be compared with equal or not_equal, not {Name(op)}.", nameof(op));
        }

        return new Condition(attribute, op, ConditionOperandKind.Text, 0, text, default);
    }

    /// <summary>A text equality (ordinal, ignoring case).</summary>
    /// <param name="attribute">The attribute.</param>
    /// <param name="text">The text.</param>
    /// <returns>The condition.</returns>
    public static Condition Is(string attribute, string text) => Compare(attribute, ConditionOperator.Equal, text);

    /// <summary>Holds when the attribute is missing (absent, null or blank).</summary>
    /// <param name="attribute">The attribute.</param>
    /// <returns>The condition.</returns>
    public static Condition Missing(string attribute)
    {
        CheckAttribute(attribute);
        return new Condition(attribute, ConditionOperator.IsMissing, ConditionOperandKind.None, 0, null, default);
    }

    /// <summary>Holds when the attribute is present and not blank.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <returns>The condition.</returns>
    public static Condition Present(string attribute)
    {
        CheckAttribute(attribute);
        return new Condition(attribute, ConditionOperator.IsPresent, ConditionOperandKind.None, 0, null, default);
    }

    /// <summary>Whether the condition holds for an account.</summary>
    /// <param name="attributes">The account's attributes by name.</param>
    /// <returns><see langword="true"/> when it holds.</returns>
    public bool Holds(IReadOnlyDictionary<string, string?> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return Holds(attributes.TryGetValue(Attribute, out var value) ? value : null);
    }

    /// <summary>Whether the condition holds for one attribute value.</summary>
    /// <param name="value">The attribute's text, or <see langword="null"/> when absent.</param>
    /// <returns><see langword="true"/> when it holds.</returns>
    public bool Holds(string? value)
    {
        var blank = string.IsNullOrWhiteSpace(value);
        switch (Operator)
        {
            case ConditionOperator.IsMissing:
                return blank;
            case ConditionOperator.IsPresent:
                return !blank;
        }

        if (blank)
        {
            return false;
        }

        switch (Kind)
        {
            case ConditionOperandKind.Text:
                var equal = string.Equals(value, Text, StringComparison.OrdinalIgnoreCase);
                return Operator == ConditionOperator.Equal ? equal : !equal;
            case ConditionOperandKind.Date:
                return TryReadDate(value!, out var date) && Test(date.DayNumber.CompareTo(_date.DayNumber));
            default:
                return TryReadNumber(value!, out var number) && Test(number.CompareTo(_number));
        }
    }

    /// <summary>The condition with the account's value, as a reason: <c>churn_probability = 0.62 (&gt;= 0.5)</c>.</summary>
    /// <param name="value">The attribute's text, or <see langword="null"/> when absent.</param>
    /// <returns>The description; numbers are shown with up to three decimals.</returns>
    public string Describe(string? value)
    {
        if (Kind == ConditionOperandKind.None)
        {
            return Operator == ConditionOperator.IsMissing ? $"{Attribute} is missing" : $"{Attribute} = {value} (present)";
        }

        var shown = Kind == ConditionOperandKind.Number && value is not null && TryReadNumber(value, out var number)
            ? number.ToString("0.###", CultureInfo.InvariantCulture)
            : value;
        return $"{Attribute} = {shown} ({Symbol(Operator)} {OperandText(3)})";
    }

    /// <inheritdoc />
    public override string ToString() => Kind == ConditionOperandKind.None
        ? $"{Attribute} {Name(Operator)}"
        : $"{Attribute} {Symbol(Operator)} {OperandText(null)}";

    /// <inheritdoc />
    public bool Equals(Condition? other)
        => other is not null && Attribute == other.Attribute && Operator == other.Operator && Kind == other.Kind
           && _number.Equals(other._number) && Text == other.Text && _date == other._date;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Condition);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Attribute, Operator, Kind, _number, Text, _date);

    /// <summary>Reads a number as conditions do: invariant culture; NaN and infinities count as missing.</summary>
    internal static bool TryReadNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Reads a date as conditions do: <c>yyyy-MM-dd</c>, optionally followed by a time that is ignored.</summary>
    internal static bool TryReadDate(string text, out DateOnly value)
    {
        var span = text.AsSpan().Trim();
        if (span.Length > 10 && span[10] is 'T' or ' ')
        {
            span = span[..10];
        }

        return DateOnly.TryParseExact(span, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    internal static string Name(ConditionOperator op) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(op.ToString());

    private bool Test(int comparison) => Operator switch
    {
        ConditionOperator.LessThan => comparison < 0,
        ConditionOperator.LessOrEqual => comparison <= 0,
        ConditionOperator.GreaterThan => comparison > 0,
        ConditionOperator.GreaterOrEqual => comparison >= 0,
        ConditionOperator.Equal => comparison == 0,
        _ => comparison != 0,
    };

    private string OperandText(int? decimals) => Kind switch
    {
        ConditionOperandKind.Text => Text!,
        ConditionOperandKind.Date => _date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => _number.ToString(decimals is null ? "R" : "0.###", CultureInfo.InvariantCulture),
    };

    private static string Symbol(ConditionOperator op) => op switch
    {
        ConditionOperator.LessThan => "<",
        ConditionOperator.LessOrEqual => "<=",
        ConditionOperator.GreaterThan => ">",
        ConditionOperator.GreaterOrEqual => ">=",
        ConditionOperator.Equal => "=",
        _ => "!=",
    };

    private static void CheckAttribute(string attribute)
    {
        if (string.IsNullOrWhiteSpace(attribute))
        {
            throw new ArgumentException("A condition needs an attribute name.", nameof(attribute));
        }
    }

    private static void CheckComparison(ConditionOperator op)
    {
        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operator.");
        }

        if (op is ConditionOperator.IsMissing or ConditionOperator.IsPresent)
        {
            throw new ArgumentException($"{Name(op)} takes no operand; use Condition.Missing or Condition.Present.", nameof(op));
        }
    }
}
