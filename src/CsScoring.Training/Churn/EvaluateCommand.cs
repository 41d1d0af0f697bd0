using System.ComponentModel;
using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Churn;

internal sealed class EvaluateSettings : OutputSettings
{
    [CommandOption("--model <DIR>")]
    [Description("The model directory written by train (manifest.json + scorer.json).")]
    public string? Model { get; init; }

    [CommandOption("--data <FILE>")]
    [Description("A labelled file with the training columns (CSV or Parquet).")]
    public string? Data { get; init; }

    public override ValidationResult Validate()
        => string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model is required")
            : string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("--data is required")
            : ValidationResult.Success();
}

/// <summary>A model's figures on new labelled data: the training metrics plus drift (PSI) per feature.</summary>
internal sealed record EvaluationResult(
    string Model,
    long Rows,
    long LabelledRows,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<FeatureDrift> Drift,
    double MaxPsi);

/// <summary>The population stability index of one feature; level: stable (&lt; 0.1), moderate (&lt; 0.25), major.</summary>
internal sealed record FeatureDrift(string Feature, double Psi, string Level);

/// <summary><c>csscoring evaluate</c>: re-scores a labelled file with a trained model and checks feature drift.</summary>
internal sealed class EvaluateCommand : Command<EvaluateSettings>
{
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var result = Evaluate(settings.Model!, settings.Data!);
        console.JsonResult(result);
        var table = new Table().AddColumn("metric").AddColumn("value");
        foreach (var (name, value) in result.Metrics)
        {
            table.AddRow(name, value.ToString("0.####", CultureInfo.InvariantCulture));
        }

        console.ResultLine(string.Create(CultureInfo.InvariantCulture, $"{result.LabelledRows} labelled of {result.Rows} rows scored with {result.Model}"));
        console.Result(table);
        var drift = new Table().AddColumn("feature").AddColumn("PSI").AddColumn("drift");
        foreach (var d in result.Drift.Take(15))
        {
            drift.AddRow(d.Feature, d.Psi.ToString("0.####", CultureInfo.InvariantCulture), d.Level);
        }

        console.Result(drift);
        foreach (var d in result.Drift.Where(d => d.Level == "major"))
        {
            console.Warn(string.Create(CultureInfo.InvariantCulture, $"feature '{d.Feature}' drifted (PSI {d.Psi:0.###} >= 0.25)"));
        }

        return ExitCodes.Success;
    }

    public static EvaluationResult Evaluate(string modelDirectory, string dataPath)
    {
        if (!Directory.Exists(modelDirectory))
        {
            throw new DirectoryNotFoundException($"Model directory '{modelDirectory}' does not exist.");
        }

        var loaded = ChurnModel.Load(modelDirectory);
        var manifest = loaded.Manifest;
        var schema = manifest.Features;
        var mapper = new FeatureMapper(schema);
        var width = schema.FeatureCount;
        var features = new List<float>();
        var labels = new List<bool>();
        var drift = manifest.DriftReference;
        var counts = drift is null ? null : schema.FeatureNames.Select(n => new double[drift.TryGetValue(n, out var d) ? d.Shares.Count : 1]).ToArray();
        var row = new float[width];
        long rows = 0;
        using (var reader = TabularReader.Open(dataPath))
        {
            var labelOrdinal = reader.GetOrdinal(manifest.Label.Column);
            while (reader.Read())
            {
                rows++;
                mapper.Map(reader, row);
                if (counts is not null)
                {
                    for (var f = 0; f < width; f++)
                    {
                        if (drift!.TryGetValue(schema.FeatureNames[f], out var reference))
                        {
                            counts[f][Churn.Drift.Bin(row[f], reference.Edges)]++;
                        }
                    }
                }

                var label = reader.GetSpan(labelOrdinal).Trim();
                if (label.IsEmpty)
                {
                    continue;
                }

                labels.Add(label.SequenceEqual(manifest.Label.Positive));
                features.AddRange(row);
            }
        }

        if (labels.Count == 0)
        {
            throw new DataFormatException($"no row has a label in '{manifest.Label.Column}'", Path.GetFileName(dataPath), null, manifest.Label.Column);
        }

        var matrix = features.ToArray();
        var labelArray = labels.ToArray();
        var scored = new float[labelArray.Length];
        loaded.PredictBatch(matrix, labelArray.Length, scored);
        var probabilities = Array.ConvertAll(scored, p => (double)p);
        var metrics = BinaryMetrics.Compute(probabilities, labelArray, manifest.Thresholds.F1).ToDictionary();

        var driftList = new List<FeatureDrift>();
        if (counts is not null)
        {
            for (var f = 0; f < width; f++)
            {
                if (drift!.TryGetValue(schema.FeatureNames[f], out var reference))
                {
                    var actual = counts[f].Select(c => c / Math.Max(1, rows)).ToArray();
                    var psi = Churn.Drift.Psi(reference.Shares, actual);
                    driftList.Add(new FeatureDrift(schema.FeatureNames[f], psi, psi >= 0.25 ? "major" : psi >= 0.1 ? "moderate" : "stable"));
                }
            }
        }

        driftList = [.. driftList.OrderByDescending(d => d.Psi).ThenBy(d => d.Feature, StringComparer.Ordinal)];
        return new EvaluationResult(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))), rows, labelArray.Length, metrics, driftList,
            driftList.Count == 0 ? 0 : driftList[0].Psi);
    }
}
