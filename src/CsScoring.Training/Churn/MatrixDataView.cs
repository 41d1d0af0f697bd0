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

    public MatrixDataView(float[] features, int width, bool[] labels, int[] rows, float[]? weights = null)
    {
        _features = features;
        _width = width;
        _labels = labels;
        _rows = rows;
        _weights = weights;
        Schema = CreateSchema(width, weights is not null);
    }

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
        => new Cursor(this, 0, _rows.Length);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [new Cursor(this, 0, _rows.Length)];

    private sealed class Cursor(MatrixDataView view, int start, int end) : DataViewRowCursor
    {
        private long _position = start - 1L;

        public override long Position => _position;

        public override long Batch => 0;

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
