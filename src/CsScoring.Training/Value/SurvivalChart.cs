using System.Globalization;
using System.Net;
using System.Text;

namespace CsScoring.Training.Value;

/// <summary>A small self-contained SVG line chart of survival curves (share of a cohort still a customer by age).</summary>
internal static class SurvivalChart
{
    public sealed record Series(string Name, IReadOnlyList<double> Values, string Color, bool Dashed, bool Points);

    public static string Render(string title, string xLabel, IReadOnlyList<Series> series)
    {
        const int width = 720, height = 360, left = 56, right = 150, top = 32, bottom = 44;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var maxX = Math.Max(1, series.Max(s => s.Values.Count - 1));
        var c = CultureInfo.InvariantCulture;
        double X(double i) => left + (plotWidth * i / maxX);
        double Y(double v) => top + (plotHeight * (1 - Math.Clamp(v, 0, 1)));

        var svg = new StringBuilder();
        svg.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui,sans-serif\" font-size=\"12\">");
        svg.Append(c, $"<text x=\"{left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        for (var tick = 0; tick <= 4; tick++)
        {
            var v = tick / 4.0;
            svg.Append(c, $"<line x1=\"{left}\" y1=\"{Y(v):F1}\" x2=\"{left + plotWidth}\" y2=\"{Y(v):F1}\" stroke=\"#e5e5e5\"/>");
            svg.Append(c, $"<text x=\"{left - 6}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\">{v:P0}</text>");
        }

        var step = Math.Max(1, (int)Math.Ceiling(maxX / 12.0));
        for (var i = 0; i <= maxX; i += step)
        {
            svg.Append(c, $"<text x=\"{X(i):F1}\" y=\"{top + plotHeight + 16}\" text-anchor=\"middle\">{i}</text>");
        }

        svg.Append(c, $"<text x=\"{left + (plotWidth / 2)}\" y=\"{height - 8}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>");
        svg.Append(c, $"<rect x=\"{left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#999\"/>");
        for (var s = 0; s < series.Count; s++)
        {
            var line = series[s];
            var points = string.Join(" ", line.Values.Select((v, i) => string.Create(c, $"{X(i):F1},{Y(v):F1}")));
            svg.Append(c, $"<polyline fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"2\"{(line.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty)} points=\"{points}\"/>");
            if (line.Points)
            {
                for (var i = 0; i < line.Values.Count; i++)
                {
                    svg.Append(c, $"<circle cx=\"{X(i):F1}\" cy=\"{Y(line.Values[i]):F1}\" r=\"3\" fill=\"{line.Color}\"/>");
                }
            }

            if (line.Name.Length == 0)
            {
                continue; // a series that shares the previous one's legend entry (a band's other edge)
            }

            var legendY = top + 12 + (s * 18);
            svg.Append(c, $"<line x1=\"{left + plotWidth + 12}\" y1=\"{legendY - 4}\" x2=\"{left + plotWidth + 36}\" y2=\"{legendY - 4}\" stroke=\"{line.Color}\" stroke-width=\"2\"{(line.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty)}/>");
            svg.Append(c, $"<text x=\"{left + plotWidth + 42}\" y=\"{legendY}\">{WebUtility.HtmlEncode(line.Name)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }
}
