using CsScoring.Metrics;
using CsScoring.Segmentation;
using CsScoring.Training.Reporting.Dashboard;

namespace CsScoring.Training.Tests.Reporting.Dashboard;

public sealed class DashboardBuilderTests
{
    [Fact]
    public void Kpis_FromLedger_GiveArrAndTrailingTwelveMonthRatesWithTrends()
    {
        // a pays 100 throughout; b pays 100 for ten months and leaves; c starts at 50 in month 5 and grows to 80 in month 15.
        var start = new DateOnly(2023, 1, 1);
        var entries = new List<MrrEntry>();
        for (var m = 0; m < 20; m++)
        {
            var month = start.AddMonths(m);
            entries.Add(new MrrEntry("a", month, 100));
            if (m < 10)
            {
                entries.Add(new MrrEntry("b", month, 100));
            }

            if (m >= 5)
            {
                entries.Add(new MrrEntry("c", month, m >= 15 ? 80 : 50));
            }
        }

        var tiles = DashboardBuilder.Kpis(MrrHistory.Create(entries), null, null);

        Assert.Equal(["ARR", "Paying customers", "Net revenue retention", "Gross revenue retention", "Logo churn"], tiles.Select(t => t.Name));
        var arr = tiles[0];
        Assert.Equal(2160, arr.Value);
        Assert.Equal(12, arr.Trend.Count);
        Assert.Equal("2024-08", arr.Trend[^1].Period);
        Assert.Equal(2, tiles[1].Value);

        // Trailing twelve months to 2024-08 open in 2023-08 with a, b and c (250); b left (-100), c grew (+30).
        var nrr = tiles[2];
        Assert.Equal(0.72, nrr.Value, 12);
        Assert.Equal(0.6, tiles[3].Value, 12);
        Assert.Equal(1 / 3.0, tiles[4].Value, 12);
        Assert.False(tiles[4].HigherIsBetter);
        Assert.Equal(8, nrr.Trend.Count); // the first full window closes twelve months after the ledger's first month
        Assert.Equal("2024-01", nrr.Trend[0].Period);
        Assert.Equal(KpiFormat.Percent, nrr.Format);
        Assert.Equal(0, nrr.Change, 12);
    }

    [Fact]
    public void Kpis_FromSurveysAndUsage_GiveNpsCsatAndStickiness()
    {
        SurveyGroup Month(string key, int promoters, int detractors, int satisfied)
            => new(key, NpsEstimate.FromCounts(promoters, 100 - promoters - detractors, detractors), CsatEstimate.FromCounts(satisfied, 100), CesEstimate.FromAnswers([3, 4, 5]));
        var groups = new[] { Month("2024-05", 40, 20, 70), Month("2024-06", 50, 10, 80) };
        var surveys = new SurveyReport(groups[1], groups, 600, 0, []);

        var tiles = DashboardBuilder.Kpis(null, surveys, null);

        Assert.Equal(["NPS", "CSAT"], tiles.Select(t => t.Name));
        Assert.Equal(40, tiles[0].Value, 9);
        Assert.Equal(20, tiles[0].Previous, 9);
        Assert.Equal(20, tiles[0].Change, 9);
        Assert.Equal(0.8, tiles[1].Value, 9);
        Assert.Equal(0.1, tiles[1].Change, 9);
        Assert.Empty(DashboardBuilder.Kpis(null, null, null));
    }

    [Fact]
    public void Headcount_FromCapacityPlan_HighestTouchFirstWithYearlyCosts()
    {
        var accounts = Enumerable.Range(0, 30).Select(i => (TouchModel.HighTouch, 100_000m))
            .Concat(Enumerable.Range(0, 160).Select(i => (TouchModel.LowTouch, 20_000m)))
            .Concat(Enumerable.Range(0, 2_000).Select(i => (TouchModel.TechTouch, 1_000m)));
        var plan = CapacityPlanner.Plan(accounts, new BookActivity(10, 20), new CapacityOptions { CsmMonthlyCost = 10_000m });

        var headcount = DashboardBuilder.Headcount(plan);

        Assert.Equal([TouchModel.HighTouch, TouchModel.LowTouch, TouchModel.TechTouch], headcount.Tiers.Select(t => t.Tier));
        Assert.Equal([30, 160, 2_000], headcount.Tiers.Select(t => t.Accounts));
        foreach (var tier in headcount.Tiers)
        {
            var source = plan.Tiers.Single(t => t.Model == tier.Tier);
            Assert.Equal(source.CsmsNeeded, tier.CsmsNeeded);
            Assert.Equal(source.AccountsPerCsm, tier.AccountsPerCsm);
            Assert.Equal(source.CsmsNeeded * 120_000, tier.Cost, 6);
        }

        Assert.Equal(plan.OnboardingCsms + plan.RenewalCsms, headcount.OtherCsms, 12);
        Assert.Equal(plan.HeadcountGap, headcount.HeadcountGap, 12);
        Assert.Equal((double)plan.MoneyGap, headcount.MoneyGap, 6);
        Assert.Equal(0.08, headcount.BudgetShareOfArr, 12);
    }

    [Fact]
    public void Tiers_SumEachTierAndKeepUnboundedPotential()
    {
        DashboardAccount Row(TouchModel tier, double arr, double potential, double risk)
            => new("x", arr, double.NaN, null, double.NaN, double.NaN, null, null, potential, double.NaN, risk, tier, null, null, null, null, null);

        var tiers = DashboardBuilder.Tiers([Row(TouchModel.HighTouch, 100, double.PositiveInfinity, 10), Row(TouchModel.HighTouch, 50, 200, 5), Row(TouchModel.TechTouch, 10, double.NaN, double.NaN)]);

        Assert.Equal([TouchModel.HighTouch, TouchModel.LowTouch, TouchModel.TechTouch], tiers.Select(t => t.Tier));
        Assert.Equal(new TierSummary(TouchModel.HighTouch, 2, 150, double.PositiveInfinity, 15), tiers[0]);
        Assert.Equal(new TierSummary(TouchModel.LowTouch, 0, 0, 0, 0), tiers[1]);
        Assert.Equal(new TierSummary(TouchModel.TechTouch, 1, 10, 0, 0), tiers[2]);
    }
}
