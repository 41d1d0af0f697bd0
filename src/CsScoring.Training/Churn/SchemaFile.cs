using System.Text.Json;
using CsScoring.Churn.Features;
using CsScoring.Data;

namespace CsScoring.Training.Churn;

/// <summary>
/// The <c>--schema</c> file: <c>{"columns": {"plan": "categorical", "seats": "numeric", "notes": "ignore"}}</c>.
/// Kinds: numeric, boolean, categorical, date, ignore. Listed columns override inference; others are inferred.
/// </summary>
internal static class SchemaFile
{
    public static IReadOnlyDictionary<string, FeatureKind?> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Schema file '{path}' does not exist.", path);
        }

        var source = Path.GetFileName(path);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DataFormatException("the schema file must be a JSON object with a \"columns\" object", source, null, null);
        }

        var kinds = new Dictionary<string, FeatureKind?>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name != "columns")
            {
                throw new DataFormatException($"unknown field '{property.Name}' (expected only \"columns\")", source, null, null);
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException("\"columns\" must map column names to kinds", source, null, null);
            }

            foreach (var column in property.Value.EnumerateObject())
            {
                var text = column.Value.ValueKind == JsonValueKind.String ? column.Value.GetString() : null;
                kinds[column.Name] = text switch
                {
                    "numeric" => FeatureKind.Numeric,
                    "boolean" => FeatureKind.Boolean,
                    "categorical" => FeatureKind.Categorical,
                    "date" => FeatureKind.Date,
                    "ignore" => null,
                    _ => throw new DataFormatException($"kind '{column.Value}' is not one of numeric, boolean, categorical, date, ignore", source, null, column.Name),
                };
            }
        }

        return kinds;
    }
}
