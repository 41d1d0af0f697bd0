using System.ComponentModel;
using System.Globalization;
using CsScoring.Segmentation;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Planning;

internal sealed class CapacitySettings : BudgetSettings
{
    /// <summary>The most rows --arr-range may produce.</summary>
    public const int MaxRows = 10_000;

    [CommandOption("--arr <AMOUNT>")]
    [Description("Annual recurring revenue, >= 0.")]
    public decimal? Arr { get; init; }

    [CommandOption("--arr-range <FROM:TO:STEP>")]
    [Description("A table of ARR from FROM to TO (inclusive) in steps of STEP, instead of --arr.")]
    public string? ArrRange { get; init; }

    public override ValidationResult Validate()
    {
        if (Arr is null == ArrRange is null)
        {
            return ValidationResult.Error("Give either --arr or --arr-range (FROM:TO:STEP), not both or neither.");
        }

        if (Arr is < 0)
        {
            return ValidationResult.Error(Invariant($"--arr must be >= 0, not {Arr}."));
        }

        if (ArrRange is not null && !TryParseRange(ArrRange, out _, out var problem))
        {
            return ValidationResult.Error($"--arr-range {problem}");
        }

        return base.Validate();
    }

    public IReadOnlyList<decimal> ArrValues()
    {
        if (Arr is { } arr)
        {
            return [arr];
        }

        return TryParseRange(ArrRange, out var values, out var problem) ? values : throw new ArgumentException($"--arr-range {problem}");
    }

    private static bool TryParseRange(string? text, out List<decimal> values, out string problem)
    {
        values = [];
        var parts = (text ?? string.Empty).Split(':');
        var numbers = new decimal[3];
        if (parts.Length != 3 || !parts.Select((p, i) => decimal.TryParse(p, NumberStyles.Number, CultureInfo.InvariantCulture, out numbers[i])).All(ok => ok))
        {
            problem = $"must be FROM:TO:STEP with three numbers, not '{text}'.";
            return false;
        }

        var (from, to, step) = (numbers[0], numbers[1], numbers[2]);
        if (from < 0 || to < from || step <= 0)
        {
            problem = $"needs 0 <= FROM <= TO and STEP > 0, not '{text}'.";
            return false;
        }

        if ((to - from) / step >= MaxRows)
        {
            problem = $"would make more than {MaxRows} rows: widen STEP.";
            return false;
        }

        for (var arr = from; arr <= to; arr += step)
        {
            values.Add(arr);
        }

        problem = string.Empty;
        return true;
    }
}

/// <summary><c>csscoring capacity</c>: the top-down budget and headcount for one ARR or a range.</summary>
internal sealed class CapacityCommand : Command<CapacitySettings>
{
    public override int Execute(CommandContext context, CapacitySettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var options = settings.Capacity()!;
        var plans = settings.ArrValues().Select(arr => CapacityPlanner.TopDown(arr, options)).ToList();
        // A dictionary keeps "currency": null in the output: the shape is a contract for scripts.
        console.JsonResult(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["ratio"] = options.BudgetShareOfArr,
            ["csm_monthly_cost"] = Normal(options.CsmMonthlyCost),
            ["currency"] = options.Currency,
            ["rows"] = plans.Select(p => new { arr = Normal(p.Arr), budget = Normal(p.Budget), headcount = p.Headcount }).ToList(),
        });

        var c = CultureInfo.InvariantCulture;
        var unit = options.Currency is null ? string.Empty : $" ({options.Currency})";
        var first = plans[0];
        var table = new Table().AddColumns($"ARR{unit}", $"CS budget a year{unit}", "CSMs (headcount)");
        foreach (var plan in plans)
        {
            table.AddRow(plan.Arr.ToString("N0", c), plan.Budget.ToString("N0", c), plan.Headcount.ToString("F1", c));
        }

        console.ResultLine(Invariant($"Budget {first.Ratio * 100:0.##}% of ARR; one CSM costs {options.CsmMonthlyCost.ToString("N0", c)}{unit} a month ({options.CostPerCsm.ToString("N0", c)} a year)."));
        console.ResultLine(first.Band == BudgetBand.Typical
            ? Invariant($"The ratio sits inside the usual 6-10% band, at {first.BandPosition * 100:0}% of the way from 6% to 10%.")
            : Invariant($"The ratio is {(first.Band == BudgetBand.BelowTypical ? "below" : "above")} the usual 6-10% band."));
        console.Result(table);
        if (first.Warning is { } warning)
        {
            console.Warn(warning);
        }

        return ExitCodes.Success;
    }

    // 8000000.00 prints as 8000000: the scale of a product is an artefact, not precision.
    private static decimal Normal(decimal value) => value / 1.000000000000000000000000000000000m;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
