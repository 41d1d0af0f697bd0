using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using CsScoring.Data;
using CsScoring.Planning;
using CsScoring.Segmentation;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Planning;

internal sealed class HiringSettings : BudgetSettings
{
    [CommandOption("--data <DIR>")]
    [Description("A data folder like data/sample: the book from accounts.csv (current customers), the ARR trend from mrr_ledger.csv.")]
    public string? Data { get; init; }

    [CommandOption("--ledger <FILE>")]
    [Description("An MRR ledger (account_id, month, mrr) instead of --data: the book is the accounts paying in its last month.")]
    public string? Ledger { get; init; }

    [CommandOption("--quarters <N>")]
    [Description("Quarters to project, 4 to 8.")]
    [DefaultValue(4)]
    public int Quarters { get; init; } = 4;

    [CommandOption("--lead-time-months <M>")]
    [Description("Months from opening a position to the person in seat, 0 to 24.")]
    [DefaultValue(3)]
    public int LeadTimeMonths { get; init; } = 3;

    [CommandOption("--growth <RATE>")]
    [Description("ARR growth per year to project with (0.3 = 30%), > -1; the ledger's trailing 12-month trend when omitted.")]
    public double? Growth { get; init; }

    [CommandOption("--current-csms <N>")]
    [Description("CSMs in seat today; today's bottom-up need rounded up when omitted.")]
    public int? CurrentCsms { get; init; }

    [CommandOption("--basis <BASIS>")]
    [Description("Staff to the headcount the book needs (needed) or the budget affords (affordable).")]
    [DefaultValue("needed")]
    public string Basis { get; init; } = "needed";

    [CommandOption("--high-touch-share <S>")]
    [Description("What-if: share of accounts (by value) served high-touch.")]
    [DefaultValue(0.05)]
    public double HighTouchShare { get; init; } = 0.05;

    [CommandOption("--low-touch-share <S>")]
    [Description("What-if: share of accounts served low-touch.")]
    [DefaultValue(0.25)]
    public double LowTouchShare { get; init; } = 0.25;

    [CommandOption("--high-touch-min <ARR>")]
    [Description("What-if: explicit cut-off, the least ARR served high-touch (with --low-touch-min; replaces the shares).")]
    public decimal? HighTouchMinimum { get; init; }

    [CommandOption("--low-touch-min <ARR>")]
    [Description("What-if: explicit cut-off, the least ARR served low-touch.")]
    public decimal? LowTouchMinimum { get; init; }

    [CommandOption("--high-touch-accounts-per-csm <N>")]
    [Description("Accounts a dedicated high-touch CSM serves.")]
    [DefaultValue(15.0)]
    public double HighTouchAccountsPerCsm { get; init; } = 15;

    [CommandOption("--low-touch-accounts-per-csm <N>")]
    [Description("Accounts a pooled low-touch CSM serves.")]
    [DefaultValue(80.0)]
    public double LowTouchAccountsPerCsm { get; init; } = 80;

    [CommandOption("--tech-touch-accounts-per-csm <N>")]
    [Description("Accounts a digital-programme owner serves (tech-touch).")]
    [DefaultValue(1000.0)]
    public double TechTouchAccountsPerCsm { get; init; } = 1000;

    [CommandOption("--csm-monthly-hours <H>")]
    [Description("Hours a CSM spends on accounts a month (onboarding and renewal load are counted in these).")]
    [DefaultValue(120.0)]
    public double CsmMonthlyHours { get; init; } = 120;

    [CommandOption("--onboarding-hours <H>")]
    [Description("CSM hours one new account's onboarding takes.")]
    [DefaultValue(10.0)]
    public double OnboardingHours { get; init; } = 10;

    [CommandOption("--renewal-hours <H>")]
    [Description("CSM hours one renewal takes.")]
    [DefaultValue(4.0)]
    public double RenewalHours { get; init; } = 4;

