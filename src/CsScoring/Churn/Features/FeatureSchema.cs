using System.Text.Json;
using System.Text.Json.Serialization;

namespace CsScoring.Churn.Features;

/// <summary>
/// The ordered input columns of a churn model and the feature vector they map to: the single definition that
/// training and inference share, so the two cannot drift.
/// </summary>
/// <remarks>
/// Feature order: the columns in order; a numeric, boolean or date column gives its value then (when it has one)
/// <c>&lt;name&gt;_missing</c>; a categorical column gives <c>&lt;name&gt;=&lt;category&gt;</c> per category.
/// In JSON (CsScoringJson style) it is <c>{ "columns": [...], "feature_names": [...], "time_column": ... }</c>;
/// reading checks that <c>feature_names</c> matches the columns. Immutable and thread-safe.
/// </remarks>
[JsonConverter(typeof(FeatureSchemaJsonConverter))]
public sealed class FeatureSchema
{
    private readonly FeatureColumn[] _columns;
    private readonly string[] _featureNames;
    private readonly int[] _offsets;

    // Built on first use (the schema is immutable; a race builds equal arrays): reasons ask per account.
    private ColumnRole[]? _roles;

    /// <summary>Creates a schema.</summary>
    /// <param name="columns">The input columns, in feature order; names unique.</param>
    /// <param name="timeColumn">
    /// The column holding each row's as-of date, which date features are measured from (in days); <see langword="null"/>
    /// to measure dates from 1970-01-01. It is not a feature itself.
    /// </param>
    /// <exception cref="ArgumentException">A column is invalid, names repeat, two features get the same name, the
    /// time column is also a feature, or there are no columns.</exception>
    public FeatureSchema(IEnumerable<FeatureColumn> columns, string? timeColumn = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        if (_columns.Length == 0)
        {
            throw new ArgumentException("a feature schema needs at least one column", nameof(columns));
        }

        TimeColumn = string.IsNullOrWhiteSpace(timeColumn) ? null : timeColumn;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var featureNames = new List<string>();
        _offsets = new int[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i] ?? throw new ArgumentException($"column {i} is null", nameof(columns));
            column.Validate();
            if (!names.Add(column.Name))
            {
                throw new ArgumentException($"column '{column.Name}' appears more than once in the feature schema", nameof(columns));
            }

            if (column.Name == TimeColumn)
            {
                throw new ArgumentException($"the time column '{TimeColumn}' cannot also be a feature", nameof(columns));
            }

            _offsets[i] = featureNames.Count;
            column.AppendFeatureNames(featureNames);
        }

        var unique = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in featureNames)
        {
            if (!unique.Add(name))
            {
                throw new ArgumentException($"two features would be named '{name}'; rename a column or drop a category", nameof(columns));
            }
        }

        _featureNames = [.. featureNames];
        HasDates = _columns.Any(c => c.Kind == FeatureKind.Date);
    }

    /// <summary>The input columns, in feature order.</summary>
    public IReadOnlyList<FeatureColumn> Columns => _columns;

    /// <summary>The column date features are measured from, or <see langword="null"/> (days since 1970-01-01).</summary>
    public string? TimeColumn { get; }

    /// <summary>The feature names in vector order (length <see cref="FeatureCount"/>).</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>The length of the feature vector.</summary>
    public int FeatureCount => _featureNames.Length;

    internal bool HasDates { get; }

    /// <summary>The index of a column's first feature.</summary>
    /// <param name="columnIndex">The index in <see cref="Columns"/>.</param>
    /// <returns>The offset in the feature vector.</returns>
    public int FeatureOffset(int columnIndex) => _offsets[columnIndex];

    /// <summary>The index of the input column that produces a feature.</summary>
    /// <param name="featureIndex">The index in the feature vector.</param>
    /// <returns>The index in <see cref="Columns"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the vector.</exception>
    public int ColumnOfFeature(int featureIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(featureIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(featureIndex, FeatureCount);
        var index = Array.BinarySearch(_offsets, featureIndex);
        if (index >= 0)
        {
            // Several columns cannot share an offset (each has at least one feature), so this is the column.
            return index;
        }

        return ~index - 1;
    }

    /// <summary>
    /// A column's role in explanations: the one the model recorded (schema file or inference at training), else inferred
    /// from the name by <see cref="FeatureRoles.Default"/> (models trained before roles were recorded).
    /// </summary>
    /// <param name="columnIndex">The index in <see cref="Columns"/>.</param>
    /// <returns>The role and, for a signal, its kind when known.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside <see cref="Columns"/>.</exception>
    public ColumnRole RoleOf(int columnIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columnIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(columnIndex, _columns.Length);
        return (_roles ??= [.. _columns.Select(column => column.Role is { } role ? new ColumnRole(role, column.Signal) : FeatureRoles.Default.Infer(column.Name))])[columnIndex];
    }

    internal sealed class FeatureSchemaJsonConverter : JsonConverter<FeatureSchema>
    {
        public override FeatureSchema Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            SchemaDto dto;
            try
            {
                dto = JsonSerializer.Deserialize(ref reader, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<SchemaDto>)options.GetTypeInfo(typeof(SchemaDto))) ?? throw new JsonException("features: expected an object");
            }
            catch (ArgumentException ex)
            {
                throw new JsonException($"features: {ex.Message}", ex);
            }

            FeatureSchema schema;
            try
            {
                schema = new FeatureSchema(dto.Columns, dto.TimeColumn);
            }
            catch (ArgumentException ex)
            {
                throw new JsonException($"features: {ex.Message}", ex);
            }

            if (dto.FeatureNames is not null && !dto.FeatureNames.SequenceEqual(schema.FeatureNames, StringComparer.Ordinal))
            {
                throw new JsonException(
                    $"features: feature_names ({dto.FeatureNames.Count}) do not match the columns, which give {schema.FeatureCount}: {string.Join(", ", schema.FeatureNames)}");
            }

            return schema;
        }

        public override void Write(Utf8JsonWriter writer, FeatureSchema value, JsonSerializerOptions options)
            => JsonSerializer.Serialize(writer, new SchemaDto(value._columns, value._featureNames, value.TimeColumn), (System.Text.Json.Serialization.Metadata.JsonTypeInfo<SchemaDto>)options.GetTypeInfo(typeof(SchemaDto)));
    }

    internal sealed record SchemaDto(IReadOnlyList<FeatureColumn> Columns, IReadOnlyList<string>? FeatureNames = null, string? TimeColumn = null);
}
