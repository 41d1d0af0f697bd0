using System.Globalization;
using System.Text;
using CsScoring.Playbooks;
using CsScoring.Segmentation;
using static CsScoring.Training.Reporting.Dashboard.DashboardFormat;

namespace CsScoring.Training.Reporting.Dashboard;

/// <summary>
/// Renders <c>dashboard.html</c>: one self-contained page (inline CSS and SVG, no scripts, fonts or images from
/// anywhere) laid out for a 1,400 px window and for print. Every text from the data is escaped. The size stays
/// bounded however large the book: tables stop at a few rows and say how many more there are, and the risk matrix
/// samples large books deterministically.
/// </summary>
internal static class DashboardPage
{
    /// <summary>Actions shown per owner.</summary>
    public const int ActionsPerOwner = 6;

    /// <summary>Owner queues shown; the others are counted.</summary>
    public const int Owners = 10;

        /// <summary>Accounts in the table of the largest values at risk.</summary>
    public const int TopAccounts = 25;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(DashboardData data)
    {
        using var writer = new StringWriter(C);
        Write(data, writer);
        return writer.ToString();
    }

    public static void Write(DashboardData data, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(writer);
        var html = new StringBuilder(64 * 1024);
        var currency = data.Currency;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(data.Title)).Append("</title>\n<style>").Append(Style).Append("</style>\n</head><body><main>\n");

        Header(html, data);
        Tiles(html, data);

        html.Append("<div class=\"row\">");
        HealthCards(html, data.Health);
        html.Append("</div>\n<div class=\"row\">");
        RiskCard(html, data);
        TierCard(html, data);
        html.Append("</div>\n");

        QueueSection(html, data);
        HeadcountCard(html, data);
        AccountsCard(html, data);

