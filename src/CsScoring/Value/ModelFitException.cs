namespace CsScoring.Value;

/// <summary>A model's maximum-likelihood fit failed (the data do not identify the parameters, or the optimizer diverged).</summary>
public sealed class ModelFitException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public ModelFitException()
    {
    }

    /// <summary>Creates the exception with a message that says which model and why.</summary>
    /// <param name="message">The message.</param>
    public ModelFitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelFitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
