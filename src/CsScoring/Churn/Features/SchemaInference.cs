using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Churn.Features;

/// <summary>Options of <see cref="SchemaInference.Infer"/>. Immutable; each property validates its value when set.</summary>
public sealed class SchemaInferenceOptions
{
    /// <summary>Columns that are never features (label, identifier, time, user exclusions).</summary>
    /// <value>The default is none.</value>
    /// <exception cref="InvalidOptionException">The value is null.</exception>
    public IReadOnlySet<string> Excluded
    {
        get;
        init => field = OptionGuard.NotNull(value, nameof(SchemaInferenceOptions));
    } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Kinds forced by the user (a schema file), overriding inference.</summary>
    /// <value>The default is none.</value>
    /// <exception cref="InvalidOptionException">The value is null.</exception>
    public IReadOnlyDictionary<string, FeatureKind> Kinds
    {
        get;
        init => field = OptionGuard.NotNull(value, nameof(SchemaInferenceOptions));
    } = new Dictionary<string, FeatureKind>(StringComparer.Ordinal);

    /// <summary>
    /// Roles declared by the user (a schema file): signal (with its kind) or context. Every other feature column gets
    /// the role <see cref="FeatureRoles.Default"/> infers from its name; either way the role is recorded in the schema.
    /// </summary>
    /// <value>The default is none.</value>
    /// <exception cref="InvalidOptionException">The value is null.</exception>
    public IReadOnlyDictionary<string, ColumnRole> Roles
    {
        get;
        init => field = OptionGuard.NotNull(value, nameof(SchemaInferenceOptions));
    } = new Dictionary<string, ColumnRole>(StringComparer.Ordinal);

    /// <summary>The time column date features are measured from; <see langword="null"/> for days since 1970-01-01.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? TimeColumn { get; init; }

    /// <summary>The most categories one-hot encoded per column (the most frequent; the rest map to all zeros).</summary>
    /// <value>The default is 50; range 1 to 10,000.</value>
    /// <exception cref="InvalidOptionException">The value is out of range.</exception>
    public int MaxCategories
    {
        get;
        init => field = OptionGuard.InRange(value, 1, ColumnProfiler.MaxDistinct, nameof(SchemaInferenceOptions));
    } = 50;

    /// <summary>The fewest rows a category needs to get its own feature.</summary>
    /// <value>The default is 1 (every category seen); must be at least 1.</value>
    /// <exception cref="InvalidOptionException">The value is below 1.</exception>
    public int MinCategoryCount
    {
        get;
        init => field = OptionGuard.AtLeast(value, 1, nameof(SchemaInferenceOptions));
    } = 1;
}

/// <summary>What inference decided for one column.</summary>
/// <param name="Name">The column.</param>
/// <param name="Kind">What the column looked like (or was declared as).</param>
/// <param name="Feature">The feature column, or <see langword="null"/> when the column is not a feature.</param>
/// <param name="Missing">Cells that are missing for the chosen kind (blank or unparsable).</param>
/// <param name="Note">Why the column was excluded or what was noticed, for the person training; else <see langword="null"/>.</param>
public sealed record ColumnDecision(string Name, InferredColumnKind Kind, FeatureColumn? Feature, long Missing, string? Note);

/// <summary>Turns column profiles into a <see cref="FeatureSchema"/>: kinds, imputation values (median, or the
/// majority for booleans), missing indicators where training data had missing cells, and category lists.</summary>
public static class SchemaInference
{
    /// <summary>Builds the schema.</summary>
    /// <param name="profiles">One profile per data column, in file order.</param>
    /// <param name="options">Exclusions, forced kinds and limits.</param>
    /// <param name="source">The data's name for error messages.</param>
    /// <returns>The schema and the per-column decisions.</returns>
    /// <exception cref="DataFormatException">A candidate column is entirely blank, a forced kind does not fit the
    /// data (e.g. numeric with no numbers), or no column is left as a feature.</exception>
    public static (FeatureSchema Schema, IReadOnlyList<ColumnDecision> Decisions) Infer(
        IReadOnlyList<ColumnProfile> profiles, SchemaInferenceOptions options, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(options);
        var features = new List<FeatureColumn>();
        var decisions = new List<ColumnDecision>();
        foreach (var profile in profiles)
        {
            if (options.Excluded.Contains(profile.Name) || profile.Name == options.TimeColumn)
            {
                continue;
            }

            var decision = Decide(profile, options, source);
            decisions.Add(decision);
            if (decision.Feature is not null)
            {
                var role = options.Roles.TryGetValue(profile.Name, out var declared) ? declared : FeatureRoles.Default.Infer(profile.Name);
                decision = decision with { Feature = decision.Feature.WithRole(role) };
                decisions[^1] = decision;
                features.Add(decision.Feature);
            }
        }

        if (features.Count == 0)
        {
            throw new DataFormatException("no column is left to learn from (every column is excluded, an identifier, personal data or constant)", source, null, null);
        }

        return (new FeatureSchema(features, options.TimeColumn), decisions);
    }

