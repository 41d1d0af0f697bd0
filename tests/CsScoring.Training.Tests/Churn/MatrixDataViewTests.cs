using CsScoring.Training.Churn;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Tests.Churn;

public sealed class MatrixDataViewTests
{
    private const int Width = 2;

    // Row r holds (r, -r) and the label r % 2 == 0.
    private static MatrixDataView View(int[] rows, bool splits)
    {
        var count = rows.Length == 0 ? 0 : rows.Max() + 1;
        var features = new float[count * Width];
        var labels = new bool[count];
        for (var r = 0; r < count; r++)
        {
            features[r * Width] = r;
            features[(r * Width) + 1] = -r;
            labels[r] = r % 2 == 0;
        }

        return new MatrixDataView(features, Width, labels, rows) { SplitsCursors = splits };
    }

    private static List<(long Position, float First, bool Label)> Read(DataViewRowCursor cursor)
    {
        var features = cursor.GetGetter<VBuffer<float>>(cursor.Schema[MatrixDataView.FeaturesColumn]);
        var label = cursor.GetGetter<bool>(cursor.Schema[MatrixDataView.LabelColumn]);
        var read = new List<(long, float, bool)>();
        VBuffer<float> values = default;
        var flag = false;
        while (cursor.MoveNext())
        {
            features(ref values);
            label(ref flag);
            Assert.Equal(-values.GetValues()[0], values.GetValues()[1]);
            read.Add((cursor.Position, values.GetValues()[0], flag));
        }

        return read;
    }

    [Theory]
    [InlineData(10, 4)]
    [InlineData(10, 3)]
    [InlineData(3, 8)]
    [InlineData(1, 8)]
    [InlineData(0, 8)]
    public void GetRowCursorSet_SplitsCursors_GivesNConsecutiveRangesNumberedByBatch(int rowCount, int n)
    {
        int[] rows = [.. Enumerable.Range(0, rowCount).Select(i => (i * 7) % (rowCount + 3))];
        var view = View(rows, splits: true);
        var cursors = view.GetRowCursorSet(view.Schema, n);
        var parts = n;
        Assert.Equal(parts, cursors.Length);
        for (var k = 0; k < parts; k++)
        {
            using var cursor = cursors[k];
            Assert.Equal(k, cursor.Batch);
            Assert.Equal(-1, cursor.Position);
            var start = view.PartStart(parts, k);
            var expected = rows[start..view.PartStart(parts, k + 1)];
            var read = Read(cursor);
            Assert.Equal(expected.Select((row, i) => ((long)i, (float)row, row % 2 == 0)), read);
        }

        Assert.Equal(0, view.PartStart(parts, 0));
        Assert.Equal(rowCount, view.PartStart(parts, parts));
    }

    [Fact]
    public void GetRowCursorSet_WithoutSplitsCursors_GivesOneCursorOverEveryRow()
    {
        int[] rows = [4, 1, 7, 2];
        var view = View(rows, splits: false);
        var cursors = view.GetRowCursorSet(view.Schema, 4);
        using var cursor = Assert.Single(cursors);
        Assert.Equal(rows.Select(r => (float)r), Read(cursor).Select(x => x.First));
    }
}
