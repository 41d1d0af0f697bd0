using CsScoring.Data;
using CsScoring.Health;

namespace CsScoring.Training.Health;

/// <summary>Where a command's scorecard comes from: a file, or the built-in default (data/sample/scorecard.json).</summary>
internal static class ScorecardSource
{
    private const string DefaultResource = "CsScoring.Training.Health.default-scorecard.json";

    /// <summary>A data folder's <c>scorecard.json</c>, or the built-in default when it has none.</summary>
    public static (Scorecard Scorecard, bool FromFolder) Load(IDataFolder folder)
    {
        const string file = "scorecard.json";
        if (!folder.Contains(file))
        {
            return (Load(path: null), false);
        }

        using var reader = new StreamReader(folder.OpenRead(file));
        return (ScorecardJson.Parse(reader.ReadToEnd(), file), true);
    }

    public static Scorecard Load(string? path)
    {
        if (path is not null)
        {
            return ScorecardJson.Load(path);
        }

        using var stream = typeof(ScorecardSource).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"The built-in scorecard resource '{DefaultResource}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return ScorecardJson.Parse(reader.ReadToEnd(), "built-in default scorecard");
    }
}
