using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Churn.Features;

/// <summary>
/// Profiles columns of a table in one pass and keeps the cells of the rows asked for in 2 or 4 bytes each (a
/// reference to the column's distinct value, or the number, day or kind of missing it read as), so that once a
/// <see cref="FeatureSchema"/> is inferred from the profiles the feature matrix is built without reading the table
/// again, with exactly the features and warnings <see cref="FeatureMapper.Map(TabularReader, Span{float})"/> gives.
/// </summary>
/// <remarks>
/// <para>Each distinct text is mapped once per column and the rows are filled by lookup. A column whose kept cells
/// do not say how they map (a column forced to a date or yes/no kind whose values outnumber
/// <see cref="ColumnProfiler.MaxDistinct"/>, say) makes <see cref="TryMap"/> decline; read the table again then.</para>
/// <para>Not thread-safe. Works with one reader, whose reading rules (missing-value markers, decimal mark, date
/// orders) are fixed when it opens.</para>
/// </remarks>
public sealed class ProfiledColumns
{
    // Cells are kept in blocks, so a table of unknown length grows without copies or a doubled peak.
    private const int BlockShift = 16;
    private const int BlockSize = 1 << BlockShift;

    // Rows are filled a block at a time, column after column, so each row's features stay in cache.
    private const int FillRows = 2048;

    private const string ImputedCode = "imputed-cells";
    private const string ImputedMessage = "unparsable or out-of-range cells imputed";

    private readonly TabularReader _reader;
    private readonly int[] _ordinals;
    private readonly ColumnProfiler[] _profilers;
    private readonly KeptColumn[] _cells;
    private readonly TabularReadOptions _options;
    private readonly char _decimalMark;
    private readonly DateOrder[] _orders;
    private readonly HashSet<string>?[] _nanTexts;

    // Kept rows whose row number is not the previous kept row's plus one, and where the source name changes
    // (the parts of a folder): enough to say where any kept row came from.
    private readonly List<(int Row, long RowNumber)> _rowNumbers = [];
    private readonly List<(int Row, string Source)> _sources = [];
    private readonly List<(int Row, DataWarning Warning)> _deferred = [];
    private long _lastRowNumber = long.MinValue;
    private string? _lastSource;

    /// <summary>Creates profilers for columns of a reader.</summary>
    /// <param name="reader">The reader the rows come from; <see cref="Add"/> must be given the same one.</param>
    /// <param name="ordinals">The columns to profile, by index.</param>
    /// <param name="seed">Seeds the profilers' number samples (see <see cref="ColumnProfiler"/>).</param>
    public ProfiledColumns(TabularReader reader, IReadOnlyList<int> ordinals, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(ordinals);
        _reader = reader;
        _ordinals = [.. ordinals];
        _profilers = new ColumnProfiler[_ordinals.Length];
        _cells = new KeptColumn[_ordinals.Length];
        _orders = new DateOrder[_ordinals.Length];
        _nanTexts = new HashSet<string>?[_ordinals.Length];
        _options = reader.Options;
        _decimalMark = reader.DecimalMark;
        for (var i = 0; i < _ordinals.Length; i++)
        {
            _profilers[i] = new ColumnProfiler(reader.Columns[_ordinals[i]], seed);
            _cells[i] = new KeptColumn();
            _orders[i] = reader.DateOrderOf(_ordinals[i]);
        }
    }

    /// <summary>The profilers, one per column in the order given.</summary>
    public IReadOnlyList<ColumnProfiler> Profilers => _profilers;

    /// <summary>How many rows were kept.</summary>
    public int KeptRows { get; private set; }

