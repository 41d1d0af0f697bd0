namespace CsScoring;

/// <summary>
/// The base of every error CsScoring raises for bad input, a bad definition, a bad option or a refused model. It
/// says where the problem is: the file (<see cref="SourceName"/>), the data row and line, the column, the JSON path
/// or the option, whichever apply; the subclasses say what kind of problem it is.
/// </summary>
/// <remarks>
/// Catch <see cref="CsScoringException"/> to handle every such error alike (the console exits with code 2 for all of
/// them). Programming errors (a null argument, a destination span that is too short) stay BCL exceptions
/// (<see cref="ArgumentException"/> and its subclasses).
/// </remarks>
public class CsScoringException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public CsScoringException()
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong and where.</summary>
    /// <param name="message">The message.</param>
    public CsScoringException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CsScoringException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and an optional cause; subclasses set the location.</summary>
    /// <param name="message">The message, naming the location.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="problem">What is wrong, without the location.</param>
    protected CsScoringException(string message, Exception? innerException, string? problem)
        : base(message, innerException)
    {
        Problem = problem;
    }

    /// <summary>What is wrong, without the location, when the thrower gave it apart from the message.</summary>
    public string? Problem { get; }

    /// <summary>The file, stream or directory at fault, when known.</summary>
    public string? SourceName { get; protected init; }

    /// <summary>The 1-based data row (or the 0-based index of an item in an input collection, for model inputs), when the problem is in one row.</summary>
    public long? Row { get; protected init; }

    /// <summary>The 1-based physical line in a text file (header included), when known.</summary>
    public long? Line { get; protected init; }

    /// <summary>The column or field at fault, when the problem is in one column.</summary>
    public string? Column { get; protected init; }

    /// <summary>The JSON path of the offending value, for example <c>$.groups[0].weight</c>, when the input is JSON or a definition.</summary>
    public string? JsonPath { get; protected init; }

    /// <summary>The option at fault, for example <c>CapacityOptions.CostPerCsm</c>, when an option is out of range.</summary>
    public string? Option { get; protected init; }
}
