using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Playbooks;
using CsScoring.Portfolio;
using CsScoring.Segmentation;
using CsScoring.Training.Portfolio;
using CsScoring.Training.Reporting.Dashboard;
using CsScoring.Training.Tests.Reporting.Dashboard;
using CsScoring.Value;

namespace CsScoring.Training.Tests.Portfolio;

public sealed class PortfolioSinkTests
{
    // A generated book, produced lazily: nothing holds the rows but the consumer.
    private static IEnumerable<PortfolioRow> Book(int count, Action? onYield = null)
    {
        var random = new Random(11);
        for (var i = 0; i < count; i++)
        {
            var p = (float)random.NextDouble() * 0.5f;
            var potential = Math.Round((decimal)(1000 + (random.NextDouble() * 50_000)), 2);
            var action = i % 3 == 0 ? new PlaybookRecommendation("save", "call the customer", ["churn_band = high"]) { DueDays = 7 } : null;
            onYield?.Invoke();
            yield return new PortfolioRow
            {
                AccountId = "A" + i.ToString("D7", CultureInfo.InvariantCulture),
                AsOf = new DateOnly(2025, 12, 31),
                Arr = 1200,
                TenureMonths = 12,
                HealthScore = 60,
                HealthBand = "yellow",
                HealthChange = -5,
                HealthCoverage = 1,
                HealthDrivers = ["dau_mau"],
                ChurnProbability = p,
                ChurnBand = p >= 0.3f ? RiskBand.High : RiskBand.Low,
                TopReasons = [],
                Value = PortfolioValue.Of(LtvResult.Bounded(potential), p),
                Tier = (TouchModel)(i % 3),
                Escalated = false,
                Priority = ((i * 7919) % count) + 1,
                TierPriority = 1,
                Action = action,
                Owner = action is null ? null : PlaybookOwner.PooledTeam,
                Due = action is null ? null : new DateOnly(2026, 1, 7),
            };
        }
    }

    private static long RetainedAfter(int count, out PortfolioSink sink)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var csv = new CsvWriter(TextWriter.Null);
        sink = new PortfolioSink(csv, id => id, highRiskThreshold: 0.3);
        foreach (var row in Book(count))
        {
            sink.Add(row);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(sink);
        return after - before;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Sink_RetainsBoundedMemory_WhateverTheNumberOfAccounts()
    {
        var small = RetainedAfter(5_000, out var smallSink);
        var large = RetainedAfter(100_000, out var largeSink);

        // Twenty times the accounts: a sink that kept its rows would hold megabytes more (a row is hundreds of bytes).
        Assert.Equal(100_000, largeSink.Rows);
        Assert.True(large - small < 1_000_000, $"retained {small:N0} bytes for 5,000 accounts and {large:N0} for 100,000");
        Assert.Equal(Enumerable.Range(1, PortfolioSink.DefaultTop), largeSink.Top().Select(r => r.Priority));
        Assert.Equal(5_000, smallSink.Rows);
    }

    [Fact]
    public void Sink_ConsumesRowsAsTheyCome_AndWritesEachAtOnce()
    {
        var yielded = 0;
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text);
        var sink = new PortfolioSink(csv, id => "X" + id, highRiskThreshold: 0.3);
        foreach (var row in Book(200, () => yielded++))
        {
            sink.Add(row);

            // Each row is in the file before the next one is produced.
            Assert.Equal(yielded, text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }

        Assert.StartsWith("XA0000000,", text.ToString(), StringComparison.Ordinal);
        Assert.Equal(200 * 1200m, sink.Arr);
        Assert.Equal(67, sink.WithAction);
    }

    [Fact]
    public void Collector_PicksTheSameAccountsAsTheWholeBook_WithTotalsAndQueueCountsOverEveryAccount()
    {
        var full = DashboardSamples.Synthetic(6_000);
        var collector = new DashboardCollector(full.HighRiskThreshold ?? 0.3);
        foreach (var account in full.Accounts)
        {
            collector.Add(account);
        }

        var bounded = collector.Build(full.Title, full.Company, full.AsOf, full.Currency, full.Kpis, full.Health, full.Headcount);

        Assert.True(bounded.Accounts.Count <= DashboardCharts.MaxScatterPoints);
        var plotted = full.Accounts.Where(a => double.IsFinite(a.ChurnProbability) && (double.IsPositiveInfinity(a.PotentialValue) || a.PotentialValue >= 0)).ToList();
        Assert.Equal(DashboardCharts.Sample(plotted).Drawn.Select(a => a.AccountId).Order(StringComparer.Ordinal), bounded.Accounts.Select(a => a.AccountId).Order(StringComparer.Ordinal));
        Assert.Equal(full.Totals, bounded.Totals);
        Assert.Equal(DashboardCharts.Top(full.Accounts, DashboardPage.TopAccounts, DashboardCharts.ByRisk), DashboardCharts.Top(bounded.Accounts, DashboardPage.TopAccounts, DashboardCharts.ByRisk));
        Assert.Equal(full.Tiers.Select(t => (t.Tier, t.Accounts)), bounded.Tiers.Select(t => (t.Tier, t.Accounts)));
        Assert.Equal(full.Queues.Select(q => (q.Owner, q.Count)), bounded.Queues.Select(q => (q.Owner, q.Count)));
        Assert.Equal(full.Queues.Select(q => q.Actions.Take(DashboardPage.ActionsPerOwner)), bounded.Queues.Select(q => q.Actions));
        Assert.All(full.Queues.Zip(bounded.Queues), p => Assert.Equal(p.First.ValueAtRisk, p.Second.ValueAtRisk, 6));

        // The page says how many accounts the book has, not how many it kept.
        Assert.Contains($"and {6_000 - DashboardPage.TopAccounts:N0} more accounts", DashboardPage.Render(bounded), StringComparison.Ordinal);
    }
}