    /// <summary>Profiles the row the reader is on (as <see cref="ColumnProfiler.AddCell"/> does, column after
    /// column) and keeps its cells when asked.</summary>
    /// <param name="reader">The reader given to the constructor, after a successful <see cref="TabularReader.Read"/>.</param>
    /// <param name="asOfDay">The row's as-of day number, when dates are measured from a time column; else <see langword="null"/>.</param>
    /// <param name="keep">Whether to keep the row's cells for <see cref="TryMap"/>.</param>
    /// <exception cref="ArgumentException">Another reader.</exception>
    /// <exception cref="DataFormatException">A cell is a day/month-ambiguous date.</exception>
    public void Add(TabularReader reader, int? asOfDay, bool keep)
    {
        if (!ReferenceEquals(reader, _reader))
        {
            throw new ArgumentException("The rows must come from the reader the columns were created with.", nameof(reader));
        }

        if (!keep)
        {
            for (var p = 0; p < _profilers.Length; p++)
            {
                _profilers[p].AddCellCode(reader, _ordinals[p], asOfDay);
            }

            return;
        }

        var row = KeptRows;
        if (row == int.MaxValue)
        {
            throw new InvalidOperationException("More rows than can be kept.");
        }

        var rowNumber = reader.RowNumber;
        if (rowNumber != _lastRowNumber + 1)
        {
            _rowNumbers.Add((row, rowNumber));
        }

        _lastRowNumber = rowNumber;
        var source = reader.SourceName;
        if (!ReferenceEquals(source, _lastSource) && !string.Equals(source, _lastSource, StringComparison.Ordinal))
        {
            _sources.Add((row, source));
            _lastSource = source;
        }

        for (var p = 0; p < _profilers.Length; p++)
        {
            var code = _profilers[p].AddCellCode(reader, _ordinals[p], asOfDay);
            _cells[p].Set(row, code);
            if (code == CellCode.NaNText)
            {
                // Rare, and how a date column reads it depends on the spelling: kept once per spelling.
                var nanTexts = _nanTexts[p] ??= new HashSet<string>(StringComparer.Ordinal);
                var text = reader.GetSpan(_ordinals[p]).Trim();
                if (!nanTexts.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text))
                {
                    nanTexts.Add(text.ToString());
                }
            }
        }

