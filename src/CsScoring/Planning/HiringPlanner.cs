using CsScoring.Segmentation;

namespace CsScoring.Planning;

/// <summary>Which headcount the hiring plan staffs to.</summary>
public enum HiringBasis
{
    /// <summary>The bottom-up headcount the book needs, rounded up to whole people.</summary>
    Needed = 0,

    /// <summary>The top-down headcount the budget affords, rounded down to whole people.</summary>
    Affordable = 1,
}

/// <summary>How far ahead to plan, how ARR grows and how long a hire takes.</summary>
/// <remarks>Immutable; <see cref="Validate"/> is called by the planner.</remarks>
public sealed record HiringOptions
{
    /// <summary>Quarters to project, 4 to 8. The default value is 4.</summary>
    public int Quarters { get; init; } = 4;

    /// <summary>Months from opening a position to the person being in seat, 0 to 24. The default value is 3.</summary>
    public int LeadTimeMonths { get; init; } = 3;

    /// <summary>
    /// ARR growth per year to project with (0.4 = 40%), &gt; -1; <see langword="null"/> (the default) to use the
    /// compound growth of the ARR history's last <see cref="TrendMonths"/> months.
    /// </summary>
    public double? AnnualGrowthRate { get; init; }

    /// <summary>Months of history the trend is measured over, &gt;= 1. The default value is 12.</summary>
    public int TrendMonths { get; init; } = 12;

    /// <summary>
    /// CSMs in seat when the plan starts, &gt;= 0; <see langword="null"/> (the default) for today's bottom-up need rounded
    /// up, so that every hire in the plan comes from growth.
    /// </summary>
    public int? CurrentCsms { get; init; }

    /// <summary>Which headcount to staff to. The default value is <see cref="HiringBasis.Needed"/>.</summary>
    public HiringBasis Basis { get; init; } = HiringBasis.Needed;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (each names itself).</exception>
    public void Validate()
    {
        if (Quarters is < 4 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(Quarters), Quarters, "The plan covers 4 to 8 quarters.");
        }

        if (LeadTimeMonths is < 0 or > 24)
        {
            throw new ArgumentOutOfRangeException(nameof(LeadTimeMonths), LeadTimeMonths, "The hiring lead time must be 0 to 24 months.");
        }

        if (AnnualGrowthRate is { } g && (!(g > -1) || double.IsInfinity(g)))
        {
            throw new ArgumentOutOfRangeException(nameof(AnnualGrowthRate), g, "The annual growth rate must be a finite number > -1.");
        }

        if (TrendMonths < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TrendMonths), TrendMonths, "The trend needs at least one month.");
        }

        if (CurrentCsms is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CurrentCsms), CurrentCsms, "CSMs in seat cannot be negative.");
        }

        if (!Enum.IsDefined(Basis))
        {
            throw new ArgumentOutOfRangeException(nameof(Basis), Basis, "Unknown hiring basis.");
        }
    }
}

/// <summary>One quarter of the hiring plan.</summary>
/// <param name="Index">1 for the first quarter.</param>
/// <param name="Start">Its first day.</param>
/// <param name="End">Its last day.</param>
/// <param name="Arr">Projected ARR at its end.</param>
/// <param name="Budget">The CS budget that ARR funds (ARR x budget share).</param>
/// <param name="AffordableCsms">Top-down headcount at its end, to one decimal.</param>
/// <param name="NeededCsms">Bottom-up headcount at its end, to one decimal (today's need scaled with ARR).</param>
/// <param name="Team">CSMs the quarter is staffed with, its hires included (a late hire joins on <see cref="Hire.InSeatBy"/>, after the quarter starts).</param>
/// <param name="Hires">People who join at its start.</param>
public sealed record QuarterPlan(int Index, DateOnly Start, DateOnly End, decimal Arr, decimal Budget, decimal AffordableCsms, double NeededCsms, int Team, int Hires)
{
    /// <summary>Whether the budget pays for the team (team &lt;= the unrounded affordable headcount).</summary>
    public bool WithinBudget { get; init; }
}

/// <summary>A hire: when to open the position so the person is in seat when the quarter that needs them begins.</summary>
/// <param name="Quarter">The quarter (1-based) that needs them.</param>
/// <param name="People">How many.</param>
/// <param name="OpenBy">The date to open the position: the in-seat date minus the lead time, or the plan's start when already late.</param>
/// <param name="InSeatBy">When they are in seat: the quarter's start, or later when the lead time makes that impossible.</param>
/// <param name="Late">True when the lead time from the plan's start cannot meet the quarter's start.</param>
public sealed record Hire(int Quarter, int People, DateOnly OpenBy, DateOnly InSeatBy, bool Late);

