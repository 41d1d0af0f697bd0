using CsScoring.Churn.Manifest;

namespace CsScoring.Training.Churn;

/// <summary>The training rows' drift reference stored in the manifest (the measure itself is the library's <see cref="PopulationStability"/>).</summary>
internal static class Drift
{
    private const int SampleLimit = 200_000;

    /// <summary>Decile bins of each feature over the training rows (a deterministic stride sample beyond 200k rows).</summary>
    public static IReadOnlyDictionary<string, FeatureDistribution> Reference(ChurnDataset data)
    {
        var stride = Math.Max(1, (data.Rows + SampleLimit - 1) / SampleLimit);
        var count = (data.Rows + stride - 1) / stride;

        // Each feature is sorted on its own, so the features are binned on the cores at once; each result is the
        // same as one after another.
        var distributions = new FeatureDistribution[data.Width];
        Parallel.For(0, data.Width, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 8) },
            () => new float[count],
            (f, _, column) =>
            {
                for (int i = 0, row = 0; row < data.Rows; i++, row += stride)
                {
                    column[i] = data.Features[(row * data.Width) + f];
                }

                var edges = PopulationStability.DecileEdges(column);
                distributions[f] = new FeatureDistribution(edges, PopulationStability.Shares(column, edges));
                return column;
            },
            _ => { });

        var result = new SortedDictionary<string, FeatureDistribution>(StringComparer.Ordinal);
        for (var f = 0; f < data.Width; f++)
        {
            result[data.Schema.FeatureNames[f]] = distributions[f];
        }

        return result;
    }
}
