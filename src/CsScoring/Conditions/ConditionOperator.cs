namespace CsScoring.Conditions;

/// <summary>How a <see cref="Condition"/> compares an attribute with its operand (in JSON: <c>less_than</c>, ...).</summary>
public enum ConditionOperator
{
    /// <summary>Number or date strictly below the operand.</summary>
    LessThan,

    /// <summary>Number or date below or equal to the operand.</summary>
    LessOrEqual,

    /// <summary>Number or date strictly above the operand.</summary>
    GreaterThan,

    /// <summary>Number or date above or equal to the operand.</summary>
    GreaterOrEqual,

    /// <summary>Equal number or date, or equal text (ordinal, ignoring case).</summary>
    Equal,

    /// <summary>Different number, date or text; a missing attribute is not "different" (use <see cref="IsMissing"/>).</summary>
    NotEqual,

    /// <summary>The attribute is absent, blank, or not readable as the kind the other conditions need; no operand.</summary>
    IsMissing,

    /// <summary>The attribute is present and not blank; no operand.</summary>
    IsPresent,
}

/// <summary>The kind of a <see cref="Condition"/>'s operand, which decides how the attribute's text is read.</summary>
public enum ConditionOperandKind
{
    /// <summary>No operand (<see cref="ConditionOperator.IsMissing"/>, <see cref="ConditionOperator.IsPresent"/>).</summary>
    None,

    /// <summary>A finite number; the attribute is read as an invariant-culture number.</summary>
    Number,

    /// <summary>A text; compared ordinally, ignoring case.</summary>
    Text,

    /// <summary>A calendar date; the attribute is read as an ISO 8601 date (<c>yyyy-MM-dd</c>, any time part ignored).</summary>
    Date,
}
