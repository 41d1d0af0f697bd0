using System.Globalization;
using System.Net;
using System.Text;

namespace CsScoring.Training.Churn;

/// <summary>
/// Small, dependency-free SVG charts (lines, bars, histograms) for the self-contained HTML reports: deterministic
/// text output, no native graphics libraries, crisp at any zoom.
/// </summary>
internal sealed class SvgChart
{
    private const int Width = 520;
    private const int Height = 360;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 36;
    private const int Bottom = 50;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#7f7f7f"];

    private readonly StringBuilder _body = new();
    private readonly List<(string Name, string Color, bool Dashed)> _legend = [];
    private readonly string _title;
    private readonly string _xLabel;
    private readonly string _yLabel;
    private readonly double _xMin;
    private readonly double _xMax;
    private readonly double _yMin;
    private readonly double _yMax;

    public SvgChart(string title, string xLabel, string yLabel, double xMin, double xMax, double yMin, double yMax)
    {
        _title = title;
        _xLabel = xLabel;
        _yLabel = yLabel;
        _xMin = xMin;
        _xMax = xMax > xMin ? xMax : xMin + 1;
        _yMin = yMin;
        _yMax = yMax > yMin ? yMax : yMin + 1;
    }

    public SvgChart Line(string name, IEnumerable<(double X, double Y)> points, int colorIndex = 0, bool dashed = false, bool markers = false)
    {
        var color = Palette[colorIndex % Palette.Length];
        var list = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (list.Count == 0)
        {
            return this;
        }

        _body.Append("<polyline fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"2\"")
            .Append(dashed ? " stroke-dasharray=\"6,4\"" : string.Empty).Append(" points=\"");
        foreach (var (x, y) in list)
        {
            _body.Append(F(Px(x))).Append(',').Append(F(Py(y))).Append(' ');
        }

        _body.Append("\"/>\n");
        if (markers)
        {
            foreach (var (x, y) in list)
            {
                _body.Append("<circle cx=\"").Append(F(Px(x))).Append("\" cy=\"").Append(F(Py(y))).Append("\" r=\"3\" fill=\"").Append(color).Append("\"/>\n");
            }
        }

        _legend.Add((name, color, dashed));
        return this;
    }

    /// <summary>Vertical bars from the x axis; each bar spans [x0, x1].</summary>
    public SvgChart Bars(string name, IEnumerable<(double X0, double X1, double Y)> bars, int colorIndex = 0, double opacity = 0.6)
    {
        var color = Palette[colorIndex % Palette.Length];
        foreach (var (x0, x1, y) in bars)
        {
            var top = Py(Math.Max(y, _yMin));
            var bottom = Py(_yMin);
            _body.Append("<rect x=\"").Append(F(Px(x0))).Append("\" y=\"").Append(F(top)).Append("\" width=\"").Append(F(Math.Max(0.5, Px(x1) - Px(x0))))
                .Append("\" height=\"").Append(F(Math.Max(0, bottom - top))).Append("\" fill=\"").Append(color)
                .Append("\" fill-opacity=\"").Append(F(opacity)).Append("\"/>\n");
        }

        _legend.Add((name, color, false));
        return this;
    }

    public string Render()
    {
        var svg = new StringBuilder();
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(Height)
            .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height).Append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
            .Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
            .Append("<text x=\"").Append(Width / 2).Append("\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">").Append(E(_title)).Append("</text>\n");
        for (var i = 0; i <= 5; i++)
        {
            var x = _xMin + ((_xMax - _xMin) * i / 5);
            var y = _yMin + ((_yMax - _yMin) * i / 5);
            svg.Append("<line x1=\"").Append(F(Px(x))).Append("\" y1=\"").Append(Top).Append("\" x2=\"").Append(F(Px(x))).Append("\" y2=\"").Append(Height - Bottom)
                .Append("\" stroke=\"#eee\"/>\n")
                .Append("<line x1=\"").Append(Left).Append("\" y1=\"").Append(F(Py(y))).Append("\" x2=\"").Append(Width - Right).Append("\" y2=\"").Append(F(Py(y)))
                .Append("\" stroke=\"#eee\"/>\n")
                .Append("<text x=\"").Append(F(Px(x))).Append("\" y=\"").Append(Height - Bottom + 16).Append("\" text-anchor=\"middle\">").Append(Tick(x)).Append("</text>\n")
                .Append("<text x=\"").Append(Left - 6).Append("\" y=\"").Append(F(Py(y) + 4)).Append("\" text-anchor=\"end\">").Append(Tick(y)).Append("</text>\n");
        }

        svg.Append("<rect x=\"").Append(Left).Append("\" y=\"").Append(Top).Append("\" width=\"").Append(Width - Left - Right).Append("\" height=\"")
            .Append(Height - Top - Bottom).Append("\" fill=\"none\" stroke=\"#888\"/>\n")
            .Append(_body)
            .Append("<text x=\"").Append((Width + Left - Right) / 2).Append("\" y=\"").Append(Height - 12).Append("\" text-anchor=\"middle\">").Append(E(_xLabel)).Append("</text>\n")
            .Append("<text transform=\"translate(14,").Append((Height + Top - Bottom) / 2).Append(") rotate(-90)\" text-anchor=\"middle\">").Append(E(_yLabel)).Append("</text>\n");
        for (var i = 0; i < _legend.Count; i++)
        {
            var (name, color, dashed) = _legend[i];
            var y = Top + 14 + (i * 16);
            svg.Append("<line x1=\"").Append(Left + 10).Append("\" y1=\"").Append(y - 4).Append("\" x2=\"").Append(Left + 34).Append("\" y2=\"").Append(y - 4)
                .Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"3\"").Append(dashed ? " stroke-dasharray=\"6,4\"" : string.Empty).Append("/>\n")
                .Append("<text x=\"").Append(Left + 40).Append("\" y=\"").Append(y).Append("\">").Append(E(name)).Append("</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private double Px(double x) => Left + ((x - _xMin) / (_xMax - _xMin) * (Width - Left - Right));

    private double Py(double y) => Height - Bottom - ((y - _yMin) / (_yMax - _yMin) * (Height - Top - Bottom));

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Tick(double v) => Math.Abs(v) >= 100 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
