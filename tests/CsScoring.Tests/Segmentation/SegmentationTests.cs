using CsScoring.Segmentation;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Segmentation;

public sealed class SegmentationTests
{
    [Fact]
    public void FromShares_SplitsTheTopFivePercentAndTheNextTwenty()
    {
        var values = Enumerable.Range(1, 100).Select(i => (decimal)i).ToArray();
        var policy = TieringPolicy.FromShares(values, 0.05, 0.20);
        Assert.Equal(5, values.Count(v => policy.Assign(v) == TouchModel.HighTouch));
        Assert.Equal(20, values.Count(v => policy.Assign(v) == TouchModel.LowTouch));
        Assert.Equal(75, values.Count(v => policy.Assign(v) == TouchModel.TechTouch));
    }

    [Fact]
    public void FromShares_ZeroHighShare_ServesNobodyHighTouch()
    {
        var policy = TieringPolicy.FromShares([1m, 2m, 3m], 0, 0.5);
        Assert.DoesNotContain(new[] { 1m, 2m, 3m }, v => policy.Assign(v) == TouchModel.HighTouch);
    }

    [Fact]
    public void Ctor_UnorderedCutOffs_Throws()
        => Assert.Equal("TieringPolicy.HighTouchMinimum", Assert.Throws<InvalidOptionException>(() => new TieringPolicy(10, 20)).Option);

    [Property(MaxTest = 200)]
    public void Assign_Meets_Specification(PositiveInt a, PositiveInt b)
    {
        // A higher value never gets a lighter touch model.
        var policy = new TieringPolicy(1000, 100);
        var (low, high) = a.Get <= b.Get ? (a.Get, b.Get) : (b.Get, a.Get);
        Assert.True(policy.Assign(low) <= policy.Assign(high));
    }

    [Fact]
    public void Plan_ComputesNeededAndAffordableHeadcount()
    {
        var accounts = Enumerable.Repeat((TouchModel.HighTouch, 150_000m), 30)
            .Concat(Enumerable.Repeat((TouchModel.LowTouch, 20_000m), 160))
            .Concat(Enumerable.Repeat((TouchModel.TechTouch, 2_000m), 2000));
        var plan = CapacityPlanner.Plan(accounts, new CapacityOptions { BudgetShareOfArr = 0.08, CostPerCsm = 100_000m });

        Assert.Equal(30 * 150_000m + 160 * 20_000m + 2000 * 2_000m, plan.TotalArr);
        Assert.Equal(2.0, plan.Tiers[(int)TouchModel.HighTouch].CsmsNeeded, 12);
        Assert.Equal(2.0, plan.Tiers[(int)TouchModel.LowTouch].CsmsNeeded, 12);
        Assert.Equal(2.0, plan.Tiers[(int)TouchModel.TechTouch].CsmsNeeded, 12);
        Assert.Equal(6.0, plan.CsmsNeeded, 12);
        Assert.Equal((double)(plan.TotalArr * 0.08m / 100_000m), plan.CsmsAffordable, 9);
        Assert.Equal(plan.CsmsAffordable - 6.0, plan.HeadcountGap, 12);
    }

    [Fact]
    public void CostPerCsm_IsTwelveMonthlyCosts_AndSettingItSetsTheMonthlyCost()
    {
        Assert.Equal(10_000m, new CapacityOptions().CsmMonthlyCost);
        Assert.Equal(120_000m, new CapacityOptions().CostPerCsm);
        Assert.Equal(450_000m, new CapacityOptions { CostPerCsm = 5_400_000m }.CsmMonthlyCost);
        Assert.Equal(5_400_000m, new CapacityOptions { CsmMonthlyCost = 450_000m }.CostPerCsm);
    }

    [Fact]
    public void Plan_InvalidOptions_NameTheOption()
    {
        var ex = Assert.Throws<InvalidOptionException>(() => CapacityPlanner.Plan([], new CapacityOptions { LowTouchAccountsPerCsm = 0 }));
        Assert.Equal("CapacityOptions.LowTouchAccountsPerCsm", ex.Option);
        Assert.StartsWith("CapacityOptions.LowTouchAccountsPerCsm = 0 ", ex.Message, StringComparison.Ordinal);
    }
}
