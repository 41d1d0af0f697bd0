using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Privacy;
using CsScoring.Training.Cli;
using CsScoring.Training.Reporting;
using Microsoft.ML;
using Microsoft.ML.Data;
using CsScoring.Training.Churn.MlNet;
using CsScoring.Training.Churn.Onnx;

namespace CsScoring.Training.Churn;

/// <summary>What was written to a model directory.</summary>
internal sealed record ArtifactSummary(IReadOnlyList<string> Files, string ModelSha256, ManifestOnnx Onnx, ModelManifest Manifest);

/// <summary>Writes a trained model's directory: scorer.json, model.zip, background.json, model.onnx (after a parity
/// check), manifest.json, metrics.json, validation_predictions.csv and report.html.</summary>
internal static class ChurnArtifacts
{
    private static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes every artifact into <paramref name="directory"/> (a temporary folder the caller moves into place).</summary>
    public static ArtifactSummary WriteInto(ChurnTrainingResult result, string directory, Pseudonymizer? pseudonymizer, PrivacySummary privacy, Action<string>? warn = null)
    {
        var ml = result.Context;
        var data = result.Data;
        // A blend has no single ML.NET model, so no model.zip; its portable scorer is proved against its components'.
        var blend = result.FinalModel.Blend;
        var mark = PhaseTimings.Start();
        // The report's plots and the validation predictions need nothing the steps below make, so they are drawn
        // and written on another core meanwhile (ScottPlot and the CSV writer share nothing with ML.NET or ONNX).
        var plots = Task.Run(() => result.ReportPlots);
        var predictionsPath = Path.Combine(directory, "validation_predictions.csv");
        var predictions = Task.Run(() => AtomicOutput.WriteText(predictionsPath, w => WritePredictions(result, w, pseudonymizer)));
        // ML.NET's model file needs only the fitted chain, which nothing below changes.
        var modelZip = blend is null ? Task.Run(() => SaveModel(ml, result.FinalModel.Chain, data.Width)) : Task.FromResult(Array.Empty<byte>());
        Task<ExplanationBackground?>? explaining = null;
        Task<OnnxExportResult>? onnxExport = null;
        Task? metrics = null;
        try
        {
            // The drift reference sorts every feature's values, so it is computed once for all the manifests below.
            var drift = result.DriftReference?.GetAwaiter().GetResult() ?? Drift.Reference(data);
            mark = PhaseTimings.Lap("artifacts: drift reference", mark);
            var pseudonymized = pseudonymizer is not null;
            int[] trainingRows = [.. TrainingRows(result)];
            ModelManifest? manifest = null;
            PortableScorer? scorer = null;

            // Once the portable scorer exists (its edge rows proved), what needs only it starts beside the proof on
            // the training rows: the explanation background with the global drivers it gives, and model.onnx,
            // generated from the portable scorer and proved with ONNX Runtime against the compiled scorer on the
            // same training rows and edge rows. A failed proof still fails the export before anything is written.
            void StartBesideTheProof(PortableScorer exported)
            {
                scorer = exported;
                manifest = BuildManifest(result, ChurnModelDirectory.ScorerSha256(exported), pseudonymized, drift);
                var compiled = ChurnModel.Create(manifest, exported);
                var forOnnx = manifest;
                explaining = Task.Run(() =>
                {
                    var explained = ExplainedModel(result, compiled);
                    GlobalShap(result, explained);
                    return explained.Background is { } learnt ? learnt with { Population = TrainingPopulation } : null;
                });
                onnxExport = Task.Run(() => OnnxExport.Export(compiled, exported, forOnnx, data.Features, data.Width, trainingRows));
            }

            // The portable scorer the library loads, proved against ML.NET on the training rows and edge rows.
            var export = blend is not null
                ? BlendExport.Export(blend, result.FinalModel.Calibrator, sha => BuildManifest(result, sha, pseudonymized, drift),
                    data.Features, data.Width, trainingRows, StartBesideTheProof)
                : PortableExport.Export(result.FinalModel.Chain, sha => BuildManifest(result, sha, pseudonymized, drift),
                    data.Features, data.Width, trainingRows, result.FinalModel.Calibrator.Predict, PreparedFigures(result, trainingRows), StartBesideTheProof);
            mark = PhaseTimings.Lap("artifacts: portable export and parity", mark);
            if (manifest is null || scorer is null || onnxExport is null || explaining is null)
            {
                throw new InvalidOperationException("The export did not hand over its scorer before proving it.");
            }

            manifest = manifest with { Parity = export.Parity };
            var onnx = onnxExport.GetAwaiter().GetResult();
            mark = PhaseTimings.Lap("artifacts: waiting for onnx export and parity", mark);
            var background = explaining.GetAwaiter().GetResult();
            mark = PhaseTimings.Lap("artifacts: waiting for the explanation background and mean |SHAP|", mark);
            manifest = manifest with
            {
                Onnx = new ManifestOnnx(OnnxExport.FileName, Convert.ToHexStringLower(SHA256.HashData(onnx.Bytes)), onnx.Rows, onnx.EdgeRows, onnx.MaxScoreDifference, onnx.MaxProbabilityDifference),
            };
            // metrics.json needs only the figures and the ONNX check, so it is written beside the model files.
            var onnxSummary = manifest.Onnx;
            metrics = Task.Run(() => AtomicOutput.WriteText(Path.Combine(directory, "metrics.json"),
                w => w.Write(JsonSerializer.Serialize(MetricsDocument(result, onnxSummary), CsScoringJson.Options))));
            manifest = ChurnModelDirectory.Write(directory, manifest, scorer, background, modelZip.GetAwaiter().GetResult());
            var files = blend is null
                ? new List<string> { ChurnModelDirectory.ScorerFileName, ChurnModelDirectory.MlNetModelFileName }
                : [ChurnModelDirectory.ScorerFileName];
            if (background is not null)
            {
                files.Add(ChurnModelDirectory.BackgroundFileName);
            }

            AtomicOutput.WriteFile(Path.Combine(directory, OnnxExport.FileName), s => s.Write(onnx.Bytes));
            files.Add(OnnxExport.FileName);
            files.Add(ChurnModelDirectory.ManifestFileName);
            mark = PhaseTimings.Lap("artifacts: model directory and onnx file", mark);

            var summary = new ArtifactSummary(files, manifest.ScorerSha256, manifest.Onnx!, manifest);
            metrics.GetAwaiter().GetResult();
            files.Add("metrics.json");
            mark = PhaseTimings.Lap("artifacts: waiting for metrics.json", mark);

            predictions.GetAwaiter().GetResult();
            files.Add("validation_predictions.csv");
            plots.GetAwaiter().GetResult();
            mark = PhaseTimings.Lap("artifacts: waiting for validation_predictions.csv and the plots", mark);

            var report = new HtmlReport("CsScoring churn model");
            ChurnReport.Append(report, result, summary);
            privacy.AppendTo(report);
            AtomicOutput.WriteText(Path.Combine(directory, "report.html"), w => w.Write(report.Render()));
            files.Add("report.html");
            PhaseTimings.Lap("artifacts: report.html", mark);
            return summary with { Files = files };
        }
        catch
        {
            // Nothing is left writing into the folder the caller is about to delete; the first error is the one reported.
            Drain(plots, predictions, modelZip, explaining ?? Task.CompletedTask, onnxExport ?? Task.CompletedTask, metrics ?? Task.CompletedTask);
            throw;
        }
    }

