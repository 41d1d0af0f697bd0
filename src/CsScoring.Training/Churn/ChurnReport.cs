using System.Globalization;
using CsScoring.Churn.Manifest;
using CsScoring.Training.Reporting;

namespace CsScoring.Training.Churn;

/// <summary>The churn model's report: data, split, candidates, metrics, calibration, thresholds, drivers and plots.</summary>
internal static class ChurnReport
{
    public static void Append(HtmlReport report, ChurnTrainingResult result, ArtifactSummary? artifacts, IReadOnlyList<(string Name, string Value)>? extraFacts = null)
    {
        var data = result.Data;
        var v = result.Validation;
        var p = result.ValidationProbabilities;
        var y = result.ValidationLabels;
        report.Section("Churn model");
        var facts = new List<(string, string)>
        {
            ("Headline", result.DescribeHeadline()),
            ("Data", $"{data.SourceName}: {data.RowsRead} rows, {data.Rows} labelled ({data.Positives} churned, {Pct((double)data.Positives / data.Rows)}), {data.UnlabelledRows} unlabelled left out"),
            ("Label", $"{result.Options.Data.Label} (positive: '{data.Positive}')"),
            ("Features", $"{data.Width} features from {data.Schema.Columns.Count} columns"),
            ("Split", result.SplitDescription),
            ("Rows", $"training {result.TrainRows.Length}, validation {result.ValidationRows.Length} ({v.Positives} churned)"),
            ("Trainer", result.FinalModel.Spec.Describe()),
            ("Calibration", $"{Name(result.FinalModel.Calibrator.Method)} (kept by out-of-fold Brier: {string.Join(", ", result.FinalModel.Calibrated.Brier.Select(b => $"{Name(b.Key)} {F(b.Value, "0.00000")}"))})"),
            ("Saved model", result.Options.Refit ? $"refit on all {data.Rows} labelled rows; metrics below come from the model trained on the training split" : "the model trained on the training split"),
            ("Seed", result.Options.Seed.ToString(CultureInfo.InvariantCulture)),
        };
        if (extraFacts is not null)
        {
            facts.AddRange(extraFacts);
        }

        if (artifacts is not null)
        {
            facts.Add(("ONNX", string.Create(CultureInfo.InvariantCulture, $"model.onnx: ONNX Runtime reproduces the compiled scorer on {artifacts.Onnx.Rows} rows, max |Δp| = {artifacts.Onnx.MaxProbabilityDifference:E2}")));
        }

        report.Facts(facts);

        report.SubSection("Metrics");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, value) in v.ToDictionary())
        {
            rows.Add([name, result.Cv.TryGetValue(name, out var s) ? $"{F(s.Mean)} ± {F(s.Sd)}" : string.Empty, F(value)]);
        }

        report.Paragraph("Cross-validation is the headline: every row is tested, over several fold assignments. The holdout is one split, shown as a check; its figures move more with the seed.");
        report.Table(["metric", $"cross-validation ({result.CvFolds} folds x {result.CvRepeats}), mean ± sd", "holdout (check)"], rows);
        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Validation accuracy, precision, recall and F1 are at the F1-optimal threshold {v.Threshold:0.###}, chosen on the training split's out-of-fold predictions (never on validation). The saved model's thresholds, from its own out-of-fold predictions: F1-optimal {result.Thresholds.F1:0.###}; cost-based {result.Thresholds.Cost:0.###}, acting when p >= it maximised the realised value {result.CostValue:0} given an action cost of {result.Thresholds.CostModel!.ActionCost:0.##}, a success rate of {result.Thresholds.CostModel.SuccessRate:0.##} and an account value of {result.Thresholds.CostModel.AccountValue:0.##} (break-even probability {result.Thresholds.CostModel.ActionCost / (result.Thresholds.CostModel.SuccessRate * result.Thresholds.CostModel.AccountValue):0.###}). Risk bands: high from {result.Thresholds.Bands.High:0.###}, medium from {result.Thresholds.Bands.Medium:0.###}."));

        if (result.Candidates.Count > 1)
        {
            report.SubSection("Search");
            report.Paragraph("Successive halving: every candidate is cross-validated on the first repeat, the better half of the tree ones on the second and the best tree one on the rest, the linear ones on every repeat; candidates are ranked by cross-validated Brier score. The figures are over the repeats each was evaluated on.");
            report.Table(["candidate", "cv log loss", "cv auc", "cv brier", "repeats", "chosen"],
                result.Candidates.OrderByDescending(c => c.Repeats).ThenBy(c => c.CvBrier).Select(c => (IReadOnlyList<string>)[c.Spec.Describe(), F(c.CvLogLoss, "0.00000"), F(c.CvAuc), F(c.CvBrier, "0.00000"), c.Repeats.ToString(CultureInfo.InvariantCulture), c.Chosen ? "yes" : string.Empty]));
        }

        report.SubSection("Plots (validation)");
        var plots = result.ReportPlots;
        report.Png(plots.Roc, "ROC curve on the validation rows");
        report.Png(plots.PrecisionRecall, "Precision-recall curve on the validation rows");
        report.Png(plots.Reliability, "Reliability curve: 10 equal-width bins of predicted probability");
        report.Table(["bin", "rows", "mean predicted", "observed"], plots.ReliabilityBins.Select(b => (IReadOnlyList<string>)[$"{F(b.Lower, "0.0")}-{F(b.Upper, "0.0")}", b.Count.ToString(CultureInfo.InvariantCulture), F(b.MeanPredicted), F(b.ObservedRate)]));
        report.Png(plots.Gains, "Gains: churners reached when contacting the riskiest accounts first");
        report.Png(plots.Lift, "Lift by share of accounts contacted");
        report.Png(plots.ScoreDistribution, "Predicted probability by outcome (share of each class per bin)");
        report.Png(plots.Drivers, "Drivers: permutation importance (log-loss increase when a column is shuffled) on validation");

        report.SubSection("Drivers");
        var hasShap = result.Drivers.Any(d => d.MeanAbsShap is not null);
        if (hasShap && artifacts?.Manifest.BackgroundFile is { } backgroundFile)
        {
            report.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"Mean |SHAP| is over up to 2,000 training rows, each explained relative to all {artifacts.Manifest.TrainingRows} training rows: the explanation background saved as {backgroundFile}, which a loaded model (and so every prediction's reasons) uses too."));
        }

        report.Table(hasShap ? ["column", "permutation: log-loss increase", "permutation: AUC drop", "mean |SHAP| (raw score)"] : ["column", "permutation: log-loss increase", "permutation: AUC drop"],
            result.Drivers.Select(d => (IReadOnlyList<string>)(hasShap
                ? [d.Column, F(d.PermutationLogLoss, "0.00000"), F(d.PermutationAuc, "0.0000"), F(d.MeanAbsShap ?? double.NaN, "0.0000")]
                : [d.Column, F(d.PermutationLogLoss, "0.00000"), F(d.PermutationAuc, "0.0000")])));

        report.SubSection("Columns");
        report.Table(["column", "kind", "features", "missing cells", "note"], data.Decisions.Select(d => (IReadOnlyList<string>)
            [d.Name, d.Kind.ToString().ToLowerInvariant(), (d.Feature?.FeatureCount ?? 0).ToString(CultureInfo.InvariantCulture), d.Missing.ToString(CultureInfo.InvariantCulture), d.Note ?? string.Empty]));
    }

    private static string Name(CalibrationMethod method) => method == CalibrationMethod.Platt ? "platt" : "isotonic";

    private static string Pct(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string F(double value, string format = "0.####") => HtmlReport.Format(value, format);
}

