using System.Globalization;

namespace CsScoring.Value;

/// <summary>
/// An input to a value or retention model that is out of its domain (a negative frequency, a recency after the
/// customer's age, survivor counts that increase, a non-positive parameter). Names the row, the field and the value.
/// </summary>
/// <remarks><see cref="CsScoringException.Row"/> is the 0-based index of the item (customer, cohort) in the input collection.</remarks>
public sealed class InvalidModelInputException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public InvalidModelInputException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidModelInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidModelInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one field of one input row.</summary>
    /// <param name="field">The field or parameter at fault, e.g. <c>recency</c> or <c>alpha</c>.</param>
    /// <param name="value">The offending value.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="row">The 0-based index of the row (customer, cohort) in the input, or <see langword="null"/> for a single value.</param>
    public InvalidModelInputException(string field, double value, string problem, long? row = null)
        : base(Describe(field, value, problem, row), null, problem)
    {
        Column = field;
        Value = value;
        Row = row;
    }

    /// <summary>The field or parameter at fault, when known (the same as <see cref="CsScoringException.Column"/>).</summary>
    public string? Field => Column;

    /// <summary>The offending value (NaN when not a single number).</summary>
    public double Value { get; } = double.NaN;


    private static string Describe(string field, double value, string problem, long? row)
    {
        var where = row is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"row {row}: ");
        return double.IsNaN(value) && !problem.Contains("number", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{where}{field} {problem}")
            : string.Create(CultureInfo.InvariantCulture, $"{where}{field} = {value:R} {problem}");
    }
}