        KeptRows = row + 1;
    }

    /// <summary>The reader's <see cref="TabularReader.RowNumber"/> of a kept row.</summary>
    /// <param name="row">The kept row's index (0 for the first kept row).</param>
    /// <returns>The row number.</returns>
    public long RowNumberOf(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, KeptRows);
        var (start, number) = _rowNumbers[Last(_rowNumbers, row, static e => e.Row)];
        return number + (row - start);
    }

    /// <summary>
    /// Holds back a warning the caller raised about kept rows, to be counted by <see cref="TryMap"/> after the
    /// imputed cells of its first row: where it would fall had the rows been mapped by reading the table again.
    /// </summary>
    /// <param name="row">The kept row of its first occurrence.</param>
    /// <param name="warning">The warning, with its count and first row number.</param>
    /// <remarks>Dropped when <see cref="TryMap"/> declines: reading again raises it again.</remarks>
    public void DeferWarning(int row, DataWarning warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, KeptRows);
        _deferred.Add((row, warning));
    }

    /// <summary>
    /// Maps the kept rows into a row-major feature matrix (<see cref="KeptRows"/> × <see cref="FeatureSchema.FeatureCount"/>),
    /// as <see cref="FeatureMapper.Map(TabularReader, Span{float})"/> would have mapped them with the reader:
    /// the same features, and the same <c>imputed-cells</c> warnings in the reader's
    /// <see cref="TabularReadOptions.Warnings"/>.
    /// </summary>
    /// <param name="schema">The schema; its columns must be among the profiled ones.</param>
    /// <param name="asOfDays">The as-of day number of each kept row, when the schema has a time column and dates;
    /// else empty.</param>
    /// <param name="features">The matrix, when mapped.</param>
    /// <returns><see langword="false"/>, having mapped nothing and counted no warning, when a column's kept cells
    /// do not determine its features: then map the rows by reading the table again.</returns>
    /// <exception cref="ArgumentException"><paramref name="asOfDays"/> has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The matrix would exceed the largest array.</exception>
    /// <remarks>Call it once: each call that maps counts the warnings again.</remarks>
    public bool TryMap(FeatureSchema schema, ReadOnlySpan<int> asOfDays, [NotNullWhen(true)] out float[]? features)
    {
        ArgumentNullException.ThrowIfNull(schema);
        features = null;
        var rows = KeptRows;
        var useAsOf = schema.TimeColumn is not null && schema.HasDates;
        if (useAsOf && asOfDays.Length != rows)
        {
            ThrowHelper.WrongLength(nameof(asOfDays), rows, asOfDays.Length, "one as-of day per kept row");
        }

        var width = schema.FeatureCount;
        if ((long)rows * width > Array.MaxLength)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{rows} rows x {width} features do not fit in one matrix."));
        }

        var mapper = new FeatureMapper(schema);
        var plans = new ColumnPlan[schema.Columns.Count];
        for (var i = 0; i < plans.Length; i++)
        {
            var p = Array.FindIndex(_profilers, f => f.Name == schema.Columns[i].Name);
            if (p < 0 || Plan(mapper, i, p) is not { } plan)
            {
                return false;
            }

            plans[i] = plan;
        }

        // Columns the schema left out go before the matrix comes: memory is the limit on big tables.
        for (var p = 0; p < _cells.Length; p++)
        {
            if (Array.FindIndex(plans, plan => plan.Profiled == p) < 0)
            {
                _cells[p].Release();
            }
        }

        features = new float[rows * width];
        for (var start = 0; start < rows; start += FillRows)
        {
            var end = Math.Min(rows, start + FillRows);
            foreach (var plan in plans)
            {
                Fill(plan, start, end, features, width, schema.TimeColumn is null ? default : asOfDays);
            }
        }

        CountWarnings(plans);
        foreach (var cells in _cells)
        {
            cells.Release();
        }

        return true;
    }

    // How a column's cells map: each distinct text once, and the kinds of other cells checked to map exactly.
    private ColumnPlan? Plan(FeatureMapper mapper, int column, int p)
    {
        var profiler = _profilers[p];
        var feature = mapper.Schema.Columns[column];
        var plan = new ColumnPlan(column, p, feature, mapper.Schema.FeatureOffset(column), profiler.DistinctCount);
        switch (feature.Kind)
        {
            case FeatureKind.Categorical:
                // A category outside the distinct values would match cells kept only as what they read as.
                foreach (var category in feature.Categories!)
                {
                    if (profiler.IndexOfDistinct(category) < 0)
                    {
                        return null;
                    }
                }

                for (var e = 0; e < plan.Values.Length; e++)
                {
                    plan.Categories[e] = mapper.CategoryOf(column, profiler.DistinctAt(e));
                }

                return plan;
            case FeatureKind.Numeric:
                // The reader's rules, as Map(reader) reads numbers.
                for (var e = 0; e < plan.Values.Length; e++)
                {
                    var kind = CellText.ParseNumber(profiler.DistinctAt(e), _options, _decimalMark, out var value);
                    plan.Values[e] = value;
                    plan.States[e] = kind == NumberCell.Number ? ColumnPlan.Present : kind == NumberCell.Missing ? (byte)0 : ColumnPlan.Imputed;
                }

                return plan;
            case FeatureKind.Boolean:
                for (var e = 0; e < plan.Values.Length; e++)
                {
                    var present = BooleanText.TryParse(profiler.DistinctAt(e), out var flag);
                    plan.Values[e] = flag ? 1 : 0;
                    plan.States[e] = present ? ColumnPlan.Present : (byte)0;
                }

                // A missing-value marker spelt as a flag ("n") would read as one.
                var markerIsFlag = TabularReadOptions.StandardMissingValues.Concat(_options.MissingValues).Any(m => BooleanText.TryParse(m, out _));
                return Scan(p, code => code is CellCode.NotFinite or CellCode.NaNText || (code == CellCode.Missing && !markerIsFlag)
                    || (CellCode.IsNumber(code) && CellCode.NumberValue(code) is not (0f or 1f))) ? plan : null;
            default:
                var order = _orders[p];
                if (order == DateOrder.Conflict && _options.DateFormat is null)
                {
                    // Map(reader) refuses the column with an error that names the row: leave that to it.
                    return null;
                }

                for (var e = 0; e < plan.Values.Length; e++)
                {
                    var kind = CellText.ParseDate(profiler.DistinctAt(e), _options, order, out var date);
                    if (kind == DateCell.Ambiguous)
                    {
                        return null;
                    }

                    plan.Values[e] = date.DayNumber;
                    plan.States[e] = kind == DateCell.Date ? ColumnPlan.Present : kind == DateCell.Missing ? (byte)0 : ColumnPlan.Imputed;
                }

                // NaN text is a date column's unreadable text, provided no spelling of it reads as a date.
                foreach (var text in _nanTexts[p] ?? [])
                {
                    if (CellText.ParseDate(text, _options, order, out _) != DateCell.Invalid)
                    {
                        return null;
                    }
                }

                // Numbers were never tried as dates (a date format may read 20250131); other text was, and failed.
                return Scan(p, code => !CellCode.IsNumber(code) && code != CellCode.NotFinite) ? plan : null;
        }
    }

    private bool Scan(int p, Func<uint, bool> exact)
    {
        var cells = _cells[p];
        for (var row = 0; row < KeptRows; row++)
        {
            var code = cells.Get(row);
            if (!CellCode.IsEntry(code) && !exact(code))
            {
                return false;
            }
        }

        return true;
    }

    // The rules of FeatureMapper.SetNumber, SetDate and the categorical one-hot, written straight into the matrix:
    // a call per cell would cost more than the rest of the mapping.
    private void Fill(ColumnPlan plan, int start, int end, float[] features, int width, ReadOnlySpan<int> asOfDays)
    {
        // A fill range never straddles two blocks of kept cells (FillRows divides BlockSize).
        var (narrow, wide) = _cells[plan.Profiled].Block(start >> BlockShift);
        var offset = plan.Offset;
        if (plan.Kind == FeatureKind.Categorical)
        {
            var count = plan.CategoryCount;
            var categories = plan.Categories;
            for (var row = start; row < end; row++)
            {
                var code = wide is null ? KeptColumn.Decode(narrow![row & (BlockSize - 1)]) : wide[row & (BlockSize - 1)];
                var at = (row * width) + offset;
                features.AsSpan(at, count).Clear();

                // Every category is a distinct value, so a cell kept otherwise matches none.
                if (CellCode.IsEntry(code) && categories[CellCode.EntryIndex(code)] is var category and >= 0)
                {
                    features[at + category] = 1f;
                }
            }

            return;
        }

        var impute = plan.Impute;
        var indicator = plan.MissingIndicator;
        var isDate = plan.Kind == FeatureKind.Date;
        var values = plan.Values;
        var states = plan.States;
        for (var row = start; row < end; row++)
        {
            var code = wide is null ? KeptColumn.Decode(narrow![row & (BlockSize - 1)]) : wide[row & (BlockSize - 1)];
            double value;
            byte state;
            if (CellCode.IsEntry(code))
            {
                var entry = CellCode.EntryIndex(code);
                value = values[entry];
                state = states[entry];
            }
            else if (CellCode.IsNumber(code) && !isDate)
            {
                // Only numeric columns keep numbers here; Plan has ruled them out elsewhere, but for 0 and 1 in a
                // yes/no column, which it has ruled out too.
                (value, state) = plan.Kind == FeatureKind.Numeric ? (CellCode.NumberValue(code), ColumnPlan.Present) : (0, (byte)0);
            }
            else
            {
                (value, state) = ReadOther(plan.Kind, code);
            }

            if ((state & ColumnPlan.Imputed) != 0)
            {
                while (plan.Source + 1 < _sources.Count && _sources[plan.Source + 1].Row <= row)
                {
                    plan.Source++;
                }

                plan.Warn(row);
            }

            var present = (state & ColumnPlan.Present) != 0;
            if (isDate && present)
            {
                // Days from the row's as-of date, or from 1970-01-01 without a time column.
                value -= asOfDays.IsEmpty ? DateText.UnixEpochDay : asOfDays[row];
            }

            var at = (row * width) + offset;
            features[at] = present ? (float)value : impute;
            if (indicator)
            {
                features[at + 1] = present ? 0f : 1f;
            }
        }
    }

    // A cell outside the distinct values, as Map(reader) reads it; Plan has ruled out the cases this cannot know.
    private static (double Value, byte State) ReadOther(FeatureKind kind, uint code)
    {
        if (code == CellCode.Missing || (code == CellCode.NaNText && kind != FeatureKind.Date))
        {
            return (0, 0);
        }

        return kind switch
        {
            // Text where a number belongs, or an infinite or absurd one: imputed and counted.
            FeatureKind.Numeric => CellCode.IsNumber(code) ? (CellCode.NumberValue(code), ColumnPlan.Present) : (0, ColumnPlan.Imputed),

            // Neither a number other than 0 and 1 nor an infinite one is a yes/no spelling.
            FeatureKind.Boolean => (0, 0),

            // Other text, and NaN text whose spellings Plan found no date in: imputed and counted.
            _ => CellCode.IsDate(code) ? (CellCode.DayNumber(code), ColumnPlan.Present) : (0, ColumnPlan.Imputed),
        };
    }

    // The imputed cells per column and source, then the deferred warnings, counted in the order a row-by-row
    // mapping would first have raised each.
    private void CountWarnings(ColumnPlan[] plans)
    {
        var pending = new List<(int Row, int Order, DataWarning Warning)>();
        foreach (var plan in plans)
        {
            var name = _profilers[plan.Profiled].Name;
            foreach (var (row, count) in plan.Warned)
            {
                pending.Add((row, plan.Column, new DataWarning(ImputedCode, ImputedMessage, SourceOf(row), name, RowNumberOf(row), count)));
            }
        }

        for (var i = 0; i < _deferred.Count; i++)
        {
            pending.Add((_deferred[i].Row, int.MaxValue, _deferred[i].Warning));
        }

        if (_options.Warnings is not { } warnings)
        {
            return;
        }

        // Stable: deferred warnings of one row keep the order they were given in.
        foreach (var (_, _, w) in pending.OrderBy(p => p.Row).ThenBy(p => p.Order))
        {
            warnings.Add(w.Code, w.Message, w.Source, w.Column, w.FirstRow, w.Count);
        }
    }

    private string SourceOf(int row) => _sources[Last(_sources, row, static e => e.Row)].Source;

    // The last entry starting at or before the row.
    private static int Last<T>(List<T> starts, int row, Func<T, int> start)
    {
        int lo = 0, hi = starts.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (start(starts[mid]) <= row)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    // One column's kept cells: two bytes each while every cell is a distinct value's entry (fewer than
    // ColumnProfiler.MaxDistinct, so below the markers) or a marker, four from the first number or day past the
    // distinct values kept (the column is widened once, then).
    private sealed class KeptColumn
    {
        private const ushort FirstMarker = 0xFFF0;

        private List<ushort[]>? _narrow = [];
        private List<uint[]>? _wide;

        public static uint Decode(ushort cell) => cell < FirstMarker ? CellCode.Entry(cell) : CellCode.Missing + (uint)(cell - FirstMarker);

        public void Set(int row, uint code)
        {
            var block = row >> BlockShift;
            var slot = row & (BlockSize - 1);
            if (_narrow is { } narrow)
            {
                if (narrow.Count == block)
                {
                    narrow.Add(new ushort[BlockSize]);
                }

                if (CellCode.IsEntry(code))
                {
                    narrow[block][slot] = (ushort)CellCode.EntryIndex(code);
                    return;
                }

                if (code - CellCode.Missing <= CellCode.NaNText - CellCode.Missing)
                {
                    narrow[block][slot] = (ushort)(FirstMarker + (code - CellCode.Missing));
                    return;
                }

                Widen(narrow);
            }

            var wide = _wide!;
            if (wide.Count == block)
            {
                wide.Add(new uint[BlockSize]);
            }

            wide[block][slot] = code;
        }

        public uint Get(int row)
        {
            var (narrow, wide) = Block(row >> BlockShift);
            return wide is null ? Decode(narrow![row & (BlockSize - 1)]) : wide[row & (BlockSize - 1)];
        }

        public (ushort[]? Narrow, uint[]? Wide) Block(int block) => _wide is { } wide ? (null, wide[block]) : (_narrow![block], null);

        public void Release()
        {
            _narrow = [];
            _wide = null;
        }

        private void Widen(List<ushort[]> narrow)
        {
            var wide = new List<uint[]>(narrow.Count);
            foreach (var cells in narrow)
            {
                var widened = new uint[BlockSize];
                for (var i = 0; i < cells.Length; i++)
                {
                    widened[i] = Decode(cells[i]);
                }

                wide.Add(widened);
            }

            _wide = wide;
            _narrow = null;
        }
    }

    private sealed class ColumnPlan(int column, int profiled, FeatureColumn feature, int offset, int distinct)
    {
        public const byte Present = 1;
        public const byte Imputed = 2;

        public int Column { get; } = column;

        public int Profiled { get; } = profiled;

        public FeatureKind Kind { get; } = feature.Kind;

        public int Offset { get; } = offset;

        public float Impute { get; } = feature.Impute is { } impute ? (float)impute : 0f;

        public bool MissingIndicator { get; } = feature.MissingIndicator;

        public int CategoryCount { get; } = feature.Categories?.Count ?? 0;

        // Per distinct value: the number or day number and its state, or the category (-1 for none).
        public double[] Values { get; } = new double[distinct];

        public byte[] States { get; } = new byte[distinct];

        public int[] Categories { get; } = feature.Kind == FeatureKind.Categorical ? new int[distinct] : [];

        // The source segment of the rows being filled; rows come in order.
        public int Source { get; set; }

        // Per source segment with warned rows: its first warned row and the count.
        public List<(int Row, long Count)> Warned { get; } = [];

        private int _warnedSource = -1;

        public void Warn(int row)
        {
            if (_warnedSource == Source)
            {
                var last = Warned[^1];
                Warned[^1] = (last.Row, last.Count + 1);
                return;
            }

            Warned.Add((row, 1));
            _warnedSource = Source;
        }
    }
}
