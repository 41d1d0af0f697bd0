using System.Globalization;
using System.Text;
using CsScoring.Churn;
using CsScoring.Churn.Features;
using CsScoring.Conditions;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Playbooks;
using CsScoring.Portfolio;
using CsScoring.Segmentation;
using CsScoring.Tests.Churn;
using CsScoring.Tests.Data;
using CsScoring.Value;

namespace CsScoring.Tests.Portfolio;

public sealed class PortfolioBuilderTests
{
    private const string Scorecard = """
        { "name": "usage", "bands": [ { "name": "red", "from": 0 }, { "name": "yellow", "from": 40 }, { "name": "green", "from": 70 } ],
          "groups": [ { "name": "adoption", "weight": 1, "metrics": [ { "column": "seat_utilization", "scaling": { "kind": "linear", "min": 0, "max": 1 } } ] } ] }
        """;

    private static readonly string[] HostileIds = ["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "<script>", "-2"];

    // Two monthly snapshots per account; the current one's seat utilisation is the previous one's minus `drop`.
    private static BufferedTable Table(int count, int seed, double drop = 0.3, string? extraRow = null)
    {
        var rows = ModelDirectories.Rows(count, seed);
        var text = new StringBuilder("account_id,as_of,tickets_90d,seat_utilization,tenure_months,executive_sponsor,plan,usage_trend,mrr\n");
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var id = i < HostileIds.Length ? HostileIds[i] : "A" + i.ToString("D4", CultureInfo.InvariantCulture);
            var quoted = "\"" + id.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            var utilisation = double.TryParse(r["seat_utilization"], NumberStyles.Float, CultureInfo.InvariantCulture, out var u) ? u : 0.5;
            var mrr = 50 + ((i * 37) % 400);
            foreach (var (date, seat) in new[] { ("2025-05-01", Math.Min(1, utilisation + drop)), ("2025-06-01", utilisation) })
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{quoted},{date},{r["tickets_90d"]},{seat:0.###},{r["tenure_months"]},{r["executive_sponsor"]},{r["plan"]},{r["usage_trend"]},{mrr}\n");
            }
        }

        if (extraRow is not null)
        {
            text.Append(extraRow).Append('\n');
        }

        return BufferedTable.Read(MemoryDataFolder.Table(text.ToString(), "accounts.csv"));
    }

    private static PortfolioBuilder Builder(Playbook? playbook = null, PortfolioOptions? options = null)
        => new(ChurnModel.Load(ModelDirectories.Get("fast_tree")), ScorecardJson.Parse(Scorecard).Compile(), playbook ?? Playbook.Default,
            options ?? new PortfolioOptions { TrendPeriods = 1 });

    [Fact]
    public void Build_OneRowPerCurrentAccount_ByPriorityOfValueAtRisk_WithConsistentValues()
    {
        var table = Table(120, seed: 5);

        var result = Builder().Build(table.CreateReader);

        Assert.Equal(120, result.Rows.Count);
        Assert.Equal(Enumerable.Range(1, 120), result.Rows.Select(r => r.Priority));
        for (var k = 1; k < result.Rows.Count; k++)
        {
            Assert.True(result.Rows[k - 1].ValueAtRisk.Value >= result.Rows[k].ValueAtRisk.Value);
        }

        Assert.All(result.Rows, r =>
        {
            Assert.InRange(r.ValueAtRisk.Value, 0m, r.PotentialValue.Value);
            Assert.Equal(r.PotentialValue.Value, r.ExpectedValue.Value + r.ValueAtRisk.Value);
            Assert.Equal(new DateOnly(2025, 6, 1), r.AsOf);
        });
        Assert.Contains(result.Rows, r => r.AccountId == "=HYPERLINK(\"http://x\")"); // raw ids, never the neutralised form
        Assert.Equal(120, result.Summary.Tiers.Sum(t => t.Accounts));
        Assert.Equal(result.Rows.Sum(r => r.Arr), result.Summary.Tiers.Sum(t => t.Arr));
    }

