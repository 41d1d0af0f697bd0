using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Churn.Features;

/// <summary>
/// Profiles columns of a table in one pass and keeps the cells of the rows asked for in 4 bytes each (a reference
/// to the column's distinct value, or the number, day or kind of missing it read as), so that once a
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
    private readonly List<uint[]>[] _cells;
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
        _cells = new List<uint[]>[_ordinals.Length];
        _orders = new DateOrder[_ordinals.Length];
        _nanTexts = new HashSet<string>?[_ordinals.Length];
        _options = reader.Options;
        _decimalMark = reader.DecimalMark;
        for (var i = 0; i < _ordinals.Length; i++)
        {
            _profilers[i] = new ColumnProfiler(reader.Columns[_ordinals[i]], seed);
            _cells[i] = [];
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

        var slot = row & (BlockSize - 1);
        for (var p = 0; p < _profilers.Length; p++)
        {
            if (slot == 0)
            {
                _cells[p].Add(new uint[BlockSize]);
            }

            var code = _profilers[p].AddCellCode(reader, _ordinals[p], asOfDay);
            _cells[p][row >> BlockShift][slot] = code;
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

        features = new float[rows * width];
        for (var start = 0; start < rows; start += FillRows)
        {
            var end = Math.Min(rows, start + FillRows);
            foreach (var plan in plans)
            {
                Fill(mapper, plan, start, end, features, width, useAsOf ? asOfDays : default);
            }
        }

        CountWarnings(plans);
        return true;
    }

    // How a column's cells map: each distinct text once, and the kinds of other cells checked to map exactly.
    private ColumnPlan? Plan(FeatureMapper mapper, int column, int p)
    {
        var profiler = _profilers[p];
        var feature = mapper.Schema.Columns[column];
        var plan = new ColumnPlan(column, p, feature.Kind, profiler.DistinctCount);
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
        var rows = KeptRows;
        var blocks = _cells[p];
        for (var b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b].AsSpan(0, Math.Min(BlockSize, rows - (b << BlockShift)));
            foreach (var code in block)
            {
                if (!CellCode.IsEntry(code) && !exact(code))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private void Fill(FeatureMapper mapper, ColumnPlan plan, int start, int end, float[] features, int width, ReadOnlySpan<int> asOfDays)
    {
        var blocks = _cells[plan.Profiled];
        var column = plan.Column;
        for (var row = start; row < end; row++)
        {
            var code = blocks[row >> BlockShift][row & (BlockSize - 1)];
            var destination = features.AsSpan(row * width, width);
            var entry = CellCode.IsEntry(code) ? CellCode.EntryIndex(code) : -1;
            if (plan.Kind == FeatureKind.Categorical)
            {
                // Every category is a distinct value, so a cell kept otherwise matches none.
                mapper.SetCategory(column, entry >= 0 ? plan.Categories[entry] : -1, destination);
                continue;
            }

            double value;
            byte state;
            if (entry >= 0)
            {
                value = plan.Values[entry];
                state = plan.States[entry];
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
            if (plan.Kind == FeatureKind.Date)
            {
                mapper.SetDate(column, present, present ? DateOnly.FromDayNumber((int)value) : default, asOfDays.IsEmpty ? null : asOfDays[row], destination);
            }
            else
            {
                mapper.SetNumber(column, present, value, destination);
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

    private sealed class ColumnPlan(int column, int profiled, FeatureKind kind, int distinct)
    {
        public const byte Present = 1;
        public const byte Imputed = 2;

        public int Column { get; } = column;

        public int Profiled { get; } = profiled;

        public FeatureKind Kind { get; } = kind;

        // Per distinct value: the number or day number and its state, or the category (-1 for none).
        public double[] Values { get; } = new double[distinct];

        public byte[] States { get; } = new byte[distinct];

        public int[] Categories { get; } = kind == FeatureKind.Categorical ? new int[distinct] : [];

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
