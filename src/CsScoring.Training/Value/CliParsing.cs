using System.Globalization;
using CsScoring.Value;

namespace CsScoring.Training.Value;

/// <summary>Parsing shared by the value commands: units, number lists and name=value parameter lists.</summary>
internal static class CliParsing
{
    public static bool TryParseUnit(string? text, out TimeUnit unit)
    {
        unit = TimeUnit.Week;
        return text is not null && Enum.TryParse(text, ignoreCase: true, out unit) && Enum.IsDefined(unit) && !int.TryParse(text, out _);
    }

    public static TimeUnit Unit(string? text, string option)
        => TryParseUnit(text, out var unit) ? unit : throw new ArgumentException($"{option} must be one of {UnitNames}, not '{text}'.");

    public static string UnitNames => "day, week, month, quarter, year";

    public static string Name(TimeUnit unit) => unit.ToString().ToLowerInvariant();

    /// <summary>Parses "1000,631,468" into counts.</summary>
    public static int[] ParseCounts(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException($"{option} needs comma-separated counts, e.g. 1000,631,468.");
        }

        var counts = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out counts[i]))
            {
                throw new ArgumentException($"{option}: '{parts[i]}' (position {i}) is not a whole number.");
            }
        }

        return counts;
    }

    /// <summary>Parses "r=0.24,alpha=4.4" or a JSON file written by <c>clv fit --json</c> into named values.</summary>
    public static Dictionary<string, double> ParseParameters(string text)
    {
        if (File.Exists(text))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(text));
            if (!json.RootElement.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new FormatException($"--params file '{text}' has no \"parameters\" object (write one with clv fit --json).");
            }

            return parameters.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.OrdinalIgnoreCase);
        }

        var values = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"--params: '{part}' is not name=number (e.g. r=0.2426,alpha=4.4136,a=0.7929,b=2.4259).");
            }

            values[pair[0]] = value;
        }

        return values;
    }

    public static double Require(Dictionary<string, double> values, string name, string model)
        => values.TryGetValue(name, out var value)
            ? value
            : throw new ArgumentException($"--params for {model} needs '{name}' (given: {string.Join(", ", values.Keys)}).");
}
