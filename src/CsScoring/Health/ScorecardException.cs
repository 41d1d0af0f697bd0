namespace CsScoring.Health;

/// <summary>
/// A scorecard definition that cannot be read or compiled: an unknown JSON property, a value of the wrong type, a
/// NaN or negative weight, unordered thresholds, a duplicated name. <see cref="Path"/> is the JSON path of the
/// offending value (also for definitions built in code), for example <c>$.groups[1].metrics[0].weight</c>.
/// </summary>
public sealed class ScorecardException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public ScorecardException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ScorecardException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ScorecardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a location in the definition.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="path">The JSON path of the offending value.</param>
    /// <param name="source">The file the definition came from, or <see langword="null"/>.</param>
    /// <param name="line">The 1-based line in the file, when known.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public ScorecardException(string problem, string path, string? source, long? line = null, Exception? innerException = null)
        : base(Describe(problem, path, source, line), innerException, problem)
    {
        JsonPath = path;
        SourceName = source;
        Line = line;
    }

    /// <summary>The JSON path of the offending value, for example <c>$.groups[0].weight</c> (the same as <see cref="CsScoringException.JsonPath"/>).</summary>
    public string? Path => JsonPath;

    private static string Describe(string problem, string path, string? source, long? line)
    {
        var where = source is null ? path : $"{source}: {path}";
        if (line is not null)
        {
            where += string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (line {line})");
        }

        return $"{where}: {problem}";
    }
}
