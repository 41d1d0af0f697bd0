using System.Globalization;
using System.Net;
using System.Text;

namespace CsScoring.Training.Reporting;

/// <summary>
/// Builds one self-contained HTML page (inline CSS, images embedded as data URIs or inline SVG): the single report
/// builder that every command's report uses, so reports look alike and open anywhere without a server.
/// </summary>
internal sealed class HtmlReport
{
    private readonly StringBuilder _body = new();

    public HtmlReport(string title)
    {
        Title = title;
    }

    public string Title { get; }

    public HtmlReport Section(string heading)
    {
        _body.Append("<h2>").Append(Encode(heading)).Append("</h2>\n");
        return this;
    }

    public HtmlReport SubSection(string heading)
    {
        _body.Append("<h3>").Append(Encode(heading)).Append("</h3>\n");
        return this;
    }

    public HtmlReport Paragraph(string text)
    {
        _body.Append("<p>").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A two-column table of named figures.</summary>
    public HtmlReport Facts(IEnumerable<(string Name, string Value)> facts)
    {
        _body.Append("<table class=\"facts\">\n");
        foreach (var (name, value) in facts)
        {
            _body.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");
        }

        _body.Append("</table>\n");
        return this;
    }

    /// <summary>A table with a header row; cells are text (encoded).</summary>
    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append("<table>\n<tr>");
        foreach (var cell in header)
        {
            _body.Append("<th>").Append(Encode(cell)).Append("</th>");
        }

        _body.Append("</tr>\n");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            foreach (var cell in row)
            {
                _body.Append("<td>").Append(Encode(cell)).Append("</td>");
            }

            _body.Append("</tr>\n");
        }

        _body.Append("</table>\n");
        return this;
    }

    /// <summary>Embeds a PNG image as a data URI.</summary>
    public HtmlReport Png(byte[] png, string caption)
    {
        _body.Append("<figure><img alt=\"").Append(Encode(caption)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(png)).Append("\"/><figcaption>").Append(Encode(caption)).Append("</figcaption></figure>\n");
        return this;
    }

    /// <summary>Embeds an SVG document inline.</summary>
    public HtmlReport Svg(string svg, string caption)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        _body.Append("<figure>").Append(start >= 0 ? svg[start..] : svg).Append("<figcaption>").Append(Encode(caption)).Append("</figcaption></figure>\n");
        return this;
    }

    public string Render()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(Title)).Append("</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
            .Append("table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}")
            .Append("th{background:#f3f3f3}table.facts th{width:18em}figure{margin:1em 0}img,svg{max-width:100%}")
            .Append("figcaption{color:#555;font-size:90%}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:2em}</style>\n")
            .Append("</head><body>\n<h1>").Append(Encode(Title)).Append("</h1>\n")
            .Append(_body)
            .Append("</body></html>\n");
        return html.ToString();
    }

    public static string Format(double value, string format = "0.####")
        => double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
