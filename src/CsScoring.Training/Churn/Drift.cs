using CsScoring.Churn.Manifest;

namespace CsScoring.Training.Churn;

/// <summary>Population stability index (PSI) per feature against the training distribution stored in the manifest.</summary>
internal static class Drift
{
    private const int SampleLimit = 200_000;

    /// <summary>Decile bins of each feature over the training rows (a deterministic stride sample beyond 200k rows).</summary>
    public static IReadOnlyDictionary<string, FeatureDistribution> Reference(ChurnDataset data)
    {
        var stride = Math.Max(1, (data.Rows + SampleLimit - 1) / SampleLimit);
        var count = (data.Rows + stride - 1) / stride;
        var column = new float[count];
        var result = new SortedDictionary<string, FeatureDistribution>(StringComparer.Ordinal);
        for (var f = 0; f < data.Width; f++)
        {
            for (int i = 0, row = 0; row < data.Rows; i++, row += stride)
            {
                column[i] = data.Features[(row * data.Width) + f];
            }

            var sorted = column.ToArray();
            Array.Sort(sorted);
            var edges = new List<double>();
            for (var q = 1; q < 10; q++)
            {
                var edge = (double)sorted[(int)((long)q * (sorted.Length - 1) / 10)];
                if (edges.Count == 0 || edge > edges[^1])
                {
                    edges.Add(edge);
                }
            }

            // A bin's upper edge is inclusive; drop a last edge at the maximum (its bin above would always be empty).
            if (edges.Count > 0 && edges[^1] >= sorted[^1])
            {
                edges.RemoveAt(edges.Count - 1);
            }

            result[data.Schema.FeatureNames[f]] = new FeatureDistribution(edges, Shares(column, edges));
        }

        return result;
    }

    public static double[] Shares(ReadOnlySpan<float> values, IReadOnlyList<double> edges)
    {
        var counts = new double[edges.Count + 1];
        foreach (var v in values)
        {
            counts[Bin(v, edges)]++;
        }

        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] /= Math.Max(1, values.Length);
        }

        return counts;
    }

    public static int Bin(double value, IReadOnlyList<double> edges)
    {
        var b = 0;
        while (b < edges.Count && value > edges[b])
        {
            b++;
        }

        return b;
    }

    /// <summary>PSI = Σ (actual − expected) × ln(actual / expected), shares floored at 1e-4 so empty bins stay finite.</summary>
    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        double psi = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var e = Math.Max(expected[i], 1e-4);
            var a = Math.Max(actual[i], 1e-4);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }
}
