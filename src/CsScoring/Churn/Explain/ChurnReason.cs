using System.Globalization;
using CsScoring.Churn.Features;

namespace CsScoring.Churn.Explain;

/// <summary>
/// One driver of an account's churn score: a feature, its value and its SHAP contribution to the raw (log-odds)
/// score. Positive contributions raise the churn risk, negative ones lower it.
/// </summary>
public readonly struct ChurnReason : IEquatable<ChurnReason>
{
    /// <summary>Creates a reason.</summary>
    /// <param name="featureIndex">The index of the feature in the model's feature vector.</param>
    /// <param name="feature">The feature's name (as in the manifest's <c>feature_names</c>).</param>
    /// <param name="value">The feature's value for the account (after imputation and one-hot encoding).</param>
    /// <param name="contribution">The feature's SHAP contribution to the raw score.</param>
    public ChurnReason(int featureIndex, string feature, float value, float contribution)
    {
        ArgumentNullException.ThrowIfNull(feature);
        FeatureIndex = featureIndex;
        Feature = feature;
        Value = value;
        Contribution = contribution;
    }

    /// <summary>The index of the feature in the model's feature vector.</summary>
    public int FeatureIndex { get; }

    /// <summary>The feature's name: a column (<c>tickets_90d</c>), a category (<c>plan=basic</c>) or a missing flag (<c>csat_missing</c>).</summary>
    public string Feature { get; }

    /// <summary>The feature's value for the account.</summary>
    public float Value { get; }

    /// <summary>The SHAP contribution to the raw log-odds score.</summary>
    public float Contribution { get; }

    /// <summary>Whether the feature raises the churn risk (a positive contribution).</summary>
    public bool RaisesRisk => Contribution > 0;

    /// <summary>Whether two reasons are equal in every field.</summary>
    /// <param name="left">The first reason.</param>
    /// <param name="right">The second reason.</param>
    public static bool operator ==(ChurnReason left, ChurnReason right) => left.Equals(right);

    /// <summary>Whether two reasons differ.</summary>
    /// <param name="left">The first reason.</param>
    /// <param name="right">The second reason.</param>
    public static bool operator !=(ChurnReason left, ChurnReason right) => !left.Equals(right);

    /// <summary>A sentence from the feature's name alone (see <see cref="Describe(IReadOnlyDictionary{string, string}?)"/>).</summary>
    /// <returns>The sentence.</returns>
    public string Describe() => Describe((IReadOnlyDictionary<string, string>?)null);

    /// <summary>
    /// A sentence a customer-success manager can act on, from the feature's name alone, e.g. <c>"tickets_90d = 7 raises churn risk"</c>,
    /// <c>"plan is basic lowers churn risk"</c>, <c>"csat is missing raises churn risk"</c>.
    /// </summary>
    /// <param name="labels">Readable names for columns (e.g. <c>tickets_90d</c> → "support tickets in 90 days"), or <see langword="null"/>.</param>
    /// <returns>The sentence.</returns>
    public string Describe(IReadOnlyDictionary<string, string>? labels)
    {
        var direction = RaisesRisk ? "raises churn risk" : "lowers churn risk";
        var feature = Feature ?? string.Empty;
        var equals = feature.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            var column = Label(feature[..equals], labels);
            var category = feature[(equals + 1)..];
            return Value > 0 ? $"{column} is {category} {direction}" : $"{column} is not {category} {direction}";
        }

        const string MissingSuffix = "_missing";
        if (feature.EndsWith(MissingSuffix, StringComparison.Ordinal) && feature.Length > MissingSuffix.Length)
        {
            var column = Label(feature[..^MissingSuffix.Length], labels);
            return Value > 0 ? $"{column} is missing {direction}" : $"{column} is present {direction}";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Label(feature, labels)} = {new ThreeDecimals(Value)} {direction}");
    }

    /// <summary>A sentence worded by the kind of the feature's column in the model's schema (see <see cref="Describe(FeatureSchema, IReadOnlyDictionary{string, string}?)"/>).</summary>
    /// <param name="schema">The feature schema of the model the reason comes from.</param>
    /// <returns>The sentence.</returns>
    public string Describe(FeatureSchema schema) => Describe(schema, null);

    /// <summary>
    /// A sentence worded by the kind of the feature's column in the model's schema:
    /// <list type="bullet">
    /// <item>a date measured from the row's time column: <c>"renewal_date in 152 days lowers churn risk"</c>,
    /// <c>"last_login 30 days ago raises churn risk"</c>, <c>"renewal_date on the as-of date ..."</c>; a date without a
    /// time column (days since 1970-01-01) as the date, <c>"renewal_date = 2025-06-01 ..."</c>;</item>
    /// <item>a boolean: <c>"executive_sponsor = yes ..."</c> or <c>"= no"</c> (a value between, only produced by
    /// imputing a missing cell, reads "is missing");</item>
    /// <item>a missing indicator: <c>"csat is missing ..."</c> or <c>"csat is present ..."</c>;</item>
    /// <item>a category: <c>"plan is basic ..."</c> or <c>"plan is not basic ..."</c>;</item>
    /// <item>a number: <c>"tickets_90d = 7 ..."</c>.</item>
    /// </list>
    /// </summary>
    /// <param name="schema">The feature schema of the model the reason comes from.</param>
    /// <param name="labels">Readable names for columns (e.g. <c>tickets_90d</c> → "support tickets in 90 days"), or <see langword="null"/>.</param>
    /// <returns>The sentence; when the reason's feature is not the schema's feature at <see cref="FeatureIndex"/>,
    /// the schema-free wording of <see cref="Describe(IReadOnlyDictionary{string, string}?)"/>.</returns>
    public string Describe(FeatureSchema schema, IReadOnlyDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (FeatureIndex < 0 || FeatureIndex >= schema.FeatureCount || !string.Equals(schema.FeatureNames[FeatureIndex], Feature, StringComparison.Ordinal))
        {
            return Describe(labels);
        }

        var columnIndex = schema.ColumnOfFeature(FeatureIndex);
        var column = schema.Columns[columnIndex];
        if (column.Kind == FeatureKind.Categorical)
        {
            return Describe(labels);
        }

        var direction = RaisesRisk ? "raises churn risk" : "lowers churn risk";
        var name = Label(column.Name, labels);
        if (column.MissingIndicator && FeatureIndex == schema.FeatureOffset(columnIndex) + 1)
        {
            return Value > 0 ? $"{name} is missing {direction}" : $"{name} is present {direction}";
        }

        var c = CultureInfo.InvariantCulture;
        switch (column.Kind)
        {
            case FeatureKind.Boolean:
                return Value switch
                {
                    1f => $"{name} = yes {direction}",
                    0f => $"{name} = no {direction}",
                    _ => $"{name} is missing {direction}",
                };
            case FeatureKind.Date when !float.IsFinite(Value):
                break;
            case FeatureKind.Date when schema.TimeColumn is not null:
                var days = (long)Math.Round(Value, MidpointRounding.AwayFromZero);
                return days switch
                {
                    0 => $"{name} on the as-of date {direction}",
                    1 => $"{name} in 1 day {direction}",
                    -1 => $"{name} 1 day ago {direction}",
                    > 0 => string.Create(c, $"{name} in {days} days {direction}"),
                    _ => string.Create(c, $"{name} {-days} days ago {direction}"),
                };
            case FeatureKind.Date when s_epoch + Math.Round((double)Value) >= 0 && s_epoch + Math.Round((double)Value) <= DateOnly.MaxValue.DayNumber:
                return string.Create(c, $"{name} = {DateOnly.FromDayNumber(s_epoch + (int)Math.Round(Value, MidpointRounding.AwayFromZero)):yyyy-MM-dd} {direction}");
        }

        return string.Create(c, $"{name} = {new ThreeDecimals(Value)} {direction}");
    }

    private static readonly int s_epoch = new DateOnly(1970, 1, 1).DayNumber;

    /// <inheritdoc/>
    public bool Equals(ChurnReason other)
        => FeatureIndex == other.FeatureIndex && string.Equals(Feature, other.Feature, StringComparison.Ordinal)
           && Value.Equals(other.Value) && Contribution.Equals(other.Contribution);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ChurnReason other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(FeatureIndex, Value, Contribution);

    /// <inheritdoc/>
    public override string ToString() => Describe();

    private static string Label(string column, IReadOnlyDictionary<string, string>? labels)
        => labels is not null && labels.TryGetValue(column, out var label) ? label : column;

    /// <summary>
    /// Picks the <paramref name="destination"/>.Length features with the largest absolute contributions, largest
    /// first (ties: lower feature index first); features contributing exactly 0 are never reasons.
    /// </summary>
    /// <param name="featureNames">The model's feature names.</param>
    /// <param name="features">The account's feature vector.</param>
    /// <param name="contributions">The SHAP contributions of the same features.</param>
    /// <param name="destination">Receives the reasons; its length is k.</param>
    /// <returns>How many reasons were written (fewer than k when fewer features contribute).</returns>
    /// <exception cref="ArgumentException">The spans' lengths differ from the feature names'.</exception>
    /// <remarks>Allocation-free: one pass that keeps the best k (O(n·k) at worst, about n comparisons in practice).</remarks>
    public static int Top(IReadOnlyList<string> featureNames, ReadOnlySpan<float> features, ReadOnlySpan<float> contributions, Span<ChurnReason> destination)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        if (features.Length != featureNames.Count || contributions.Length != featureNames.Count)
        {
            throw new ArgumentException($"Expected {featureNames.Count} features and contributions, got {features.Length} and {contributions.Length}.", nameof(contributions));
        }

        const int StackReasons = 64;
        var k = Math.Min(destination.Length, contributions.Length);
        if (k > StackReasons)
        {
            return TopBySelection(featureNames, features, contributions, destination);
        }

        // One pass keeping the k best in (magnitude desc, index asc) order: once the list is full most features fail
        // the first comparison, so the branches are predictable.
        Span<int> indexes = stackalloc int[k];
        Span<float> magnitudes = stackalloc float[k];
        var count = 0;
        for (var i = 0; i < contributions.Length && k > 0; i++)
        {
            var magnitude = Math.Abs(contributions[i]);
            if (!(magnitude > 0) || (count == k && !(magnitude > magnitudes[k - 1])))
            {
                continue;
            }

            var position = count < k ? count++ : k - 1;
            while (position > 0 && magnitude > magnitudes[position - 1])
            {
                magnitudes[position] = magnitudes[position - 1];
                indexes[position] = indexes[position - 1];
                position--;
            }

            magnitudes[position] = magnitude;
            indexes[position] = i;
        }

        for (var r = 0; r < count; r++)
        {
            var best = indexes[r];
            destination[r] = new ChurnReason(best, featureNames[best], features[best], contributions[best]);
        }

        return count;
    }

    // O(n·k) selection for long destinations.
    private static int TopBySelection(IReadOnlyList<string> featureNames, ReadOnlySpan<float> features, ReadOnlySpan<float> contributions, Span<ChurnReason> destination)
    {
        var written = 0;
        var previousMagnitude = float.PositiveInfinity;
        var previousIndex = -1;
        while (written < destination.Length)
        {
            // The next reason: the largest |contribution| strictly after the previous one in (magnitude desc, index asc) order.
            var best = -1;
            var bestMagnitude = 0f;
            for (var i = 0; i < contributions.Length; i++)
            {
                var magnitude = Math.Abs(contributions[i]);
                if (!(magnitude > 0))
                {
                    continue;
                }

                var after = magnitude < previousMagnitude || (magnitude == previousMagnitude && i > previousIndex);
                if (after && (best < 0 || magnitude > bestMagnitude))
                {
                    best = i;
                    bestMagnitude = magnitude;
                }
            }

            if (best < 0)
            {
                break;
            }

            destination[written++] = new ChurnReason(best, featureNames[best], features[best], contributions[best]);
            previousMagnitude = bestMagnitude;
            previousIndex = best;
        }

        return written;
    }
}
