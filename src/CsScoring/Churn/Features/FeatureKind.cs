namespace CsScoring.Churn.Features;

/// <summary>How an input column becomes model features.</summary>
public enum FeatureKind
{
    /// <summary>A number (invariant culture); blank or unparsable cells are missing and imputed.</summary>
    Numeric,

    /// <summary>A yes/no value (0/1, yes/no, true/false, y/n, case-insensitive) mapped to 1 or 0; other cells are missing.</summary>
    Boolean,

    /// <summary>Text with a small set of values, one-hot encoded over the categories seen in training.</summary>
    Categorical,

    /// <summary>A date, mapped to days relative to the row's time column (or to 1970-01-01 without one).</summary>
    Date,
}
