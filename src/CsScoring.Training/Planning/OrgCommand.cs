using System.ComponentModel;
using System.Globalization;
using CsScoring.Planning;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Planning;

internal sealed class OrgSettings : BudgetSettings
{
    [CommandOption("--customers <N>")]
    [Description("Current customers, >= 0 (derived from --data when omitted).")]
    public int? Customers { get; init; }

    [CommandOption("--arr <AMOUNT>")]
    [Description("ARR of the current customers, >= 0 (derived from --data when omitted).")]
    public decimal? Arr { get; init; }

    [CommandOption("--top-decile-share <S>")]
    [Description("Share of ARR held by the top 10% of accounts, in [[0, 1]].")]
    public double? TopDecileShare { get; init; }

    [CommandOption("--regions <N>")]
    [Description("Regions the customers are in, >= 1 (default 1, or counted from --data).")]
    public int? Regions { get; init; }

    [CommandOption("--regional-differences <LEVEL>")]
    [Description("Whether the regions' customers differ in attributes and business customs: low or high.")]
    public string? RegionalDifferences { get; init; }

    [CommandOption("--onboarding <LOAD>")]
    [Description("Onboarding load: light or heavy.")]
    public string? Onboarding { get; init; }

    [CommandOption("--support <LOAD>")]
    [Description("Support load: light or heavy.")]
    public string? Support { get; init; }

    [CommandOption("--stage <STAGE>")]
    [Description("Growth stage: early, growth or scale (derived from the number of customers when omitted: early below 50, scale from 500).")]
    public string? Stage { get; init; }

    [CommandOption("--data <DIR>")]
    [Description("A data folder like data/sample: every input not given is derived from its accounts.csv (current customers: a snapshot on the last as_of).")]
    public string? Data { get; init; }

    protected override bool CostRequired => false;

    public override ValidationResult Validate()
    {
        if (Data is null && (Customers is null || Arr is null))
        {
            return ValidationResult.Error("--customers and --arr are required unless --data gives them.");
        }

        if (Customers is < 0)
        {
            return ValidationResult.Error(Invariant($"--customers must be >= 0, not {Customers}."));
        }

        if (Arr is < 0)
        {
            return ValidationResult.Error(Invariant($"--arr must be >= 0, not {Arr}."));
        }

        if (TopDecileShare is { } share && !(share is >= 0 and <= 1))
        {
            return ValidationResult.Error(Invariant($"--top-decile-share must be in [0, 1], not {share}."));
        }

        if (Regions is < 1)
        {
            return ValidationResult.Error(Invariant($"--regions must be >= 1, not {Regions}."));
        }

        foreach (var (option, text, ok, names) in new[]
        {
            ("--regional-differences", RegionalDifferences, TryParseEnum<RegionalDifferences>(RegionalDifferences, out _), Names<RegionalDifferences>()),
            ("--onboarding", Onboarding, TryParseEnum<WorkLoad>(Onboarding, out _), Names<WorkLoad>()),
            ("--support", Support, TryParseEnum<WorkLoad>(Support, out _), Names<WorkLoad>()),
            ("--stage", Stage, TryParseEnum<GrowthStage>(Stage, out _), Names<GrowthStage>()),
        })
        {
            if (text is not null && !ok)
            {
                return ValidationResult.Error($"{option} must be one of {names}, not '{text}'.");
            }
        }

        return base.Validate();
    }

    public OrganisationProfile Profile()
    {
        var capacity = Capacity();
        var profile = Data is null
            ? new OrganisationProfile { Customers = Customers!.Value, Arr = Arr!.Value, Capacity = capacity }
            : PlanningData.ReadBook(Data) is var book ? OrganisationProfile.FromBook(book.Accounts, book.AsOf, capacity) : null!;
        return profile with
        {
            Customers = Customers ?? profile.Customers,
            Arr = Arr ?? profile.Arr,
            TopDecileShare = TopDecileShare ?? profile.TopDecileShare,
            Regions = Regions ?? profile.Regions,
            CustomersByRegion = Regions is null ? profile.CustomersByRegion : null,
            RegionalDifferences = Parse(RegionalDifferences, profile.RegionalDifferences),
            Onboarding = Parse(Onboarding, profile.Onboarding),
            Support = Parse(Support, profile.Support),
            Stage = Stage is null ? null : Parse(Stage, GrowthStage.Early),
        };
    }

    private static T Parse<T>(string? text, T fallback)
        where T : struct, Enum => TryParseEnum<T>(text, out var value) ? value : fallback;
}

/// <summary><c>csscoring org</c>: the six organisation models ranked, with reasons, risks and the advice if customers triple.</summary>
internal sealed class OrgCommand : Command<OrgSettings>
{
    public override int Execute(CommandContext context, OrgSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var profile = settings.Profile();
        var advice = OrganisationAdvisor.Advise(profile);
        var triple = advice.IfCustomersTriple;
        console.JsonResult(new
        {
            recommendations = advice.Recommendations,
            if_customers_triple = new { customers = triple.Customers, arr = triple.Arr, stage = triple.Stage, changes = triple.Changes, recommendations = triple.Recommendations },
            inputs = new
            {
                customers = profile.Customers,
                arr = profile.Arr,
                top_decile_share = profile.TopDecileShare,
                regions = profile.Regions,
                customers_by_region = profile.CustomersByRegion,
                regional_differences = profile.RegionalDifferences,
                onboarding = profile.Onboarding,
                support = profile.Support,
                stage = advice.Stage,
                stage_derived = profile.Stage is null,
            },
        });

        var c = CultureInfo.InvariantCulture;
        console.ResultLine(string.Create(c, $"{profile.Customers} customers, ARR {profile.Arr:N0}, {Lower(advice.Stage)} stage{(profile.Stage is null ? " (derived)" : string.Empty)}, top decile {(profile.TopDecileShare is { } s ? (s * 100).ToString("0", c) + "%" : "unknown")}, {profile.Regions} region(s) ({Lower(profile.RegionalDifferences)} differences), onboarding {Lower(profile.Onboarding)}, support {Lower(profile.Support)}."));
        console.Result(Table(advice.Recommendations));
        console.ResultLine(string.Create(c, $"If customers triple ({triple.Customers}, {Lower(triple.Stage)} stage): best {OrganisationAdvisor.ModelName(triple.Recommendations[0].Model)}."));
        foreach (var change in triple.Changes)
        {
            console.ResultLine("  " + change);
        }

        return ExitCodes.Success;
    }

    internal static Table Table(IEnumerable<ModelRecommendation> recommendations)
    {
        var table = new Table().AddColumns("rank", "model", "fit", "reasons", "risks");
        var rank = 0;
        foreach (var r in recommendations)
        {
            table.AddRow(
                (++rank).ToString(CultureInfo.InvariantCulture), OrganisationAdvisor.ModelName(r.Model), r.Fit.ToString("F2", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join("\n", r.Reasons)), Markup.Escape(string.Join("\n", r.Risks)));
        }

        return table;
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
