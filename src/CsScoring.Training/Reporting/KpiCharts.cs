using System.Globalization;
using System.Net;
using System.Text;
using CsScoring.Metrics;

namespace CsScoring.Training.Reporting;

/// <summary>Self-contained SVG charts of the retention KPIs: the MRR bridge as bars and the cohort retention heat map.</summary>
internal static class KpiCharts
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Per period, what MRR came in (new, expansion, reactivated; above zero) and went out (contraction, churned; below).</summary>
    public static string Bridge(IReadOnlyList<MrrBridgePeriod> periods)
    {
        const int width = 900, height = 340, left = 70, right = 140, top = 30, bottom = 40;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var up = periods.Select(p => (double)(p.NewMrr + p.ExpansionMrr + p.ReactivatedMrr)).DefaultIfEmpty(0).Max();
        var down = periods.Select(p => (double)(p.ContractionMrr + p.ChurnedMrr)).DefaultIfEmpty(0).Max();
        var scale = Math.Max(1, up + down);
        var zero = top + (plotHeight * up / scale);
        double Height(decimal value) => plotHeight * (double)value / scale;
        var slot = plotWidth / (double)Math.Max(1, periods.Count);
        var bar = slot * 0.7;
        var svg = new StringBuilder();
        svg.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui,sans-serif\" font-size=\"12\">");
        svg.Append(C, $"<text x=\"{left}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">MRR bridge: in above the line, out below</text>");
        svg.Append(C, $"<line x1=\"{left}\" y1=\"{zero:F1}\" x2=\"{left + plotWidth}\" y2=\"{zero:F1}\" stroke=\"#444\"/>");
        svg.Append(C, $"<text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\">{up:N0}</text>");
        svg.Append(C, $"<text x=\"{left - 6}\" y=\"{zero + 4:F1}\" text-anchor=\"end\">0</text>");
        svg.Append(C, $"<text x=\"{left - 6}\" y=\"{top + plotHeight + 4}\" text-anchor=\"end\">-{down:N0}</text>");
        (string Name, string Color)[] legend = [("new", "#2f7d32"), ("expansion", "#66bb6a"), ("reactivated", "#a5d6a7"), ("contraction", "#ef9a9a"), ("churned", "#c62828")];
        for (var i = 0; i < periods.Count; i++)
        {
            var p = periods[i];
            var x = left + (slot * i) + ((slot - bar) / 2);
            var y = zero;
            foreach (var (value, color) in new[] { (p.NewMrr, legend[0].Color), (p.ExpansionMrr, legend[1].Color), (p.ReactivatedMrr, legend[2].Color) })
            {
                var h = Height(value);
                y -= h;
                svg.Append(C, $"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{bar:F1}\" height=\"{h:F1}\" fill=\"{color}\"/>");
            }

            y = zero;
            foreach (var (value, color) in new[] { (p.ContractionMrr, legend[3].Color), (p.ChurnedMrr, legend[4].Color) })
            {
                var h = Height(value);
                svg.Append(C, $"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{bar:F1}\" height=\"{h:F1}\" fill=\"{color}\"/>");
                y += h;
            }

            if (periods.Count <= 12 || i % 3 == 0)
            {
                svg.Append(C, $"<text x=\"{x + (bar / 2):F1}\" y=\"{top + plotHeight + 16}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(p.Period)}</text>");
            }
        }

        for (var i = 0; i < legend.Length; i++)
        {
            var y = top + 12 + (i * 18);
            svg.Append(C, $"<rect x=\"{left + plotWidth + 14}\" y=\"{y - 10}\" width=\"12\" height=\"12\" fill=\"{legend[i].Color}\"/>");
            svg.Append(C, $"<text x=\"{left + plotWidth + 32}\" y=\"{y}\">{legend[i].Name}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Cohorts down, periods since the start across; each cell's shade is the share retained.</summary>
    public static string CohortHeatmap(IReadOnlyList<CohortRow> cohorts, bool revenue)
    {
        const int cell = 34, rowHeight = 20, left = 150, top = 44;
        var columns = cohorts.Select(r => (revenue ? r.RevenueRetention : r.LogoRetention).Count).DefaultIfEmpty(1).Max();
        var width = left + (columns * cell) + 20;
        var height = top + (cohorts.Count * rowHeight) + 20;
        var svg = new StringBuilder();
        svg.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui,sans-serif\" font-size=\"10\">");
        svg.Append(C, $"<text x=\"4\" y=\"16\" font-size=\"14\" font-weight=\"bold\">{(revenue ? "Revenue" : "Logo")} retention by start cohort (periods since the start across)</text>");
        for (var k = 0; k < columns; k++)
        {
            svg.Append(C, $"<text x=\"{left + (k * cell) + (cell / 2)}\" y=\"{top - 6}\" text-anchor=\"middle\">{k}</text>");
        }

        for (var r = 0; r < cohorts.Count; r++)
        {
            var row = cohorts[r];
            var y = top + (r * rowHeight);
            svg.Append(C, $"<text x=\"{left - 6}\" y=\"{y + 14}\" text-anchor=\"end\">{WebUtility.HtmlEncode(row.Cohort)} ({row.Customers})</text>");
            var values = revenue ? row.RevenueRetention : row.LogoRetention;
            for (var k = 0; k < values.Count; k++)
            {
                var v = values[k];
                if (double.IsNaN(v))
                {
                    continue;
                }

                // Green for full retention fading to white at zero; above 1 (net expansion) stays full green.
                var shade = Math.Clamp(v, 0, 1);
                var red = (int)(255 - (shade * 208));
                var green = (int)(255 - (shade * 130));
                var blue = (int)(255 - (shade * 205));
                svg.Append(C, $"<rect x=\"{left + (k * cell)}\" y=\"{y}\" width=\"{cell - 1}\" height=\"{rowHeight - 1}\" fill=\"rgb({red},{green},{blue})\"/>");
                svg.Append(C, $"<text x=\"{left + (k * cell) + (cell / 2)}\" y=\"{y + 14}\" text-anchor=\"middle\" fill=\"{(shade > 0.6 ? "#fff" : "#222")}\">{v * 100:0}</text>");
            }
        }

        svg.Append("</svg>");
        return svg.ToString();
    }
}
