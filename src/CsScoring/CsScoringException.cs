namespace CsScoring;

/// <summary>
/// The base of the errors that CsScoring raises for problems with no matching BCL exception type
/// (an invalid model, a scorecard that cannot compile, an output that would be overwritten).
/// </summary>
/// <remarks>Input-data errors derive from <see cref="FormatException"/> instead (see <see cref="Data.DataFormatException"/>).</remarks>
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
}
