using CsScoring.Value;
using FsCheck;
using FsCheck.Fluent;

namespace CsScoring.Tests.Value;

/// <summary>A customer and a horizon for property tests of the transaction models.</summary>
public sealed record CustomerCase(int Frequency, double Recency, double Age, double Horizon, double MonetaryValue)
{
    public CustomerSummary Summary => new(Frequency, Frequency == 0 ? 0 : Recency, Age, MonetaryValue);
}

/// <summary>Four positive model parameters in the ranges real fits produce.</summary>
public sealed record ParameterCase(double P1, double P2, double P3, double P4);

/// <summary>sBG parameters with a discount rate and a number of renewals.</summary>
public sealed record SbgCase(double Alpha, double Beta, double Discount, int Renewals);

/// <summary>LTV inputs.</summary>
public sealed record LtvCase(decimal Arpa, double Churn, double Margin, double Discount);

/// <summary>Bounded generators for the value models' property tests.</summary>
public static class ValueArbitraries
{
    public static Arbitrary<CustomerCase> Customers()
        => (from x in Gen.Choose(0, 40)
            from age in Between(0.5, 80)
            from share in Between(0, 1)
            from horizon in Between(0.1, 200)
            from spend in Between(1, 500)
            select new CustomerCase(x, share * age, age, horizon, spend)).ToArbitrary();

    public static Arbitrary<ParameterCase> Parameters()
        => (from a in LogBetween(0.05, 20)
            from b in LogBetween(0.05, 20)
            from c in LogBetween(0.05, 20)
            from d in LogBetween(0.05, 20)
            select new ParameterCase(a, b, c, d)).ToArbitrary();

    public static Arbitrary<SbgCase> Sbg()
        => (from alpha in LogBetween(0.05, 20)
            from beta in LogBetween(0.05, 20)
            from discount in Between(0.01, 0.5)
            from renewals in Gen.Choose(0, 30)
            select new SbgCase(alpha, beta, discount, renewals)).ToArbitrary();

    public static Arbitrary<LtvCase> Ltv()
        => (from arpa in Gen.Choose(0, 1_000_000)
            from churn in Between(0, 1)
            from margin in Between(0, 1)
            from discount in Between(0, 0.5)
            select new LtvCase(arpa / 100m, Math.Round(churn, 6), Math.Round(margin, 4), Math.Round(discount, 4))).ToArbitrary();

    private static Gen<double> Between(double low, double high)
        => Gen.Choose(0, 1_000_000).Select(i => low + ((high - low) * i / 1_000_000.0));

    private static Gen<double> LogBetween(double low, double high)
        => Between(Math.Log(low), Math.Log(high)).Select(Math.Exp);
}
