using CsScoring;
using CsScoring.Segmentation;

namespace CsScoring.Tests.Segmentation;

public sealed class CapacityPlannerTests
{
    private static readonly CapacityOptions Yen = new() { CsmMonthlyCost = 450_000m, Currency = "JPY" };

    // Hand-computed: budget = ARR x 8%; headcount = budget / (450,000 x 12 = 5,400,000), to one decimal.
    [Theory]
    [InlineData("0", "0", "0.0")]
    [InlineData("16875000", "1350000", "0.3")] // exactly 0.25: the midpoint rounds away from zero
    [InlineData("33750000", "2700000", "0.5")]
    [InlineData("50000000", "4000000", "0.7")] // 0.7407
    [InlineData("100000000", "8000000", "1.5")] // 1.4815
    [InlineData("300000000", "24000000", "4.4")] // 4.4444
    [InlineData("1000000000", "80000000", "14.8")] // 14.8148
    public void TopDown_EightPercentAt450000YenAMonth_MatchesHandComputedRows(string arr, string budget, string headcount)
    {
        var plan = CapacityPlanner.TopDown(decimal.Parse(arr, System.Globalization.CultureInfo.InvariantCulture), Yen);

        Assert.Equal(decimal.Parse(budget, System.Globalization.CultureInfo.InvariantCulture), plan.Budget);
        Assert.Equal(decimal.Parse(headcount, System.Globalization.CultureInfo.InvariantCulture), plan.Headcount);
        Assert.Equal("JPY", plan.Currency);
        Assert.Equal(450_000m, plan.CsmMonthlyCost);
        Assert.Equal(BudgetBand.Typical, plan.Band);
        Assert.Null(plan.Warning);
    }

    [Fact]
    public void TopDown_100MillionYen_IsOnePointFiveCsmsNotSixtySeven()
    {
        var plan = CapacityPlanner.TopDown(100_000_000m, Yen);
        Assert.Equal(8_000_000m / 5_400_000m, (decimal)plan.ExactHeadcount, 10);
        Assert.Equal(1.5m, plan.Headcount);
    }

    [Theory]
    [InlineData(0.05, BudgetBand.BelowTypical, -0.25, "0.9")] // 5,000,000 / 5,400,000 = 0.926
    [InlineData(0.06, BudgetBand.Typical, 0.0, "1.1")]
    [InlineData(0.08, BudgetBand.Typical, 0.5, "1.5")]
    [InlineData(0.10, BudgetBand.Typical, 1.0, "1.9")]
    [InlineData(0.12, BudgetBand.AboveTypical, 1.5, "2.2")]
    public void TopDown_Ratio_SaysWhereItSitsInTheSixToTenPercentBand(double ratio, BudgetBand band, double position, string headcount)
    {
        var plan = CapacityPlanner.TopDown(100_000_000m, Yen with { BudgetShareOfArr = ratio });

        Assert.Equal(band, plan.Band);
        Assert.Equal(position, plan.BandPosition, 9);
        Assert.Equal(decimal.Parse(headcount, System.Globalization.CultureInfo.InvariantCulture), plan.Headcount);
        Assert.Equal(band != BudgetBand.Typical, plan.Warning is not null);
    }

