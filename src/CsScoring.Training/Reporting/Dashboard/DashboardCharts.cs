using System.Globalization;
using System.Text;
using CsScoring.Segmentation;
using static CsScoring.Training.Reporting.Dashboard.DashboardFormat;

namespace CsScoring.Training.Reporting.Dashboard;

/// <summary>
/// The dashboard's inline SVG charts, drawn like <see cref="KpiCharts"/>: fixed view boxes that scale to their
/// card, system fonts, a title on every chart and text next to every colour. All text goes through <see cref="DashboardFormat.Encode"/>.
/// </summary>
internal static class DashboardCharts
{
    /// <summary>The most points the risk matrix draws; larger books are sampled (and say so).</summary>
    public const int MaxScatterPoints = 2000;

    /// <summary>Of those, the accounts with the most value at risk, always drawn.</summary>
    public const int ScatterTopByRisk = 300;

    private const string Font = "font-family=\"system-ui,-apple-system,'Segoe UI',sans-serif\"";
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A KPI's trend line: the area under it lightly filled, the last point marked, first and last period named.</summary>
    public static string Sparkline(KpiTile tile, string color)
    {
        var points = tile.Trend.Select((p, i) => (i, p)).Where(x => double.IsFinite(x.p.Value)).ToList();
        if (points.Count < 2)
        {
            return string.Empty;
        }

        const double width = 300, height = 52, top = 6, bottom = 14, pad = 4;
        var min = points.Min(p => p.p.Value);
        var max = points.Max(p => p.p.Value);
        if (max - min < 1e-12)
        {
            (min, max) = (min - 1, max + 1);
        }

        var n = tile.Trend.Count;
        double X(int i) => pad + ((width - (2 * pad)) * i / Math.Max(1, n - 1));
        double Y(double v) => top + ((height - top - bottom) * (1 - ((v - min) / (max - min))));
        var line = string.Join(" ", points.Select(p => $"{F(X(p.i))},{F(Y(p.p.Value))}"));
        var area = $"{F(X(points[0].i))},{F(height - bottom)} {line} {F(X(points[^1].i))},{F(height - bottom)}";
        var summary = $"{tile.Name} by period: " + string.Join(", ", points.Select(p => $"{p.p.Period} {Kpi(p.p.Value, tile.Format, null)}"));
        var svg = new StringBuilder();
        svg.Append(C, $"<svg class=\"spark\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Encode(tile.Name)} trend\" {Font} font-size=\"10\">");
        svg.Append("<title>").Append(Encode(summary)).Append("</title>");
        svg.Append(C, $"<polygon points=\"{area}\" fill=\"{color}\" fill-opacity=\"0.08\"/>");
        svg.Append(C, $"<polyline points=\"{line}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" stroke-linejoin=\"round\"/>");
        svg.Append(C, $"<circle cx=\"{F(X(points[^1].i))}\" cy=\"{F(Y(points[^1].p.Value))}\" r=\"3\" fill=\"{color}\"/>");
        svg.Append(C, $"<text x=\"{pad}\" y=\"{height - 2}\" fill=\"#6b7480\">{Encode(points[0].p.Period)}</text>");
        svg.Append(C, $"<text x=\"{width - pad}\" y=\"{height - 2}\" text-anchor=\"end\" fill=\"#6b7480\">{Encode(points[^1].p.Period)}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Two 100% bars, before and now, split by health band, with counts and shares written on the segments.</summary>
    public static string BandDistribution(HealthBands health)
    {
        const double width = 640, left = 190, right = 10, barHeight = 46;
        var scored = health.Bands.Count(b => b != DashboardBuilder.UnscoredBand);
        var rows = new (string Label, IReadOnlyList<int> Counts)[] { ("before", health.Before), ("now", health.Now) };
        var height = 16 + (rows.Length * (barHeight + 28)) + 22;
        var svg = new StringBuilder();
        svg.Append(C, $"<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"bands-title\" {Font} font-size=\"12\">");
        svg.Append(C, $"<title id=\"bands-title\">Accounts by health band, {Encode(health.BeforeLabel)} and now</title>");
        var y = 16.0;
        foreach (var (label, counts) in rows)
        {
            var total = counts.Sum();
            // The label column: the name, then the date (split before any parenthesis) and the count, each on a line.
            var cut = health.BeforeLabel.IndexOf(" (", StringComparison.Ordinal);
            string[] lines = label == "now"
                ? ["now", string.Create(C, $"{total:N0} accounts")]
                : cut > 0
                    ? ["before: " + health.BeforeLabel[..cut], health.BeforeLabel[(cut + 1)..], string.Create(C, $"{total:N0} accounts")]
                    : ["before: " + health.BeforeLabel, string.Create(C, $"{total:N0} accounts")];
            for (var l = 0; l < lines.Length; l++)
            {
                svg.Append(C, $"<text x=\"0\" y=\"{F(y + 12 + (l * 14))}\"{(l == 0 ? " font-weight=\"600\"" : " fill=\"#6b7480\" font-size=\"11\"")}>{Encode(lines[l])}</text>");
            }

            var x = left;
            for (var b = 0; b < health.Bands.Count; b++)
            {
                if (counts[b] == 0 || total == 0)
                {
                    continue;
                }

                var w = (width - left - right) * counts[b] / total;
                var color = BandColor(health.Bands[b], b, scored);
                svg.Append(C, $"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(w)}\" height=\"{barHeight}\" fill=\"{color}\"><title>{Encode(string.Create(C, $"{health.Bands[b]} {label}: {counts[b]:N0} accounts ({Percent((double)counts[b] / total)})"))}</title></rect>");
                if (w > 44)
                {
                    var ink = color is "#f9a825" or "#b0b7bf" or "#9ccc65" ? "#1d2330" : "#fff";
                    svg.Append(C, $"<text x=\"{F(x + (w / 2))}\" y=\"{F(y + 20)}\" text-anchor=\"middle\" fill=\"{ink}\" font-weight=\"600\">{counts[b]:N0}</text>");
                    svg.Append(C, $"<text x=\"{F(x + (w / 2))}\" y=\"{F(y + 36)}\" text-anchor=\"middle\" fill=\"{ink}\" font-size=\"11\">{Percent((double)counts[b] / total, 0)}</text>");
                }

                x += w;
            }

            y += barHeight + 28;
        }

        Legend(svg, health.Bands.Select((b, i) => (b, BandColor(b, i, scored))).ToList(), left, height - 14);
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>
    /// The movement between bands as a grid: rows where accounts were, columns where they are; the diagonal stayed,
    /// cells towards a better band are green, towards a worse one red, shaded by the share of the row.
    /// </summary>
    public static string Movement(HealthBands health)
    {
        var n = health.Bands.Count;
        const double left = 150, top = 58, cellHeight = 40;
        var cellWidth = Math.Min(110, (640 - left - 10) / (n + 1));
        var width = 640.0;
        var height = top + ((n + 1) * cellHeight) + 10;
        var scored = health.Bands.Count(b => b != DashboardBuilder.UnscoredBand);
        var svg = new StringBuilder();
        svg.Append(C, $"<svg viewBox=\"0 0 {width} {F(height)}\" role=\"img\" aria-labelledby=\"movement-title\" {Font} font-size=\"12\">");
        svg.Append(C, $"<title id=\"movement-title\">Health band movement from {Encode(health.BeforeLabel)} to now: accounts per pair of bands</title>");
        svg.Append(C, $"<text x=\"{F(left + ((n + 1) * cellWidth / 2))}\" y=\"14\" text-anchor=\"middle\" fill=\"#6b7480\">now →</text>");
        svg.Append(C, $"<text x=\"0\" y=\"{F(top - 8)}\" fill=\"#6b7480\">before ↓</text>");
        for (var j = 0; j <= n; j++)
        {
            var name = j < n ? health.Bands[j] : "left the book";
            var x = left + (j * cellWidth) + (cellWidth / 2);
            if (j < n)
            {
                svg.Append(C, $"<rect x=\"{F(x - 20)}\" y=\"22\" width=\"40\" height=\"5\" fill=\"{BandColor(name, j, scored)}\"/>");
            }

            svg.Append(C, $"<text x=\"{F(x)}\" y=\"{F(top - 12)}\" text-anchor=\"middle\" font-weight=\"600\">{Encode(Short(name))}</text>");
        }

        for (var i = 0; i <= n; i++)
        {
            var name = i < n ? health.Bands[i] : "joined since";
            var y = top + (i * cellHeight);
            if (i < n)
            {
                svg.Append(C, $"<rect x=\"{F(left - 12)}\" y=\"{F(y + 10)}\" width=\"5\" height=\"20\" fill=\"{BandColor(name, i, scored)}\"/>");
            }

            svg.Append(C, $"<text x=\"{F(left - 18)}\" y=\"{F(y + 25)}\" text-anchor=\"end\" font-weight=\"600\">{Encode(Short(name))}</text>");
            var rowTotal = i < n ? health.Movement[i].Sum() + health.Left[i] : health.Joined.Sum();
            for (var j = 0; j <= n; j++)
            {
                if (i == n && j == n)
                {
                    continue;
                }

                var count = i < n ? (j < n ? health.Movement[i][j] : health.Left[i]) : health.Joined[j];
                var share = rowTotal == 0 ? 0 : (double)count / rowTotal;
                var unscored = (i < n && health.Bands[i] == DashboardBuilder.UnscoredBand) || (j < n && health.Bands[j] == DashboardBuilder.UnscoredBand);
                var (r, g, b) = i == n || j == n || unscored ? (96, 110, 125) : i == j ? (69, 90, 100) : j > i ? (46, 125, 50) : (198, 40, 40);
                var alpha = count == 0 ? 0 : 0.08 + (0.72 * share);
                var x = left + (j * cellWidth);
                var direction = i == n ? "joined" : j == n ? "left" : unscored ? "moved" : i == j ? "stayed" : j > i ? "improved" : "worsened";
                svg.Append(C, $"<rect x=\"{F(x + 1)}\" y=\"{F(y + 1)}\" width=\"{F(cellWidth - 2)}\" height=\"{cellHeight - 2}\" rx=\"3\" fill=\"rgb({r},{g},{b})\" fill-opacity=\"{alpha.ToString("0.00", C)}\" stroke=\"#e3e7ec\">");
                svg.Append("<title>").Append(Encode(string.Create(C, $"{name} → {(j < n ? health.Bands[j] : "left the book")}: {count:N0} accounts ({direction})"))).Append("</title></rect>");
                var ink = alpha > 0.5 ? "#fff" : "#1d2330";
                svg.Append(C, $"<text x=\"{F(x + (cellWidth / 2))}\" y=\"{F(y + 25)}\" text-anchor=\"middle\" fill=\"{ink}\"{(i == j ? " font-weight=\"600\"" : string.Empty)}>{(count == 0 ? "·" : count.ToString("N0", C))}</text>");
            }
        }

        svg.Append("</svg>");
        return svg.ToString();

        static string Short(string band) => band == DashboardBuilder.UnscoredBand ? "unscored" : band.Length > 14 ? band[..13] + "…" : band;
    }

    /// <summary>
    /// Churn probability against potential value (log scale when values span more than two decades), one mark per
    /// account coloured and shaped by tier, with guides at the high-touch cut-off and the model's high-risk threshold
    /// and each quadrant's accounts and value at risk over the whole book. Large books are sampled deterministically.
    /// </summary>
    /// <param name="accounts">The accounts to draw (all, or a collector's bounded selection).</param>
    /// <param name="highRiskThreshold">The model's high-risk threshold, or <see langword="null"/>.</param>
    /// <param name="currency">The currency label.</param>
    /// <param name="caption">What the chart leaves out, in words.</param>
    /// <param name="quadrantTallies">The quadrants' accounts, ARR and value at risk.</param>
    /// <param name="bookQuadrants">The quadrants tallied over the whole book by a collector, or <see langword="null"/> to tally <paramref name="accounts"/>.</param>
    /// <param name="bookHighTouchCut">The lowest high-touch potential value over the whole book, or <see langword="null"/>.</param>
    public static string RiskMatrix(
        IReadOnlyList<DashboardAccount> accounts, double? highRiskThreshold, string? currency, out string caption, out IReadOnlyList<Quadrant> quadrantTallies,
        IReadOnlyList<Quadrant>? bookQuadrants = null, double? bookHighTouchCut = null)
    {
        var plotted = accounts.Where(a => double.IsFinite(a.ChurnProbability) && (double.IsPositiveInfinity(a.PotentialValue) || a.PotentialValue >= 0)).ToList();
        var unvalued = accounts.Count - plotted.Count;
        const double width = 660, height = 440, left = 64, right = 20, top = 34, bottom = 58;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var finite = plotted.Where(a => double.IsFinite(a.PotentialValue)).Select(a => a.PotentialValue).ToList();
        var unbounded = plotted.Count - finite.Count;
        var positive = finite.Where(v => v > 0).ToList();
        var maxValue = finite.Count == 0 ? 1 : Math.Max(1, finite.Max());
        var minPositive = positive.Count == 0 ? 1 : positive.Min();
        var log = positive.Count > 0 && maxValue / minPositive > 100;
        var logMin = log ? Math.Pow(10, Math.Floor(Math.Log10(minPositive))) : 0;
        var logMax = log ? Math.Pow(10, Math.Ceiling(Math.Log10(maxValue))) : NiceCeiling(maxValue);

        // Unbounded values sit in a strip at the right edge, past the largest finite one.
        var strip = unbounded > 0 ? 34.0 : 0;
        var axisWidth = plotWidth - strip;
        double X(double v) => double.IsPositiveInfinity(v) ? left + axisWidth + (strip / 2)
            : log ? left + (axisWidth * (Math.Log10(Math.Max(v, logMin)) - Math.Log10(logMin)) / (Math.Log10(logMax) - Math.Log10(logMin)))
            : left + (axisWidth * v / logMax);
        var maxProbability = plotted.Count == 0 ? 1 : plotted.Max(a => a.ChurnProbability);
        var yMax = Math.Min(1, Math.Max(0.1, Math.Ceiling(maxProbability * 10 / 1.0001) / 10));
        double Y(double p) => top + (plotHeight * (1 - (Math.Clamp(p, 0, yMax) / yMax)));

        var threshold = highRiskThreshold ?? plotted.Where(a => string.Equals(a.ChurnBand, "high", StringComparison.OrdinalIgnoreCase)).Select(a => a.ChurnProbability).DefaultIfEmpty(double.NaN).Min();
        var thresholdLabel = highRiskThreshold is not null || double.IsFinite(threshold) ? "high risk from" : null;
        if (!double.IsFinite(threshold) && plotted.Count > 0)
        {
            var sorted = plotted.Select(a => a.ChurnProbability).Order().ToList();
            threshold = sorted[(int)Math.Floor(0.9 * (sorted.Count - 1))];
            thresholdLabel = "riskiest 10% from";
        }

        var highTouch = plotted.Where(a => a.Tier == TouchModel.HighTouch).Select(a => a.PotentialValue).ToList();
        var cut = bookHighTouchCut ?? (highTouch.Count > 0 ? highTouch.Min() : finite.Count > 0 ? finite.Order().ElementAt(finite.Count / 2) : double.NaN);
        var cutLabel = bookHighTouchCut is not null || highTouch.Count > 0 ? "high-touch from" : "median";

        var svg = new StringBuilder();
        svg.Append(C, $"<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"risk-title\" {Font} font-size=\"11\">");
        svg.Append(C, $"<title id=\"risk-title\">Risk by value: churn probability against potential value, one mark per account, coloured by tier</title>");
        svg.Append(C, $"<rect x=\"{left}\" y=\"{top}\" width=\"{F(plotWidth)}\" height=\"{F(plotHeight)}\" fill=\"#fbfcfd\" stroke=\"#d5dae0\"/>");

        // Quadrant shading: the top right (valuable and at risk) is where the week's attention goes.
        if (double.IsFinite(cut) && double.IsFinite(threshold))
        {
            var qx = X(cut);
            var qy = Y(threshold);
            svg.Append(C, $"<rect x=\"{F(qx)}\" y=\"{top}\" width=\"{F(left + plotWidth - qx)}\" height=\"{F(qy - top)}\" fill=\"#d32f2f\" fill-opacity=\"0.06\"/>");
        }

        // Axes: probability ticks every tenth (or fiftieth), value ticks per decade or at round numbers.
        var step = yMax <= 0.3 ? 0.05 : 0.1;
        for (var p = 0.0; p <= yMax + 1e-9; p += step)
        {
            svg.Append(C, $"<line x1=\"{left}\" y1=\"{F(Y(p))}\" x2=\"{F(left + plotWidth)}\" y2=\"{F(Y(p))}\" stroke=\"#eceff3\"/>");
            svg.Append(C, $"<text x=\"{left - 6}\" y=\"{F(Y(p) + 4)}\" text-anchor=\"end\" fill=\"#4a5360\">{Percent(p, 0)}</text>");
        }

        foreach (var tick in ValueTicks(log, logMin, logMax))
        {
            svg.Append(C, $"<line x1=\"{F(X(tick))}\" y1=\"{top}\" x2=\"{F(X(tick))}\" y2=\"{F(top + plotHeight)}\" stroke=\"#eceff3\"/>");
            svg.Append(C, $"<text x=\"{F(X(tick))}\" y=\"{F(top + plotHeight + 15)}\" text-anchor=\"middle\" fill=\"#4a5360\">{Encode(MoneyShort(tick, currency))}</text>");
        }

        if (unbounded > 0)
        {
            var sx = left + axisWidth;
            svg.Append(C, $"<rect x=\"{F(sx)}\" y=\"{top}\" width=\"{F(strip)}\" height=\"{F(plotHeight)}\" fill=\"#eef1f5\"/>");
            svg.Append(C, $"<text x=\"{F(sx + (strip / 2))}\" y=\"{F(top + plotHeight + 15)}\" text-anchor=\"middle\" fill=\"#4a5360\">unbounded</text>");
        }

        svg.Append(C, $"<text x=\"{F(left + (plotWidth / 2))}\" y=\"{F(height - 24)}\" text-anchor=\"middle\" fill=\"#1d2330\">potential value (value if retained{(log ? ", log scale" : string.Empty)}) →</text>");
        svg.Append(C, $"<text transform=\"translate(14 {F(top + (plotHeight / 2))}) rotate(-90)\" text-anchor=\"middle\" fill=\"#1d2330\">churn probability →</text>");

        if (double.IsFinite(threshold))
        {
            svg.Append(C, $"<line x1=\"{left}\" y1=\"{F(Y(threshold))}\" x2=\"{F(left + plotWidth)}\" y2=\"{F(Y(threshold))}\" stroke=\"#c62828\" stroke-dasharray=\"5 4\"/>");
            svg.Append(C, $"<text x=\"{F(left + 4)}\" y=\"{F(Y(threshold) - 4)}\" fill=\"#c62828\">{Encode(string.Create(C, $"{thresholdLabel} {Percent(threshold)}"))}</text>");
        }

        if (double.IsFinite(cut))
        {
            svg.Append(C, $"<line x1=\"{F(X(cut))}\" y1=\"{top}\" x2=\"{F(X(cut))}\" y2=\"{F(top + plotHeight)}\" stroke=\"#283593\" stroke-dasharray=\"5 4\"/>");
            svg.Append(C, $"<text x=\"{F(X(cut) + 4)}\" y=\"{F(top + 28)}\" fill=\"#283593\">{Encode(string.Create(C, $"{cutLabel} {MoneyShort(cut, currency)}"))}</text>");
        }

        // The quadrants, tallied over every account (not only the ones drawn); the two at risk are named in the plot.
        var tallies = new List<Quadrant>();
        if (double.IsFinite(cut) && double.IsFinite(threshold))
        {
            (string Label, bool High, bool Risky)[] quadrants =
            [
                ("valuable, at risk: save", true, true),
                ("smaller, at risk: save at scale", false, true),
                ("valuable, healthy: grow", true, false),
                ("smaller, healthy: keep automated", false, false),
            ];
            foreach (var q in quadrants)
            {
                var members = plotted.Where(a => (a.PotentialValue >= cut) == q.High && (a.ChurnProbability >= threshold) == q.Risky).ToList();
                tallies.Add(new Quadrant(q.Label, members.Count, members.Sum(a => a.Arr), members.Where(a => double.IsFinite(a.ValueAtRisk)).Sum(a => a.ValueAtRisk), q.High && q.Risky));
            }

            svg.Append(C, $"<text x=\"{F(left + plotWidth - 6)}\" y=\"{top + 14}\" text-anchor=\"end\" font-weight=\"600\" fill=\"#b71c1c\">save</text>");
            svg.Append(C, $"<text x=\"{left + 6}\" y=\"{top + 14}\" font-weight=\"600\" fill=\"#37474f\">save at scale</text>");
        }

        quadrantTallies = bookQuadrants ?? tallies;

        var (drawn, sampled) = Sample(plotted);
        foreach (var tier in new[] { TouchModel.TechTouch, TouchModel.LowTouch, TouchModel.HighTouch })
        {
            var color = TierColor(tier);
            svg.Append(C, $"<g fill=\"{color}\" fill-opacity=\"{(tier == TouchModel.TechTouch ? "0.55" : "0.8")}\">");
            foreach (var a in drawn.Where(a => a.Tier == tier))
            {
                var x = X(a.PotentialValue);
                var y = Y(a.ChurnProbability);
                var title = Encode(string.Create(C, $"{a.AccountId}: {TierName(a.Tier)}, churn {Percent(a.ChurnProbability)}, potential {MoneyShort(a.PotentialValue, currency)}, at risk {MoneyShort(a.ValueAtRisk, currency)}"));
                svg.Append(tier switch
                {
                    TouchModel.HighTouch => $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"4\"><title>{title}</title></circle>",
                    TouchModel.LowTouch => $"<rect x=\"{F(x - 3)}\" y=\"{F(y - 3)}\" width=\"6\" height=\"6\"><title>{title}</title></rect>",
                    _ => $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"2.2\"><title>{title}</title></circle>",
                });
            }

            svg.Append("</g>");
        }

        TierLegend(svg, left, height - 6);
        svg.Append("</svg>");

        var notes = new List<string>();
        var bookPlotted = bookQuadrants?.Sum(q => q.Accounts) ?? plotted.Count;
        if (sampled || bookPlotted > drawn.Count)
        {
            notes.Add($"Showing {drawn.Count:N0} of {Math.Max(bookPlotted, plotted.Count):N0} accounts: the {ScatterTopByRisk:N0} with the most value at risk and an even sample of the rest (picked by a hash of the account id, so the same book always draws the same points). Quadrant counts cover every account.");
        }

        if (unvalued > 0)
        {
            notes.Add($"{unvalued:N0} accounts without a churn probability or potential value are not drawn.");
        }

        caption = string.Join(" ", notes);
        return svg.ToString();
    }

    /// <summary>One quadrant of the risk matrix over the whole book.</summary>
    internal sealed record Quadrant(string Label, int Accounts, double Arr, double ValueAtRisk, bool Highlight);

    /// <summary>Value at risk per tier as bars, with the share of the tier's potential value written beside each.</summary>
    public static string ValueAtRiskByTier(IReadOnlyList<TierSummary> tiers, string? currency)
    {
        const double width = 640, left = 110, right = 190, barHeight = 34, gap = 22, top = 12;
        var height = top + (tiers.Count * (barHeight + gap)) + 8;
        var max = tiers.Select(t => t.ValueAtRisk).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var svg = new StringBuilder();
        svg.Append(C, $"<svg viewBox=\"0 0 {width} {F(height)}\" role=\"img\" aria-labelledby=\"var-title\" {Font} font-size=\"12\">");
        svg.Append("<title id=\"var-title\">Value at risk by tier</title>");
        for (var i = 0; i < tiers.Count; i++)
        {
            var t = tiers[i];
            var y = top + (i * (barHeight + gap));
            var w = max > 0 && double.IsFinite(t.ValueAtRisk) ? (width - left - right) * t.ValueAtRisk / max : 0;
            svg.Append(C, $"<text x=\"0\" y=\"{F(y + 15)}\" font-weight=\"600\">{TierName(t.Tier)}</text>");
            svg.Append(C, $"<text x=\"0\" y=\"{F(y + 30)}\" fill=\"#6b7480\" font-size=\"11\">{t.Accounts:N0} accounts</text>");
            svg.Append(C, $"<rect x=\"{left}\" y=\"{F(y)}\" width=\"{F(width - left - right)}\" height=\"{barHeight}\" fill=\"#f0f2f5\"/>");
            svg.Append(C, $"<rect x=\"{left}\" y=\"{F(y)}\" width=\"{F(Math.Max(w, t.ValueAtRisk > 0 ? 2 : 0))}\" height=\"{barHeight}\" fill=\"{TierColor(t.Tier)}\"><title>{Encode(string.Create(C, $"{TierName(t.Tier)}: {Money(t.ValueAtRisk, currency)} at risk"))}</title></rect>");
            var share = double.IsFinite(t.PotentialValue) && t.PotentialValue > 0 ? $"{Percent(t.ValueAtRisk / t.PotentialValue)} of potential" : double.IsPositiveInfinity(t.PotentialValue) ? "potential unbounded" : string.Empty;
            svg.Append(C, $"<text x=\"{F(width - right + 10)}\" y=\"{F(y + 15)}\" font-weight=\"600\">{Encode(MoneyShort(t.ValueAtRisk, currency))}</text>");
            svg.Append(C, $"<text x=\"{F(width - right + 10)}\" y=\"{F(y + 30)}\" fill=\"#6b7480\" font-size=\"11\">{Encode(share)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Budget against need: two bars in CSMs, and the gap in words.</summary>
    public static string BudgetAgainstNeed(HeadcountPlan plan, string? currency)
    {
        const double width = 640, left = 150, right = 120, barHeight = 30, top = 10;
        var max = Math.Max(Math.Max(plan.CsmsNeeded, plan.CsmsAffordable), 1e-9);
        var scale = (width - left - right) / max;
        var svg = new StringBuilder();
        svg.Append(C, $"<svg viewBox=\"0 0 {width} 104\" role=\"img\" aria-labelledby=\"budget-title\" {Font} font-size=\"12\">");
        svg.Append("<title id=\"budget-title\">CSMs the book needs against CSMs the budget pays for</title>");
        (string Label, string Detail, double Csms, string Color)[] bars =
        [
            ("the book needs", MoneyShort(plan.CostOfNeeded, currency) + " a year", plan.CsmsNeeded, "#455a64"),
            ("the budget pays for", MoneyShort(plan.Budget, currency) + " a year", plan.CsmsAffordable, plan.HeadcountGap < 0 ? "#ef6c00" : "#2e7d32"),
        ];
        for (var i = 0; i < bars.Length; i++)
        {
            var y = top + (i * (barHeight + 16));
            svg.Append(C, $"<text x=\"0\" y=\"{F(y + 13)}\" font-weight=\"600\">{bars[i].Label}</text>");
            svg.Append(C, $"<text x=\"0\" y=\"{F(y + 27)}\" fill=\"#6b7480\" font-size=\"11\">{Encode(bars[i].Detail)}</text>");
            svg.Append(C, $"<rect x=\"{left}\" y=\"{F(y)}\" width=\"{F(Math.Max(0, bars[i].Csms) * scale)}\" height=\"{barHeight}\" fill=\"{bars[i].Color}\"/>");
            svg.Append(C, $"<text x=\"{F(left + (Math.Max(0, bars[i].Csms) * scale) + 8)}\" y=\"{F(y + 20)}\" font-weight=\"600\">{Number(bars[i].Csms, "0.0")} CSMs</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Accounts to draw: all of a small book; else the riskiest by value and an even, id-hashed sample of the rest.</summary>
    internal static (IReadOnlyList<DashboardAccount> Drawn, bool Sampled) Sample(IReadOnlyList<DashboardAccount> accounts)
    {
        if (accounts.Count <= MaxScatterPoints)
        {
            return (accounts, false);
        }

        // Two bounded selections instead of sorting the book: fast and memory-light at a million accounts.
        var top = Top(accounts, ScatterTopByRisk, ByRisk);
        var chosen = new HashSet<DashboardAccount>(top, ReferenceEqualityComparer.Instance);
        var rest = Top(
            accounts.Where(a => !chosen.Contains(a)).Select(a => (Hash: StableHash(a.AccountId), Account: a)).ToList(),
            MaxScatterPoints - ScatterTopByRisk,
            (x, y) => x.Hash != y.Hash ? x.Hash.CompareTo(y.Hash) : string.CompareOrdinal(x.Account.AccountId, y.Account.AccountId));
        return ([.. top.Concat(rest.Select(r => r.Account))], true);
    }

    /// <summary>The larger value at risk first (not valued last), then the account id (ordinal).</summary>
    internal static int ByRisk(DashboardAccount x, DashboardAccount y)
    {
        var risk = (double.IsNaN(y.ValueAtRisk) ? double.NegativeInfinity : y.ValueAtRisk).CompareTo(double.IsNaN(x.ValueAtRisk) ? double.NegativeInfinity : x.ValueAtRisk);
        return risk != 0 ? risk : string.CompareOrdinal(x.AccountId, y.AccountId);
    }

    /// <summary>The first <paramref name="count"/> items in <paramref name="order"/>, sorted: a bounded heap, O(n log count).</summary>
    internal static List<T> Top<T>(IEnumerable<T> items, int count, Comparison<T> order)
    {
        // A max-heap of the kept items (the worst on top), so each newcomer is compared with the one it would evict.
        var kept = new PriorityQueue<T, T>(Comparer<T>.Create((x, y) => order(y, x)));
        foreach (var item in items)
        {
            if (kept.Count < count)
            {
                kept.Enqueue(item, item);
            }
            else if (count > 0 && order(item, kept.Peek()) < 0)
            {
                kept.EnqueueDequeue(item, item);
            }
        }

        var result = new List<T>(kept.Count);
        while (kept.Count > 0)
        {
            result.Add(kept.Dequeue());
        }

        result.Reverse();
        return result;
    }

    /// <summary>FNV-1a over the id's UTF-16 code units: the same on every run and platform, unlike <see cref="string.GetHashCode()"/>.</summary>
    internal static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var ch in text)
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return hash;
    }

    private static IEnumerable<double> ValueTicks(bool log, double min, double max)
    {
        if (log)
        {
            for (var v = min; v <= max * 1.0001; v *= 10)
            {
                yield return v;
            }

            yield break;
        }

        var step = NiceCeiling(max / 5);
        for (var v = 0.0; v <= max * 1.0001; v += step)
        {
            yield return v;
        }
    }

    private static double NiceCeiling(double value)
    {
        if (!(value > 0))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var m in new[] { 1.0, 2, 2.5, 5, 10 })
        {
            if (m * magnitude >= value)
            {
                return m * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<(string Name, string Color)> items, double x, double y)
    {
        foreach (var (name, color) in items)
        {
            var label = name == DashboardBuilder.UnscoredBand ? "unscored" : name;
            svg.Append(C, $"<rect x=\"{F(x)}\" y=\"{F(y - 10)}\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            svg.Append(C, $"<text x=\"{F(x + 17)}\" y=\"{F(y)}\">{Encode(label)}</text>");
            x += 30 + (label.Length * 7);
        }
    }

    private static void TierLegend(StringBuilder svg, double x, double y)
    {
        foreach (var tier in TierOrder)
        {
            var color = TierColor(tier);
            svg.Append(tier switch
            {
                TouchModel.HighTouch => $"<circle cx=\"{F(x + 5)}\" cy=\"{F(y - 4)}\" r=\"4.5\" fill=\"{color}\"/>",
                TouchModel.LowTouch => $"<rect x=\"{F(x + 1)}\" y=\"{F(y - 8)}\" width=\"8\" height=\"8\" fill=\"{color}\"/>",
                _ => $"<circle cx=\"{F(x + 5)}\" cy=\"{F(y - 4)}\" r=\"3\" fill=\"{color}\"/>",
            });
            svg.Append(C, $"<text x=\"{F(x + 14)}\" y=\"{F(y)}\">{TierName(tier)}</text>");
            x += 100;
        }
    }
}
