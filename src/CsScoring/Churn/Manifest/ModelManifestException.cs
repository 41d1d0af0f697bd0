namespace CsScoring.Churn.Manifest;

/// <summary>A model manifest that cannot be read or does not describe a usable model; the message says which field.</summary>
public sealed class ModelManifestException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public ModelManifestException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and where.</param>
    public ModelManifestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="innerException">The cause.</param>
    public ModelManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
