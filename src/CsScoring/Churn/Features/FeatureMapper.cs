using CsScoring.Data;

namespace CsScoring.Churn.Features;

/// <summary>
/// Turns one raw row (cell texts) into a model's feature vector as its <see cref="FeatureSchema"/> defines:
/// imputation, missing indicators, one-hot categories and relative dates. Training and inference both use it.
/// </summary>
/// <remarks>
/// <para>Rules: a numeric, boolean or date cell that is blank, unparsable or NaN takes the column's imputation
/// value and sets its <c>_missing</c> feature to 1 (when the column has one); booleans read 0/1, yes/no, true/false,
/// y/n; a categorical cell (trimmed, case-sensitive) sets its category's feature to 1, and an unseen or blank one
/// leaves all of the column's features 0; a date is the number of days from the row's time column (or from
/// 1970-01-01 without one) to the date, and is missing when either date is missing.</para>
/// <para>Thread-safe: one instance may map rows from any number of threads (each with its own reader or row).
/// Mapping does not allocate, except once per new reader to resolve its column ordinals.</para>
/// </remarks>
public sealed class FeatureMapper
{
    private readonly FeatureColumn[] _columns;
    private readonly int[] _offsets;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>>?[] _categories;
    private ReaderBinding? _binding;

    /// <summary>Creates a mapper for a schema.</summary>
    /// <param name="schema">The schema.</param>
    public FeatureMapper(FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _columns = [.. schema.Columns];
        _offsets = new int[_columns.Length];
        _categories = new Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>>?[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            _offsets[i] = schema.FeatureOffset(i);
            if (_columns[i].Categories is { } categories)
            {
                var map = new Dictionary<string, int>(categories.Count, StringComparer.Ordinal);
                for (var c = 0; c < categories.Count; c++)
                {
                    map[categories[c]] = c;
                }

                _categories[i] = map.GetAlternateLookup<ReadOnlySpan<char>>();
            }
        }
    }

    /// <summary>The schema this mapper applies.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>The length of the feature vector.</summary>
    public int FeatureCount => Schema.FeatureCount;

