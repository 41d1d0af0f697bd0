using System.Globalization;
using ScottPlot;

namespace CsScoring.Training.Churn;

/// <summary>
/// The churn report's plots, drawn with ScottPlot 5 as PNG images for the self-contained HTML page: ROC, precision-
/// recall, reliability, cumulative gains, lift, score distribution and drivers.
/// </summary>
internal static class ChurnPlots
{
    private const int Width = 560;
    private const int Height = 400;
    private static readonly Color Model = new(31, 119, 180);
    private static readonly Color Other = new(214, 39, 40);
    private static readonly Color Reference = new(127, 127, 127);

    public static byte[] Roc(IReadOnlyList<(double Fpr, double Tpr, double Threshold)> roc, double auc)
    {
        var plot = Frame("ROC curve", "false-positive rate", "true-positive rate");
        Line(plot, [.. roc.Select(r => r.Fpr)], [.. roc.Select(r => r.Tpr)], Model, string.Create(CultureInfo.InvariantCulture, $"model (AUC {auc:0.###})"));
        Diagonal(plot, 0, 1, "chance");
        plot.Axes.SetLimits(0, 1, 0, 1);
        return Render(plot, Alignment.LowerRight);
    }

    public static byte[] PrecisionRecall(IReadOnlyList<(double Recall, double Precision)> pr, double prAuc, double baseRate)
    {
        var plot = Frame("Precision-recall curve", "recall", "precision");
        Line(plot, [.. pr.Select(p => p.Recall)], [.. pr.Select(p => p.Precision)], Model, string.Create(CultureInfo.InvariantCulture, $"model (PR-AUC {prAuc:0.###})"));
        Line(plot, [0, 1], [baseRate, baseRate], Reference, string.Create(CultureInfo.InvariantCulture, $"base rate {baseRate:0.###}"), dashed: true);
        plot.Axes.SetLimits(0, 1, 0, 1);
        return Render(plot, Alignment.UpperRight);
    }

    public static byte[] Reliability(IReadOnlyList<ReliabilityBin> bins, double ece)
    {
        var top = bins.Count == 0 ? 1 : Math.Min(1, Math.Max(0.1, Math.Ceiling(bins.Max(b => Math.Max(b.MeanPredicted, b.ObservedRate)) * 10) / 10));
        var plot = Frame("Calibration (reliability)", "mean predicted probability", "observed churn rate");
        var line = Line(plot, [.. bins.Select(b => b.MeanPredicted)], [.. bins.Select(b => b.ObservedRate)], Model,
            string.Create(CultureInfo.InvariantCulture, $"model (ECE {ece:0.####})"));
        line.MarkerSize = 7;
        Diagonal(plot, 0, top, "perfect calibration");
        plot.Axes.SetLimits(0, top, 0, top);
        return Render(plot, Alignment.UpperLeft);
    }

    public static byte[] Gains(IReadOnlyList<(double Share, double Captured, double Lift)> gains, double liftAt10)
    {
        var plot = Frame("Cumulative gains", "share of accounts contacted, riskiest first", "share of churners reached");
        Line(plot, [.. gains.Select(g => g.Share)], [.. gains.Select(g => g.Captured)], Model, string.Create(CultureInfo.InvariantCulture, $"model (lift at 10% {liftAt10:0.##})"));
        Diagonal(plot, 0, 1, "random");
        plot.Axes.SetLimits(0, 1, 0, 1);
        return Render(plot, Alignment.LowerRight);
    }

    public static byte[] Lift(IReadOnlyList<(double Share, double Captured, double Lift)> gains)
    {
        var points = gains.Where(g => g.Share > 0 && double.IsFinite(g.Lift)).ToList();
        var plot = Frame("Lift", "share of accounts contacted, riskiest first", "lift over random");
        var line = Line(plot, [.. points.Select(g => g.Share)], [.. points.Select(g => g.Lift)], Model, "model");
        line.MarkerSize = 5;
        Line(plot, [0, 1], [1, 1], Reference, "random", dashed: true);
        plot.Axes.SetLimits(0, 1, 0, Math.Max(2, Math.Ceiling(points.Select(p => p.Lift).DefaultIfEmpty(1).Max())));
        return Render(plot, Alignment.UpperRight);
    }

    public static byte[] ScoreDistribution(double[] p, bool[] y)
    {
        const int Bins = 20;
        var max = Math.Max(0.05, Math.Ceiling(p.DefaultIfEmpty(0).Max() * 20) / 20);
        var width = max / Bins;
        var churned = new double[Bins];
        var retained = new double[Bins];
        int positives = y.Count(l => l), negatives = y.Length - positives;
        for (var i = 0; i < p.Length; i++)
        {
            var b = Math.Clamp((int)(p[i] / width), 0, Bins - 1);
            if (y[i])
            {
                churned[b] += 1.0 / Math.Max(1, positives);
            }
            else
            {
                retained[b] += 1.0 / Math.Max(1, negatives);
            }
        }

        var plot = Frame("Score distribution", "predicted churn probability", "share of the class");
        var centers = Enumerable.Range(0, Bins).Select(b => (b + 0.5) * width).ToArray();
        AddBars(plot, centers, retained, width, Model.WithAlpha(0.55), "retained");
        AddBars(plot, centers, churned, width, Other.WithAlpha(0.55), "churned");
        plot.Axes.SetLimits(0, max, 0, Math.Max(retained.Max(), churned.Max()) * 1.1);
        return Render(plot, Alignment.UpperRight);
    }

    public static byte[] Drivers(IReadOnlyList<DriverImportance> drivers)
    {
        var top = drivers.Take(12).ToList();
        var plot = Frame("Drivers: permutation importance on validation", "log-loss increase when the column is shuffled", string.Empty);
        var positions = Enumerable.Range(0, top.Count).Select(i => (double)(top.Count - i)).ToArray();
        var bars = plot.Add.Bars(positions, [.. top.Select(d => d.PermutationLogLoss)]);
        bars.Horizontal = true;
        foreach (var bar in bars.Bars)
        {
            bar.FillColor = Model;
            bar.LineWidth = 0;
            bar.Size = 0.7;
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. top.Select(d => d.Column)]);
        plot.Axes.Margins(left: 0, right: 0.1, bottom: 0.05, top: 0.05);
        return plot.GetImageBytes(Width + 140, Height, ImageFormat.Png);
    }

    private static Plot Frame(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, double[] ys, Color color, string legend, bool dashed = false)
    {
        var line = plot.Add.Scatter(xs, ys, color);
        line.LineWidth = 2;
        line.MarkerSize = 0;
        line.LegendText = legend;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }

        return line;
    }

    private static void Diagonal(Plot plot, double from, double to, string legend)
        => Line(plot, [from, to], [from, to], Reference, legend, dashed: true);

    private static void AddBars(Plot plot, double[] centers, double[] values, double width, Color color, string legend)
    {
        var bars = plot.Add.Bars(centers, values);
        foreach (var bar in bars.Bars)
        {
            bar.FillColor = color;
            bar.LineWidth = 0;
            bar.Size = width;
        }

        bars.LegendText = legend;
    }

    private static byte[] Render(Plot plot, Alignment legend)
    {
        plot.ShowLegend(legend);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
