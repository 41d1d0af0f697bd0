namespace CsScoring.Training.Churn;

/// <summary>
/// Permutation importance of each input column on validation rows: how much log loss rises and AUC falls when the
/// column's features (all of a one-hot group together) are shuffled across rows, averaged over three seeded
/// shuffles. Scored through <see cref="FittedModelScorer"/> (compiled trees), so the 3 × columns re-scorings cost
/// little, and shuffled in place: one copy of the sampled rows, and only the shuffled column's slice is saved aside.
/// </summary>
internal static class PermutationImportance
{
    /// <summary>Validation rows re-scored at most: a deterministic stride sample bounds the cost on big files.</summary>
    public const int MaxRows = 20_000;

    private const int Repeats = 3;

    public static List<DriverImportance> Compute(ChurnDataset data, FittedModelScorer scorer, int[] rows, bool[] labels, int seed)
    {
        if (rows.Length > MaxRows)
        {
            var stride = (rows.Length + MaxRows - 1) / MaxRows;
            var picked = Enumerable.Range(0, rows.Length).Where(i => i % stride == 0).ToArray();
            rows = [.. picked.Select(i => rows[i])];
            labels = [.. picked.Select(i => labels[i])];
        }

        var width = data.Width;
        var n = rows.Length;
        var local = new float[n * width];
        for (var i = 0; i < n; i++)
        {
            data.Features.AsSpan(rows[i] * width, width).CopyTo(local.AsSpan(i * width, width));
        }

        var probabilities = new double[n];
        scorer.Probabilities(local, probabilities);
        var baseline = BinaryMetrics.Compute(probabilities, labels, 0.5);
        var random = new Random(seed);
        var result = new List<DriverImportance>();
        var schema = data.Schema;
        var order = new int[n];
        var saved = Array.Empty<float>();
        for (var c = 0; c < schema.Columns.Count; c++)
        {
            var offset = schema.FeatureOffset(c);
            var count = schema.Columns[c].FeatureCount;
            if (saved.Length < n * count)
            {
                saved = new float[n * count];
            }

            for (var i = 0; i < n; i++)
            {
                local.AsSpan(i * width + offset, count).CopyTo(saved.AsSpan(i * count, count));
            }

            double logLoss = 0, auc = 0;
            for (var repeat = 0; repeat < Repeats; repeat++)
            {
                // Each shuffle starts from the identity, so the seeded sequence of orders does not depend on the scorer.
                for (var i = 0; i < n; i++)
                {
                    order[i] = i;
                }

                random.Shuffle(order);
                for (var i = 0; i < n; i++)
                {
                    saved.AsSpan(order[i] * count, count).CopyTo(local.AsSpan(i * width + offset, count));
                }

                scorer.Probabilities(local, probabilities);
                var metrics = BinaryMetrics.Compute(probabilities, labels, 0.5);
                logLoss += metrics.LogLoss - baseline.LogLoss;
                auc += baseline.Auc - metrics.Auc;
            }

            for (var i = 0; i < n; i++)
            {
                saved.AsSpan(i * count, count).CopyTo(local.AsSpan(i * width + offset, count));
            }

            result.Add(new DriverImportance(schema.Columns[c].Name, logLoss / Repeats, auc / Repeats, null));
        }

        return [.. result.OrderByDescending(d => d.PermutationLogLoss).ThenBy(d => d.Column, StringComparer.Ordinal)];
    }
}
