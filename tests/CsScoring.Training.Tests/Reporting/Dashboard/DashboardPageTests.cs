using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;
using CsScoring.Segmentation;
using CsScoring.Training.Reporting.Dashboard;
using CsScoring.Training.Tests.Churn;

namespace CsScoring.Training.Tests.Reporting.Dashboard;

public sealed class DashboardPageTests(ITestOutputHelper output)
{
    private const string Script = "<script>alert(1)</script>";
    private const string Formula = "=HYPERLINK(\"x\")";
    private const string Attribute = "\"onmouseover=alert(2)";

    private static readonly Lazy<DashboardData> Book = new(() => DashboardSamples.Synthetic(2_000));

    [Fact]
    public void Render_SyntheticBook_ShowsEveryTileWithItsValueAndChange()
    {
        var html = DashboardPage.Render(Book.Value);

        foreach (var tile in Book.Value.Kpis)
        {
            Assert.Contains($"<div class=\"name\">{DashboardFormat.Encode(tile.Name)}</div>", html, StringComparison.Ordinal);
            Assert.Contains($"<div class=\"value\">{DashboardFormat.Encode(DashboardFormat.Kpi(tile.Value, tile.Format, "USD"))}</div>", html, StringComparison.Ordinal);
        }

        Assert.Equal(Book.Value.Kpis.Count, Regex.Count(html, "<div class=\"tile\">"));
        Assert.Equal(Book.Value.Kpis.Count(t => t.Trend.Count > 1), Regex.Count(html, "<svg class=\"spark\""));

        // Logo churn falls in the synthetic book: good news, drawn as such.
        var churn = Book.Value.Kpis.Single(t => t.Name == "Logo churn");
        Assert.True(churn.Change < 0);
        Assert.Contains($"▼ {DashboardFormat.KpiChange(churn.Change, KpiFormat.Percent)} <span>vs 2024-05 (better)</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SyntheticBook_HasEverySectionAndTheTierLegend()
    {
        var html = DashboardPage.Render(Book.Value);

        foreach (var heading in new[] { "Health bands: then and now", "Health band movement", "Risk by value", "Value at risk by tier", "This week's actions, by owner", "Headcount plan", "Accounts with the most value at risk" })
        {
            Assert.Contains($"<h2>{heading}</h2>", html, StringComparison.Ordinal);
        }

        foreach (var tier in DashboardFormat.TierOrder)
        {
            // The legend names each tier beside its colour, and the marks carry the same colour.
            Assert.Contains($">{DashboardFormat.TierName(tier)}</text>", html, StringComparison.Ordinal);
            Assert.Contains($"<g fill=\"{DashboardFormat.TierColor(tier)}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("fill=\"#d32f2f\"", html, StringComparison.Ordinal);
        Assert.Contains(">green</text>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SyntheticBook_FormatsMoneyAndSharesForPeople()
    {
        var data = Book.Value;
        var html = DashboardPage.Render(data);
        var tiers = data.Tiers.Single(t => t.Tier == TouchModel.LowTouch);

        Assert.Contains($"<td class=\"num\">{DashboardFormat.Money(tiers.Arr, "USD")}</td>", html, StringComparison.Ordinal);
        Assert.Matches(@"\$\d{1,3}(,\d{3})+", DashboardFormat.Money(tiers.Arr, "USD"));
        Assert.Equal("$1,234,567", DashboardFormat.Money(1_234_567.4, "USD"));
        Assert.Equal("1,234,567 CHF", DashboardFormat.Money(1_234_567, "CHF"));
        Assert.Equal("-$1,500", DashboardFormat.Money(-1_500, "USD"));
        Assert.Equal("$6.4M", DashboardFormat.MoneyShort(6_400_000, "USD"));
        Assert.Equal("¥812k", DashboardFormat.MoneyShort(812_000, "JPY"));
        Assert.Equal("unbounded", DashboardFormat.Money(double.PositiveInfinity, "USD"));
        Assert.Equal("12.5%", DashboardFormat.Percent(0.125));
        Assert.Equal("+1.5 pp", DashboardFormat.KpiChange(0.015, KpiFormat.Percent));
        Assert.Equal("+3 pts", DashboardFormat.KpiChange(3, KpiFormat.Score));
    }

    [Fact]
    public void Render_Queues_ShowTheFirstActionsPerOwnerAndCountTheRest()
    {
        var data = Book.Value;
        var html = DashboardPage.Render(data);
        var queues = Regex.Matches(html, "<div class=\"queue\"><h3>(?<owner>[^<]*)</h3>.*?</div>", RegexOptions.Singleline);

        Assert.Equal(Math.Min(DashboardPage.Owners, data.Queues.Count), queues.Count);
        foreach (var (match, queue) in queues.Zip(data.Queues))
        {
            Assert.Equal(DashboardFormat.Encode(queue.Owner), match.Groups["owner"].Value);
            Assert.Equal(Math.Min(DashboardPage.ActionsPerOwner, queue.Actions.Count), Regex.Count(match.Value, "<tr><td class=\"num\">"));
            Assert.Contains(DashboardFormat.Encode($"{queue.Actions.Count:N0} action{(queue.Actions.Count == 1 ? " ·" : "s ·")}"), match.Value, StringComparison.Ordinal);
            var more = queue.Actions.Count - DashboardPage.ActionsPerOwner;
            if (more > 0)
            {
                Assert.Contains($"and {more:N0} more action{(more == 1 ? string.Empty : "s")}", match.Value, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain("more action", match.Value, StringComparison.Ordinal);
            }

            // Most urgent first: priorities rise down the card.
            var priorities = Regex.Matches(match.Value, "<tr><td class=\"num\">([0-9,]+)</td>").Select(m => int.Parse(m.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(priorities.Order(), priorities);
        }

        Assert.Contains($"and {data.Accounts.Count - DashboardPage.TopAccounts:N0} more accounts", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Queues_GroupByOwnerMostUrgentFirst()
    {
        DashboardAccount Row(string id, int? priority, string? owner, double risk) =>
            new(id, 1000, 50, "yellow", 0, 0.2, "medium", null, 3000, 2400, risk, TouchModel.LowTouch, priority, owner is null ? null : "call", owner, DashboardSamples.AsOf.AddDays(7), "why");

        var queues = DashboardBuilder.Queues([Row("a", 3, "Kim", 10), Row("b", 1, "Lee", 50), Row("c", 2, "Kim", 20), Row("d", null, "Lee", 99), Row("e", null, null, 1)]);

        Assert.Equal(["Lee", "Kim"], queues.Select(q => q.Owner));
        Assert.Equal(["b", "d"], queues[0].Actions.Select(a => a.AccountId));
        Assert.Equal(["c", "a"], queues[1].Actions.Select(a => a.AccountId));
        Assert.Equal(30, queues[1].ValueAtRisk);
    }

    [Fact]
    public void Render_HostileIds_AreTextInTablesAndSvgTitles()
    {
        var data = Book.Value;
        string[] hostile = [Script, Formula, Attribute];
        var worst = data.Accounts.Where(a => a.Owner is not null).OrderByDescending(a => a.ValueAtRisk).Take(3).ToList();
        var accounts = data.Accounts.Select(a =>
        {
            var k = worst.IndexOf(a);
            return k < 0 ? a : a with { AccountId = hostile[k], Why = hostile[k], Owner = hostile[k], TopReasons = hostile[k], HealthBand = "<b>red</b>" };
        }).ToList();
        var page = DashboardPage.Render(data with
        {
            Title = Script,
            Company = Attribute,
            Currency = "<i>",
            Accounts = accounts,
            Queues = DashboardBuilder.Queues(accounts),
            Kpis = [.. data.Kpis.Select((t, i) => i == 0 ? t with { Name = Script, Trend = [.. t.Trend.Select(p => p with { Period = Formula })] } : t)],
        });

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>red", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\"onmouseover", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;</td>", page, StringComparison.Ordinal);
        Assert.Contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;: ", page, StringComparison.Ordinal); // the risk matrix's mark
        Assert.Contains("<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3>", page, StringComparison.Ordinal);
        Assert.Contains("=HYPERLINK(&quot;x&quot;)", page, StringComparison.Ordinal);
        Assert.Contains("&quot;onmouseover=alert(2)", page, StringComparison.Ordinal);

        // Every SVG is well-formed XML, so no text broke out of an element or attribute.
        foreach (Match svg in Regex.Matches(page, "<svg.*?</svg>", RegexOptions.Singleline))
        {
            var xml = XElement.Parse(svg.Value.Replace("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", StringComparison.Ordinal).Replace("&nbsp;", " ", StringComparison.Ordinal));
            Assert.Equal("svg", xml.Name.LocalName);
        }
    }

    [Fact]
    public void Render_WithoutLedgerModelOrPlan_ShowsNotesInsteadOfCharts()
    {
        var data = Book.Value;
        var accounts = data.Accounts.Select(a => a with { ChurnProbability = double.NaN, ChurnBand = null, ValueAtRisk = double.NaN }).ToList();
        var html = DashboardPage.Render(data with { Kpis = [], Accounts = accounts, Health = null, Headcount = null, Queues = [] });

        Assert.DoesNotContain("<div class=\"tile\">", html, StringComparison.Ordinal);
        Assert.Contains("No MRR ledger was given", html, StringComparison.Ordinal);
        Assert.DoesNotContain("risk-title", html, StringComparison.Ordinal);
        Assert.Contains("No churn model was applied", html, StringComparison.Ordinal);
        Assert.Contains("Health was not scored", html, StringComparison.Ordinal);
        Assert.Contains("No headcount plan was made.", html, StringComparison.Ordinal);
        Assert.Contains("No account has an action", html, StringComparison.Ordinal);

        var custom = DashboardPage.Render(data with { Kpis = [], KpiNote = "The ledger ends before the book starts.", Accounts = accounts, RiskNote = "Model skipped: --model not given." });
        Assert.Contains("The ledger ends before the book starts.", custom, StringComparison.Ordinal);
        Assert.Contains("Model skipped: --model not given.", custom, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EmptyBook_RendersNotes()
    {
        var empty = new DashboardData("Empty", null, DashboardSamples.AsOf, null, [], null, [], DashboardBuilder.Tiers([]), [], null);

        var html = DashboardPage.Render(empty);

        Assert.Contains("No current accounts.", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Render_200kAccounts_StaysBoundedAndSaysItSampled()
    {
        var data = DashboardSamples.Synthetic(200_000);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var html = DashboardPage.Render(data);

        output.WriteLine($"200,000 accounts: {html.Length:N0} characters in {clock.ElapsedMilliseconds:N0} ms");
        Assert.InRange(html.Length, 100_000, 1_200_000);
        var marks = Regex.Count(html, "<(circle|rect) [^>]*><title>A\\d{6}: ");
        Assert.Equal(DashboardCharts.MaxScatterPoints, marks);
        Assert.Contains("Showing 2,000 of 200,000 accounts", html, StringComparison.Ordinal);
        Assert.Contains($"and {200_000 - DashboardPage.TopAccounts:N0} more accounts", html, StringComparison.Ordinal);
        Assert.Equal(html, DashboardPage.Render(data)); // deterministic
    }

    [Fact]
    public void Sample_KeepsTheRiskiestAndIsIndependentOfRowOrder()
    {
        var accounts = DashboardSamples.Synthetic(5_000).Accounts;

        var (drawn, sampled) = DashboardCharts.Sample(accounts);
        var (reversed, _) = DashboardCharts.Sample([.. accounts.Reverse()]);

        Assert.True(sampled);
        Assert.Equal(DashboardCharts.MaxScatterPoints, drawn.Count);
        Assert.Equal(drawn.Select(a => a.AccountId).Order(StringComparer.Ordinal), reversed.Select(a => a.AccountId).Order(StringComparer.Ordinal));
        var riskiest = accounts.OrderByDescending(a => a.ValueAtRisk).Take(DashboardCharts.ScatterTopByRisk).Select(a => a.AccountId);
        Assert.Subset(drawn.Select(a => a.AccountId).ToHashSet(), riskiest.ToHashSet());
    }

    [Fact]
    public void HealthBands_CountsMovementJoinersAndLeavers()
    {
        var bands = DashboardBuilder.HealthBands(
            ["red", "yellow", "green"],
            [("a", "red"), ("b", "green"), ("c", "yellow"), ("d", "green"), ("e", DashboardBuilder.UnscoredBand)],
            [("a", "yellow"), ("b", "red"), ("c", "yellow"), ("x", "red")],
            "2024-03-31");

        Assert.Equal(["red", "yellow", "green", DashboardBuilder.UnscoredBand], bands.Bands);
        Assert.Equal([1, 1, 2, 1], bands.Now);
        Assert.Equal([2, 2, 0, 0], bands.Before);
        Assert.Equal(1, bands.Movement[1][0]); // a: yellow -> red
        Assert.Equal(1, bands.Movement[0][2]); // b: red -> green
        Assert.Equal(1, bands.Movement[1][1]); // c stayed
        Assert.Equal([0, 0, 1, 1], bands.Joined);
        Assert.Equal([1, 0, 0, 0], bands.Left);

        var html = DashboardPage.Render(Book.Value with { Health = bands });
        Assert.Contains("Since 2024-03-31: 1 accounts moved to a better band, 1 to a worse one, 1 stayed; 2 joined and 1 left the book.", html, StringComparison.Ordinal);
    }

    [SampleDataFact]
    public void Render_SampleFolder_ShowsItsKpisHealthAndPlan()
    {
        var data = DashboardSamples.FromFolder(SampleDataTests.SampleFolder()!);

        var html = DashboardPage.Render(data);

        Assert.Equal(["ARR", "Paying customers", "Net revenue retention", "Gross revenue retention", "Logo churn", "NPS", "CSAT", "DAU/MAU"], data.Kpis.Select(k => k.Name));
        Assert.All(data.Kpis.Where(k => k.Name != "DAU/MAU"), k => Assert.Equal(12, k.Trend.Count));
        Assert.NotNull(data.Health);
        Assert.Equal(data.Accounts.Count, data.Health.Now.Sum());
        Assert.Equal(data.Accounts.Count, data.Headcount!.Tiers.Sum(t => t.Accounts));
        Assert.Contains("Health bands: then and now", html, StringComparison.Ordinal);

        // To look at the page: CSSCORING_DASHBOARD_PREVIEW=DIR writes it there (see eng/screenshot-dashboard.sh).
        if (Environment.GetEnvironmentVariable("CSSCORING_DASHBOARD_PREVIEW") is { Length: > 0 } preview)
        {
            Directory.CreateDirectory(preview);
            File.WriteAllText(Path.Combine(preview, "dashboard-sample.html"), html);
            File.WriteAllText(Path.Combine(preview, "dashboard-synthetic.html"), DashboardPage.Render(DashboardSamples.Synthetic(20_000)));
        }
    }
}
