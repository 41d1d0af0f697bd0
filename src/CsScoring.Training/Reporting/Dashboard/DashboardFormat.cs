using System.Globalization;
using System.Net;
using CsScoring.Segmentation;

namespace CsScoring.Training.Reporting.Dashboard;

/// <summary>How the dashboard writes numbers, money, tiers and bands, and its colours: one place so tiles, charts and tables agree.</summary>
internal static class DashboardFormat
{
    public const string Unknown = "–";
    public const string Unbounded = "unbounded";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Tiers in display order: the highest touch first.</summary>
    public static IReadOnlyList<TouchModel> TierOrder { get; } = [TouchModel.HighTouch, TouchModel.LowTouch, TouchModel.TechTouch];

    /// <summary>Escapes text for HTML and SVG (element content and quoted attributes alike).</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    public static string TierName(TouchModel tier) => tier switch
    {
        TouchModel.HighTouch => "high-touch",
        TouchModel.LowTouch => "low-touch",
        _ => "tech-touch",
    };

    /// <summary>Tier colours: dark blue, teal and grey, distinct from the red/yellow/green of health bands.</summary>
    public static string TierColor(TouchModel tier) => tier switch
    {
        TouchModel.HighTouch => "#283593",
        TouchModel.LowTouch => "#00897b",
        _ => "#8d99a6",
    };

    /// <summary>A band's colour: by name for the usual red/yellow/green, else by its place from worst to best.</summary>
    public static string BandColor(string band, int index, int scoredBands)
    {
        switch (band.ToLowerInvariant())
        {
            case "red" or "poor" or "at_risk" or "at-risk":
                return "#d32f2f";
            case "yellow" or "amber" or "fair" or "neutral":
                return "#f9a825";
            case "green" or "good" or "healthy":
                return "#388e3c";
            case "insufficient_data" or "unscored":
                return "#b0b7bf";
        }

        if (index >= scoredBands)
        {
            return "#b0b7bf";
        }

        string[] ramp = ["#d32f2f", "#f57c00", "#f9a825", "#9ccc65", "#388e3c"];
        return scoredBands <= 1 ? ramp[^1] : ramp[(int)Math.Round(index * (ramp.Length - 1) / (double)(scoredBands - 1))];
    }

    /// <summary>Money in full with thousands separators, e.g. "$1,234,567" or "1,234,567 CHF".</summary>
    public static string Money(double value, string? currency)
        => double.IsNaN(value) ? Unknown
            : double.IsPositiveInfinity(value) ? Unbounded
            : WithCurrency(Math.Round(Math.Abs(value)).ToString("#,0", C), value < 0, currency);

    /// <summary>Money in three significant figures or so, e.g. "$6.4M", "$812k", "950 CHF".</summary>
    public static string MoneyShort(double value, string? currency)
        => double.IsNaN(value) ? Unknown
            : double.IsPositiveInfinity(value) ? Unbounded
            : WithCurrency(Compact(Math.Abs(value)), value < 0, currency);

    /// <summary>A count or plain number in three significant figures or so: 950, 12.3k, 4.1M.</summary>
    public static string Compact(double value)
    {
        var magnitude = Math.Abs(value);
        return magnitude >= 1e9 ? Scaled(value / 1e9, "B")
            : magnitude >= 1e6 ? Scaled(value / 1e6, "M")
            : magnitude >= 1e4 ? Scaled(value / 1e3, "k")
            : value.ToString("#,0", C);

        static string Scaled(double v, string suffix) => (Math.Abs(v) >= 100 ? v.ToString("0", C) : Math.Abs(v) >= 10 ? v.ToString("0.#", C) : v.ToString("0.##", C)) + suffix;
    }

    public static string Number(double value, string format = "#,0") => double.IsFinite(value) ? value.ToString(format, C) : Unknown;

    public static string Percent(double share, int decimals = 1)
        => double.IsFinite(share) ? (share * 100).ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), C) + "%" : Unknown;

    public static string Date(DateOnly? date) => date is { } d ? d.ToString("yyyy-MM-dd", C) : Unknown;

    /// <summary>A KPI value as its tile shows it.</summary>
    public static string Kpi(double value, KpiFormat format, string? currency) => format switch
    {
        KpiFormat.Currency => MoneyShort(value, currency),
        KpiFormat.Percent => Percent(value),
        KpiFormat.Score => double.IsFinite(value) ? value.ToString("+0.#;-0.#;0", C) : Unknown,
        KpiFormat.Ratio => double.IsFinite(value) ? value.ToString("0.000", C) : Unknown,
        _ => double.IsFinite(value) ? Compact(value) : Unknown,
    };

    /// <summary>A KPI change in words: "+2.1%" for money and counts, "+0.8 pp" for shares, "+3 pts" for scores.</summary>
    public static string KpiChange(double change, KpiFormat format) => !double.IsFinite(change) ? Unknown : format switch
    {
        KpiFormat.Currency or KpiFormat.Number => (change * 100).ToString("+0.0;-0.0;0.0", C) + "%",
        KpiFormat.Percent => (change * 100).ToString("+0.0;-0.0;0.0", C) + " pp",
        KpiFormat.Score => change.ToString("+0.#;-0.#;0", C) + " pts",
        _ => change.ToString("+0.000;-0.000;0.000", C),
    };

    /// <summary>An SVG number: invariant, one decimal.</summary>
    public static string F(double value) => value.ToString("0.#", C);

    private static string WithCurrency(string digits, bool negative, string? currency)
    {
        var sign = negative ? "-" : string.Empty;
        var symbol = currency?.ToUpperInvariant() switch
        {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" => "¥",
            _ => null,
        };
        return symbol is not null ? sign + symbol + digits
            : string.IsNullOrWhiteSpace(currency) ? sign + digits
            : sign + digits + " " + currency;
    }
}
