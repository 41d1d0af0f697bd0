using CsScoring.Value;

namespace CsScoring.Tests.Value;

public sealed class CustomerValueTests
{
    private static readonly BgNbdParameters Weekly = new(0.2426, 4.4136, 0.7929, 2.4259);
    private static readonly GammaGammaParameters Spend = new(6.25, 3.74, 15.44);

    [Fact]
    public void Clv_SameModelInDays_GivesTheSameValue()
    {
        // A model fitted in days has α in 1/day = α_week / 7; the same customer in days must have the same CLV.
        var daily = new BgNbdParameters(Weekly.R, Weekly.Alpha * 7, Weekly.A, Weekly.B);
        var inWeeks = new CustomerSummary(2, 30.43, 38.86, 22.35);
        var inDays = new CustomerSummary(2, 30.43 * 7, 38.86 * 7, 22.35);
        var weeks = new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = 12, HorizonUnit = TimeUnit.Month, DiscountRate = 0.01 };
        var days = new ClvOptions { ModelTimeUnit = TimeUnit.Day, Horizon = 12, HorizonUnit = TimeUnit.Month, DiscountRate = 0.01 };

        Assert.Equal(CustomerValue.Clv(Weekly, Spend, inWeeks, weeks), CustomerValue.Clv(daily, Spend, inDays, days), 9);
    }

    [Fact]
    public void Clv_NoDiscount_IsExpectedTransactionsTimesSpend()
    {
        var customer = new CustomerSummary(2, 30.43, 38.86, 22.35);
        var options = new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = 52, HorizonUnit = TimeUnit.Week, DiscountPeriod = TimeUnit.Week };
        var expected = Weekly.ExpectedTransactions(customer, 52) * Spend.ExpectedSpend(2, 22.35);
        Assert.Equal(expected, CustomerValue.Clv(Weekly, Spend, customer, options), 9);
    }

    [Fact]
    public void Clv_FallsWithTheDiscountRateAndRisesWithTheHorizon()
    {
        var customer = new CustomerSummary(5, 30, 38.86, 40);
        var low = CustomerValue.Clv(Weekly, Spend, customer, new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = 24, DiscountRate = 0.005 });
        var high = CustomerValue.Clv(Weekly, Spend, customer, new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = 24, DiscountRate = 0.02 });
        var longer = CustomerValue.Clv(Weekly, Spend, customer, new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = 36, DiscountRate = 0.02 });
        Assert.True(low > high);
        Assert.True(longer > high);
    }

    [Fact]
    public void Clv_Batch_EqualsSingleAndAllocatesNothing()
    {
        var customers = CustomerSimulator.GammaGammaSpend(Spend, CustomerSimulator.BgNbd(Weekly, 300, 10, 40, 2), 3);
        var options = new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = 12, DiscountRate = 0.01 };
        var destination = new double[customers.Length];
        CustomerValue.Clv(Weekly, Spend, customers, options, destination);
        Assert.Equal(CustomerValue.Clv(Weekly, Spend, customers[7], options), destination[7]);

        // An allocation in the batch path happens on every call; a one-off runtime allocation on this thread (seen
        // once under a loaded machine while methods were being recompiled) does not, so the least of three counts.
        var least = long.MaxValue;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            CustomerValue.Clv(Weekly, Spend, customers, options, destination);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
    }

    [Fact]
    public void Options_NegativeDiscount_Throws()
        => Assert.Equal("ClvOptions.DiscountRate", Assert.Throws<InvalidOptionException>(() => new ClvOptions { ModelTimeUnit = TimeUnit.Week, DiscountRate = -0.1 }).Option);
}