    public override ValidationResult Validate()
    {
        if (Data is null == Ledger is null)
        {
            return ValidationResult.Error("Give either --data DIR or --ledger FILE.");
        }

        var checks = new (bool Bad, string Message)[]
        {
            (Quarters is < 4 or > 8, Invariant($"--quarters must be 4 to 8, not {Quarters}.")),
            (LeadTimeMonths is < 0 or > 24, Invariant($"--lead-time-months must be 0 to 24, not {LeadTimeMonths}.")),
            (Growth is { } g && (!(g > -1) || double.IsInfinity(g)), Invariant($"--growth must be a yearly rate > -1, not {Growth}.")),
            (CurrentCsms is < 0, Invariant($"--current-csms must be >= 0, not {CurrentCsms}.")),
            (!TryParseEnum<HiringBasis>(Basis, out _), $"--basis must be one of {Names<HiringBasis>()}, not '{Basis}'."),
            (!(HighTouchShare is >= 0 and <= 1), Invariant($"--high-touch-share must be in [0, 1], not {HighTouchShare}.")),
            (!(LowTouchShare >= 0 && HighTouchShare + LowTouchShare <= 1), Invariant($"--low-touch-share must be >= 0 and add up with --high-touch-share to at most 1, not {LowTouchShare}.")),
            (HighTouchMinimum is null != LowTouchMinimum is null, "--high-touch-min and --low-touch-min go together."),
            (LowTouchMinimum is < 0, Invariant($"--low-touch-min must be >= 0, not {LowTouchMinimum}.")),
            (HighTouchMinimum < LowTouchMinimum, Invariant($"--high-touch-min must be at least --low-touch-min, not {HighTouchMinimum}.")),
            (!(HighTouchAccountsPerCsm > 0) || double.IsInfinity(HighTouchAccountsPerCsm), Invariant($"--high-touch-accounts-per-csm must be positive, not {HighTouchAccountsPerCsm}.")),
            (!(LowTouchAccountsPerCsm > 0) || double.IsInfinity(LowTouchAccountsPerCsm), Invariant($"--low-touch-accounts-per-csm must be positive, not {LowTouchAccountsPerCsm}.")),
            (!(TechTouchAccountsPerCsm > 0) || double.IsInfinity(TechTouchAccountsPerCsm), Invariant($"--tech-touch-accounts-per-csm must be positive, not {TechTouchAccountsPerCsm}.")),
            (!(CsmMonthlyHours > 0) || double.IsInfinity(CsmMonthlyHours), Invariant($"--csm-monthly-hours must be positive, not {CsmMonthlyHours}.")),
            (!(OnboardingHours >= 0) || double.IsInfinity(OnboardingHours), Invariant($"--onboarding-hours must be >= 0, not {OnboardingHours}.")),
            (!(RenewalHours >= 0) || double.IsInfinity(RenewalHours), Invariant($"--renewal-hours must be >= 0, not {RenewalHours}.")),
        };
        var failed = checks.FirstOrDefault(c => c.Bad);
        return failed.Bad ? ValidationResult.Error(failed.Message) : base.Validate();
    }

    public OrganisationPlanOptions Options(DateOnly asOf)
    {
        var basis = TryParseEnum<HiringBasis>(Basis, out var parsed) ? parsed : throw new ArgumentException($"--basis must be one of {Names<HiringBasis>()}, not '{Basis}'.");
        return new OrganisationPlanOptions
        {
            AsOf = asOf,
            Capacity = Capacity()! with
            {
                HighTouchAccountsPerCsm = HighTouchAccountsPerCsm,
                LowTouchAccountsPerCsm = LowTouchAccountsPerCsm,
                TechTouchAccountsPerCsm = TechTouchAccountsPerCsm,
                CsmMonthlyHours = CsmMonthlyHours,
                OnboardingHoursPerNewAccount = OnboardingHours,
                RenewalHoursPerRenewal = RenewalHours,
            },
            Hiring = new HiringOptions { Quarters = Quarters, LeadTimeMonths = LeadTimeMonths, AnnualGrowthRate = Growth, CurrentCsms = CurrentCsms, Basis = basis },
            Tiering = HighTouchMinimum is { } high && LowTouchMinimum is { } low ? new TieringPolicy(high, low) : null,
            HighTouchShare = HighTouchShare,
            LowTouchShare = LowTouchShare,
        };
    }
}

/// <summary>
/// <c>csscoring hiring</c>: the organisation plan of a book (the library's <see cref="OrganisationPlanner"/>): today's
/// bottom-up need against the top-down budget, ARR and headcount per quarter, the hires with their dates, and the advice.
/// </summary>
internal sealed class HiringCommand : Command<HiringSettings>
{
    public override int Execute(CommandContext context, HiringSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        CustomerBook book;
        IReadOnlyList<ArrPoint> history;
        if (settings.Data is { } folder)
        {
            book = PlanningData.ReadBook(folder);
            var ledgerPath = Path.Combine(folder, "mrr_ledger.csv");
            history = File.Exists(ledgerPath) ? ArrHistory.FromLedger(PlanningData.ReadLedger(ledgerPath))
                : settings.Growth is null ? throw new FileNotFoundException($"--data: '{ledgerPath}' is missing; it gives the ARR trend (or pass --growth).", ledgerPath) : [];
        }
        else
        {
            var ledger = PlanningData.ReadLedger(settings.Ledger!);
            book = CustomerBook.FromLedger(ledger);
            history = ArrHistory.FromLedger(ledger);
        }

        if (book.Accounts.Count == 0)
        {
            throw new DataFormatException("no account is paying in the last month", settings.Ledger ?? settings.Data, null, null);
        }

        var plan = OrganisationPlanner.Plan(book.Accounts, history, settings.Options(book.AsOf));
        console.JsonResult(plan);
        Print(console, plan);
        if (plan.TopDown.Warning is { } warning)
        {
            console.Warn(warning);
        }

        return ExitCodes.Success;
    }

