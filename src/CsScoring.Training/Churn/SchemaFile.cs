using System.Text.Json;
using CsScoring.Churn.Features;
using CsScoring.Data;

namespace CsScoring.Training.Churn;

/// <summary>
/// The <c>--schema</c> file: <c>{"columns": {"plan": "categorical", "seats": "numeric", "notes": "ignore",
/// "logins_30d": {"kind": "numeric", "role": "signal", "signal": "usage"}, "region": {"role": "context"}}}</c>.
/// A column maps to its kind (numeric, boolean, categorical, date, ignore) or to an object with any of
/// <c>kind</c>, <c>role</c> (signal or context) and <c>signal</c> (usage, support, sentiment, billing; implies the
/// signal role). Listed kinds and roles override inference; the rest is inferred (roles from the column's name).
/// </summary>
internal static class SchemaFile
{
    public static Content Empty { get; } = new(new Dictionary<string, FeatureKind?>(StringComparer.Ordinal), new Dictionary<string, ColumnRole>(StringComparer.Ordinal));

    public static Content Read(string path)
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
        var roles = new Dictionary<string, ColumnRole>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name != "columns")
            {
                throw new DataFormatException($"unknown field '{property.Name}' (expected only \"columns\")", source, null, null);
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException("\"columns\" must map column names to kinds or to {\"kind\", \"role\", \"signal\"} objects", source, null, null);
            }

            foreach (var column in property.Value.EnumerateObject())
            {
                if (column.Value.ValueKind == JsonValueKind.Object)
                {
                    ReadObject(column, source, kinds, roles);
                }
                else
                {
                    kinds[column.Name] = Kind(column.Value, source, column.Name);
                }
            }
        }

        return new Content(kinds, roles);
    }

    private static void ReadObject(JsonProperty column, string source, Dictionary<string, FeatureKind?> kinds, Dictionary<string, ColumnRole> roles)
    {
        FeatureRole? role = null;
        SignalKind? signal = null;
        foreach (var field in column.Value.EnumerateObject())
        {
            var text = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null;
            switch (field.Name)
            {
                case "kind":
                    kinds[column.Name] = Kind(field.Value, source, column.Name);
                    break;
                case "role":
                    role = text switch
                    {
                        "signal" => FeatureRole.Signal,
                        "context" => FeatureRole.Context,
                        _ => throw new DataFormatException($"role '{field.Value}' is not one of signal, context", source, null, column.Name),
                    };
                    break;
                case "signal":
                    signal = text switch
                    {
                        "usage" => SignalKind.Usage,
                        "support" => SignalKind.Support,
                        "sentiment" => SignalKind.Sentiment,
                        "billing" => SignalKind.Billing,
                        _ => throw new DataFormatException($"signal '{field.Value}' is not one of usage, support, sentiment, billing", source, null, column.Name),
                    };
                    break;
                default:
                    throw new DataFormatException($"unknown field '{field.Name}' (expected kind, role, signal)", source, null, column.Name);
            }
        }

        if (role == FeatureRole.Context && signal is not null)
        {
            throw new DataFormatException("a context column has no signal kind; drop \"signal\" or make the role \"signal\"", source, null, column.Name);
        }

        if (role is not null || signal is not null)
        {
            roles[column.Name] = new ColumnRole(role ?? FeatureRole.Signal, signal);
        }
    }

    private static FeatureKind? Kind(JsonElement value, string source, string column)
        => (value.ValueKind == JsonValueKind.String ? value.GetString() : null) switch
        {
            "numeric" => FeatureKind.Numeric,
            "boolean" => FeatureKind.Boolean,
            "categorical" => FeatureKind.Categorical,
            "date" => FeatureKind.Date,
            "ignore" => null,
            _ => throw new DataFormatException($"kind '{value}' is not one of numeric, boolean, categorical, date, ignore", source, null, column),
        };

    /// <summary>What the file declares: kinds (null: ignore the column) and roles.</summary>
    public sealed record Content(IReadOnlyDictionary<string, FeatureKind?> Kinds, IReadOnlyDictionary<string, ColumnRole> Roles);
}
