using System.Globalization;
using System.Text.Json.Serialization;

namespace CsScoring.Churn.Features;

/// <summary>
/// One input column of a churn model and how it becomes features: its kind, the value that replaces a missing
/// cell, whether a missing-indicator feature is added, and (for categories) the one-hot category list.
/// </summary>
/// <remarks>Immutable and thread-safe once built; <see cref="Validate"/> checks the combination of fields.</remarks>
public sealed class FeatureColumn : IEquatable<FeatureColumn>
{
    /// <summary>Creates a column description.</summary>
    /// <param name="name">The column name in the data (exact match).</param>
    /// <param name="kind">How the column is mapped.</param>
    /// <param name="impute">The value used for a missing cell (numeric, boolean and date columns; <see langword="null"/> for categories).</param>
    /// <param name="missingIndicator">Whether a <c>&lt;name&gt;_missing</c> feature (1 when missing, else 0) is added.</param>
    /// <param name="categories">The one-hot categories in feature order (categorical columns only).</param>
    /// <exception cref="ArgumentException">The combination is invalid (see <see cref="Validate"/>).</exception>
    [JsonConstructor]
    public FeatureColumn(string name, FeatureKind kind, double? impute = null, bool missingIndicator = false, IReadOnlyList<string>? categories = null)
    {
        Name = name;
        Kind = kind;
        Impute = impute;
        MissingIndicator = missingIndicator;
        Categories = categories is null ? null : [.. categories];
        Validate();
    }

    /// <summary>The column name in the data.</summary>
    public string Name { get; }

    /// <summary>How the column is mapped.</summary>
    public FeatureKind Kind { get; }

    /// <summary>The value a missing cell takes (numeric, boolean, date); <see langword="null"/> for categorical columns.</summary>
    /// <remarks>For a date column it is in days, on the same scale as the mapped dates.</remarks>
    public double? Impute { get; }

    /// <summary>Whether a <c>&lt;name&gt;_missing</c> feature follows the value; always <see langword="false"/> for categories.</summary>
    public bool MissingIndicator { get; }

    /// <summary>The one-hot categories in feature order (categorical only); an unseen or missing category maps to all zeros.</summary>
    public IReadOnlyList<string>? Categories { get; }

    /// <summary>
    /// Whether the column is a signal a CSM can act on or context, as the schema file declared it or inference decided
    /// at training; <see langword="null"/> in models trained before roles were recorded (then <see cref="FeatureSchema.RoleOf"/>
    /// infers it from the name). Not part of the mapping: it orders explanations only.
    /// </summary>
    /// <exception cref="ArgumentException">A signal kind is set on a context column.</exception>
    public FeatureRole? Role
    {
        get;
        init
        {
            field = value;
            CheckRole();
        }
    }

    /// <summary>The kind of signal (usage, support, sentiment, billing), or <see langword="null"/> (context, or not known).</summary>
    /// <exception cref="ArgumentException">A signal kind is set on a context column.</exception>
    public SignalKind? Signal
    {
        get;
        init
        {
            field = value;
            CheckRole();
        }
    }

    /// <summary>The number of features this column contributes.</summary>
    [JsonIgnore]
    public int FeatureCount => Kind == FeatureKind.Categorical ? Categories!.Count : MissingIndicator ? 2 : 1;

    /// <summary>Creates a numeric column.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="impute">The value for a missing cell (finite).</param>
    /// <param name="missingIndicator">Whether to add a missing indicator.</param>
    public static FeatureColumn Numeric(string name, double impute, bool missingIndicator = false) => new(name, FeatureKind.Numeric, impute, missingIndicator);

    /// <summary>Creates a boolean column (values 0/1).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="impute">The value for a missing cell, in [0, 1].</param>
    /// <param name="missingIndicator">Whether to add a missing indicator.</param>
    public static FeatureColumn Boolean(string name, double impute, bool missingIndicator = false) => new(name, FeatureKind.Boolean, impute, missingIndicator);