    private static void Print(CliConsole console, OrganisationPlan plan)
    {
        var c = CultureInfo.InvariantCulture;
        var bottom = plan.BottomUp;
        var unit = bottom.Currency is null ? string.Empty : " " + bottom.Currency;
        console.ResultLine(string.Create(c, $"Book on {plan.AsOf:yyyy-MM-dd}: {bottom.Tiers.Sum(t => t.Accounts)} accounts, ARR {bottom.TotalArr:N0}{unit}; budget {plan.TopDown.Ratio * 100:0.##}% of ARR = {bottom.Budget:N0}{unit} a year."));
        var today = new Table().AddColumns("", "CSMs", $"yearly cost{unit}");
        foreach (var tier in bottom.Tiers.Reverse())
        {
            today.AddRow(string.Create(c, $"{Snake(tier.Model)}: {tier.Accounts} accounts at {tier.AccountsPerCsm:0.#} per CSM"), tier.CsmsNeeded.ToString("F1", c), ((decimal)tier.CsmsNeeded * bottom.CsmMonthlyCost * 12).ToString("N0", c));
        }

        today.AddRow(string.Create(c, $"onboarding: {bottom.Activity.NewAccountsPerMonth:0.#} new accounts a month"), bottom.OnboardingCsms.ToString("F1", c), ((decimal)bottom.OnboardingCsms * bottom.CsmMonthlyCost * 12).ToString("N0", c));
        today.AddRow(string.Create(c, $"renewals: {bottom.Activity.RenewalsPerMonth:0.#} a month"), bottom.RenewalCsms.ToString("F1", c), ((decimal)bottom.RenewalCsms * bottom.CsmMonthlyCost * 12).ToString("N0", c));
        today.AddRow("bottom-up: the book needs", bottom.CsmsNeeded.ToString("F1", c), bottom.CostOfNeeded.ToString("N0", c));
        today.AddRow("top-down: the budget affords", plan.TopDown.Headcount.ToString("F1", c), bottom.Budget.ToString("N0", c));
        today.AddRow("gap (affordable - needed)", bottom.HeadcountGap.ToString("+0.0;-0.0", c), bottom.MoneyGap.ToString("+#,0;-#,0;0", c));
        console.Result(today);

        var hiring = plan.Hiring;
        console.ResultLine(string.Create(c, $"ARR grows {hiring.AnnualGrowthRate * 100:0.#}% a year ({(hiring.GrowthSource == "given" ? "given" : "the ledger's trailing trend")}); {hiring.CurrentCsms} CSMs in seat; staffing to the {Snake(hiring.Basis)} headcount; hiring takes {hiring.LeadTimeMonths} months."));
        var quarters = new Table().AddColumns("quarter", $"ARR{unit}", "affordable", "needed", "team", "hires", "within budget");
        foreach (var q in hiring.Quarters)
        {
            quarters.AddRow(string.Create(c, $"{q.Start:yyyy-MM-dd}..{q.End:yyyy-MM-dd}"), q.Arr.ToString("N0", c), q.AffordableCsms.ToString("F1", c), q.NeededCsms.ToString("F1", c), q.Team.ToString(c), q.Hires.ToString(c), q.WithinBudget ? "yes" : "no");
        }

        console.Result(quarters);
        foreach (var hire in hiring.Hires)
        {
            console.ResultLine(string.Create(c, $"Quarter {hire.Quarter}: open {hire.People} position(s) by {hire.OpenBy:yyyy-MM-dd}, in seat by {hire.InSeatBy:yyyy-MM-dd}{(hire.Late ? " (late: the lead time cannot meet the quarter's start)" : string.Empty)}."));
        }

        console.ResultLine("Organisation advice, best first:");
        console.Result(OrgCommand.Table(plan.Advice.Recommendations.Take(3)));
    }

    private static string Snake<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
