using CsScoring.Planning;
using CsScoring.Segmentation;

namespace CsScoring.Tests.Planning;

public sealed class OrganisationAdvisorTests
{
    private static OrganisationModel Best(OrganisationProfile profile) => OrganisationAdvisor.Rank(profile)[0].Model;

    private static ModelRecommendation Of(OrganisationProfile profile, OrganisationModel model) => OrganisationAdvisor.Rank(profile).Single(r => r.Model == model);

    [Fact]
    public void AllRounder_EarlyStageWithFewCustomers_IsBest()
    {
        var profile = new OrganisationProfile { Customers = 12, Arr = 30_000_000m };
        Assert.Equal(OrganisationModel.AllRounder, Best(profile));
        var advice = Of(profile, OrganisationModel.AllRounder);
        Assert.Equal(0.9, advice.Fit);
        Assert.Contains(advice.Reasons, r => r.Contains("Early stage", StringComparison.Ordinal));
        Assert.Contains(advice.Risks, r => r.Contains("Runs out of people as customers grow", StringComparison.Ordinal));
    }

    [Fact]
    public void SalesCsCollaboration_LightOnboardingAndSupportAtGrowthStage_IsBest()
    {
        var profile = new OrganisationProfile { Customers = 60, Arr = 60_000_000m, TopDecileShare = 0.2 };
        Assert.Equal(GrowthStage.Growth, profile.EffectiveStage);
        Assert.Equal(OrganisationModel.SalesCsCollaboration, Best(profile));
        Assert.Contains(Of(profile, OrganisationModel.SalesCsCollaboration).Risks, r => r.Contains("second salesperson", StringComparison.Ordinal));
    }

    [Fact]
    public void SalesCsCollaboration_HeavySupport_LosesItsLead()
    {
        var light = new OrganisationProfile { Customers = 60, Arr = 60_000_000m, TopDecileShare = 0.2 };
        var heavy = light with { Support = WorkLoad.Heavy };
        Assert.Equal(0.75, Of(light, OrganisationModel.SalesCsCollaboration).Fit);
        Assert.Equal(0.05, Of(heavy, OrganisationModel.SalesCsCollaboration).Fit);
        Assert.NotEqual(OrganisationModel.SalesCsCollaboration, Best(heavy));
    }

    [Fact]
    public void Dedicated_FewCustomersAtAHighPrice_IsBest()
    {
        // 12 customers with 30M yen ARR each: 8% is 2.4M a customer, more than a fifteenth of a 5.4M-a-year CSM.
        var profile = new OrganisationProfile
        {
            Customers = 12, Arr = 360_000_000m, Stage = GrowthStage.Growth, Onboarding = WorkLoad.Heavy,
            Capacity = new CapacityOptions { CsmMonthlyCost = 450_000m },
        };
        Assert.Equal(OrganisationModel.Dedicated, Best(profile));
        Assert.Equal(0.85, Of(profile, OrganisationModel.Dedicated).Fit);
        Assert.Contains(Of(profile, OrganisationModel.Dedicated).Reasons, r => r.StartsWith("High price", StringComparison.Ordinal));
    }

    [Fact]
    public void Dedicated_LowPrice_IsPenalised()
    {
        // 12 customers with 1M yen ARR each: 80,000 a customer cannot pay for 360,000 of a CSM.
        var profile = new OrganisationProfile { Customers = 12, Arr = 12_000_000m, Capacity = new CapacityOptions { CsmMonthlyCost = 450_000m } };
        Assert.Equal(0.1, Of(profile, OrganisationModel.Dedicated).Fit);
        Assert.Contains(Of(profile, OrganisationModel.Dedicated).Risks, r => r.Contains("does not pay", StringComparison.Ordinal));
    }

    [Fact]
    public void Functional_ManyCustomersAtScaleWithHeavyOnboarding_IsBest()
    {
        var profile = new OrganisationProfile { Customers = 2000, Arr = 2_000_000_000m, TopDecileShare = 0.25, Onboarding = WorkLoad.Heavy };
        Assert.Equal(GrowthStage.Scale, profile.EffectiveStage);
        Assert.Equal(OrganisationModel.Functional, Best(profile));
        Assert.Equal(0.85, Of(profile, OrganisationModel.Functional).Fit);
        Assert.Contains(Of(profile, OrganisationModel.Functional).Risks, r => r.Contains("hand-offs", StringComparison.Ordinal));
    }

