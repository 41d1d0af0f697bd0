using System.ComponentModel;
using System.Globalization;
using CsScoring.Segmentation;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Planning;

/// <summary>The budget options the planning commands share.</summary>
internal class BudgetSettings : DataReadSettings
{
    [CommandOption("--ratio <R>")]
    [Description("CS budget as a share of ARR, in (0, 1]]; the usual range is 0.06-0.10.")]
    [DefaultValue(0.08)]
    public double Ratio { get; init; } = 0.08;

    [CommandOption("--csm-monthly-cost <AMOUNT>")]
    [Description("Fully loaded monthly cost of one CSM, > 0, in the ARR's currency (about 450000 JPY in Japan).")]
    public decimal? CsmMonthlyCost { get; init; }

    [CommandOption("--currency <LABEL>")]
    [Description("The currency's label (e.g. JPY); printed with the figures, nothing is converted.")]
    public string? Currency { get; init; }

    /// <summary>Whether this command cannot run without --csm-monthly-cost.</summary>
    protected virtual bool CostRequired => true;

    public override ValidationResult Validate()
    {
        if (!(Ratio is > 0 and <= 1))
        {
            return ValidationResult.Error(Invariant($"--ratio must be in (0, 1], not {Ratio}."));
        }

        if (CsmMonthlyCost is null && CostRequired)
        {
            return ValidationResult.Error("--csm-monthly-cost is required: the fully loaded monthly cost of one CSM.");
        }

        if (CsmMonthlyCost is <= 0)
        {
            return ValidationResult.Error(Invariant($"--csm-monthly-cost must be positive, not {CsmMonthlyCost}."));
        }

        if (Currency is not null && string.IsNullOrWhiteSpace(Currency))
        {
            return ValidationResult.Error("--currency must not be blank.");
        }

        return ValidationResult.Success();
    }

    /// <summary>The capacity options these settings describe, or null when no cost was given.</summary>
    public CapacityOptions? Capacity()
        => CsmMonthlyCost is { } cost ? new CapacityOptions { BudgetShareOfArr = Ratio, CsmMonthlyCost = cost, Currency = Currency?.Trim() } : null;

    protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    protected static bool TryParseEnum<T>(string? text, out T value)
        where T : struct, Enum
        => Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    protected static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
}
