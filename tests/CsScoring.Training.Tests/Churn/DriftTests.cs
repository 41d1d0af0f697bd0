using CsScoring.Churn.Features;
using CsScoring.Metrics;
using CsScoring.Training.Churn;

namespace CsScoring.Training.Tests.Churn;

public sealed class DriftTests
{
    // The features binned on the cores at once equal them binned one after another, over the stride sample taken
    // beyond 200,000 rows; NaN and signed zeros included.
    [Theory]
    [InlineData(1_000)]
    [InlineData(200_001)]
    public void Reference_EqualsEachFeatureBinnedInTurn(int rows)
    {
        var schema = new FeatureSchema([.. Enumerable.Range(0, 7).Select(i => FeatureColumn.Numeric("f" + i, 0))]);
        var width = schema.FeatureCount;
        var random = new Random(rows);
        var features = new float[rows * width];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = random.Next(10) switch
            {
                0 => float.NaN,
                1 => random.Next(2) == 0 ? 0f : -0f,
                _ => (float)Math.Round(random.NextDouble() * (i % width) * 10, 1),
            };
        }

        var data = new ChurnDataset
        {
            Schema = schema,
            Decisions = [],
            Features = features,
            Labels = new bool[rows],
            Groups = new int[rows],
            GroupKeys = [],
            Positive = "Yes",
            LabelValues = ["No", "Yes"],
            RowsRead = rows,
            UnlabelledRows = 0,
            DataSha256 = string.Empty,
            SourceName = "test",
        };

        var reference = Drift.Reference(data);
        Assert.Equal(schema.FeatureNames.Order(StringComparer.Ordinal), reference.Keys);
        var stride = rows > 200_000 ? 2 : 1;
        for (var f = 0; f < width; f++)
        {
            float[] column = [.. Enumerable.Range(0, (rows + stride - 1) / stride).Select(i => features[(i * stride * width) + f])];
            var edges = PopulationStability.DecileEdges(column);
            var actual = reference[schema.FeatureNames[f]];
            Assert.Equal(edges, actual.Edges);
            Assert.Equal(PopulationStability.Shares(column, edges), actual.Shares);
        }
    }
}