    [Fact]
    public void Regional_RegionsWhoseCustomsDiffer_IsBest_WithAModelPerRegion()
    {
        var profile = new OrganisationProfile
        {
            Customers = 600, Arr = 600_000_000m, TopDecileShare = 0.2, Regions = 3, RegionalDifferences = RegionalDifferences.High,
            CustomersByRegion = new Dictionary<string, int> { ["apac"] = 20, ["emea"] = 180, ["na"] = 400 },
        };
        Assert.Equal(OrganisationModel.Regional, Best(profile));
        var reasons = string.Join(" ", Of(profile, OrganisationModel.Regional).Reasons);
        Assert.Contains("apac (20) all_rounder", reasons, StringComparison.Ordinal);
        Assert.Contains("emea (180) by_customer_size", reasons, StringComparison.Ordinal);
        Assert.Contains("na (400) functional", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public void Regional_OneRegion_HasNoFit()
    {
        var profile = new OrganisationProfile { Customers = 600, Arr = 1m, RegionalDifferences = RegionalDifferences.High };
        Assert.Equal(0, Of(profile, OrganisationModel.Regional).Fit);
        Assert.Equal(OrganisationModel.Regional, OrganisationAdvisor.Rank(profile)[^1].Model);
    }

    [Fact]
    public void ByCustomerSize_ConcentratedValue_IsBest()
    {
        var profile = new OrganisationProfile { Customers = 200, Arr = 200_000_000m, TopDecileShare = 0.7, Support = WorkLoad.Heavy };
        Assert.Equal(OrganisationModel.ByCustomerSize, Best(profile));
        Assert.Equal(0.9, Of(profile, OrganisationModel.ByCustomerSize).Fit);
        Assert.Contains(Of(profile, OrganisationModel.ByCustomerSize).Reasons, r => r.Contains("70%", StringComparison.Ordinal));
    }

    [Fact]
    public void Ranking_CustomersCrossingThirty_MovesAllRounderOffTheTop()
    {
        var thirty = new OrganisationProfile { Customers = 30, Arr = 1m };
        Assert.Equal(OrganisationModel.AllRounder, Best(thirty));
        Assert.Equal(OrganisationModel.SalesCsCollaboration, Best(thirty with { Customers = 31 }));
    }

    [Fact]
    public void Ranking_TopDecileCrossingHalf_SwapsFunctionalAndByCustomerSize()
    {
        var profile = new OrganisationProfile { Customers = 900, Arr = 1m, TopDecileShare = 0.49, Onboarding = WorkLoad.Heavy, Support = WorkLoad.Heavy };
        Assert.Equal(OrganisationModel.Functional, Best(profile));
        Assert.Equal(OrganisationModel.ByCustomerSize, Best(profile with { TopDecileShare = 0.5 }));
    }

    [Fact]
    public void Ranking_RegionsStartingToDiffer_PutsRegionalFirst()
    {
        var profile = new OrganisationProfile { Customers = 600, Arr = 1m, TopDecileShare = 0.2, Regions = 3 };
        Assert.Equal(OrganisationModel.Functional, Best(profile));
        Assert.Equal(OrganisationModel.Regional, Best(profile with { RegionalDifferences = RegionalDifferences.High }));
    }

    [Theory]
    [InlineData(49, GrowthStage.Early)]
    [InlineData(50, GrowthStage.Growth)]
    [InlineData(499, GrowthStage.Growth)]
    [InlineData(500, GrowthStage.Scale)]
    public void StageFor_DerivesTheStageFromCustomers(int customers, GrowthStage stage)
        => Assert.Equal(stage, OrganisationAdvisor.StageFor(customers));

    [Fact]
    public void Rank_ReturnsAllSixModelsBestFirstWithFitsInRange()
    {
        var ranked = OrganisationAdvisor.Rank(new OrganisationProfile { Customers = 45, Arr = 1m, TopDecileShare = 0.4, Regions = 2 });
        Assert.Equal(Enum.GetValues<OrganisationModel>().Order(), ranked.Select(r => r.Model).Order());
        Assert.All(ranked, r => Assert.InRange(r.Fit, 0, 1));
        Assert.Equal(ranked.Select(r => r.Fit).OrderDescending(), ranked.Select(r => r.Fit));
    }

    [Fact]
    public void Advise_CustomersTriple_RederivesTheStageAndReportsTheChanges()
    {
        var advice = OrganisationAdvisor.Advise(new OrganisationProfile { Customers = 20, Arr = 20_000_000m });
        Assert.Equal(OrganisationModel.AllRounder, advice.Recommendations[0].Model);
        Assert.Equal(60, advice.IfCustomersTriple.Customers);
        Assert.Equal(60_000_000m, advice.IfCustomersTriple.Arr);
        Assert.Equal(GrowthStage.Growth, advice.IfCustomersTriple.Stage);
        Assert.Equal(OrganisationModel.SalesCsCollaboration, advice.IfCustomersTriple.Recommendations[0].Model);
        Assert.Contains("The best model changes from all_rounder to sales_cs_collaboration.", advice.IfCustomersTriple.Changes);
    }

    [Fact]
    public void Advise_GivenStage_IsKeptWhenCustomersTriple()
        => Assert.Equal(GrowthStage.Early, OrganisationAdvisor.Advise(new OrganisationProfile { Customers = 200, Arr = 1m, Stage = GrowthStage.Early }).IfCustomersTriple.Stage);

    [Fact]
    public void Rank_NegativeCustomers_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => OrganisationAdvisor.Rank(new OrganisationProfile { Customers = -1, Arr = 1m }));

    [Fact]
    public void Rank_TopDecileShareAboveOne_NamesIt()
        => Assert.Equal(nameof(OrganisationProfile.TopDecileShare), Assert.Throws<ArgumentOutOfRangeException>(() => OrganisationAdvisor.Rank(new OrganisationProfile { Customers = 1, Arr = 1m, TopDecileShare = 1.5 })).ParamName);

    [Fact]
    public void TopDecileShareOf_TakesTheLargestTenthRoundedUp()
    {
        Assert.Equal(10 / 55.0, OrganisationProfile.TopDecileShareOf(Enumerable.Range(1, 10).Select(i => (decimal)i))!.Value, 12);
        Assert.Equal((11 + 10) / 66.0, OrganisationProfile.TopDecileShareOf(Enumerable.Range(1, 11).Select(i => (decimal)i))!.Value, 12);
        Assert.Null(OrganisationProfile.TopDecileShareOf([]));
    }

    [Fact]
    public void FromBook_DerivesRegionsLoadsAndConcentration()
    {
        var asOf = new DateOnly(2025, 12, 31);
        var old = asOf.AddMonths(-12);
        var book = new List<BookAccount>();
        for (var i = 0; i < 20; i++)
        {
            // emea's customers pay twice na's: the regions differ; 6 of 20 never finished onboarding (30%); 1.5 tickets a month.
            book.Add(new BookAccount($"a{i}", i < 10 ? 1000m : 2000m)
            {
                Region = i < 10 ? "na" : "emea", ContractStart = old, OnboardingCompleted = i >= 6, TicketsPerMonth = 1.5,
            });
        }

        var profile = OrganisationProfile.FromBook(book, asOf);
        Assert.Equal(20, profile.Customers);
        Assert.Equal(30_000m, profile.Arr);
        Assert.Equal(2, profile.Regions);
        Assert.Equal(10, profile.CustomersByRegion!["emea"]);
        Assert.Equal(RegionalDifferences.High, profile.RegionalDifferences);
        Assert.Equal(WorkLoad.Heavy, profile.Onboarding);
        Assert.Equal(WorkLoad.Heavy, profile.Support);
        Assert.Equal(4000 / 30_000.0, profile.TopDecileShare!.Value, 12);

        var alike = OrganisationProfile.FromBook([.. book.Select(a => a with { Arr = 1000m, OnboardingCompleted = true, TicketsPerMonth = 0.5 })], asOf);
        Assert.Equal(RegionalDifferences.Low, alike.RegionalDifferences);
        Assert.Equal(WorkLoad.Light, alike.Onboarding);
        Assert.Equal(WorkLoad.Light, alike.Support);
    }
}
