using CsScoring.Churn;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Tests.Data;

namespace CsScoring.Tests.Churn;

public sealed class ChurnEvaluationTests
{
    [Fact]
    public void Evaluate_ScoresLabelledRowsThroughTheModel_AndCountsEveryRow()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var csv = ChurnTables.Csv(400, seed: 5, unlabelledEvery: 4);
        var table = BufferedTable.Read(ChurnTables.Folder(csv), "accounts.csv");

        ChurnEvaluationResult result;
        using (var reader = table.CreateReader())
        {
            result = ChurnEvaluation.Evaluate(model, reader);
        }

        var probabilities = new List<double>();
        var labels = new List<bool>();
        var features = new float[model.FeatureCount];
        using (var reader = table.CreateReader())
        {
            var label = reader.GetOrdinal("churned_within_90d");
            while (reader.Read())
            {
                if (!reader.IsBlank(label))
                {
                    model.Mapper.Map(reader, features);
                    probabilities.Add(model.Predict(features).Probability);
                    labels.Add(reader.GetString(label) == "1");
                }
            }
        }

        var expected = BinaryMetrics.Compute(probabilities.ToArray(), labels.ToArray(), model.Manifest.Thresholds.F1);
        Assert.Equal(400, result.Rows);
        Assert.Equal(300, result.LabelledRows);
        Assert.Equal(expected, result.Metrics);
        Assert.InRange(result.Metrics.Auc, 0.6, 1);
        Assert.Empty(result.Drift);
        Assert.Equal(0, result.MaxPsi);
    }

    [Fact]
    public void Evaluate_AgainstTheTrainingDistribution_FlagsOnlyTheShiftedFeature()
    {
        var model = WithDriftReference(ChurnTables.Csv(1000, seed: 7));

        var same = Evaluate(model, ChurnTables.Csv(1000, seed: 7));
        var shifted = Evaluate(model, ChurnTables.Csv(1000, seed: 7, tenure: i => (200 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(0, same.MaxPsi, 12);
        Assert.All(same.Drift, d => Assert.Equal(DriftLevel.Stable, d.Level));
        Assert.Equal("tenure_months", shifted.Drift[0].Feature);
        Assert.Equal(DriftLevel.Major, shifted.Drift[0].Level);
        Assert.Equal(shifted.Drift[0].Psi, shifted.MaxPsi);
        Assert.All(shifted.Drift.Skip(1), d => Assert.Equal(0, d.Psi, 12));
    }

    [Fact]
    public void Evaluate_NoLabelledRow_NamesTheLabelColumn()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        using var reader = ChurnTables.Folder(ChurnTables.Csv(10, seed: 1, unlabelledEvery: 1)).OpenTable("accounts.csv");

        var error = Assert.Throws<DataFormatException>(() => ChurnEvaluation.Evaluate(model, reader));

        Assert.Equal("churned_within_90d", error.Column);
    }

    private static ChurnEvaluationResult Evaluate(ChurnModel model, string csv)
    {
        using var reader = ChurnTables.Folder(csv).OpenTable("accounts.csv");
        return ChurnEvaluation.Evaluate(model, reader);
    }

    // A copy of the model directory whose manifest carries the decile bins of each feature over the given rows.
    private static ChurnModel WithDriftReference(string csv)
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var path = Path.Combine(directory, ModelManifest.FileName);
        var manifest = ModelManifest.ReadFile(path);
        var mapper = new FeatureMapper(manifest.Features);
        var width = manifest.Features.FeatureCount;
        var columns = Enumerable.Range(0, width).Select(_ => new List<float>()).ToArray();
        var row = new float[width];
        using (var reader = ChurnTables.Folder(csv).OpenTable("accounts.csv"))
        {
            while (reader.Read())
            {
                mapper.Map(reader, row);
                for (var f = 0; f < width; f++)
                {
                    columns[f].Add(row[f]);
                }
            }
        }

        var reference = new SortedDictionary<string, FeatureDistribution>(StringComparer.Ordinal);
        for (var f = 0; f < width; f++)
        {
            var values = columns[f].ToArray();
            var edges = PopulationStability.DecileEdges(values);
            reference[manifest.Features.FeatureNames[f]] = new FeatureDistribution(edges, PopulationStability.Shares(values, edges));
        }

        File.WriteAllText(path, (manifest with { DriftReference = reference }).ToJson());
        ChurnModelDirectory.WriteManifestChecksum(directory);
        return ChurnModel.Load(directory);
    }
}
