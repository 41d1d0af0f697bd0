using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Churn;

/// <summary>
/// An ML.NET view over rows of a row-major feature matrix (no copy per row): columns <c>Features</c> (vector of
/// float, fixed size) and <c>Label</c> (bool). A subset of rows is selected by index, so folds cost no copies.
/// </summary>
internal sealed class MatrixDataView : IDataView
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";
    public const string WeightColumn = "Weight";

    private readonly float[] _features;
    private readonly bool[] _labels;
    private readonly int[] _rows;
    private readonly int _width;
    private readonly float[]? _weights;
    private readonly float[]? _shift;
    private readonly float[]? _scale;

    public MatrixDataView(float[] features, int width, bool[] labels, int[] rows, float[]? weights = null)
        : this(features, width, labels, rows, weights, null, null)
    {
    }

    private MatrixDataView(float[] features, int width, bool[] labels, int[] rows, float[]? weights, float[]? shift, float[]? scale)
    {
        _features = features;
        _width = width;
        _labels = labels;
        _rows = rows;
        _weights = weights;
        _shift = shift;
        _scale = scale;
        Schema = CreateSchema(width, weights is not null);
    }

    public int Width => _width;

    /// <summary>
    /// Whether <see cref="GetRowCursorSet"/> hands out n cursors over consecutive ranges of the rows (cursor k
    /// over <see cref="PartStart"/>(n, k) to <see cref="PartStart"/>(n, k + 1), with <c>Batch</c> k), so a scorer
    /// can map them on n threads. Off for training: a trainer reading a cursor set could then depend on the split.
    /// </summary>
    public bool SplitsCursors { get; init; }

    /// <summary>The first of this view's rows in part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public int PartStart(int parts, int part) => (int)((long)_rows.Length * part / parts);

    /// <summary>
    /// Per feature, the mean and the reciprocal of the standard deviation over this view's rows (1 for a constant
    /// feature), so that <c>(x - shift) * scale</c> has mean 0 and variance 1.
    /// </summary>
    public (float[] Shift, float[] Scale) Standardisation()
    {
        var mean = new double[_width];
        var square = new double[_width];
        foreach (var row in _rows)
        {
            var values = _features.AsSpan(row * _width, _width);
            for (var j = 0; j < _width; j++)
            {
                mean[j] += values[j];
            }
        }

        var n = Math.Max(1, _rows.Length);
        for (var j = 0; j < _width; j++)
        {
            mean[j] /= n;
        }

        // Two passes: the variance of large values (incomes, dates) around their mean stays exact.
        foreach (var row in _rows)
        {
            var values = _features.AsSpan(row * _width, _width);
            for (var j = 0; j < _width; j++)
            {
                var d = values[j] - mean[j];
                square[j] += d * d;
            }
        }

        var shift = new float[_width];
        var scale = new float[_width];
        for (var j = 0; j < _width; j++)
        {
            var sd = Math.Sqrt(square[j] / n);
            shift[j] = (float)mean[j];
            scale[j] = sd > 1e-12 && double.IsFinite(sd) ? (float)(1 / sd) : 1f;
        }

        return (shift, scale);
    }

    /// <summary>The same rows with every feature mapped to <c>(x - shift) * scale</c>.</summary>
    public MatrixDataView Standardised(float[] shift, float[] scale) => new(_features, _width, _labels, _rows, _weights, shift, scale);

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public static DataViewSchema CreateSchema(int width, bool weighted = false)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeaturesColumn, new VectorDataViewType(NumberDataViewType.Single, width));
        builder.AddColumn(LabelColumn, BooleanDataViewType.Instance);
        if (weighted)
        {
            builder.AddColumn(WeightColumn, NumberDataViewType.Single);
        }

        return builder.ToSchema();
    }

    public long? GetRowCount() => _rows.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this, 0, _rows.Length, 0);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        if (!SplitsCursors || n <= 1)
        {
            return [new Cursor(this, 0, _rows.Length, 0)];
        }

        // Exactly n, some empty when there are fewer rows: handed a single cursor, ML.NET would split it itself.
        var cursors = new DataViewRowCursor[n];
        for (var k = 0; k < n; k++)
        {
            cursors[k] = new Cursor(this, PartStart(n, k), PartStart(n, k + 1), k);
        }

        return cursors;
    }

    private sealed class Cursor(MatrixDataView view, int start, int end, long batch) : DataViewRowCursor
    {
        // The index into the view's rows; Position counts from this cursor's first row, as ML.NET expects.
        private long _position = start - 1L;

        public override long Position => _position - start;

        public override long Batch => batch;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (_position + 1 >= end)
            {
                _position = end;
                return false;
            }

            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter()
            => (ref DataViewRowId value) => value = new DataViewRowId((ulong)view._rows[_position], 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index == 0)
            {
                ValueGetter<VBuffer<float>> features = (ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, view._width);
                    view._features.AsSpan(view._rows[_position] * view._width, view._width).CopyTo(editor.Values);
                    if (view._shift is { } shift && view._scale is { } scale)
                    {
                        var values = editor.Values;
                        for (var j = 0; j < values.Length; j++)
                        {
                            values[j] = (values[j] - shift[j]) * scale[j];
                        }
                    }

                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)features;
            }

            if (column.Index == 2)
            {
                ValueGetter<float> weight = (ref float value) => value = view._weights![view._rows[_position]];
                return (ValueGetter<TValue>)(Delegate)weight;
            }

            ValueGetter<bool> label = (ref bool value) => value = view._labels[view._rows[_position]];
            return (ValueGetter<TValue>)(Delegate)label;
        }
    }
}
