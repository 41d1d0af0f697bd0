namespace CsScoring;

/// <summary>
/// An option out of its range, for example <c>CapacityOptions.CostPerCsm = -1</c>. <see cref="CsScoringException.Option"/>
/// names it as <c>Type.Property</c>; every options type of the library validates each property when it is set, so an
/// invalid options object cannot be built.
/// </summary>
public sealed class InvalidOptionException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public InvalidOptionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidOptionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidOptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one option.</summary>
    /// <param name="option">The option, as <c>Type.Property</c>.</param>
    /// <param name="value">The rejected value, or <see langword="null"/>.</param>
    /// <param name="problem">What the option must be, e.g. "must be a finite number &gt; 0".</param>
    public InvalidOptionException(string option, object? value, string problem)
        : base(Describe(option, value, problem), null, problem)
    {
        Option = option;
        Value = value;
    }

    /// <summary>The rejected value, when known.</summary>
    public object? Value { get; }

    private static string Describe(string option, object? value, string problem)
        => value is null
            ? $"{option} {problem}"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{option} = {value} {problem}");
}
