namespace CsScoring.Churn.Features;

/// <summary>What a data column looks like to <see cref="ColumnProfile.Infer"/>.</summary>
public enum InferredColumnKind
{
    /// <summary>Numbers (a few blank or unparsable cells are missing values).</summary>
    Numeric,

    /// <summary>Yes/no values in one of the usual spellings.</summary>
    Boolean,

    /// <summary>Text with a limited set of values.</summary>
    Categorical,

    /// <summary>Dates.</summary>
    Date,

    /// <summary>An identifier (nearly every value distinct): excluded from features.</summary>
    Identifier,

    /// <summary>Looks like personal data (e-mail addresses, phone numbers, names): excluded from features.</summary>
    PersonalData,

    /// <summary>Every cell is blank.</summary>
    Empty,

    /// <summary>One value only: carries no information and is excluded.</summary>
    Constant,
}
