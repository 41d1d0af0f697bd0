namespace CsScoring.Churn;

/// <summary>What is wrong with a churn model that was refused.</summary>
public enum ChurnModelError
{
    /// <summary><c>manifest.json</c> is absent from the model directory.</summary>
    MissingManifest,

    /// <summary><c>manifest.json</c> cannot be read or lacks a required field.</summary>
    InvalidManifest,

    /// <summary>The manifest's format version is not one this library reads.</summary>
    UnsupportedVersion,

    /// <summary>The model file is absent.</summary>
    MissingModel,

    /// <summary>The model file's SHA-256 differs from the manifest's: the file is damaged or was replaced.</summary>
    IntegrityCheckFailed,

    /// <summary>ML.NET could not read the model file.</summary>
    UnreadableModel,

    /// <summary>The model is of a kind (trainer, calibrator or pipeline shape) this library does not score.</summary>
    UnsupportedModel,

    /// <summary>The trees or weights fail validation (child out of range, cycle, non-finite value, ...).</summary>
    InvalidModel,

    /// <summary>The manifest's features disagree with the model or with the data.</summary>
    SchemaMismatch,

    /// <summary>
    /// The explanation background (<c>background.json</c>) is missing, malformed, or does not fit the model (another
    /// model's hash, covers inconsistent with the trees, a different expected value).
    /// </summary>
    InvalidBackground,

    /// <summary>
    /// The directory's keyed signature (<c>signature.json</c>) is absent while a signing key was given, was made with
    /// another key, or no longer matches the files it covers.
    /// </summary>
    SignatureInvalid,
}

/// <summary>
/// A churn model that cannot be loaded or used: says which check failed (<see cref="Error"/>) and for which file.
/// A model that raises this is never scored.
/// </summary>
public sealed class ChurnModelException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public ChurnModelException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ChurnModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChurnModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed check.</summary>
    /// <param name="error">Which check failed.</param>
    /// <param name="message">What is wrong, naming the file, tree, node or feature at fault.</param>
    /// <param name="path">The file or directory concerned, or <see langword="null"/>.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public ChurnModelException(ChurnModelError error, string message, string? path = null, Exception? innerException = null)
        : base(path is null ? message : $"{path}: {message}", innerException, message)
    {
        Error = error;
        SourceName = path;
    }

    /// <summary>Which check failed.</summary>
    public ChurnModelError Error { get; } = ChurnModelError.InvalidModel;

    /// <summary>The file or directory concerned, when known (the same as <see cref="CsScoringException.SourceName"/>).</summary>
    public string? ModelPath => SourceName;
}
