using System.ComponentModel;
using System.Globalization;
using CsScoring.Training.Cli;
using CsScoring.Value;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Value;

internal sealed class LtvSettings : OutputSettings
{
    [CommandOption("--arpa <AMOUNT>")]
    [Description("Average revenue per account per --period.")]
    public decimal? Arpa { get; init; }

    [CommandOption("--churn <RATE>")]
    [Description("Churn rate per --period, in [[0, 1]]; 0 gives an unbounded LTV.")]
    public double? Churn { get; init; }

    [CommandOption("--period <UNIT>")]
    [Description("The period of --arpa, --churn and --discount: week, month, quarter or year.")]
    [DefaultValue("month")]
    public string Period { get; init; } = "month";

    [CommandOption("--margin <RATE>")]
    [Description("Gross margin in [[0, 1]] (default 1: revenue LTV).")]
    [DefaultValue(1.0)]
    public double Margin { get; init; } = 1.0;

    [CommandOption("--discount <RATE>")]
    [Description("Discount rate per --period (default 0).")]
    [DefaultValue(0.0)]
    public double Discount { get; init; }

    [CommandOption("--cac <AMOUNT>")]
    [Description("Customer-acquisition cost, for LTV:CAC and CAC payback months.")]
    public decimal? Cac { get; init; }

    public override ValidationResult Validate()
    {
        if (Arpa is null)
        {
            return ValidationResult.Error("--arpa is required: the average revenue per account per period.");
        }

        if (Churn is null)
        {
            return ValidationResult.Error("--churn is required: the churn rate per period, in [0, 1].");
        }

        if (!CliParsing.TryParseUnit(Period, out _))
        {
            return ValidationResult.Error($"--period must be one of {CliParsing.UnitNames}, not '{Period}'.");
        }

        return ValidationResult.Success();
    }
}

/// <summary><c>csscoring ltv</c>: the LTV formulas for one segment.</summary>
internal sealed class LtvCommand : Command<LtvSettings>
{
    public override int Execute(CommandContext context, LtvSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var period = CliParsing.Unit(settings.Period, "--period");
        var inputs = new LtvInputs(settings.Arpa!.Value, settings.Churn!.Value, settings.Margin, settings.Discount);
        var figures = LtvCalculator.Compute(inputs);
        var headline = settings.Discount > 0 ? figures.Discounted : figures.GrossMargin;
        var monthlyArpa = settings.Arpa.Value * (decimal)(TimeUnits.Days(TimeUnit.Month) / TimeUnits.Days(period));
        LtvResult? ratio = settings.Cac is { } cac ? LtvCalculator.LtvToCac(headline, cac) : null;
        LtvResult? payback = settings.Cac is { } cost ? LtvCalculator.CacPaybackMonths(cost, monthlyArpa, settings.Margin) : null;
        var churn = settings.Churn.Value;

        var result = new
        {
            period = CliParsing.Name(period),
            arpa = settings.Arpa.Value,
            churn_rate = churn,
            gross_margin = settings.Margin,
            discount_rate = settings.Discount,
            status = headline.Status,
            ltv = Figure(headline),
            simple_ltv = Figure(figures.Simple),
            gross_margin_ltv = Figure(figures.GrossMargin),
            discounted_ltv = Figure(figures.Discounted),
            expected_lifetime_periods = churn > 0 ? 1 / churn : (double?)null,
            monthly_churn_rate = LtvCalculator.ConvertChurnRate(churn, period, TimeUnit.Month),
            annual_churn_rate = LtvCalculator.ConvertChurnRate(churn, period, TimeUnit.Year),
            cac = settings.Cac,
            ltv_to_cac = ratio is { } r ? Figure(r) : null,
            cac_payback_months = payback is { } p ? Figure(p) : null,
        };
        console.JsonResult(result);

        var c = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("figure", "value");
        table.AddRow("simple LTV (ARPA / churn)", Text(figures.Simple, "N2"));
        table.AddRow("gross-margin LTV", Text(figures.GrossMargin, "N2"));
        table.AddRow("discounted LTV (m r / (1 + d - r))", Text(figures.Discounted, "N2"));
        table.AddRow($"churn per month / per year", $"{result.monthly_churn_rate.ToString("P2", c)} / {result.annual_churn_rate.ToString("P2", c)}");
        if (ratio is { } shown)
        {
            table.AddRow("LTV : CAC", Text(shown, "N2"));
            table.AddRow("CAC payback (months)", Text(payback!.Value, "N1"));
        }

        console.Result(table);
        if (headline.IsUnbounded)
        {
            console.Warn("churn is 0 and there is no discounting: the LTV is unbounded. Pass --discount or a churn rate > 0.");
        }

        return ExitCodes.Success;
    }

    private static object Figure(LtvResult result)
        => new { value = result.TryGetValue(out var v) ? v : (decimal?)null, status = result.Status };

    private static string Text(LtvResult result, string format)
        => result.TryGetValue(out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "unbounded";
}
