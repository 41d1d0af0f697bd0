using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Planning;
using CsScoring.Segmentation;

namespace CsScoring.Tests.Planning;

public sealed class OrganisationPlannerTests : IDisposable
{
    private static readonly DateOnly AsOf = new(2025, 12, 31);
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-planning-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FromLedger_AccountsPayingInTheLastMonth_WithTheStartOfTheirPayingRun()
    {
        var path = Path.Combine(_directory, "ledger.csv");
        File.WriteAllText(path, """
            account_id,month,mrr
            A,2025-01,100
            A,2025-02,100
            A,2025-03,120
            B,2025-01,50
            C,2025-01,10
            C,2025-03,30
            """);
        MrrLedger ledger;
        using (var reader = TabularReader.Open(path))
        {
            ledger = MrrLedger.Read(reader);
        }

        var book = CustomerBook.FromLedger(ledger);

        Assert.Equal(new DateOnly(2025, 3, 31), book.AsOf);
        Assert.Equal(1, book.FormerAccounts);
        Assert.Equal(["A", "C"], book.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal));
        var a = book.Accounts.Single(x => x.Id == "A");
        Assert.Equal(1440m, a.Arr);
        Assert.Null(a.ContractStart); // paying since the ledger starts: its start is unknown
        Assert.Equal(new DateOnly(2025, 3, 1), book.Accounts.Single(x => x.Id == "C").ContractStart); // returned in March
    }

    // 100 accounts with ARR 1,000 x 1..100 (5,050,000 in all), 12 months of history growing 1% a month.
    private static List<BookAccount> Book() => [.. Enumerable.Range(1, 100).Select(i => new BookAccount($"A{i:000}", 1000m * i) { Region = i % 2 == 0 ? "na" : "emea" })];

    private static List<ArrPoint> History() => [.. Enumerable.Range(0, 13).Select(i => new ArrPoint(new DateOnly(2024, 12, 1).AddMonths(i), 5_050_000m / (decimal)Math.Pow(1.01, 12 - i)))];

    private static OrganisationPlanOptions Options => new() { AsOf = AsOf, Activity = new BookActivity(0, 0) };

    [Fact]
    public void Plan_TiersByShares_AndComputesBothHeadcounts()
    {
        var plan = OrganisationPlanner.Plan(Book(), History(), Options);

        // Top 5 high-touch (15 per CSM), next 25 low-touch (80), 70 tech-touch (1000).
        Assert.Equal([70, 25, 5], plan.BottomUp.Tiers.Select(t => t.Accounts).ToArray());
        Assert.Equal(5 / 15.0 + 25 / 80.0 + 70 / 1000.0, plan.BottomUp.CsmsNeeded, 12);
        Assert.Equal(5_050_000m * 0.08m, plan.TopDown.Budget);
        Assert.Equal(3.4m, plan.TopDown.Headcount); // 404,000 / 120,000 = 3.37
        Assert.Equal(new DateOnly(2026, 1, 1), plan.Hiring.Start);
        Assert.Equal(0.01, plan.Hiring.MonthlyGrowthRate, 9);
        Assert.Equal(6, plan.Advice.Recommendations.Count);
        Assert.Equal(2, plan.Profile.Regions);
        Assert.NotNull(plan.Tiering);
    }

    [Fact]
    public void Plan_WhatIf_LowerCutOffsRaiseTheBottomUpFigure_AndAHigherRatioTheTopDownOne()
    {
        var baseline = OrganisationPlanner.Plan(Book(), History(), Options);
        var moreHighTouch = OrganisationPlanner.Plan(Book(), History(), Options with { Tiering = new TieringPolicy(61_000m, 11_000m) });
        var richer = OrganisationPlanner.Plan(Book(), History(), Options with { Capacity = new CapacityOptions { BudgetShareOfArr = 0.10 } });

        // Cut-offs at 61,000 and 11,000: 40 high-touch, 50 low-touch, 10 tech-touch.
        Assert.Equal([10, 50, 40], moreHighTouch.BottomUp.Tiers.Select(t => t.Accounts).ToArray());
        Assert.True(moreHighTouch.BottomUp.CsmsNeeded > baseline.BottomUp.CsmsNeeded);
        Assert.True(moreHighTouch.BottomUp.HeadcountGap < baseline.BottomUp.HeadcountGap);
        Assert.Equal(baseline.TopDown, moreHighTouch.TopDown);

        Assert.Equal(4.2m, richer.TopDown.Headcount); // 505,000 / 120,000 = 4.21
        Assert.Equal(baseline.BottomUp.CsmsNeeded, richer.BottomUp.CsmsNeeded, 12);
        Assert.True(richer.BottomUp.MoneyGap > baseline.BottomUp.MoneyGap);
        Assert.True(richer.Hiring.Quarters[0].AffordableCsms > baseline.Hiring.Quarters[0].AffordableCsms);
    }

    [Fact]
    public void Plan_AccountsWithTiers_KeepThem()
    {
        var book = Book().Select(a => a with { Tier = TouchModel.HighTouch }).ToList();
        var plan = OrganisationPlanner.Plan(book, History(), Options);
        Assert.Equal(100, plan.BottomUp.Tiers[(int)TouchModel.HighTouch].Accounts);
        Assert.Null(plan.Tiering);
    }

    [Fact]
    public void Plan_ActivityFromDates_AddsOnboardingAndRenewalLoad()
    {
        var book = Book().Select((a, i) => a with { ContractStart = i < 24 ? AsOf.AddMonths(-2) : null, NextRenewal = i < 36 ? AsOf.AddMonths(3) : null }).ToList();
        var plan = OrganisationPlanner.Plan(book, History(), Options with { Activity = null });

        // 24 starts and 36 renewals a year: 2 and 3 a month; 2 x 10 h / 120 h and 3 x 4 h / 120 h.
        Assert.Equal(new BookActivity(2, 3), plan.BottomUp.Activity);
        Assert.Equal(20 / 120.0, plan.BottomUp.OnboardingCsms, 12);
        Assert.Equal(12 / 120.0, plan.BottomUp.RenewalCsms, 12);
    }

    [Fact]
    public void Plan_AdvisorOverrides_WinOverTheDerivedInputs()
    {
        var plan = OrganisationPlanner.Plan(Book(), History(), Options with { Stage = GrowthStage.Scale, RegionalDifferences = RegionalDifferences.High });
        Assert.Equal(GrowthStage.Scale, plan.Advice.Stage);
        Assert.Equal(RegionalDifferences.High, plan.Profile.RegionalDifferences);
    }

    [Fact]
    public void Plan_EmptyBook_NamesTheBook()
        => Assert.Equal("book", Assert.Throws<ArgumentException>(() => OrganisationPlanner.Plan([], History(), Options)).ParamName);

    [Fact]
    public void Plan_IsSerialisableWithTheLibraryJsonStyle()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(OrganisationPlanner.Plan(Book(), History(), Options), CsScoringJson.Options);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(3.4m, root.GetProperty("top_down").GetProperty("headcount").GetDecimal());
        Assert.Equal(4, root.GetProperty("hiring").GetProperty("quarters").GetArrayLength());
        Assert.Equal("all_rounder", root.GetProperty("advice").GetProperty("recommendations").EnumerateArray().Select(r => r.GetProperty("model").GetString()).Order(StringComparer.Ordinal).First());
    }

    [Fact]
    public void Read_KeepsCurrentAccountsOnTheLastAsOf_WithTheirDatesAndLoads()
    {
        var path = Path.Combine(_directory, "accounts.csv");
        File.WriteAllText(path, """
            account_id,as_of,region,mrr,tenure_months,contract_type,renewal_date,onboarding_completed,tickets_90d
            A1,2025-11-30,na,100,5,annual,2026-06-30,1,3
            A1,2025-12-31,na,110,6,annual,2026-06-30,1,6
            A2,2025-12-31,emea,50,2,monthly,2026-01-01,,
            A3,2025-11-30,na,70,1,monthly,2025-12-01,0,0
            """);
        CustomerBook book;
        using (var reader = TabularReader.Open(path))
        {
            book = CustomerBook.Read(BufferedTable.Read(reader));
        }

        Assert.Equal(AsOf, book.AsOf);
        Assert.Equal(1, book.FormerAccounts);
        Assert.Equal(["A1", "A2"], book.Accounts.Select(a => a.Id));
        var a1 = book.Accounts[0];
        Assert.Equal(1320m, a1.Arr);
        Assert.Equal("na", a1.Region);
        Assert.Equal(new DateOnly(2025, 6, 30), a1.ContractStart);
        Assert.Equal(new DateOnly(2026, 6, 30), a1.NextRenewal);
        Assert.True(a1.OnboardingCompleted);
        Assert.Equal(2.0, a1.TicketsPerMonth);
        var a2 = book.Accounts[1];
        Assert.Null(a2.NextRenewal); // a monthly contract renews by itself
        Assert.Null(a2.OnboardingCompleted);
    }

    [Fact]
    public void Read_ArrColumn_IsUsedAsIs()
    {
        var path = Path.Combine(_directory, "arr.csv");
        File.WriteAllText(path, "account_id,as_of,arr,mrr\nA1,2025-12-31,1000,1\n");
        using var reader = TabularReader.Open(path);
        Assert.Equal(1000m, CustomerBook.Read(BufferedTable.Read(reader)).Accounts.Single().Arr);
    }

    [Fact]
    public void Read_NegativeMrr_NamesTheRowAndColumn()
    {
        var path = Path.Combine(_directory, "bad.csv");
        File.WriteAllText(path, "account_id,as_of,mrr\nA1,2025-12-31,-5\n");
        using var reader = TabularReader.Open(path);
        var error = Assert.Throws<DataFormatException>(() => CustomerBook.Read(BufferedTable.Read(reader)));
        Assert.Equal("mrr", error.Column);
        Assert.Equal(1, error.Row);
    }
}
