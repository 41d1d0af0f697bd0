namespace CsScoring.Data;

/// <summary>
/// An output could not be written: the disk is full, the folder is not writable, a parent path is a file, or
/// another run created the same output at the same time. The message names the user's path, never an internal
/// temporary file; nothing was left half-written.
/// </summary>
public sealed class OutputWriteException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public OutputWriteException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public OutputWriteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OutputWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a path.</summary>
    /// <param name="message">The message, naming <paramref name="path"/>.</param>
    /// <param name="path">The output as the user named it.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public OutputWriteException(string message, string path, Exception? innerException)
        : base(message, innerException, null) => SourceName = path;

    /// <summary>The output as the user named it, when known (the same as <see cref="CsScoringException.SourceName"/>).</summary>
    public string? Path => SourceName;
}