    [Fact]
    public void Build_TiersFollowPotentialValue_NotRisk()
    {
        var result = Builder(options: new PortfolioOptions { TrendPeriods = 1, Tiering = new TieringOptions { Escalation = null } }).Build(Table(200, seed: 9).CreateReader);

        var lowestHigh = result.Rows.Where(r => r.Tier == TouchModel.HighTouch).Min(r => r.PotentialValue.Value);
        var highestOther = result.Rows.Where(r => r.Tier != TouchModel.HighTouch).Max(r => r.PotentialValue.Value);
        Assert.True(lowestHigh >= highestOther);
        Assert.Equal(10, result.Rows.Count(r => r.Tier == TouchModel.HighTouch)); // 5 % of 200
    }

    [Fact]
    public void Build_Capacity_RiskiestValuableAccountsAreHighTouchOrEscalated_WithinCapacity()
    {
        var options = new PortfolioOptions
        {
            TrendPeriods = 1,
            Tiering = new TieringOptions { Method = TieringMethod.Capacity, HighTouchCapacity = 20, Escalation = new EscalationRule { MinChurnProbability = 0.3, TopValueShare = 0.4 } },
        };

        var result = Builder(options: options).Build(Table(200, seed: 11).CreateReader);

        Assert.Equal(20, result.Rows.Count(r => r.Tier == TouchModel.HighTouch || r.Escalated));
        var byValue = result.Rows.OrderByDescending(r => r.PotentialValue.Value).ThenBy(r => r.AccountId, StringComparer.Ordinal).ToList();
        var risky = byValue.Take(20).Where(r => r.ChurnProbability >= 0.3).ToList();
        Assert.All(risky, r => Assert.True(r.Tier == TouchModel.HighTouch || r.Escalated, r.AccountId));
        Assert.All(result.Rows.Where(r => r.Escalated), r => Assert.Equal(PlaybookOwner.NamedCsm, r.Owner ?? PlaybookOwner.NamedCsm));
    }

    [Fact]
    public void Build_HealthChange_IsTheChangeOverTheTrendPeriods_AndTheDefaultPlaybookActsOnEveryFallingOrHighRiskAccount()
    {
        var result = Builder().Build(Table(80, seed: 3, drop: 0.3).CreateReader);

        var falling = result.Rows.Where(r => r.HealthChange <= -15).ToList();
        Assert.NotEmpty(falling);
        Assert.All(result.Rows.Where(r => double.IsFinite(r.HealthChange)), r => Assert.InRange(r.HealthChange, -30.0001, 0.0001));
        Assert.Equal(0, result.Summary.Lint.FallingHealthWithoutAction);
        Assert.Equal(0, result.Summary.Lint.HighRiskWithoutAction);
        Assert.All(result.Rows.Where(r => r.ChurnBand == RiskBand.High), r => Assert.NotNull(r.Action));
        Assert.All(result.Rows.Where(r => r.Action is not null), r =>
        {
            Assert.Equal(r.AsOf.AddDays(r.Action!.DueDays), r.Due);
            Assert.NotNull(r.Owner);
        });
        Assert.Equal(80, result.Summary.HealthBands.Now.Sum());
        Assert.Equal(80, result.Summary.HealthBands.Movement.Sum(row => row.Sum()));
    }

