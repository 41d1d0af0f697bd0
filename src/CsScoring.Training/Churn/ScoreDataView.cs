using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Churn;

/// <summary>
/// An ML.NET view over (score, label, weight) arrays, the input of a calibrator's fit: columns <c>Score</c> (float),
/// <c>Label</c> (bool) and, when weighted, <c>Weight</c> (float). ML.NET's own view over a list of row objects
/// allocates one object per row, which for the calibrations of a million-row cross-validation is hundreds of MB.
/// </summary>
internal sealed class ScoreDataView : IDataView
{
    public const string ScoreColumn = "Score";
    public const string LabelColumn = "Label";
    public const string WeightColumn = "Weight";

    private readonly float[] _scores;
    private readonly bool[] _labels;
    private readonly float[]? _weights;

    public ScoreDataView(float[] scores, bool[] labels, float[]? weights)
    {
        if (labels.Length != scores.Length || (weights is not null && weights.Length != scores.Length))
        {
            throw new ArgumentException($"one label and weight per score ({scores.Length}), got {labels.Length} labels and {weights?.Length} weights");
        }

        _scores = scores;
        _labels = labels;
        _weights = weights;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(ScoreColumn, NumberDataViewType.Single);
        builder.AddColumn(LabelColumn, BooleanDataViewType.Instance);
        if (weights is not null)
        {
            builder.AddColumn(WeightColumn, NumberDataViewType.Single);
        }

        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _scores.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(ScoreDataView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (_position + 1 >= view._scores.Length)
            {
                _position = view._scores.Length;
                return false;
            }

            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter = column.Index switch
            {
                0 => (ValueGetter<float>)((ref float value) => value = view._scores[_position]),
                1 => (ValueGetter<bool>)((ref bool value) => value = view._labels[_position]),
                _ => (ValueGetter<float>)((ref float value) => value = view._weights![_position]),
            };
            return (ValueGetter<TValue>)getter;
        }
    }
}