    [Fact]
    public void TopDown_WarningOutsideTheBand_NamesTheRatio()
    {
        var plan = CapacityPlanner.TopDown(1m, Yen with { BudgetShareOfArr = 0.05 });
        Assert.Contains("5%", plan.Warning, StringComparison.Ordinal);
        Assert.Contains("6-10%", plan.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void TopDown_NegativeArr_Throws()
        => Assert.Equal("arr", Assert.Throws<ArgumentOutOfRangeException>(() => CapacityPlanner.TopDown(-1m, Yen)).ParamName);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void TopDown_RatioOutsideZeroToOne_NamesTheOption(double ratio)
        => Assert.Equal("CapacityOptions.BudgetShareOfArr", Assert.Throws<InvalidOptionException>(() => CapacityPlanner.TopDown(1m, Yen with { BudgetShareOfArr = ratio })).Option);

    [Fact]
    public void TopDown_ZeroCost_NamesTheOption()
        => Assert.Equal("CapacityOptions.CsmMonthlyCost", Assert.Throws<InvalidOptionException>(() => CapacityPlanner.TopDown(1m, Yen with { CsmMonthlyCost = 0m })).Option);

    [Fact]
    public void Plan_PerTierWithHoursOnboardingAndRenewals_AddsUpByHand()
    {
        // High-touch by hours: 12 h a month against 120 h = 10 accounts per CSM, so 30 accounts = 3 CSMs.
        // Low-touch 160 / 80 = 2; tech-touch 2000 / 1000 = 2; onboarding 12 x 10 h / 120 = 1; renewals 30 x 4 h / 120 = 1.
        var options = Yen with { HighTouchHoursPerAccount = 12 };
        var accounts = Enumerable.Repeat((TouchModel.HighTouch, 3_000_000m), 30)
            .Concat(Enumerable.Repeat((TouchModel.LowTouch, 600_000m), 160))
            .Concat(Enumerable.Repeat((TouchModel.TechTouch, 60_000m), 2000));
        var plan = CapacityPlanner.Plan(accounts, new BookActivity(12, 30), options);

        Assert.Equal(10.0, plan.Tiers[(int)TouchModel.HighTouch].AccountsPerCsm, 12);
        Assert.Equal(3.0, plan.Tiers[(int)TouchModel.HighTouch].CsmsNeeded, 12);
        Assert.Equal(2.0, plan.Tiers[(int)TouchModel.LowTouch].CsmsNeeded, 12);
        Assert.Equal(2.0, plan.Tiers[(int)TouchModel.TechTouch].CsmsNeeded, 12);
        Assert.Equal(1.0, plan.OnboardingCsms, 12);
        Assert.Equal(1.0, plan.RenewalCsms, 12);
        Assert.Equal(9.0, plan.CsmsNeeded, 12);

        // ARR 90M + 96M + 120M = 306M; budget 8% = 24.48M; affordable 24.48M / 5.4M = 4.533; 9 CSMs cost 48.6M.
        Assert.Equal(306_000_000m, plan.TotalArr);
        Assert.Equal(24_480_000m, plan.Budget);
        Assert.Equal(48_600_000m, plan.CostOfNeeded);
        Assert.Equal(24_480_000m / 5_400_000m, (decimal)plan.CsmsAffordable, 10);
        Assert.Equal(plan.CsmsAffordable - 9.0, plan.HeadcountGap, 12);
        Assert.Equal(-24_120_000m, plan.MoneyGap);
        Assert.Equal("JPY", plan.Currency);
    }

    [Fact]
    public void Plan_WithoutActivity_HasNoOnboardingOrRenewalLoad()
    {
        var plan = CapacityPlanner.Plan([(TouchModel.LowTouch, 10m)], Yen);
        Assert.Equal(0, plan.OnboardingCsms);
        Assert.Equal(0, plan.RenewalCsms);
        Assert.Equal(1 / 80.0, plan.CsmsNeeded, 12);
    }

    [Fact]
    public void Plan_NegativeActivity_Throws()
        => Assert.Throws<ArgumentException>(() => CapacityPlanner.Plan([], new BookActivity(-1, 0), Yen));

    [Fact]
    public void Options_ZeroHoursPerAccount_NamesTheOption()
        => Assert.Equal("CapacityOptions.LowTouchHoursPerAccount", Assert.Throws<InvalidOptionException>(() => Yen with { LowTouchHoursPerAccount = 0 }).Option);

    [Fact]
    public void FromDates_CountsStartsInTheYearBeforeAndRenewalsInTheYearAfter()
    {
        var asOf = new DateOnly(2025, 12, 31);
        var activity = BookActivity.FromDates(
        [
            (new DateOnly(2025, 1, 1), null), // started in the year: counts
            (new DateOnly(2024, 12, 31), null), // exactly a year before: does not
            (new DateOnly(2026, 1, 1), null), // after as-of: does not
            (null, new DateOnly(2026, 6, 30)), // renews within the year: counts
            (null, new DateOnly(2026, 12, 31)), // exactly a year after: counts
            (null, new DateOnly(2027, 1, 1)), // beyond: does not
            (null, asOf), // due on as-of itself: already past
        ], asOf);

        Assert.Equal(1 / 12.0, activity.NewAccountsPerMonth, 12);
        Assert.Equal(2 / 12.0, activity.RenewalsPerMonth, 12);
    }
}