    [Fact]
    public void Build_PlaybookWithoutRiskRules_IsLinted()
    {
        var playbook = new Playbook([new PlaybookRule("expansion", "sell", 1, [Condition.Compare("seat_utilization", ConditionOperator.GreaterOrEqual, 2)])]);

        var summary = Builder(playbook).Build(Table(80, seed: 3).CreateReader).Summary;

        Assert.True(summary.Lint.FallingHealthAccounts > 0);
        Assert.Equal(summary.Lint.FallingHealthAccounts, summary.Lint.FallingHealthWithoutAction);
        Assert.Contains(summary.Warnings, w => w.Contains("health fell", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(15.0)]
    [InlineData(25.0)]
    public void Build_LintCountsByTheAtRiskRule_PerTierSummingToTheTotals(double points)
    {
        var playbook = new Playbook([new PlaybookRule("expansion", "sell", 1, [Condition.Compare("seat_utilization", ConditionOperator.GreaterOrEqual, 0.5)])]);
        var rule = new AtRiskRule { FallingHealthPoints = points };

        var result = Builder(playbook, new PortfolioOptions { TrendPeriods = 1, AtRisk = rule }).Build(Table(120, seed: 3, drop: 0.2).CreateReader);
        var lint = result.Summary.Lint;

        // The lint's counts are exactly the rule applied to the rows, tier by tier.
        Assert.Equal(rule, lint.Rule);
        foreach (var tier in lint.Tiers)
        {
            var rows = result.Rows.Where(r => r.Tier == tier.Tier).ToList();
            Assert.Equal(rows.Count(r => AtRiskRule.IsHighRisk(r.ChurnBand)), tier.HighRiskAccounts);
            Assert.Equal(rows.Count(r => AtRiskRule.IsHighRisk(r.ChurnBand) && r.Action is null), tier.HighRiskWithoutAction);
            Assert.Equal(rows.Count(r => r.HealthChange <= -points), tier.FallingHealthAccounts);
            Assert.Equal(rows.Count(r => r.HealthChange <= -points && r.Action is null), tier.FallingHealthWithoutAction);
        }

        Assert.Equal(lint.HighRiskAccounts, lint.Tiers.Sum(t => t.HighRiskAccounts));
        Assert.Equal(lint.FallingHealthWithoutAction, lint.Tiers.Sum(t => t.FallingHealthWithoutAction));
        Assert.Equal(result.Rows.Any(r => rule.IsAtRisk(r) && r.Action is null), lint.Warnings.Count > 0);
        Assert.Equal(points < 20, lint.FallingHealthAccounts > 0); // the snapshots lose at most 20 points
        Assert.Equal(lint, PlaybookLint.Check(result.Rows, rule) with { Examples = lint.Examples, Warnings = lint.Warnings, Tiers = lint.Tiers });
        Assert.Equal(lint.Tiers, PlaybookLint.Check(result.Rows, rule).Tiers);
    }

    [Fact]
    public void AtRiskRule_FallIsInclusive_UnknownChangeIsNotFalling_AndPointsAreValidated()
    {
        var rule = new AtRiskRule { FallingHealthPoints = 10 };

        Assert.True(rule.IsFallingHealth(-10));
        Assert.False(rule.IsFallingHealth(-9.99));
        Assert.False(rule.IsFallingHealth(double.NaN));
        Assert.True(AtRiskRule.IsHighRisk(RiskBand.High));
        Assert.False(AtRiskRule.IsHighRisk(RiskBand.Medium));
        Assert.Equal(15, AtRiskRule.Default.FallingHealthPoints);
        Assert.Throws<InvalidOptionException>(() => new AtRiskRule { FallingHealthPoints = 0 });
        Assert.Throws<InvalidOptionException>(() => new AtRiskRule { FallingHealthPoints = double.NaN });
    }

    [Fact]
    public void Build_OnGivenChurnScores_UsesThemInsteadOfScoringAgain_AndChecksTheyMatch()
    {
        var table = Table(70, seed: 5);
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        CustomerBase customers;
        using (var reader = table.CreateReader())
        {
            customers = CustomerBase.Read(reader);
        }

        var output = Path.Combine(Path.GetTempPath(), "csscoring-portfolio-scores-" + Guid.NewGuid().ToString("N") + ".csv");
        IReadOnlyList<ScoredRow> scores;
        try
        {
            scores = new ChurnScoringJob { Model = model, OpenData = table.CreateReader, OutputPath = output, KeepScores = true, Include = r => customers.IsCurrent(r.RowNumber - 1) }.Run().Scores;
        }
        finally
        {
            File.Delete(output);
        }

        var builder = Builder();
        var scored = builder.Build(table.CreateReader);
        var reused = builder.Build(table.CreateReader, scores);

        Assert.Equal(70, scores.Count);
        Assert.Equal(scored.Rows.Select(r => (r.AccountId, r.ChurnProbability, r.Priority, r.Tier)), reused.Rows.Select(r => (r.AccountId, r.ChurnProbability, r.Priority, r.Tier)));

        // The given probabilities are the ones used: halving them all changes every row's, and nothing rescored them.
        var halved = scores.Select(x => x with { Probability = x.Probability / 2 }).ToList();
        var lower = builder.Build(table.CreateReader, halved).Rows.ToDictionary(r => r.AccountId, r => r.ChurnProbability, StringComparer.Ordinal);
        Assert.All(scored.Rows, r => Assert.Equal(r.ChurnProbability / 2, lower[r.AccountId], 6));

        Assert.Throws<ArgumentException>(() => builder.Build(table.CreateReader, scores.Take(69).ToList()));
        var swapped = scores.ToList();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        var ex = Assert.Throws<ArgumentException>(() => builder.Build(table.CreateReader, swapped));
        Assert.Contains(swapped[0].Id!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StrayFutureRow_DoesNotEmptyThePlan()
    {
        var table = Table(60, seed: 4, extraRow: "A0010,2026-01-31,1,0.5,12,1,pro,0,100");

        var result = Builder().Build(table.CreateReader);

        Assert.Equal(60, result.Rows.Count);
        Assert.Equal(new DateOnly(2025, 6, 1), result.Summary.AsOf);
        Assert.Equal(1, result.Summary.FutureRowsIgnored);
        Assert.Contains(result.Summary.Warnings, w => w.Contains("row 121", StringComparison.Ordinal) && w.Contains("A0010", StringComparison.Ordinal));
        Assert.Contains(result.Rows, r => r.AccountId == "A0010");
    }

    [Fact]
    public void Build_StrayFutureRowUnderErrorPolicy_NamesTheRow()
    {
        var table = Table(60, seed: 4, extraRow: "A0010,2026-01-31,1,0.5,12,1,pro,0,100");
        var options = new PortfolioOptions { CustomerBase = new CustomerBaseOptions { FutureRows = FutureRowPolicy.Error } };

        var ex = Assert.Throws<DataFormatException>(() => Builder(options: options).Build(table.CreateReader));

        Assert.Equal(121, ex.Row);
        Assert.Contains("A0010", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StreamsInBatches()
    {
        var batches = new List<int>();
        var summary = Builder(options: new PortfolioOptions { TrendPeriods = 1, BatchSize = 16 }).Build(Table(50, seed: 2).CreateReader, batch => batches.Add(batch.Count));

        Assert.Equal([16, 16, 16, 2], batches);
        Assert.Equal(50, summary.Accounts);
    }

    [Fact]
    public void Build_ReasonsListSignalsFirst()
    {
        var result = Builder().Build(Table(80, seed: 6).CreateReader);

        Assert.All(result.Rows, r =>
        {
            var roles = r.TopReasons.Select(x => x.Role).ToList();
            Assert.Equal(roles.OrderBy(x => x), roles);
        });
        Assert.Contains(result.Rows, r => r.TopReasons.Count > 0 && r.TopReasons[0].Role == FeatureRole.Signal);

        // The roles are the model's own, recorded in its feature schema.
        var schema = ChurnModel.Load(ModelDirectories.Get("fast_tree")).Manifest.Features;
        var roles = schema.Columns.Select((c, i) => (c.Name, Role: schema.RoleOf(i))).ToDictionary(x => x.Name, x => x.Role, StringComparer.Ordinal);
        Assert.All(result.Rows.SelectMany(r => r.TopReasons), reason => Assert.Equal(roles[reason.Column], new ColumnRole(reason.Role, reason.Signal)));
    }
}
