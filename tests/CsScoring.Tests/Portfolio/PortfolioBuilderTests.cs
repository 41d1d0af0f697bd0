using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Portfolio;
using CsScoring.Segmentation;
using CsScoring.Tests.Data;
using CsScoring.Value;

namespace CsScoring.Tests.Portfolio;

public sealed class PortfolioBuilderTests
{
    private static PortfolioAccount Account(string id, decimal arr, double daysToRenewal = 200)
        => new(id, new DateOnly(2025, 3, 31), arr, new Dictionary<string, double> { ["days_to_renewal"] = daysToRenewal });

    private static AccountValue Value(decimal ltv, decimal risk) => new(0.01, LtvResult.Bounded(ltv), risk);

    [Fact]
    public void Build_JoinsByRawIdAndSortsByValueAtRisk()
    {
        PortfolioAccount[] accounts = [Account("=A", 1200), Account("@B", 2400), Account("-C", 600)];
        var churn = new Dictionary<string, ChurnRisk>(StringComparer.Ordinal)
        {
            ["=A"] = new(0.8, RiskBand.High, "usage fell"),
            ["@B"] = new(0.1, RiskBand.Low, null),
        };
        var health = new Dictionary<string, HealthStanding>(StringComparer.Ordinal) { ["=A"] = new(30, "red") };
        var values = new Dictionary<string, AccountValue>(StringComparer.Ordinal)
        {
            ["=A"] = Value(5000.456m, 400.004m),
            ["@B"] = Value(90000m, 900.10m),
        };

        var plan = PortfolioBuilder.Build(accounts, churn, health, values);

        Assert.Equal(["@B", "=A", "-C"], plan.Entries.Select(e => e.Account.AccountId));
        var a = plan.Entries[1];
        Assert.Equal(0.8, a.Churn!.Probability);
        Assert.Equal("red", a.Health!.Band);
        Assert.Equal(5000.46m, a.ExpectedLtv);
        Assert.Equal("400", a.ValueAtRisk.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("900.1", plan.Entries[0].ValueAtRisk.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var c = plan.Entries[2];
        Assert.Null(c.Churn);
        Assert.Null(c.Value);
        Assert.Equal(0m, c.ValueAtRisk);
        Assert.Equal(TieringBasis.ExpectedLtv, plan.Basis);
        Assert.Equal(3, plan.Capacity.Tiers.Sum(t => t.Accounts));
    }

    [Fact]
    public void Build_UnboundedLtv_RanksAboveEveryBoundedOne()
    {
        var accounts = Enumerable.Range(0, 40).Select(i => Account("A" + i, 1000 + i)).ToList();
        var values = accounts.ToDictionary(a => a.AccountId, a => Value(a.Arr * 10, 1), StringComparer.Ordinal);
        values["A0"] = new AccountValue(0, LtvResult.Unbounded, 0);
        var churn = accounts.ToDictionary(a => a.AccountId, _ => new ChurnRisk(0.1, RiskBand.Low, null), StringComparer.Ordinal);

        var plan = PortfolioBuilder.Build(accounts, churn, new Dictionary<string, HealthStanding>(), values);

        var a0 = plan.Entries.Single(e => e.Account.AccountId == "A0");
        Assert.Equal(TouchModel.HighTouch, a0.Touch);
        Assert.Null(a0.ExpectedLtv);
        Assert.True(a0.Value!.Value.ExpectedLtv.IsUnbounded);
    }

    [Fact]
    public void Build_WithoutValues_TiersByArr()
    {
        var accounts = Enumerable.Range(0, 20).Select(i => Account("A" + i, 100 * (i + 1))).ToList();

        var plan = PortfolioBuilder.Build(accounts, new Dictionary<string, ChurnRisk>(), new Dictionary<string, HealthStanding>(), new Dictionary<string, AccountValue>());

        Assert.Equal(TieringBasis.Arr, plan.Basis);
        Assert.Equal(TouchModel.HighTouch, plan.Entries.Single(e => e.Account.AccountId == "A19").Touch);
        Assert.Equal(TouchModel.TechTouch, plan.Entries.Single(e => e.Account.AccountId == "A0").Touch);
    }

    [Fact]
    public void Build_PicksThePlaybookActionFromTheJoinedSignals()
    {
        PortfolioAccount[] accounts = [Account("A", 1000), Account("B", 1000)];
        var health = new Dictionary<string, HealthStanding>(StringComparer.Ordinal) { ["A"] = new(20, "red"), ["B"] = new(90, "green") };

        var plan = PortfolioBuilder.Build(accounts, new Dictionary<string, ChurnRisk>(), health, new Dictionary<string, AccountValue>());

        Assert.NotNull(plan.Entries.Single(e => e.Account.AccountId == "A").Recommendation);
        Assert.Equal(plan.Entries.Count(e => e.Recommendation is not null), plan.Actions.Sum(a => a.Accounts));
    }

    [Fact]
    public void Signals_MissingPartsAreMissing_NumbersAreExactText()
    {
        var signals = PortfolioBuilder.Signals(Account("A", 1200, daysToRenewal: 30), null, null, TouchModel.LowTouch);

        Assert.Null(signals["churn_probability"]);
        Assert.Null(signals["health_score"]);
        Assert.Null(signals["health_band"]);
        Assert.Equal("low_touch", signals["touch_model"]);
        Assert.Equal("1200", signals["arr"]);
        Assert.Equal("30", signals["days_to_renewal"]);
    }

    [Fact]
    public void Build_NoAccounts_Throws()
        => Assert.Throws<ArgumentException>(() => PortfolioBuilder.Build([], new Dictionary<string, ChurnRisk>(), new Dictionary<string, HealthStanding>(), new Dictionary<string, AccountValue>()));

    [Fact]
    public void ReadCurrent_TakesTheCurrentSnapshotOfEachCurrentCustomer()
    {
        var table = BufferedTable.Read(MemoryDataFolder.Table(
            "account_id,as_of,mrr,dau_mau\n=A,2025-02-28,10,0.5\n+B,2025-02-28,5,0.1\n=A,2025-03-31,20,\nC,2025-03-31,,0.3\n", "accounts.csv"));
        CustomerBase customers;
        using (var reader = table.CreateReader())
        {
            customers = CustomerBase.Read(reader);
        }

        IReadOnlyList<PortfolioAccount> current;
        using (var reader = table.CreateReader())
        {
            current = PortfolioAccount.ReadCurrent(reader, customers);
        }

        Assert.Equal(["=A", "C"], current.Select(a => a.AccountId));
        Assert.Equal(240m, current[0].Arr);
        Assert.Equal(0m, current[1].Arr);
        Assert.True(double.IsNaN(current[0].Signals["dau_mau"]));
        Assert.True(double.IsNaN(current[0].Signals["days_to_renewal"]));
        Assert.Equal(0.3, current[1].Signals["dau_mau"]);
    }
}

public sealed class PortfolioValuationTests
{
    [Fact]
    public void Evaluate_ValuesPayingAccountsWithAProbability_InInputOrder()
    {
        var month = new DateOnly(2025, 3, 1);
        var ledger = MrrLedger.Create([new("=A", month, 100m), new("B", month, 0m), new("C", month, 50m), new("D", month, 10m)]);

        var valued = PortfolioValuation.Evaluate([("C", 0.2), ("=A", 0.1), ("B", 0.3), ("D", double.NaN), ("E", 0.1)], ledger, 0.01, horizonMonths: 3);

        Assert.Equal(["C", "=A"], valued.Select(v => v.AccountId));
        Assert.Equal(AccountValuation.Evaluate(new AccountValueInputs(100m, 1, 0.01, 0.1, 3)), valued[1].Value);
        Assert.Equal(50m, valued[0].Inputs.Mrr);
    }
}
