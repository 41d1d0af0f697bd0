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
            facts.Add(("ONNX", artifacts.OnnxWritten ? $"model.onnx written; parity with ML.NET max |Δp| = {artifacts.OnnxMaxDelta.ToString("E2", CultureInfo.InvariantCulture)}" : $"not written: {artifacts.OnnxNote}"));
        }

        report.Facts(facts);

        report.SubSection("Metrics");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, value) in v.ToDictionary())
        {
            rows.Add([name, F(value), result.Cv.TryGetValue(name, out var s) ? $"{F(s.Mean)} ± {F(s.Sd)}" : string.Empty]);
        }

        report.Table(["metric", "validation", $"cross-validation ({result.Options.Folds} folds x {result.Options.Repeats})"], rows);
        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Validation accuracy, precision, recall and F1 are at the F1-optimal threshold {v.Threshold:0.###}, chosen on the training split's out-of-fold predictions (never on validation). The saved model's thresholds, from its own out-of-fold predictions: F1-optimal {result.Thresholds.F1:0.###}; cost-based {result.Thresholds.Cost:0.###}, acting when p >= it maximised the realised value {result.CostValue:0} given an action cost of {result.Thresholds.CostModel!.ActionCost:0.##}, a success rate of {result.Thresholds.CostModel.SuccessRate:0.##} and an account value of {result.Thresholds.CostModel.AccountValue:0.##} (break-even probability {result.Thresholds.CostModel.ActionCost / (result.Thresholds.CostModel.SuccessRate * result.Thresholds.CostModel.AccountValue):0.###}). Risk bands: high from {result.Thresholds.Bands.High:0.###}, medium from {result.Thresholds.Bands.Medium:0.###}."));

        if (result.Candidates.Count > 1)
        {
            report.SubSection("Search");
            report.Table(["candidate", "cv log loss", "cv auc", "cv brier", "seconds", "chosen"],
                result.Candidates.OrderBy(c => c.CvLogLoss).Select(c => (IReadOnlyList<string>)[c.Spec.Describe(), F(c.CvLogLoss, "0.00000"), F(c.CvAuc), F(c.CvBrier, "0.00000"), F(c.Seconds, "0.0"), c.Chosen ? "yes" : string.Empty]));
        }

        report.SubSection("Plots (validation)");
        var roc = BinaryMetrics.Roc(p, y);
        report.Svg(new SvgChart("ROC curve", "false-positive rate", "true-positive rate", 0, 1, 0, 1)
            .Line(string.Create(CultureInfo.InvariantCulture, $"model (AUC {v.Auc:0.###})"), roc.Select(r => (r.Fpr, r.Tpr)))
            .Line("chance", [(0, 0), (1, 1)], 5, dashed: true).Render(), "ROC curve on the validation rows");
        var pr = BinaryMetrics.PrecisionRecall(p, y);
        var baseRate = (double)v.Positives / Math.Max(1, v.Rows);
        report.Svg(new SvgChart("Precision-recall curve", "recall", "precision", 0, 1, 0, 1)
            .Line(string.Create(CultureInfo.InvariantCulture, $"model (PR-AUC {v.PrAuc:0.###})"), pr.Select(r => (r.Recall, r.Precision)))
            .Line("base rate", [(0, baseRate), (1, baseRate)], 5, dashed: true).Render(), "Precision-recall curve on the validation rows");
        var reliability = BinaryMetrics.Reliability(p, y);
        var maxP = Math.Min(1, Math.Max(0.1, Math.Ceiling(Math.Max(reliability.Count == 0 ? 0 : reliability.Max(b => Math.Max(b.MeanPredicted, b.ObservedRate)), 0.05) * 10) / 10));
        report.Svg(new SvgChart("Calibration (reliability)", "mean predicted probability", "observed churn rate", 0, maxP, 0, maxP)
            .Line(string.Create(CultureInfo.InvariantCulture, $"model (ECE {v.Ece:0.####})"), reliability.Select(b => (b.MeanPredicted, b.ObservedRate)), markers: true)
            .Line("perfect", [(0, 0), (maxP, maxP)], 5, dashed: true).Render(), "Reliability curve: 10 equal-width bins of predicted probability");
        report.Table(["bin", "rows", "mean predicted", "observed"], reliability.Select(b => (IReadOnlyList<string>)[$"{F(b.Lower, "0.0")}-{F(b.Upper, "0.0")}", b.Count.ToString(CultureInfo.InvariantCulture), F(b.MeanPredicted), F(b.ObservedRate)]));
        var gains = BinaryMetrics.Gains(p, y);
        report.Svg(new SvgChart("Cumulative gains", "share of accounts contacted (by risk)", "share of churners reached", 0, 1, 0, 1)
            .Line(string.Create(CultureInfo.InvariantCulture, $"model (lift@10% {v.LiftAt10:0.##})"), gains.Select(g => (g.Share, g.Captured)))
            .Line("random", [(0, 0), (1, 1)], 5, dashed: true).Render(), "Gains: churners reached when contacting the riskiest accounts first");
        report.Svg(new SvgChart("Lift", "share of accounts contacted (by risk)", "lift over random", 0, 1, 0, Math.Max(2, Math.Ceiling(gains.Where(g => double.IsFinite(g.Lift)).Select(g => g.Lift).DefaultIfEmpty(1).Max())))
            .Line("model", gains.Where(g => g.Share > 0).Select(g => (g.Share, g.Lift)), markers: true)
            .Line("random", [(0, 1), (1, 1)], 5, dashed: true).Render(), "Lift by share of accounts contacted");
        report.Svg(ScoreHistogram(p, y), "Predicted probability by outcome (share of each class per bin)");
        report.Svg(DriverChart(result.Drivers), "Drivers: permutation importance (log-loss increase when a column is shuffled) on validation");

        report.SubSection("Drivers");
        var hasShap = result.Drivers.Any(d => d.MeanAbsShap is not null);
        report.Table(hasShap ? ["column", "permutation: log-loss increase", "permutation: AUC drop", "mean |SHAP| (raw score)"] : ["column", "permutation: log-loss increase", "permutation: AUC drop"],
            result.Drivers.Select(d => (IReadOnlyList<string>)(hasShap
                ? [d.Column, F(d.PermutationLogLoss, "0.00000"), F(d.PermutationAuc, "0.0000"), F(d.MeanAbsShap ?? double.NaN, "0.0000")]
                : [d.Column, F(d.PermutationLogLoss, "0.00000"), F(d.PermutationAuc, "0.0000")])));

        report.SubSection("Columns");
        report.Table(["column", "kind", "features", "missing cells", "note"], data.Decisions.Select(d => (IReadOnlyList<string>)
            [d.Name, d.Kind.ToString().ToLowerInvariant(), (d.Feature?.FeatureCount ?? 0).ToString(CultureInfo.InvariantCulture), d.Missing.ToString(CultureInfo.InvariantCulture), d.Note ?? string.Empty]));
    }

    private static string ScoreHistogram(double[] p, bool[] y)
    {
        const int Bins = 20;
        var max = Math.Max(0.05, Math.Ceiling(p.DefaultIfEmpty(0).Max() * 20) / 20);
        var width = max / Bins;
        var pos = new double[Bins];
        var neg = new double[Bins];
        int positives = y.Count(l => l), negatives = y.Length - positives;
        for (var i = 0; i < p.Length; i++)
        {
            var b = Math.Clamp((int)(p[i] / width), 0, Bins - 1);
            if (y[i])
            {
                pos[b] += 1.0 / Math.Max(1, positives);
            }
            else
            {
                neg[b] += 1.0 / Math.Max(1, negatives);
            }
        }

        var top = Math.Max(pos.Max(), neg.Max()) * 1.1;
        return new SvgChart("Score distribution", "predicted churn probability", "share of class", 0, max, 0, top)
            .Bars("retained", Enumerable.Range(0, Bins).Select(b => (b * width, (b + 1) * width, neg[b])), 0, 0.5)
            .Bars("churned", Enumerable.Range(0, Bins).Select(b => (b * width, (b + 1) * width, pos[b])), 1, 0.5)
            .Render();
    }

    private static string DriverChart(IReadOnlyList<DriverImportance> drivers)
    {
        var top = drivers.Take(12).ToList();
        var max = Math.Max(1e-6, top.Select(d => d.PermutationLogLoss).DefaultIfEmpty(0).Max() * 1.1);
        var chart = new SvgChart("Top drivers (permutation importance)", "rank (see the drivers table)", "log-loss increase", 0.5, top.Count + 0.5, Math.Min(0, top.Select(d => d.PermutationLogLoss).DefaultIfEmpty(0).Min()), max);
        return chart.Bars(string.Join(", ", top.Take(4).Select((d, i) => $"{i + 1}: {d.Column}")), top.Select((d, i) => (i + 0.6, i + 1.4, d.PermutationLogLoss))).Render();
    }

    private static string Name(CalibrationMethod method) => method == CalibrationMethod.Platt ? "platt" : "isotonic";

    private static string Pct(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string F(double value, string format = "0.####") => HtmlReport.Format(value, format);
}