    private static ColumnDecision Decide(ColumnProfile profile, SchemaInferenceOptions options, string? source)
    {
        var name = profile.Name;
        if (profile.NonBlank == 0)
        {
            throw new DataFormatException("the column is entirely blank; exclude it (--exclude) or fill it", source, null, name);
        }

        InferredColumnKind kind;
        if (options.Kinds.TryGetValue(name, out var forced))
        {
            kind = forced switch
            {
                FeatureKind.Numeric => InferredColumnKind.Numeric,
                FeatureKind.Boolean => InferredColumnKind.Boolean,
                FeatureKind.Date => InferredColumnKind.Date,
                _ => InferredColumnKind.Categorical,
            };
        }
        else
        {
            kind = profile.Infer();
        }

        var declared = options.Kinds.ContainsKey(name);
        switch (kind)
        {
            case InferredColumnKind.Numeric:
                if (profile.NumericCount == 0)
                {
                    throw new DataFormatException("the column is declared numeric but holds no numbers", source, null, name);
                }

                var missing = profile.Rows - profile.NumericCount;
                var note = profile.NonBlank > profile.NumericCount
                    ? string.Create(CultureInfo.InvariantCulture, $"{profile.NonBlank - profile.NumericCount} non-numeric cells treated as missing")
                    : null;
                return new ColumnDecision(name, kind, FeatureColumn.Numeric(name, profile.NumericMedian, missing > 0), missing, note);
            case InferredColumnKind.Boolean:
                if (profile.BooleanCount == 0)
                {
                    throw new DataFormatException("the column is declared boolean but holds no yes/no values", source, null, name);
                }

                var boolMissing = profile.Rows - profile.BooleanCount;
                var majority = profile.TrueCount * 2 > profile.BooleanCount ? 1.0 : 0.0;
                return new ColumnDecision(name, kind, FeatureColumn.Boolean(name, majority, boolMissing > 0), boolMissing, null);
            case InferredColumnKind.Date:
                if (profile.DateCount == 0)
                {
                    throw new DataFormatException("the column is declared a date but holds no dates", source, null, name);
                }

                var dateMissing = profile.Rows - profile.DateCount;
                var relative = options.TimeColumn is null ? "days since 1970-01-01" : $"days from '{options.TimeColumn}'";
                return new ColumnDecision(name, kind, FeatureColumn.Date(name, Math.Round(profile.DateMedian), dateMissing > 0), dateMissing, $"date mapped to {relative}");
            case InferredColumnKind.Categorical:
                var minimum = options.MinCategoryCount;
                var categories = profile.TopValues.Where(v => v.Value >= minimum).Take(options.MaxCategories).Select(v => v.Key).ToList();
                if (categories.Count == 0)
                {
                    return new ColumnDecision(name, kind, null, profile.Blank, "no category is frequent enough; excluded");
                }

                var dropped = profile.DistinctCount - categories.Count;
                var categoryNote = dropped > 0 || profile.DistinctTruncated
                    ? string.Create(CultureInfo.InvariantCulture, $"{dropped}{(profile.DistinctTruncated ? "+" : string.Empty)} rare categories map to all zeros")
                    : null;
                return new ColumnDecision(name, kind, FeatureColumn.Categorical(name, categories), profile.Blank, categoryNote);
            case InferredColumnKind.Identifier:
                return new ColumnDecision(name, kind, null, profile.Blank, "looks like an identifier (nearly every value distinct); excluded");
            case InferredColumnKind.PersonalData:
                return new ColumnDecision(name, kind, null, profile.Blank, "looks like personal data (e-mail, phone or name); excluded");
            case InferredColumnKind.Constant:
                return new ColumnDecision(name, kind, null, profile.Blank, "has a single value; excluded");
            default:
                return new ColumnDecision(name, kind, null, profile.Blank, declared ? "declared but unusable; excluded" : "excluded");
        }
    }
}
