using CsScoring.Churn;

namespace CsScoring.Tests.Churn;

/// <summary>Checks <see cref="ChurnModel.ExplainBatch"/> against <see cref="ChurnModel.Explain(ReadOnlySpan{float}, Span{float})"/> row by row.</summary>
internal static class ExplainBatchAssert
{
    public static void EqualsRowByRow(ChurnModel model, IReadOnlyList<float[]> rows)
    {
        var batch = new float[rows.Count * model.FeatureCount];
        var expected = model.ExplainBatch(rows.SelectMany(r => r).ToArray(), batch);
        var single = new float[model.FeatureCount];
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.Equal(model.Explain(rows[r], single), expected);
            Assert.Equal(single, batch.Skip(r * model.FeatureCount).Take(model.FeatureCount));
        }
    }
}
