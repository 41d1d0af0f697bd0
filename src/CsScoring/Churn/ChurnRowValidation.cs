namespace CsScoring.Churn;

/// <summary>
/// How <see cref="ChurnModel.Predict(IReadOnlyDictionary{string, string?}, ChurnRowValidation, out ChurnRowDiagnostics)"/>
/// treats a row given as column name → cell text that does not match the model's columns.
/// </summary>
public enum ChurnRowValidation
{
    /// <summary>
    /// The historical behaviour, as for a CSV file: keys the model does not know are ignored, a value that does not
    /// parse counts as missing (imputed, missing indicator set), an unseen category leaves its one-hot features 0,
    /// and an empty row is scored as an account with every value missing. Nothing is reported.
    /// </summary>
    Lenient = 0,

    /// <summary>
    /// Scores as <see cref="Lenient"/> does and reports what it forgave in <see cref="ChurnRowDiagnostics"/>: unknown
    /// keys, unparsable values, unseen categories, missing values and empty rows, with the first key or column of each.
    /// </summary>
    CountWarnings = 1,

    /// <summary>
    /// Refuses, with a <see cref="ChurnRowException"/> naming the key or column and the value, a row with a key the
    /// model does not know (a misspelt column), a value that does not parse as its column's type, or no value for
    /// any of the model's columns. Blank and <see langword="null"/> values are still missing values (imputed), and
    /// unseen categories are still allowed (counted): new plans or regions are expected in production.
    /// </summary>
    Strict = 2,
}

/// <summary>What a row given as column name → cell text held that the model could not use as given.</summary>
/// <param name="UnknownKeys">Keys that are neither a model column, the time column, the id column nor the label column.</param>
/// <param name="UnparsableValues">Non-blank values that do not parse as their column's type (number, boolean or date); scored as missing.</param>
/// <param name="UnseenCategories">Categorical values the model was not trained on; their one-hot features are all 0.</param>
/// <param name="MissingValues">Model columns absent, <see langword="null"/> or blank (imputed), not counting unparsable ones.</param>
/// <param name="IsEmpty">Whether none of the model's columns had a value.</param>
/// <param name="FirstUnknownKey">The first unknown key met, or <see langword="null"/>.</param>
/// <param name="FirstUnparsableColumn">The column of the first unparsable value met, or <see langword="null"/>.</param>
public readonly record struct ChurnRowDiagnostics(
    int UnknownKeys,
    int UnparsableValues,
    int UnseenCategories,
    int MissingValues,
    bool IsEmpty,
    string? FirstUnknownKey,
    string? FirstUnparsableColumn)
{
    /// <summary>Whether anything was forgiven that strict validation refuses (unknown keys, unparsable values, an empty row).</summary>
    public bool HasWarnings => UnknownKeys > 0 || UnparsableValues > 0 || IsEmpty;
}

/// <summary>What is wrong with a row refused by <see cref="ChurnRowValidation.Strict"/>.</summary>
public enum ChurnRowProblem
{
    /// <summary>A key that is not one of the model's columns (nor its time, id or label column).</summary>
    UnknownColumn,

    /// <summary>A value that does not parse as its column's type.</summary>
    UnparsableValue,

    /// <summary>No value for any of the model's columns.</summary>
    EmptyRow,
}

/// <summary>A row refused by <see cref="ChurnRowValidation.Strict"/>: names the key or column, the value and what was expected.</summary>
public sealed class ChurnRowException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public ChurnRowException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ChurnRowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChurnRowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a refused row.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="column">The key or column at fault, or <see langword="null"/> for an empty row.</param>
    /// <param name="value">The offending value, or <see langword="null"/>.</param>
    /// <param name="message">The message, naming the column, the value and what was expected.</param>
    public ChurnRowException(ChurnRowProblem problem, string? column, string? value, string message)
        : base(message, null, message)
    {
        RowProblem = problem;
        Column = column;
        Value = value;
    }

    /// <summary>What is wrong with the row.</summary>
    public ChurnRowProblem RowProblem { get; }

    /// <summary>The offending value, when there is one.</summary>
    public string? Value { get; }
}
