using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CsScoring.Churn;
using CsScoring.Conditions;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Health;
using CsScoring.Playbooks;
using CsScoring.Segmentation;
using CsScoring.Value;

namespace CsScoring.Data;

/// <summary>
/// The one JSON style of CsScoring's files and outputs: <c>snake_case</c> names, enums as <c>snake_case</c> strings,
/// unknown properties rejected (so a typo in a configuration file is an error, not a silent default), indented output.
/// </summary>
/// <remarks>
/// The options resolve the library's own file types (manifest, portable scorer, explanation background, scorecard,
/// playbook) through source-generated metadata, so reading and writing them needs no reflection and works in trimmed
/// and native AOT applications. Other types serialise in the same style through reflection where the application
/// allows it (<see cref="JsonSerializer.IsReflectionEnabledByDefault"/>); a trimmed application combines
/// <see cref="JsonSerializerOptions.TypeInfoResolver"/> of <see cref="Options"/> with its own source-generated context.
/// </remarks>
public static class CsScoringJson
{
    /// <summary>Read-only serializer options in CsScoring's style (thread-safe to share).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    internal static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    /// <summary>An enum value's name in CsScoring's JSON (<c>snake_case</c>).</summary>
    internal static string EnumName<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called only when JsonSerializer.IsReflectionEnabledByDefault, which trimmed and AOT applications set to false.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Called only when JsonSerializer.IsReflectionEnabledByDefault, which trimmed and AOT applications set to false.")]
    private static void AddReflection(JsonSerializerOptions options)
    {
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(CsScoringJsonContext.Default, new DefaultJsonTypeInfoResolver());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(CsScoringJsonContext.Default.Options);

        // Other types (an application's own) through reflection where the application allows it; a trimmed or
        // native AOT application turns the switch off and the trimmer removes this branch.
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            AddReflection(options);
        }

        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Enums as snake_case strings; integers refused.</summary>
internal sealed class SnakeCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public SnakeCaseEnumConverter()
        : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    {
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters =
    [
        typeof(SnakeCaseEnumConverter<ModelKind>), typeof(SnakeCaseEnumConverter<CalibrationMethod>),
        typeof(SnakeCaseEnumConverter<FeatureKind>), typeof(SnakeCaseEnumConverter<InferredColumnKind>),
        typeof(SnakeCaseEnumConverter<FeatureRole>), typeof(SnakeCaseEnumConverter<SignalKind>),
        typeof(SnakeCaseEnumConverter<RiskBand>), typeof(SnakeCaseEnumConverter<ChurnModelError>),
        typeof(SnakeCaseEnumConverter<MetricDirection>), typeof(SnakeCaseEnumConverter<MissingDataPolicy>),
        typeof(SnakeCaseEnumConverter<ScalingKind>), typeof(SnakeCaseEnumConverter<ConditionOperator>),
        typeof(SnakeCaseEnumConverter<TrendDirection>), typeof(SnakeCaseEnumConverter<OverrideState>),
        typeof(SnakeCaseEnumConverter<HealthStatus>), typeof(SnakeCaseEnumConverter<TunedWeightKind>),
        typeof(SnakeCaseEnumConverter<PlaybookOwner>),
        typeof(SnakeCaseEnumConverter<TouchModel>),
        typeof(SnakeCaseEnumConverter<LtvStatus>), typeof(SnakeCaseEnumConverter<TimeUnit>),
    ])]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(PortableScorer))]
[JsonSerializable(typeof(ExplanationBackground))]
[JsonSerializable(typeof(FeatureSchema.SchemaDto))]
[JsonSerializable(typeof(Scorecard))]
[JsonSerializable(typeof(Playbook.PlaybookDocument))]
[JsonSerializable(typeof(ScorecardRules.RulesFile))]
internal sealed partial class CsScoringJsonContext : JsonSerializerContext;