    /// <summary>
    /// The one-off set-up the artifacts would otherwise pay on the way: the JSON metadata of the model files and
    /// ONNX Runtime's environment. Safe to call from any thread, any number of times.
    /// </summary>
    public static void WarmUp()
    {
        CsScoringJson.Options.GetTypeInfo(typeof(PortableScorer));
        CsScoringJson.Options.GetTypeInfo(typeof(ModelManifest));
        Microsoft.ML.OnnxRuntime.OrtEnv.Instance();
    }

    private static void Drain(params Task[] tasks)
    {
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException)
        {
            // Already failing: the caller's exception is the one to report.
        }
    }

    // ML.NET's figures on the training rows from the learner's scores started during the fits, when they cover
    // exactly these rows; else null, and the export runs the model on the rows itself.
    private static Func<(float[] Scores, float[] Probabilities)>? PreparedFigures(ChurnTrainingResult result, int[] trainingRows)
        => result.FinalLearnerScores is { } prepared && prepared.Rows.AsSpan().SequenceEqual(trainingRows)
            ? () => PortableExport.MlNetScores(prepared, result.FinalModel.Calibrator.Transformer)
            : null;

    /// <summary>What the stored explanation background's rows are, as messages name them.</summary>
    public const string TrainingPopulation = "training rows";

    /// <summary>
    /// The model as the library loads it, with the explanation background learnt (through the library's
    /// <see cref="ChurnModel.CreateBackground"/>) from exactly the rows it was trained on: every labelled row when
    /// refitted, else the training split.
    /// </summary>
    public static ChurnModel ExplainedModel(ChurnTrainingResult result, ChurnModel loaded)
        => loaded.WithBackground(result.Data.Features, TrainingRows(result).ToArray());

    /// <summary>The rows the saved model was trained on, in row order.</summary>
    public static IEnumerable<int> TrainingRows(ChurnTrainingResult result)
        => result.Options.Refit ? Enumerable.Range(0, result.Data.Rows) : result.TrainRows.Order();

    /// <summary>
    /// Global drivers from the saved model as the library loads it, explained relative to its training rows: mean
    /// |SHAP| (exact TreeSHAP for trees, w·(x − mean) for logistic regression) over a sample of up to 2,000 training
    /// rows, per feature and per input column (a column's contributions summed over its features before taking |·|,
    /// so one-hot groups count once).
    /// </summary>
    public static void GlobalShap(ChurnTrainingResult result, ChurnModel explained)
    {
        var data = result.Data;
        var width = data.Width;
        var training = TrainingRows(result).ToArray();
        var stride = Math.Max(1, training.Length / 2000);
        var rows = training.Where((_, i) => i % stride == 0).Take(2000).ToArray();
        var sample = new float[rows.Length * width];
        for (var i = 0; i < rows.Length; i++)
        {
            data.Features.AsSpan(rows[i] * width, width).CopyTo(sample.AsSpan(i * width, width));
        }

        // Explained in blocks on the cores at once (ExplainBatch gives Explain's numbers), summed in row order.
        const int Parts = 8;
        var all = new float[sample.Length];
        Parallel.For(0, Parts, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, Parts) }, part =>
        {
            var start = rows.Length * part / Parts * width;
            var end = rows.Length * (part + 1) / Parts * width;
            if (end > start)
            {
                explained.ExplainBatch(sample.AsSpan(start..end), all.AsSpan(start..end));
            }
        });

        var perFeature = new double[width];
        var schema = data.Schema;
        var perColumn = new double[schema.Columns.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var contributions = all.AsSpan(i * width, width);
            for (var f = 0; f < width; f++)
            {
                perFeature[f] += Math.Abs(contributions[f]);
            }

            for (var c = 0; c < perColumn.Length; c++)
            {
                var offset = schema.FeatureOffset(c);
                double sum = 0;
                for (var f = 0; f < schema.Columns[c].FeatureCount; f++)
                {
                    sum += contributions[offset + f];
                }

                perColumn[c] += Math.Abs(sum);
            }
        }

        var byColumn = schema.Columns.Select((column, c) => (column.Name, perColumn[c] / rows.Length)).ToDictionary(x => x.Name, x => x.Item2, StringComparer.Ordinal);
        result.Drivers = [.. result.Drivers.Select(d => d with { MeanAbsShap = byColumn.GetValueOrDefault(d.Column) })];
        result.FeatureShap = [.. schema.FeatureNames.Select((name, f) => (name, perFeature[f] / rows.Length)).OrderByDescending(x => x.Item2).ThenBy(x => x.name, StringComparer.Ordinal)];
    }

    /// <summary>ML.NET's model file with fixed entry timestamps, so the same model always has the same bytes.</summary>
    public static byte[] SaveModel(MLContext ml, ITransformer chain, int width)
    {
        using var raw = new MemoryStream();
        ml.Model.Save(chain, MatrixDataView.CreateSchema(width), raw);
        raw.Position = 0;
        using var input = new ZipArchive(raw, ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                var copy = zip.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = FixedTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }



    /// <summary>The manifest of the trained model for a scorer hash, with a drift reference from <see cref="Drift.Reference"/>.</summary>
    public static ModelManifest BuildManifest(ChurnTrainingResult result, string scorerSha, bool pseudonymized, IReadOnlyDictionary<string, FeatureDistribution> driftReference)
    {
        var data = result.Data;
        var final = result.FinalModel;
        var rows = result.Options.Refit ? data.Rows : result.TrainRows.Length;
        var positives = result.Options.Refit ? data.Positives : result.TrainRows.Count(r => data.Labels[r]);
        return new ModelManifest
        {
            FormatVersion = ModelManifest.CurrentFormatVersion,
            LibraryVersion = LibraryVersion(),
            ModelKind = final.Spec.Kind,
            ScorerFile = ChurnModelDirectory.ScorerFileName,
            ScorerSha256 = scorerSha,
            DataSha256 = data.DataSha256,
            Label = new ManifestLabel(result.Options.Data.Label, data.Positive),
            IdColumn = result.Options.Data.IdColumn,
            TimeColumn = result.Options.Data.TimeColumn,
            Seed = result.Options.Seed,
            Trainer = new ManifestTrainer(final.Spec.Name, final.Spec.Hyperparameters),
            Features = data.Schema,
            Calibration = final.Calibrator.ToManifest(final.Calibrated.Brier[final.Calibrator.Method]),
            Thresholds = result.Thresholds,
            Metrics = new ManifestMetrics { Validation = result.Validation.ToDictionary(), Cv = result.Cv },
            TrainingRows = rows,
            TrainingPositives = positives,
            PseudonymizedIds = pseudonymized,
            DriftReference = driftReference,
        };
    }

    public static string LibraryVersion()
        => typeof(ModelManifest).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public static SortedDictionary<string, object?> JsonSummary(ChurnTrainingResult result, ArtifactSummary artifacts, string output, PrivacySummary privacy)
    {
        var v = result.Validation;
        return new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["privacy"] = privacy.ToJson(),
            ["trainer"] = result.FinalModel.Spec.Name,
            ["hyperparameters"] = result.FinalModel.Spec.Hyperparameters,
            ["rows"] = result.Data.Rows,
            ["rows_read"] = result.Data.RowsRead,
            ["unlabelled_rows"] = result.Data.UnlabelledRows,
            ["positives"] = result.Data.Positives,
            ["negatives"] = result.Data.Rows - result.Data.Positives,
            ["positive_class"] = result.Data.Positive,
            ["features"] = result.Data.Width,
            ["feature_names"] = result.Data.Schema.FeatureNames,
            ["split"] = result.SplitDescription,
            ["columns"] = result.Data.Decisions.Select(d => new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = d.Name,
                ["kind"] = d.Kind,
                ["features"] = d.Feature?.FeatureCount ?? 0,
                ["missing"] = d.Missing,
                ["note"] = d.Note,
            }).ToList(),
            ["negative_sample_rate"] = result.Options.NegativeSampleRate,
            ["training_rows"] = result.TrainRows.Length,
            ["validation_rows"] = result.ValidationRows.Length,
            ["validation"] = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["auc"] = v.Auc,
                ["pr_auc"] = v.PrAuc,
                ["log_loss"] = v.LogLoss,
                ["brier"] = v.Brier,
                ["ece"] = v.Ece,
                ["lift_at_10"] = v.LiftAt10,
                ["threshold"] = v.Threshold,
                ["accuracy"] = v.Accuracy,
                ["precision"] = v.Precision,
                ["recall"] = v.Recall,
                ["f1"] = v.F1,
                ["ks"] = v.Ks,
            },
            ["cv"] = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["folds"] = result.CvFolds,
                ["repeats"] = result.CvRepeats,
                ["mean"] = result.Cv.ToDictionary(kv => kv.Key, kv => kv.Value.Mean),
                ["sd"] = result.Cv.ToDictionary(kv => kv.Key, kv => kv.Value.Sd),
            },
            ["calibration"] = result.FinalModel.Calibrator.Method,
            ["thresholds"] = result.Thresholds,
            ["candidates"] = result.Candidates.Select(c => new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["trainer"] = c.Spec.Name,
                ["hyperparameters"] = c.Spec.Hyperparameters,
                ["cv_log_loss"] = c.CvLogLoss,
                ["cv_auc"] = c.CvAuc,
                ["cv_brier"] = c.CvBrier,
                ["cv_repeats"] = c.Repeats,
                ["seconds"] = Math.Round(c.Seconds, 2),
                ["chosen"] = c.Chosen,
            }).ToList(),
            ["onnx"] = artifacts.Onnx,
            ["model_sha256"] = artifacts.ModelSha256,
            ["parity"] = artifacts.Manifest.Parity,
            ["artifacts"] = artifacts.Files.Select(f => Path.Combine(output, f)).ToList(),
        };
    }

    private static SortedDictionary<string, object?> MetricsDocument(ChurnTrainingResult result, ManifestOnnx? onnx)
    {
        var final = result.FinalModel;
        return new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["trainer"] = final.Spec.Name,
            ["hyperparameters"] = final.Spec.Hyperparameters,
            ["split"] = result.SplitDescription,
            ["validation"] = result.Validation.ToDictionary(),
            ["cv"] = result.Cv,
            ["calibration"] = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["chosen"] = final.Calibrator.Method,
                ["out_of_fold_brier"] = final.Calibrated.Brier.ToDictionary(b => b.Key.ToString().ToLowerInvariant(), b => b.Value),
            },
            ["reliability"] = BinaryMetrics.Reliability(result.ValidationProbabilities, result.ValidationLabels)
                .Select(b => new { lower = b.Lower, upper = b.Upper, rows = b.Count, mean_predicted = b.MeanPredicted, observed = b.ObservedRate }).ToList(),
            ["thresholds"] = result.Thresholds,
            ["cost_value"] = result.CostValue,
            ["candidates"] = result.Candidates.Select(c => new { trainer = c.Spec.Name, hyperparameters = c.Spec.Hyperparameters, cv_log_loss = c.CvLogLoss, cv_auc = c.CvAuc, cv_brier = c.CvBrier, chosen = c.Chosen }).ToList(),
            ["drivers"] = result.Drivers.Select(d => new { column = d.Column, permutation_log_loss = d.PermutationLogLoss, permutation_auc = d.PermutationAuc, mean_abs_shap = d.MeanAbsShap }).ToList(),
            ["feature_shap"] = result.FeatureShap?.Select(f => new { feature = f.Feature, mean_abs_shap = f.MeanAbsShap }).ToList(),
            ["onnx"] = onnx,
        };
    }

    private static void WritePredictions(ChurnTrainingResult result, TextWriter writer, Pseudonymizer? pseudonymizer)
    {
        using var csv = new CsvWriter(writer);
        var data = result.Data;
        var id = result.Options.Data.IdColumn ?? "row";
        var hasTime = data.Days is not null;
        csv.WriteRow(hasTime ? [id, result.Options.Data.TimeColumn!, "label", "probability"] : [id, "label", "probability"]);
        for (var i = 0; i < result.ValidationRows.Length; i++)
        {
            var row = result.ValidationRows[i];
            var groupKey = data.GroupKeys[data.Groups[row]];
            csv.WriteField(pseudonymizer is null ? groupKey : pseudonymizer.Pseudonymize(groupKey));
            if (hasTime)
            {
                csv.WriteField(DateOnly.FromDayNumber(data.Days![row]));
            }

            csv.WriteField(data.Labels[row] ? 1L : 0L);
            csv.WriteField(result.ValidationProbabilities[i], "0.######");
            csv.EndRow();
        }
    }
}
