using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using CsScoring.Churn.Features;

namespace CsScoring.Churn;

/// <content>Validation of rows given as column name → cell text.</content>
public sealed partial class ChurnModel
{
    private FrozenSet<string>? _knownKeys;

    /// <summary>
    /// Predicts one account from its raw column values, checking the row as <paramref name="validation"/> says.
    /// </summary>
    /// <param name="row">The row (column name → cell text); absent, <see langword="null"/> or blank values are missing.</param>
    /// <param name="validation">Lenient (ignore problems), count them, or refuse them (strict).</param>
    /// <param name="diagnostics">What the row held that the model could not use as given; all zero for <see cref="ChurnRowValidation.Lenient"/>, which does not look.</param>
    /// <returns>The prediction, equal to <see cref="Predict(IReadOnlyDictionary{string, string?})"/> for a row that passes.</returns>
    /// <exception cref="ChurnRowException">
    /// With <see cref="ChurnRowValidation.Strict"/>: a key is not a model column (nor the time, id or label column), a
    /// value does not parse as its column's type, or the row has no value for any model column.
    /// </exception>
    public ChurnPrediction Predict(IReadOnlyDictionary<string, string?> row, ChurnRowValidation validation, out ChurnRowDiagnostics diagnostics)
    {
        diagnostics = CheckRow(row, validation);
        return Predict(row);
    }

    /// <summary>Checks a row as <paramref name="validation"/> says, without scoring it.</summary>
    /// <param name="row">The row (column name → cell text).</param>
    /// <param name="validation">Lenient (returns all zero without looking), count problems, or refuse them.</param>
    /// <returns>The counts of unknown keys, unparsable values, unseen categories and missing values.</returns>
    /// <exception cref="ChurnRowException">With <see cref="ChurnRowValidation.Strict"/>, as for <see cref="Predict(IReadOnlyDictionary{string, string?}, ChurnRowValidation, out ChurnRowDiagnostics)"/>.</exception>
    public ChurnRowDiagnostics CheckRow(IReadOnlyDictionary<string, string?> row, ChurnRowValidation validation)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (validation == ChurnRowValidation.Lenient)
        {
            return default;
        }

        if (validation is not ChurnRowValidation.CountWarnings and not ChurnRowValidation.Strict)
        {
            throw new ArgumentOutOfRangeException(nameof(validation), validation, "Not a defined ChurnRowValidation value.");
        }

        var strict = validation == ChurnRowValidation.Strict;
        var known = _knownKeys ??= KnownKeys();
        int unknown = 0, unparsable = 0, unseen = 0, missing = 0;
        string? firstUnknown = null, firstUnparsable = null;
        foreach (var (key, value) in row)
        {
            if (!known.Contains(key))
            {
                if (strict)
                {
                    ThrowUnknown(key, value);
                }

                unknown++;
                firstUnknown ??= key;
            }
        }

        var schema = Manifest.Features;
        if (schema.TimeColumn is { } time && schema.HasDates && row.TryGetValue(time, out var asOf)
            && !string.IsNullOrWhiteSpace(asOf) && FeatureMapper.AsOfDay(asOf) is null)
        {
            if (strict)
            {
                ThrowUnparsable(time, asOf, "a date (yyyy-MM-dd)");
            }

            unparsable++;
            firstUnparsable ??= time;
        }

        var columns = schema.Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            if (!row.TryGetValue(column.Name, out var value) || string.IsNullOrWhiteSpace(value))
            {
                missing++;
                continue;
            }

            switch (Mapper.Classify(i, value))
            {
                case CellClass.Unparsable:
                    if (strict)
                    {
                        ThrowUnparsable(column.Name, value, Expected(column.Kind));
                    }

                    unparsable++;
                    firstUnparsable ??= column.Name;
                    break;
                case CellClass.UnseenCategory:
                    unseen++;
                    break;
            }
        }

        var empty = missing == columns.Count;
        if (empty && strict)
        {
            throw new ChurnRowException(ChurnRowProblem.EmptyRow, null, null,
                $"The row has no value for any of the model's {columns.Count} columns ({ColumnList()}).");
        }

        return new ChurnRowDiagnostics(unknown, unparsable, unseen, missing, empty, firstUnknown, firstUnparsable);
    }

    private FrozenSet<string> KnownKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in Manifest.Features.Columns)
        {
            keys.Add(column.Name);
        }

        foreach (var extra in (ReadOnlySpan<string?>)[Manifest.Features.TimeColumn, Manifest.TimeColumn, Manifest.IdColumn, Manifest.Label.Column])
        {
            if (!string.IsNullOrEmpty(extra))
            {
                keys.Add(extra);
            }
        }

        return keys.ToFrozenSet(StringComparer.Ordinal);
    }

    private static string Expected(FeatureKind kind) => kind switch
    {
        FeatureKind.Numeric => "a number (invariant culture, e.g. 12.5)",
        FeatureKind.Boolean => "a boolean (1/0, true/false, yes/no, y/n)",
        _ => "a date (yyyy-MM-dd)",
    };

    private string ColumnList() => string.Join(", ", Manifest.Features.Columns.Select(c => c.Name));

    [DoesNotReturn]
    private void ThrowUnknown(string key, string? value)
    {
        var suggestion = Manifest.Features.Columns.Select(c => c.Name).FirstOrDefault(name => Similar(name, key));
        var hint = suggestion is null ? $"The model's columns are: {ColumnList()}." : $"Did you mean '{suggestion}'?";
        throw new ChurnRowException(ChurnRowProblem.UnknownColumn, key, value, $"Unknown column '{key}': the model has no such input. {hint}");
    }

    [DoesNotReturn]
    private static void ThrowUnparsable(string column, string value, string expected)
        => throw new ChurnRowException(ChurnRowProblem.UnparsableValue, column, value,
            $"Column '{column}': '{value}' is not {expected}; send null or leave it out for a missing value.");

    // Same name ignoring case and underscores, or within two edits: the usual misspellings of a column name.
    private static bool Similar(string a, string b)
    {
        static string Fold(string s) => s.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var x = Fold(a);
        var y = Fold(b);
        if (x == y)
        {
            return true;
        }

        if (Math.Abs(x.Length - y.Length) > 2)
        {
            return false;
        }

        var previous = new int[y.Length + 1];
        var current = new int[y.Length + 1];
        for (var j = 0; j <= y.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= x.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= y.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[y.Length] <= 2;
    }
}