/// <summary>ARR projected per quarter, the headcount both ways, and the hires with their dates.</summary>
/// <param name="Start">The plan's first day.</param>
/// <param name="MonthlyGrowthRate">The compound monthly ARR growth projected with.</param>
/// <param name="GrowthSource"><c>ledger_trend</c> (measured on the ARR history) or <c>given</c>.</param>
/// <param name="Basis">Which headcount the team is staffed to.</param>
/// <param name="LeadTimeMonths">Months from opening a position to the person in seat.</param>
/// <param name="CurrentCsms">CSMs in seat at the start.</param>
/// <param name="Quarters">The quarters, first first.</param>
/// <param name="Hires">The hires, in date order.</param>
public sealed record HiringPlan(
    DateOnly Start, double MonthlyGrowthRate, string GrowthSource, HiringBasis Basis, int LeadTimeMonths, int CurrentCsms,
    IReadOnlyList<QuarterPlan> Quarters, IReadOnlyList<Hire> Hires)
{
    /// <summary>The annual growth rate equivalent to <see cref="MonthlyGrowthRate"/>.</summary>
    public double AnnualGrowthRate => Math.Pow(1 + MonthlyGrowthRate, 12) - 1;
}

/// <summary>
/// Projects ARR per quarter from a trend or a given growth rate, the headcount the budget affords and the book needs
/// at each quarter's end, and the hires (with the dates to open each position) that keep the team staffed.
/// </summary>
/// <remarks>
/// The bottom-up need scales with ARR (the book keeps its mix of tiers and its activity as it grows). A hire is in
/// seat at the start of the first quarter whose end-of-quarter headcount exceeds the team, and the position opens
/// <see cref="HiringOptions.LeadTimeMonths"/> earlier; when that is before the plan's start, it opens at the start
/// and the hire is marked late. Stateless and thread-safe.
/// </remarks>
public static class HiringPlanner
{
    /// <summary>Builds the hiring plan.</summary>
    /// <param name="arr">Today's ARR, &gt;= 0.</param>
    /// <param name="csmsNeeded">Today's bottom-up headcount (<see cref="CapacityPlan.CsmsNeeded"/>), &gt;= 0.</param>
    /// <param name="start">The plan's first month (any day of it; the plan starts on the first).</param>
    /// <param name="history">Monthly ARR, oldest first; used for the trend unless <see cref="HiringOptions.AnnualGrowthRate"/> is set (may then be empty).</param>
    /// <param name="options">Horizon, growth and lead time; <see langword="null"/> for the defaults.</param>
    /// <param name="capacity">Budget share and CSM cost; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">A negative or non-finite input, or too little history for a trend (names the argument).</exception>
    public static HiringPlan Plan(decimal arr, double csmsNeeded, DateOnly start, IReadOnlyList<ArrPoint> history, HiringOptions? options = null, CapacityOptions? capacity = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegative(arr);
        if (!(csmsNeeded >= 0) || double.IsInfinity(csmsNeeded))
        {
            throw new ArgumentOutOfRangeException(nameof(csmsNeeded), csmsNeeded, "The headcount needed must be a finite number >= 0.");
        }

        options ??= new HiringOptions();
        options.Validate();
        capacity ??= new CapacityOptions();
        var first = new DateOnly(start.Year, start.Month, 1);
        var monthly = options.AnnualGrowthRate is { } annual ? Math.Pow(1 + annual, 1.0 / 12) - 1 : ArrHistory.MonthlyGrowthRate(history, options.TrendMonths);
        var team = options.CurrentCsms ?? WholePeopleNeeded(csmsNeeded);
        var current = team;
        var quarters = new List<QuarterPlan>(options.Quarters);
        var hires = new List<Hire>();
        for (var q = 1; q <= options.Quarters; q++)
        {
            var quarterStart = first.AddMonths(3 * (q - 1));
            var factor = Math.Pow(1 + monthly, 3 * q);
            var projected = decimal.Round(arr * (decimal)factor, 2, MidpointRounding.AwayFromZero);
            var topDown = CapacityPlanner.TopDown(projected, capacity);
            var needed = csmsNeeded * factor;
            var target = options.Basis == HiringBasis.Needed ? WholePeopleNeeded(needed) : (int)Math.Floor(topDown.ExactHeadcount + 1e-9);
            var joining = Math.Max(0, target - team);
            if (joining > 0)
            {
                var openBy = quarterStart.AddMonths(-options.LeadTimeMonths);
                var late = openBy < first;
                hires.Add(new Hire(q, joining, late ? first : openBy, late ? first.AddMonths(options.LeadTimeMonths) : quarterStart, late));
                team += joining;
            }

            quarters.Add(new QuarterPlan(q, quarterStart, first.AddMonths(3 * q).AddDays(-1), projected, topDown.Budget, topDown.Headcount, Math.Round(needed, 1, MidpointRounding.AwayFromZero), team, joining)
            {
                WithinBudget = team <= topDown.ExactHeadcount + 1e-9,
            });
        }

        return new HiringPlan(first, monthly, options.AnnualGrowthRate is null ? "ledger_trend" : "given", options.Basis, options.LeadTimeMonths, current, quarters, hires);
    }

    // Whole people, tolerating the float noise of a need that is exactly an integer.
    private static int WholePeopleNeeded(double csms) => (int)Math.Ceiling(csms - 1e-9);
}