    /// <summary>Maps a row given as column name → cell text.</summary>
    /// <param name="row">The row; a column that is absent or <see langword="null"/> counts as missing.</param>
    /// <param name="destination">Receives the features; its length must be <see cref="FeatureCount"/>.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public void Map(IReadOnlyDictionary<string, string?> row, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(row);
        CheckLength(destination);
        var asOf = AsOfDay(Schema.TimeColumn is { } time && row.TryGetValue(time, out var t) ? t : null);
        for (var i = 0; i < _columns.Length; i++)
        {
            var text = row.TryGetValue(_columns[i].Name, out var cell) ? cell.AsSpan() : default;
            MapCell(i, text, asOf, destination);
        }
    }

    /// <summary>Maps the row a reader is positioned on.</summary>
    /// <param name="reader">The reader, after a successful <see cref="TabularReader.Read"/>.</param>
    /// <param name="destination">Receives the features; its length must be <see cref="FeatureCount"/>.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    /// <exception cref="DataFormatException">A schema column (or the time column) is absent from the reader's header.</exception>
    public void Map(TabularReader reader, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(reader);
        CheckLength(destination);
        var binding = Bind(reader);
        int? asOf = null;
        if (binding.TimeOrdinal >= 0 && reader.TryGetDate(binding.TimeOrdinal, out var asOfDate))
        {
            asOf = asOfDate.DayNumber;
        }

        var ordinals = binding.Ordinals;
        for (var i = 0; i < _columns.Length; i++)
        {
            var ordinal = ordinals[i];
            switch (_columns[i].Kind)
            {
                case FeatureKind.Numeric:
                    var kind = reader.ParseNumber(ordinal, out var value);
                    if (kind is NumberCell.Invalid or NumberCell.NotFinite)
                    {
                        // Text where a number belongs, or an infinite or absurd one: imputed like a missing cell, and counted.
                        reader.Options.Warnings?.Add("imputed-cells", "unparsable or out-of-range cells imputed", reader.SourceName, _columns[i].Name, reader.RowNumber);
                    }

                    SetNumber(i, kind == NumberCell.Number, value, destination);
                    break;
                case FeatureKind.Date:
                    var present = reader.TryGetDate(ordinal, out var date);
                    if (!present && !reader.IsBlank(ordinal))
                    {
                        reader.Options.Warnings?.Add("imputed-cells", "unparsable or out-of-range cells imputed", reader.SourceName, _columns[i].Name, reader.RowNumber);
                    }

                    SetDate(i, present, date, asOf, destination);
                    break;
                default:
                    MapCell(i, reader.GetSpan(ordinal), asOf, destination);
                    break;
            }
        }
    }

    /// <summary>Maps a single column's cell into its slice of the feature vector.</summary>
    /// <param name="columnIndex">The index in <see cref="FeatureSchema.Columns"/>.</param>
    /// <param name="text">The cell text (blank = missing).</param>
    /// <param name="asOfDay">The row's as-of date as a <see cref="DateOnly.DayNumber"/>, or <see langword="null"/>
    /// when it is missing; only date columns use it (ignored when the schema has no time column).</param>
    /// <param name="destination">The whole feature vector (length <see cref="FeatureCount"/>).</param>
    public void MapCell(int columnIndex, ReadOnlySpan<char> text, int? asOfDay, Span<float> destination)
    {
        CheckLength(destination);
        var column = _columns[columnIndex];
        var offset = _offsets[columnIndex];
        double value;
        bool present;
        switch (column.Kind)
        {
            case FeatureKind.Categorical:
                var features = destination.Slice(offset, column.Categories!.Count);
                features.Clear();
                var key = text.Trim();
                if (!key.IsEmpty && _categories[columnIndex]!.Value.TryGetValue(key, out var category))
                {
                    features[category] = 1f;
                }

                return;
            case FeatureKind.Numeric:
                present = CellText.ParseNumber(text, TabularReadOptions.Default, '.', out value) == NumberCell.Number;
                break;
            case FeatureKind.Boolean:
                present = BooleanText.TryParse(text, out var flag);
                value = flag ? 1 : 0;
                break;
            default:
                SetDate(columnIndex, DateText.TryParse(text, out var date), date, asOfDay, destination);
                return;
        }

        SetNumber(columnIndex, present, value, destination);
    }

    // The category a cell sets, or -1: what MapCell does for a categorical column (kept inline there, on the scoring
    // path), for callers that map each distinct text once.
    internal int CategoryOf(int columnIndex, ReadOnlySpan<char> text)
    {
        var key = text.Trim();
        return !key.IsEmpty && _categories[columnIndex]!.Value.TryGetValue(key, out var category) ? category : -1;
    }

    private void SetDate(int columnIndex, bool present, DateOnly date, int? asOfDay, Span<float> destination)
    {
        int origin;
        if (Schema.TimeColumn is null)
        {
            origin = DateText.UnixEpochDay;
        }
        else if (asOfDay is { } day)
        {
            origin = day;
        }
        else
        {
            present = false;
            origin = 0;
        }

        SetNumber(columnIndex, present, present ? date.DayNumber - origin : 0, destination);
    }

    private void SetNumber(int columnIndex, bool present, double value, Span<float> destination)
    {
        var column = _columns[columnIndex];
        var offset = _offsets[columnIndex];
        destination[offset] = present ? (float)value : (float)column.Impute!.Value;
        if (column.MissingIndicator)
        {
            destination[offset + 1] = present ? 0f : 1f;
        }
    }

    // How a non-blank cell reads under the mapping rules; used by row validation, never by scoring itself.
    internal CellClass Classify(int columnIndex, ReadOnlySpan<char> text)
    {
        var column = _columns[columnIndex];
        var trimmed = text.Trim();

        // Categories are matched as written (a category may be spelt like a missing-value marker), as MapCell does.
        if (column.Kind == FeatureKind.Categorical ? trimmed.IsEmpty : TabularReadOptions.Default.IsMissingTrimmed(trimmed))
        {
            return CellClass.Missing;
        }

        return column.Kind switch
        {
            FeatureKind.Categorical => _categories[columnIndex]!.Value.ContainsKey(trimmed) ? CellClass.Value : CellClass.UnseenCategory,
            FeatureKind.Numeric => CellText.ParseNumber(trimmed, TabularReadOptions.Default, '.', out _) switch
            {
                NumberCell.Number => CellClass.Value,
                NumberCell.Missing => CellClass.Missing,
                _ => CellClass.Unparsable,
            },
            FeatureKind.Boolean => BooleanText.TryParse(trimmed, out _) ? CellClass.Value : CellClass.Unparsable,
            _ => DateText.TryParse(trimmed, out _) ? CellClass.Value : CellClass.Unparsable,
        };
    }

    /// <summary>Parses an as-of cell for <see cref="MapCell"/>.</summary>
    /// <param name="text">The time column's cell.</param>
    /// <returns>The <see cref="DateOnly.DayNumber"/>, or <see langword="null"/> when blank or not a date.</returns>
    public static int? AsOfDay(ReadOnlySpan<char> text) => DateText.TryParse(text, out var date) ? date.DayNumber : null;

    private ReaderBinding Bind(TabularReader reader)
    {
        var binding = Volatile.Read(ref _binding);
        if (binding is not null && ReferenceEquals(binding.Reader, reader))
        {
            return binding;
        }

        var ordinals = new int[_columns.Length];
        for (var i = 0; i < ordinals.Length; i++)
        {
            ordinals[i] = reader.GetOrdinal(_columns[i].Name);
        }

        var timeOrdinal = Schema.TimeColumn is { } time && Schema.HasDates ? reader.GetOrdinal(time) : -1;
        binding = new ReaderBinding(reader, ordinals, timeOrdinal);
        Volatile.Write(ref _binding, binding);
        return binding;
    }

    private void CheckLength(Span<float> destination)
    {
        if (destination.Length != Schema.FeatureCount)
        {
            ThrowHelper.WrongLength(nameof(destination), Schema.FeatureCount, destination.Length, "one per feature of the schema");
        }
    }

    private sealed record ReaderBinding(TabularReader Reader, int[] Ordinals, int TimeOrdinal);
}

internal enum CellClass
{
    Missing,
    Value,
    Unparsable,
    UnseenCategory,
}