    /// <summary>Creates a categorical column.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="categories">The categories, distinct, in feature order.</param>
    public static FeatureColumn Categorical(string name, IReadOnlyList<string> categories) => new(name, FeatureKind.Categorical, categories: categories);

    /// <summary>Creates a date column.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="impute">The value (in days) for a missing cell.</param>
    /// <param name="missingIndicator">Whether to add a missing indicator.</param>
    public static FeatureColumn Date(string name, double impute, bool missingIndicator = false) => new(name, FeatureKind.Date, impute, missingIndicator);

    /// <summary>Appends this column's feature names, in feature order.</summary>
    /// <param name="names">The list to append to.</param>
    public void AppendFeatureNames(ICollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (Kind == FeatureKind.Categorical)
        {
            foreach (var category in Categories!)
            {
                names.Add(string.Create(CultureInfo.InvariantCulture, $"{Name}={category}"));
            }

            return;
        }

        names.Add(Name);
        if (MissingIndicator)
        {
            names.Add(Name + "_missing");
        }
    }

    /// <summary>Checks the combination of fields.</summary>
    /// <exception cref="ArgumentException">
    /// The name is blank; the kind is undefined; a numeric, boolean or date column has no finite imputation value (a
    /// boolean's must be in [0, 1]); a categorical column has an imputation value, a missing indicator, no categories,
    /// a null or repeated category.
    /// </exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            ThrowHelper.Argument("a feature column needs a name");
        }

        if (!Enum.IsDefined(Kind))
        {
            ThrowHelper.Argument($"column '{Name}': unknown kind {(int)Kind}");
        }

        if (Kind == FeatureKind.Categorical)
        {
            if (Impute is not null || MissingIndicator)
            {
                ThrowHelper.Argument($"column '{Name}': a categorical column has no imputation value or missing indicator (missing maps to all zeros)");
            }

            if (Categories is null || Categories.Count == 0)
            {
                ThrowHelper.Argument($"column '{Name}': a categorical column needs at least one category");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var category in Categories)
            {
                if (category is null || !seen.Add(category))
                {
                    ThrowHelper.Argument($"column '{Name}': category '{category}' is null or repeated");
                }
            }

            return;
        }

        if (Categories is not null)
        {
            ThrowHelper.Argument($"column '{Name}': only categorical columns have categories");
        }

        var impute = Impute ?? double.NaN;
        if (!double.IsFinite(impute))
        {
            ThrowHelper.Argument($"column '{Name}': a {Kind.ToString().ToLowerInvariant()} column needs a finite imputation value");
        }

        if (Kind == FeatureKind.Boolean && impute is < 0 or > 1)
        {
            ThrowHelper.Argument($"column '{Name}': a boolean column's imputation value must be in [0, 1], not {impute.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>A copy of this column with the role given.</summary>
    /// <param name="role">The role and signal kind.</param>
    /// <returns>The copy.</returns>
    public FeatureColumn WithRole(ColumnRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return new FeatureColumn(Name, Kind, Impute, MissingIndicator, Categories) { Role = role.Role, Signal = role.Role == FeatureRole.Signal ? role.Signal : null };
    }

    private void CheckRole()
    {
        if (Role == FeatureRole.Context && Signal is not null)
        {
            ThrowHelper.Argument($"column '{Name}': a context column has no signal kind (signal '{Signal.Value.ToString().ToLowerInvariant()}')");
        }
    }

    /// <inheritdoc />
    /// <remarks>Compares the mapping (name, kind, imputation, indicator, categories); the role orders explanations only.</remarks>
    public bool Equals(FeatureColumn? other)
        => other is not null && Name == other.Name && Kind == other.Kind && Nullable.Equals(Impute, other.Impute)
            && MissingIndicator == other.MissingIndicator
            && (Categories is null ? other.Categories is null : other.Categories is not null && Categories.SequenceEqual(other.Categories, StringComparer.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FeatureColumn);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Kind, Impute, MissingIndicator, Categories?.Count);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind})";
}
