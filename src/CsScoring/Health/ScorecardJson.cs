using System.Text.Json;
using CsScoring.Data;

namespace CsScoring.Health;

/// <summary>
/// Reads and writes scorecard definitions as JSON in CsScoring's style (<c>snake_case</c>, unknown properties
/// rejected). Reading is strict: an unknown property, a value of the wrong type or an invalid value raises a
/// <see cref="ScorecardException"/> naming its JSON path and line.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public static class ScorecardJson
{
    /// <summary>Reads a scorecard from JSON text and validates it.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">The file name used in error messages, or <see langword="null"/>.</param>
    /// <returns>The validated definition.</returns>
    /// <exception cref="ScorecardException">The JSON is malformed, has an unknown property or a wrong or invalid value.</exception>
    public static Scorecard Parse(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        Scorecard? scorecard;
        try
        {
            scorecard = JsonSerializer.Deserialize(json, CsScoringJson.TypeInfo<Scorecard>());
        }
        catch (JsonException ex)
        {
            throw new ScorecardException(Problem(ex), ex.Path ?? "$", source, ex.LineNumber + 1, ex);
        }

        if (scorecard is null)
        {
            throw new ScorecardException("the document is null; a scorecard object is required", "$", source);
        }

        ScorecardValidator.Validate(scorecard, source);
        return scorecard;
    }

    /// <summary>Reads a scorecard from a JSON file and validates it.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The validated definition.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ScorecardException">The JSON is malformed or invalid; the message names the file, path and line.</exception>
    public static Scorecard Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Scorecard file '{path}' does not exist.", path);
        }

        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Writes a scorecard as indented JSON (defaults written out, so the file is complete).</summary>
    /// <param name="scorecard">The definition.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(Scorecard scorecard)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        return JsonSerializer.Serialize(scorecard, CsScoringJson.TypeInfo<Scorecard>());
    }

    /// <summary>Writes a scorecard to a file atomically.</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="scorecard">The definition.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void Save(string path, Scorecard scorecard, bool overwrite = true)
    {
        var json = Serialize(scorecard);
        AtomicOutput.WriteText(path, writer => writer.Write(json + "\n"), overwrite);
    }

    // System.Text.Json appends "Path: ... | LineNumber: ..." to its messages; the exception states both itself.
    private static string Problem(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
