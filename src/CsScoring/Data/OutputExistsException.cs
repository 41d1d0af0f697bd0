namespace CsScoring.Data;

/// <summary>An output that already exists would be replaced, and the caller did not allow it.</summary>
public sealed class OutputExistsException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public OutputExistsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public OutputExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OutputExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a path.</summary>
    /// <param name="message">The message.</param>
    /// <param name="path">The output that exists.</param>
    public OutputExistsException(string message, string path)
        : base(message, null, null) => SourceName = path;

    /// <summary>The output that exists, when known (the same as <see cref="CsScoringException.SourceName"/>).</summary>
    public string? Path => SourceName;
}