/// <summary>
/// The churn report's plots of the validation rows as PNG bytes, with the reliability bins they show. Each plot is
/// its own ScottPlot <c>Plot</c>, so they are drawn on the cores at once; the bytes are the same either way.
/// Rendered once per model: the model's own report and the main job's page both show them.
/// </summary>
internal sealed record ChurnReportPlots(
    byte[] Roc, byte[] PrecisionRecall, byte[] Reliability, IReadOnlyList<ReliabilityBin> ReliabilityBins,
    byte[] Gains, byte[] Lift, byte[] ScoreDistribution, byte[] Drivers)
{
    /// <summary>Draws every plot; needs only the validation figures and the permutation drivers.</summary>
    public static ChurnReportPlots Render(ChurnTrainingResult result)
        => Render(result.Validation, result.ValidationProbabilities, result.ValidationLabels, result.Drivers);

    /// <summary>Draws every plot of validation figures and permutation drivers.</summary>
    public static ChurnReportPlots Render(MetricSet validation, double[] probabilities, bool[] labels, IReadOnlyList<DriverImportance> drivers)
    {
        var driversPlot = Array.Empty<byte>();
        var curves = Curves(validation, probabilities, labels, () => driversPlot = ChurnPlots.Drivers(drivers));
        return curves with { Drivers = driversPlot };
    }

    /// <summary>
    /// Starts drawing the plots of the validation figures at once, on other cores, and the drivers' plot when
    /// <paramref name="drivers"/> completes (failing with it); the bytes are those
    /// <see cref="Render(MetricSet, double[], bool[], IReadOnlyList{DriverImportance})"/> draws.
    /// </summary>
    public static Task<ChurnReportPlots> Start(MetricSet validation, double[] probabilities, bool[] labels, Task<IReadOnlyList<DriverImportance>> drivers)
    {
        var curves = Task.Run(() => Curves(validation, probabilities, labels, null));
        return Task.Run(async () =>
        {
            var driversPlot = ChurnPlots.Drivers(await drivers.ConfigureAwait(false));
            return (await curves.ConfigureAwait(false)) with { Drivers = driversPlot };
        });
    }

    // Every plot but the drivers' (empty here), with another piece of work drawn beside them when given.
    private static ChurnReportPlots Curves(MetricSet v, double[] p, bool[] y, Action? beside)
    {
        var reliability = BinaryMetrics.Reliability(p, y);
        var gains = BinaryMetrics.Gains(p, y);
        byte[] roc = [], precisionRecall = [], reliabilityPlot = [], gainsPlot = [], lift = [], scores = [];
        // The full-resolution curves take longest, so they start first.
        Action[] work =
        [
            () => roc = ChurnPlots.Roc(BinaryMetrics.Roc(p, y), v.Auc),
            () => precisionRecall = ChurnPlots.PrecisionRecall(BinaryMetrics.PrecisionRecall(p, y), v.PrAuc, (double)v.Positives / Math.Max(1, v.Rows)),
            () => reliabilityPlot = ChurnPlots.Reliability(reliability, v.Ece),
            () => gainsPlot = ChurnPlots.Gains(gains, v.LiftAt10),
            () => lift = ChurnPlots.Lift(gains),
            () => scores = ChurnPlots.ScoreDistribution(p, y),
        ];
        Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 8) }, beside is null ? work : [.. work, beside]);
        return new ChurnReportPlots(roc, precisionRecall, reliabilityPlot, reliability, gainsPlot, lift, scores, []);
    }
}