        html.Append("<footer>All figures as of ").Append(Date(data.AsOf)).Append(". Potential value: what an account is worth if it stays; value at risk: what its churn risk puts at stake over the horizon. Tiers: high-touch (a named CSM), low-touch (a pooled team), tech-touch (automated).</footer>\n");
        html.Append("</main></body></html>\n");
        writer.Write(html);
    }

    private static void Header(StringBuilder html, DashboardData data)
    {
        var totals = data.Totals;
        var arr = totals.Arr;
        var risk = totals.ValueAtRisk;
        var actions = totals.WithAction;
        html.Append("<header><div><h1>").Append(Encode(data.Title)).Append("</h1><p class=\"sub\">");
        if (!string.IsNullOrWhiteSpace(data.Company))
        {
            html.Append(Encode(data.Company)).Append(" · ");
        }

        html.Append("as of ").Append(Date(data.AsOf));
        if (!string.IsNullOrWhiteSpace(data.Currency))
        {
            html.Append(" · ").Append(Encode(data.Currency));
        }

        html.Append("</p></div><dl class=\"headline\">");
        Fact(html, "accounts", Number(totals.Accounts));
        Fact(html, "ARR", MoneyShort(arr, data.Currency));
        Fact(html, "value at risk", data.HasChurnModel ? MoneyShort(risk, data.Currency) : Unknown);
        Fact(html, "accounts with an action", Number(actions));
        html.Append("</dl></header>\n");

        static void Fact(StringBuilder html, string name, string value)
            => html.Append("<div><dt>").Append(Encode(name)).Append("</dt><dd>").Append(Encode(value)).Append("</dd></div>");
    }

    private static void Tiles(StringBuilder html, DashboardData data)
    {
        html.Append("<section class=\"tiles\" aria-label=\"Key figures\">");
        if (data.Kpis.Count == 0)
        {
            html.Append("<p class=\"note wide\">").Append(Encode(data.KpiNote ?? "No MRR ledger was given, so there are no revenue KPIs (ARR, retention, churn). Add mrr_ledger.csv to the data folder to see them here.")).Append("</p>");
        }

        foreach (var tile in data.Kpis)
        {
            var change = tile.Change;
            var tone = !double.IsFinite(change) || Negligible(change, tile.Format) ? "flat" : (change > 0) == tile.HigherIsBetter ? "good" : "bad";
            var arrow = tone == "flat" ? "→" : change > 0 ? "▲" : "▼";
            html.Append("<div class=\"tile\"><div class=\"name\">").Append(Encode(tile.Name)).Append("</div>");
            html.Append("<div class=\"value\">").Append(Encode(Kpi(tile.Value, tile.Format, data.Currency))).Append("</div>");
            if (double.IsFinite(change))
            {
                var word = tone == "good" ? "better" : tone == "bad" ? "worse" : "unchanged";
                var previous = tile.Trend.Count > 1 ? tile.Trend[^2].Period : "the previous period";
                html.Append("<div class=\"change ").Append(tone).Append("\">").Append(arrow).Append(' ')
                    .Append(Encode(KpiChange(change, tile.Format))).Append(" <span>vs ").Append(Encode(previous)).Append(" (").Append(word).Append(")</span></div>");
            }
            else
            {
                html.Append("<div class=\"change flat\"><span>no earlier period</span></div>");
            }

            if (tile.Caption is { } caption)
            {
                html.Append("<div class=\"caption\">").Append(Encode(caption)).Append("</div>");
            }

            html.Append(DashboardCharts.Sparkline(tile, tone == "bad" ? "#c62828" : tone == "good" ? "#2e7d32" : "#455a64"));
            html.Append("</div>");
        }

        html.Append("</section>\n");
    }

    private static void HealthCards(StringBuilder html, HealthBands? health)
    {
        if (health is null || health.Bands.Count == 0)
        {
            html.Append("<section class=\"card\"><h2>Health bands</h2><p class=\"note\">Health was not scored: no health distribution or movement to show.</p></section>");
            html.Append("<section class=\"card\"><h2>Health band movement</h2><p class=\"note\">Needs health scores now and at an earlier date.</p></section>");
            return;
        }

        html.Append("<section class=\"card\"><h2>Health bands: then and now</h2>");
        html.Append(DashboardCharts.BandDistribution(health));
        var scored = health.Bands.Count(b => b != DashboardBuilder.UnscoredBand);
        int improved = 0, worsened = 0, stayed = 0;
        for (var i = 0; i < scored; i++)
        {
            for (var j = 0; j < scored; j++)
            {
                var count = health.Movement[i][j];
                if (i == j)
                {
                    stayed += count;
                }
                else if (j > i)
                {
                    improved += count;
                }
                else
                {
                    worsened += count;
                }
            }
        }

        html.Append("<p class=\"caption\">").Append(Encode(string.Create(C, $"Since {health.BeforeLabel}: {improved:N0} accounts moved to a better band, {worsened:N0} to a worse one, {stayed:N0} stayed; {health.Joined.Sum():N0} joined and {health.Left.Sum():N0} left the book."))).Append("</p></section>");
        html.Append("<section class=\"card\"><h2>Health band movement</h2>");
        html.Append(DashboardCharts.Movement(health));
        html.Append("<p class=\"caption\">Rows: band before; columns: band now. Green cells moved to a better band, red to a worse one; the shade is the share of the row.</p></section>");
    }

    private static void RiskCard(StringBuilder html, DashboardData data)
    {
        html.Append("<section class=\"card\"><h2>Risk by value</h2>");
        if (!data.HasChurnModel)
        {
            html.Append("<p class=\"note\">").Append(Encode(data.RiskNote ?? "No churn model was applied, so there are no churn probabilities to plot. Train one (csscoring train) and pass it with --model.")).Append("</p></section>");
            return;
        }

        html.Append(DashboardCharts.RiskMatrix(data.Accounts, data.HighRiskThreshold, data.Currency, out var caption, out var quadrants, data.Quadrants, data.HighTouchCut));
        html.Append("<p class=\"caption\">Each mark is an account: circles high-touch, squares low-touch, small dots tech-touch. The shaded corner holds the valuable accounts the model calls high risk. ")
            .Append(Encode(caption)).Append("</p>");
        if (quadrants.Count > 0)
        {
            html.Append("<table><thead><tr><th>quadrant</th><th class=\"num\">accounts</th><th class=\"num\">ARR</th><th class=\"num\">value at risk</th></tr></thead><tbody>");
            foreach (var q in quadrants)
            {
                html.Append(q.Highlight ? "<tr class=\"bad\">" : "<tr>").Append("<td>").Append(Encode(q.Label)).Append("</td>")
                    .Append(Cell(Number(q.Accounts))).Append(Cell(Money(q.Arr, data.Currency))).Append(Cell(Money(q.ValueAtRisk, data.Currency))).Append("</tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");
    }

    private static void TierCard(StringBuilder html, DashboardData data)
    {
        var currency = data.Currency;
        html.Append("<section class=\"card\"><h2>Value at risk by tier</h2>");
        if (data.Tiers.Count == 0 || data.Tiers.All(t => t.Accounts == 0))
        {
            html.Append("<p class=\"note\">No current accounts.</p></section>");
            return;
        }

        if (data.HasChurnModel)
        {
            html.Append(DashboardCharts.ValueAtRiskByTier(data.Tiers, currency));
        }
        else
        {
            html.Append("<p class=\"note\">Value at risk needs churn probabilities; the tiers below still show accounts, ARR and potential value.</p>");
        }

        html.Append("<table><thead><tr><th>tier</th><th class=\"num\">accounts</th><th class=\"num\">ARR</th><th class=\"num\">potential value</th><th class=\"num\">value at risk</th><th class=\"num\">at risk / ARR</th></tr></thead><tbody>");
        foreach (var t in data.Tiers)
        {
            html.Append("<tr><td>").Append(TierChip(t.Tier)).Append("</td>")
                .Append(Cell(Number(t.Accounts))).Append(Cell(Money(t.Arr, currency))).Append(Cell(Money(t.PotentialValue, currency)))
                .Append(Cell(data.HasChurnModel ? Money(t.ValueAtRisk, currency) : Unknown))
                .Append(Cell(data.HasChurnModel && t.Arr > 0 ? Percent(t.ValueAtRisk / t.Arr) : Unknown)).Append("</tr>");
        }

        var total = new TierSummary(TouchModel.TechTouch, data.Tiers.Sum(t => t.Accounts), data.Tiers.Sum(t => t.Arr), data.Tiers.Sum(t => t.PotentialValue), data.Tiers.Sum(t => t.ValueAtRisk));
        html.Append("<tr class=\"total\"><td>all</td>").Append(Cell(Number(total.Accounts))).Append(Cell(Money(total.Arr, currency))).Append(Cell(Money(total.PotentialValue, currency)))
            .Append(Cell(data.HasChurnModel ? Money(total.ValueAtRisk, currency) : Unknown))
            .Append(Cell(data.HasChurnModel && total.Arr > 0 ? Percent(total.ValueAtRisk / total.Arr) : Unknown)).Append("</tr></tbody></table>");
        Coverage(html, data);
        html.Append("</section>");
    }

    /// <summary>
    /// Whether every at-risk account has an action, per tier, by the library's one definition (<see cref="AtRiskRule"/>):
    /// the same counts as the playbook lint in plan.json.
    /// </summary>
    private static void Coverage(StringBuilder html, DashboardData data)
    {
        var rule = data.AtRisk;
        html.Append("<h3 class=\"gap\">At-risk accounts without an action</h3><table><thead><tr><th>tier</th><th class=\"num\">high churn risk</th><th class=\"num\">without an action</th>")
            .Append("<th class=\"num\">health fell ").Append(Encode(rule.FallingHealthPoints.ToString("0.#", C))).Append("+ points</th><th class=\"num\">without an action</th></tr></thead><tbody>");
        foreach (var tier in TierOrder)
        {
            var coverage = data.AtRiskCoverage.FirstOrDefault(c => c.Tier == tier) ?? new AtRiskCoverage(tier, 0, 0, 0, 0);
            html.Append("<tr><td>").Append(TierChip(tier)).Append("</td>").Append(Cell(data.HasChurnModel ? Number(coverage.HighRiskAccounts) : Unknown))
                .Append(coverage.HighRiskWithoutAction > 0 ? "<td class=\"num bad\">" : "<td class=\"num\">").Append(data.HasChurnModel ? Number(coverage.HighRiskWithoutAction) : Unknown).Append("</td>")
                .Append(Cell(Number(coverage.FallingHealthAccounts))).Append(coverage.FallingHealthWithoutAction > 0 ? "<td class=\"num bad\">" : "<td class=\"num\">").Append(Number(coverage.FallingHealthWithoutAction)).Append("</td></tr>");
        }

        html.Append("</tbody></table><p class=\"caption\">").Append(Encode(string.Create(C, $"High churn risk: the model's high band. Health fell: {rule.FallingHealthPoints:0.#} points or more over the trend window. These are the playbook lint's counts; a non-zero count in red is an at-risk account no playbook rule reached."))).Append("</p>");
    }

        private static void QueueSection(StringBuilder html, DashboardData data)
    {
        var queues = data.Queues;
        var actions = queues.Sum(q => q.Count);
        html.Append("<section class=\"card full\"><h2>This week's actions, by owner</h2>");
        if (actions == 0)
        {
            html.Append("<p class=\"note\">No account has an action: either every account is fine, or no playbook was given.</p></section>\n");
            return;
        }

        html.Append("<p class=\"caption\">").Append(Encode(string.Create(C, $"{Count(actions, "action")} for {Count(queues.Count, "owner")}, most urgent first (by priority, which follows value at risk). Each card shows the first {ActionsPerOwner}."))).Append("</p>");
        html.Append("<div class=\"queues\">");
        foreach (var queue in queues.Take(Owners))
        {
            var tiers = (queue.Tiers ?? [.. queue.Actions.Select(a => a.Tier).Distinct().Order().Reverse()]).Select(TierName);
            html.Append("<div class=\"queue\"><h3>").Append(Encode(queue.Owner)).Append("</h3><p class=\"caption\">")
                .Append(Encode(string.Create(C, $"{Count(queue.Count, "action")} · {MoneyShort(queue.ValueAtRisk, data.Currency)} at risk · {string.Join(", ", tiers)}"))).Append("</p>");
            html.Append("<table class=\"queue-table\"><colgroup><col class=\"c-rank\"><col class=\"c-id\"><col class=\"c-action\"><col><col class=\"c-due\"></colgroup>")
                .Append("<thead><tr><th class=\"num\">#</th><th>account</th><th>action</th><th>why</th><th>due</th></tr></thead><tbody>");
            foreach (var a in queue.Actions.Take(ActionsPerOwner))
            {
                html.Append("<tr><td class=\"num\">").Append(a.Priority is { } p ? p.ToString("N0", C) : Unknown).Append("</td><td class=\"id\">").Append(Encode(a.AccountId))
                    .Append("</td><td class=\"action\">").Append(Encode(a.Action)).Append("</td><td class=\"why\">").Append(Encode(a.Why ?? string.Empty))
                    .Append("</td><td class=\"due\">").Append(Date(a.Due)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
            More(html, queue.Count - ActionsPerOwner, "action");
            html.Append("</div>");
        }

        html.Append("</div>");
        if (queues.Count > Owners)
        {
            var rest = queues.Skip(Owners).ToList();
            html.Append("<p class=\"more\">").Append(Encode(string.Create(C, $"and {Count(rest.Count, "more owner")} with {Count(rest.Sum(q => q.Actions.Count), "action")}"))).Append("</p>");
        }

        html.Append("</section>\n");
    }

    private static void HeadcountCard(StringBuilder html, DashboardData data)
    {
        var currency = data.Currency;
        html.Append("<section class=\"card full\"><h2>Headcount plan</h2>");
        if (data.Headcount is not { } plan)
        {
            html.Append("<p class=\"note\">No headcount plan was made.</p></section>\n");
            return;
        }

        html.Append("<div class=\"split\"><div>").Append(DashboardCharts.BudgetAgainstNeed(plan, currency));
        var gap = plan.HeadcountGap;
        var verdict = gap < -0.05
            ? string.Create(C, $"The budget is short by {-gap:0.0} CSMs ({Money(-plan.MoneyGap, currency)} a year).")
            : gap > 0.05
                ? string.Create(C, $"The budget covers the need with {gap:0.0} CSMs ({Money(plan.MoneyGap, currency)} a year) to spare.")
                : "The budget matches the need.";
        html.Append("<p class=\"verdict ").Append(gap < -0.05 ? "bad" : "good").Append("\">").Append(Encode(verdict)).Append("</p>")
            .Append("<p class=\"caption\">").Append(Encode(string.Create(C, $"One CSM costs {Money(plan.CsmYearlyCost, currency)} a year, fully loaded. The need counts each tier's accounts over the accounts one CSM serves there, plus the onboarding and renewal load; the budget is {Percent(plan.BudgetShareOfArr, 0)} of ARR."))).Append("</p></div><div>");
        html.Append("<table><thead><tr><th>tier</th><th class=\"num\">accounts</th><th class=\"num\">accounts per CSM</th><th class=\"num\">CSMs needed</th><th class=\"num\">cost a year</th></tr></thead><tbody>");
        foreach (var t in plan.Tiers)
        {
            html.Append("<tr><td>").Append(TierChip(t.Tier)).Append("</td>").Append(Cell(Number(t.Accounts))).Append(Cell(Number(t.AccountsPerCsm)))
                .Append(Cell(Number(t.CsmsNeeded, "0.0"))).Append(Cell(Money(t.Cost, currency))).Append("</tr>");
        }

        html.Append("<tr><td>onboarding and renewals</td><td></td><td></td>").Append(Cell(Number(plan.OtherCsms, "0.0"))).Append(Cell(Money(plan.OtherCsms * plan.CsmYearlyCost, currency))).Append("</tr>");
        html.Append("<tr class=\"total\"><td>need</td>").Append(Cell(Number(plan.Tiers.Sum(t => t.Accounts)))).Append("<td></td>").Append(Cell(Number(plan.CsmsNeeded, "0.0"))).Append(Cell(Money(plan.CostOfNeeded, currency))).Append("</tr>");
        html.Append("<tr><td>budget (").Append(Percent(plan.BudgetShareOfArr, 0)).Append(" of ARR)</td><td></td><td></td>").Append(Cell(Number(plan.CsmsAffordable, "0.0"))).Append(Cell(Money(plan.Budget, currency))).Append("</tr>");
        html.Append("<tr class=\"").Append(gap < -0.05 ? "bad" : "good").Append("\"><td>gap (budget − need)</td><td></td><td></td>").Append(Cell(Signed(gap))).Append(Cell(SignedMoney(plan.MoneyGap, currency))).Append("</tr>");
        html.Append("</tbody></table></div></div></section>\n");

        static string Signed(double value) => double.IsFinite(value) ? value.ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture) : Unknown;
        static string SignedMoney(double value, string? currency) => (value >= 0 ? "+" : "−") + Money(Math.Abs(value), currency);
    }

    private static void AccountsCard(StringBuilder html, DashboardData data)
    {
        var currency = data.Currency;
        html.Append("<section class=\"card full\"><h2>Accounts with the most value at risk</h2>");
        if (data.Totals.Accounts == 0)
        {
            html.Append("<p class=\"note\">No current accounts.</p></section>\n");
            return;
        }

        var top = DashboardCharts.Top(data.Accounts, TopAccounts, DashboardCharts.ByRisk);
        html.Append("<table class=\"accounts\"><colgroup><col style=\"width:34px\"><col style=\"width:86px\"><col style=\"width:84px\"><col style=\"width:80px\"><col style=\"width:118px\">")
            .Append("<col style=\"width:100px\"><col style=\"width:140px\"><col style=\"width:92px\"><col style=\"width:92px\"><col style=\"width:88px\"><col><col style=\"width:100px\"><col style=\"width:82px\"></colgroup><thead><tr><th class=\"num\">#</th><th>account</th><th>tier</th><th class=\"num\">ARR</th><th>health</th><th class=\"num\">churn</th>")
            .Append("<th>top reasons</th><th class=\"num\">potential</th><th class=\"num\">expected</th><th class=\"num\">at risk</th><th>action and why</th><th>owner</th><th>due</th></tr></thead><tbody>");
        foreach (var a in top)
        {
            html.Append("<tr><td class=\"num\">").Append(a.Priority is { } p ? p.ToString("N0", C) : Unknown).Append("</td><td class=\"id\">").Append(Encode(a.AccountId)).Append("</td><td>")
                .Append(TierChip(a.Tier)).Append("</td>").Append(Cell(Money(a.Arr, currency))).Append("<td class=\"health\">").Append(HealthChip(a)).Append("</td>")
                .Append(Cell(double.IsFinite(a.ChurnProbability) ? Percent(a.ChurnProbability) + (a.ChurnBand is { } band ? " " + band : string.Empty) : Unknown))
                .Append("<td class=\"why\">").Append(Encode(a.TopReasons ?? string.Empty)).Append("</td>")
                .Append(Cell(Money(a.PotentialValue, currency))).Append(Cell(Money(a.ExpectedValue, currency))).Append(Cell(Money(a.ValueAtRisk, currency)))
                .Append("<td class=\"action\">").Append(Encode(a.Action ?? Unknown));
            if (!string.IsNullOrWhiteSpace(a.Why))
            {
                html.Append("<br><span class=\"why\">").Append(Encode(a.Why)).Append("</span>");
            }

            html.Append("</td><td>").Append(Encode(a.Owner ?? Unknown)).Append("</td><td class=\"due\">").Append(Date(a.Due)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        More(html, data.Totals.Accounts - TopAccounts, "account");
        html.Append("</section>");
    }

    private static string HealthChip(DashboardAccount a)
    {
        if (a.HealthBand is null && double.IsNaN(a.HealthScore))
        {
            return Unknown;
        }

        var color = BandColor(a.HealthBand ?? string.Empty, 0, 0);
        var change = double.IsFinite(a.HealthChange) && Math.Abs(a.HealthChange) >= 0.5 ? (a.HealthChange > 0 ? " ▲" : " ▼") + Math.Abs(a.HealthChange).ToString("0", C) : string.Empty;
        return string.Create(C, $"<span class=\"dot\" style=\"background:{color}\"></span>{Number(a.HealthScore, "0")} {Encode(a.HealthBand)}<span class=\"why\">{change}</span>");
    }

    private static string TierChip(TouchModel tier)
        => $"<span class=\"chip\" style=\"border-color:{TierColor(tier)};color:{TierColor(tier)}\">{TierName(tier)}</span>";

    private static string Cell(string text) => "<td class=\"num\">" + Encode(text) + "</td>";

    private static void More(StringBuilder html, int more, string noun)
    {
        if (more > 0)
        {
            html.Append("<p class=\"more\">").Append(Encode(string.Create(C, $"and {Count(more, "more " + noun)}"))).Append("</p>");
        }
    }

    /// <summary>Whether a change rounds to zero as the tile writes it, so it is neither good nor bad news.</summary>
    private static bool Negligible(double change, KpiFormat format)
        => Math.Abs(change) < (format == KpiFormat.Score ? 0.05 : 0.0005);

        private static string Count(int count, string noun) => count.ToString("N0", C) + " " + noun + (count == 1 ? string.Empty : "s");

    private const string Style =
        "*{box-sizing:border-box}body{margin:0;background:#f3f5f8;color:#1d2330;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
        "main{max-width:1380px;margin:0 auto;padding:18px 20px 28px}" +
        "header{display:flex;justify-content:space-between;align-items:flex-end;gap:20px;margin-bottom:14px}" +
        "h1{font-size:24px;margin:0}.sub{margin:2px 0 0;color:#5b6573}" +
        ".headline{display:flex;gap:28px;margin:0}.headline div{text-align:right}.headline dt{font-size:12px;color:#5b6573}.headline dd{margin:0;font-size:20px;font-weight:600}" +
        ".tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}" +
        ".tile{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:10px 14px 6px}" +
        ".tile .name{font-size:13px;color:#3c4552;font-weight:600}.tile .value{font-size:28px;font-weight:650;line-height:1.2}" +
        ".change{font-size:13px;font-weight:600}.change span{font-weight:400;color:#5b6573}.good{color:#2e7d32}.bad{color:#c62828}.flat{color:#5b6573}" +
        ".caption{font-size:12px;color:#5b6573;margin:4px 0}.spark{display:block;width:100%;height:auto;margin-top:2px}" +
        ".row{display:grid;grid-template-columns:1fr 1fr;gap:14px;margin-top:14px}" +
        ".card{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:12px 16px;min-width:0}.card.full{margin-top:14px}" +
        ".card svg{display:block;width:100%;height:auto}" +
        "h2{font-size:16px;margin:0 0 8px}h3{font-size:14px;margin:0}h3.gap{margin-top:18px}" +
        "table{border-collapse:collapse;width:100%;font-size:12.5px;margin-top:6px}" +
        "th{font-weight:600;color:#5b6573;font-size:11.5px;text-align:left;border-bottom:1px solid #cfd5dc;padding:4px 6px}" +
        "td{border-bottom:1px solid #eef1f4;padding:4px 6px;vertical-align:top}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}" +
        "tr.total td{font-weight:600;border-top:1px solid #cfd5dc}tr.bad td{color:#c62828;font-weight:600}tr.good td{color:#2e7d32;font-weight:600}" +
        ".id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}" +
        ".why{color:#5b6573;font-size:11.5px;font-weight:400}.due{white-space:nowrap}" +
        ".chip{display:inline-block;border:1px solid;border-radius:9px;padding:0 7px;font-size:11px;font-weight:600;white-space:nowrap}" +
        ".dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}" +
        ".split{display:grid;grid-template-columns:1fr 1fr;gap:24px;align-items:start}.action{font-weight:600}.health{white-space:nowrap}" +
        ".queue-table,table.accounts{table-layout:fixed}.c-rank{width:40px}.c-id{width:96px}.c-action{width:33%}.c-due{width:84px}" +
        ".queues{columns:2;column-gap:12px}.queue{break-inside:avoid;border:1px solid #e3e7ec;border-radius:6px;padding:8px 10px;margin-bottom:12px}" +
        ".more{font-size:12px;color:#5b6573;margin:4px 0 0;font-style:italic}.note{color:#5b6573;font-style:italic;margin:8px 0}" +
        ".tiles .note.wide{grid-column:1/-1;background:#fff;border:1px dashed #cfd5dc;border-radius:8px;padding:14px}" +
        ".verdict{font-weight:600;margin:4px 0}" +
        "footer{margin-top:16px;font-size:12px;color:#5b6573}" +
        "@media (max-width:1000px){.tiles{grid-template-columns:repeat(2,1fr)}.row{grid-template-columns:1fr}.split{grid-template-columns:1fr}.queues{columns:1}}" +
        "@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}.card,.tile,.queue{break-inside:avoid;border-color:#aaa}" +
        ".row{break-inside:avoid}.tiles{grid-template-columns:repeat(4,1fr)}@page{size:A4 landscape;margin:12mm}}";
}
