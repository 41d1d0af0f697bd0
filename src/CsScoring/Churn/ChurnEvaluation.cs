using CsScoring.Data;
using CsScoring.Metrics;

namespace CsScoring.Churn;

/// <summary>The population stability index of one feature between the training rows and the evaluated rows.</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Psi">The index (see <see cref="PopulationStability.Psi"/>).</param>
/// <param name="Level">Stable, moderate or major.</param>
public sealed record FeatureDrift(string Feature, double Psi, DriftLevel Level);

/// <summary>A loaded model's figures on labelled data: its metrics and the drift of each feature.</summary>
/// <param name="Rows">The rows read.</param>
/// <param name="LabelledRows">The rows with a label, which the metrics cover.</param>
/// <param name="Metrics">The binary-classification metrics at the model's F1 threshold.</param>
/// <param name="Drift">Per feature with a drift reference in the manifest, the largest PSI first (ties by name).</param>
/// <param name="MaxPsi">The largest PSI (0 without a drift reference).</param>
public sealed record ChurnEvaluationResult(long Rows, int LabelledRows, BinaryMetricSet Metrics, IReadOnlyList<FeatureDrift> Drift, double MaxPsi);

/// <summary>
/// Evaluates a loaded churn model on labelled data through its one scoring path (<see cref="ChurnModel.Predict(ReadOnlySpan{float})"/>):
/// the training metrics on the labelled rows and, against the training distribution stored in the manifest, the
/// population stability index of every feature over all rows.
/// </summary>
/// <remarks>Rows are streamed: memory holds one probability and one label per labelled row. Thread-safe: the model is only read.</remarks>
public static class ChurnEvaluation
{
    /// <summary>Evaluates a model on a table that has the training columns and the label column.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">A reader positioned before its first row; read to its end, not disposed.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="DataFormatException">The label column is absent, a feature cell cannot be read, or no row has a label (file, row and column named).</exception>
    public static ChurnEvaluationResult Evaluate(ChurnModel model, TabularReader data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var manifest = model.Manifest;
        var names = model.FeatureNames;
        var width = model.FeatureCount;
        var reference = manifest.DriftReference;
        var counts = new double[width][];
        for (var f = 0; f < width; f++)
        {
            counts[f] = new double[reference is not null && reference.TryGetValue(names[f], out var d) ? d.Shares.Count : 1];
        }

        var probabilities = new List<double>();
        var labels = new List<bool>();
        var row = new float[width];
        long rows = 0;
        var labelOrdinal = data.GetOrdinal(manifest.Label.Column);
        var positiveIsFlag = Features.BooleanText.TryParse(manifest.Label.Positive, out var positiveFlag);
        while (data.Read())
        {
            rows++;
            model.Mapper.Map(data, row);
            if (reference is not null)
            {
                for (var f = 0; f < width; f++)
                {
                    if (reference.TryGetValue(names[f], out var distribution))
                    {
                        counts[f][PopulationStability.Bin(row[f], distribution.Edges)]++;
                    }
                }
            }

            var label = data.GetSpan(labelOrdinal).Trim();
            if (label.IsEmpty)
            {
                continue;
            }

            // A yes/no label matches by meaning, so a model trained on true/false scores a file holding 1/0.
            labels.Add(label.SequenceEqual(manifest.Label.Positive)
                || (positiveIsFlag && Features.BooleanText.TryParse(label, out var flag) && flag == positiveFlag));
            probabilities.Add(model.Predict(row).Probability);
        }

        if (labels.Count == 0)
        {
            throw new DataFormatException($"no row has a label in '{manifest.Label.Column}'", data.SourceName, null, manifest.Label.Column);
        }

        var metrics = BinaryMetrics.Compute(probabilities.ToArray(), labels.ToArray(), manifest.Thresholds.F1);
        var drift = new List<FeatureDrift>();
        if (reference is not null)
        {
            for (var f = 0; f < width; f++)
            {
                if (reference.TryGetValue(names[f], out var distribution))
                {
                    var actual = counts[f].Select(c => c / Math.Max(1, rows)).ToArray();
                    var psi = PopulationStability.Psi(distribution.Shares, actual);
                    drift.Add(new FeatureDrift(names[f], psi, PopulationStability.LevelOf(psi)));
                }
            }
        }

        drift = [.. drift.OrderByDescending(d => d.Psi).ThenBy(d => d.Feature, StringComparer.Ordinal)];
        return new ChurnEvaluationResult(rows, labels.Count, metrics, drift, drift.Count == 0 ? 0 : drift[0].Psi);
    }
}
