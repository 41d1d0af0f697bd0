using System.Globalization;
using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Planning;
using CsScoring.Portfolio;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    /// <summary>
    /// Joins every current account's value, churn risk and health, assigns its touch model, plans the CS headcount
    /// the segments need against the budget, and picks each account's playbook action with its reasons.
    /// </summary>
    private static void PlanCoverage(
        RunContext context, RunInputs inputs, IReadOnlyList<ScoredRow> churn, IReadOnlyList<AccountHealth> health, IReadOnlyList<ValuedAccount>? values)
    {
        IReadOnlyList<PortfolioAccount> current;
        using (var reader = inputs.Accounts.CreateReader())
        {
            current = PortfolioAccount.ReadCurrent(reader, inputs.Customers);
        }

        if (current.Count == 0)
        {
            return;
        }

        var risks = new Dictionary<string, ChurnRisk>(StringComparer.Ordinal);
        foreach (var row in churn.Where(r => r.Id is not null))
        {
            risks[row.Id!] = new ChurnRisk(row.Probability, row.Band, row.Reasons.Count > 0 ? row.Reasons[0] : null);
        }

        var standings = health.ToDictionary(a => a.AccountId, a => new HealthStanding(a.Result.Score, a.Scorecard.BandName(a.Result.Band)), StringComparer.Ordinal);
        var worth = (values ?? []).ToDictionary(v => v.AccountId, v => v.Value, StringComparer.Ordinal);
        var portfolio = PortfolioBuilder.Build(current, risks, standings, worth, options: context.Capacity);
        var rows = portfolio.Entries;
        var plan = portfolio.Capacity;
        var options = portfolio.Options;
        var policy = portfolio.Tiering;
        WritePortfolio(context.OutputFile("portfolio.csv"), rows, context.Id);
        var actions = portfolio.Actions.Select(a => new { rule = a.Rule, accounts = a.Accounts, arr = a.Arr, value_at_risk = a.ValueAtRisk }).ToList();
        var planJson = new
        {
            as_of = current[0].AsOf,
            tiering = new { basis = portfolio.Basis == TieringBasis.Arr ? "arr" : "expected_ltv", high_touch_minimum = policy.HighTouchMinimum, low_touch_minimum = policy.LowTouchMinimum },
            capacity = new
            {
                options.BudgetShareOfArr,
                options.CostPerCsm,
                plan.TotalArr,
                plan.Budget,
                plan.CsmsNeeded,
                plan.CsmsAffordable,
                plan.HeadcountGap,
                plan.NeededCostShareOfArr,
                tiers = plan.Tiers,
            },
            playbooks = actions,
            organisation = PlanOrganisation(context, inputs, rows),
        };
        AtomicOutput.WriteText(context.OutputFile("plan.json"), writer => writer.Write(JsonSerializer.Serialize(planJson, CsScoringJson.Options)));
        context.Summary["coverage"] = new
        {
            accounts = rows.Count,
            csms_needed = Math.Round(plan.CsmsNeeded, 2),
            csms_affordable = Math.Round(plan.CsmsAffordable, 2),
            accounts_with_action = rows.Count(r => r.Recommendation is not null),
            file = "portfolio.csv",
        };

        var c = CultureInfo.InvariantCulture;
        context.Report.Section("Coverage plan: segments, headcount and playbooks")
            .Paragraph($"{rows.Count} current customers, tiered by {(planJson.tiering.basis == "arr" ? "ARR" : "expected lifetime value")}: the top 5% high-touch, the next 25% low-touch, the rest tech-touch. The budget is {options.BudgetShareOfArr:P0} of ARR at {options.CsmMonthlyCost.ToString("N0", CultureInfo.InvariantCulture)}{(options.Currency is { } label ? " " + label : string.Empty)} a month per CSM.")
            .Facts(
            [
                ("ARR", plan.TotalArr.ToString("N0", c)),
                ("CS budget", plan.Budget.ToString("N0", c)),
                ("CSMs the coverage model needs", plan.CsmsNeeded.ToString("F1", c)),
                ("CSMs the budget affords", plan.CsmsAffordable.ToString("F1", c)),
                ("headcount gap (affordable - needed)", plan.HeadcountGap.ToString("+0.0;-0.0", c)),
                ("needed cost as a share of ARR", plan.NeededCostShareOfArr.ToString("P1", c)),
            ])
            .Table(
                ["touch model", "accounts", "ARR", "accounts per CSM", "CSMs needed"],
                plan.Tiers.Reverse().Select(t => (IReadOnlyList<string>)
                [
                    JsonNamingPolicy.SnakeCaseLower.ConvertName(t.Model.ToString()), t.Accounts.ToString(c), t.Arr.ToString("N0", c),
                    options.AccountsPerCsm(t.Model).ToString("N0", c), t.CsmsNeeded.ToString("F1", c),
                ]))
            .SubSection("Playbook actions")
            .Table(
                ["rule", "accounts", "ARR", "90-day value at risk"],
                actions.Select(a => (IReadOnlyList<string>)[a.rule, a.accounts.ToString(c), a.arr.ToString("N0", c), a.value_at_risk.ToString("N0", c)]))
            .SubSection("The 15 accounts with the most value at risk")
            .Table(
                ["account", "touch model", "ARR", "churn probability", "health", "value at risk", "action", "why"],
                rows.Take(15).Select(r => (IReadOnlyList<string>)
                [
                    context.Id(r.Account.AccountId), JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Touch.ToString()), r.Account.Arr.ToString("N0", c),
                    r.Churn is not { } risk || double.IsNaN(risk.Probability) ? "n/a" : risk.Probability.ToString("P1", c),
                    r.Health is not { } standing ? "n/a" : $"{HealthScoreText(standing.Score)} ({standing.Band})",
                    r.ValueAtRisk.ToString("N0", c), r.Recommendation?.Rule ?? "none",
                    r.Recommendation is null ? string.Empty : string.Join("; ", r.Recommendation.Reasons),
                ]));
    }

    /// <summary>
    /// The organisation plan for the book as the coverage plan tiered it: top-down budget and headcount, bottom-up
    /// headcount with onboarding and renewal load, the hiring plan from the ledger's ARR trend, and the advice on the
    /// CS organisation model (with how it changes if customers triple).
    /// </summary>
    private static object PlanOrganisation(RunContext context, RunInputs inputs, IReadOnlyList<PortfolioEntry> rows)
    {
        CustomerBook book;
        using (var reader = inputs.Accounts.CreateReader())
        {
            book = CustomerBook.Read(reader, inputs.Customers);
        }

        var touch = rows.ToDictionary(r => r.Account.AccountId, r => r.Touch, StringComparer.Ordinal);
        var accounts = book.Accounts.Select(a => touch.TryGetValue(a.Id, out var tier) ? a with { Tier = tier } : a).ToList();
        var history = inputs.Ledger is { } ledger ? ArrHistory.FromLedger(ledger) : [];
        var plan = OrganisationPlanner.Plan(accounts, history, new OrganisationPlanOptions { AsOf = book.AsOf, Capacity = context.Capacity });
        context.Summary["organisation"] = new
        {
            top_down_csms = plan.TopDown.Headcount,
            bottom_up_csms = Math.Round(plan.BottomUp.CsmsNeeded, 1),
            budget_band = JsonNamingPolicy.SnakeCaseLower.ConvertName(plan.TopDown.Band.ToString()),
            hires = plan.Hiring.Hires.Sum(h => h.People),
            recommended_model = plan.Advice.Recommendations.Count > 0 ? JsonNamingPolicy.SnakeCaseLower.ConvertName(plan.Advice.Recommendations[0].Model.ToString()) : null,
        };

        var c = CultureInfo.InvariantCulture;
        var currency = context.Capacity.Currency is { } label ? " " + label : string.Empty;
        var top = plan.TopDown;
        var bottom = plan.BottomUp;
        context.Report.Section("Organisation plan: budget, headcount, hiring and the CS organisation model")
            .Paragraph($"Top-down, the CS budget is {top.Ratio:P0} of ARR; at {top.CsmMonthlyCost.ToString("N0", c)}{currency} a month per CSM it pays for {top.Headcount.ToString("0.0", c)} CSMs. Bottom-up, the book as tiered above needs {bottom.CsmsNeeded.ToString("0.0", c)}, onboarding and renewals included." + (top.Warning is { } warning ? " " + warning : string.Empty))
            .Facts(
            [
                ("ARR", top.Arr.ToString("N0", c) + currency),
                ("CS budget (top-down)", top.Budget.ToString("N0", c) + currency),
                ("CSMs the budget pays for", top.Headcount.ToString("0.0", c)),
                ("CSMs the book needs (bottom-up)", bottom.CsmsNeeded.ToString("0.0", c)),
                ("of which onboarding and renewals", (bottom.OnboardingCsms + bottom.RenewalCsms).ToString("0.0", c)),
                ("gap in people (budget - need)", bottom.HeadcountGap.ToString("+0.0;-0.0", c)),
                ("gap in money (budget - cost of need)", bottom.MoneyGap.ToString("+#,0;-#,0", c) + currency),
                ("ARR growth used for the hiring plan", $"{plan.Hiring.AnnualGrowthRate.ToString("P1", c)} a year ({plan.Hiring.GrowthSource})"),
            ])
            .SubSection("Hiring plan by quarter")
            .Table(
                ["quarter", "starts", "ARR", "CSMs affordable", "CSMs needed", "team", "hires"],
                plan.Hiring.Quarters.Select(q => (IReadOnlyList<string>)
                [
                    q.Index.ToString(c), q.Start.ToString("yyyy-MM-dd", c), q.Arr.ToString("N0", c), q.AffordableCsms.ToString("0.0", c),
                    q.NeededCsms.ToString("0.0", c), q.Team.ToString(c), q.Hires.ToString(c),
                ]))
            .SubSection("CS organisation model, best first")
            .Table(
                ["model", "fit", "why", "risks"],
                plan.Advice.Recommendations.Select(r => (IReadOnlyList<string>)
                [
                    JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Model.ToString()), r.Fit.ToString("0.00", c), string.Join(" ", r.Reasons), string.Join(" ", r.Risks),
                ]))
            .Paragraph("If customers tripled: " + (plan.Advice.IfCustomersTriple.Changes.Count == 0 ? "the ranking stays the same." : string.Join(" ", plan.Advice.IfCustomersTriple.Changes)));
        return new { top_down = plan.TopDown, bottom_up = plan.BottomUp, hiring = plan.Hiring, profile = plan.Profile, advice = plan.Advice };
    }

    private static void WritePortfolio(string path, IReadOnlyList<PortfolioEntry> rows, Func<string, string> id)
        => AtomicOutput.WriteText(path, writer =>
        {
            using var csv = new CsvWriter(writer);
            csv.WriteRow("account_id", "as_of", "arr", "expected_ltv", "value_at_risk_90d", "churn_probability", "risk_band", "top_churn_reason",
                "health_score", "health_band", "touch_model", "playbook", "action", "reasons");
            foreach (var row in rows)
            {
                csv.WriteField(id(row.Account.AccountId));
                csv.WriteField(row.Account.AsOf);
                csv.WriteField(row.Account.Arr);
                if (row.Value is null)
                {
                    csv.WriteField(0m);
                }
                else if (row.ExpectedLtv is { } ltv)
                {
                    csv.WriteField(ltv);
                }
                else
                {
                    csv.WriteEmpty(); // unbounded: no finite figure
                }

                csv.WriteField(row.ValueAtRisk);
                if (row.Churn is { } risk)
                {
                    csv.WriteField(risk.Probability, "0.######");
                }
                else
                {
                    csv.WriteEmpty();
                }

                csv.WriteField(row.Churn is { } band ? ChurnScoringJob.BandName(band.Band) : null);
                csv.WriteField(row.Churn?.TopReason);
                if (row.Health is { } health)
                {
                    csv.WriteField(Math.Round(health.Score, 4));
                }
                else
                {
                    csv.WriteEmpty();
                }

                csv.WriteField(row.Health?.Band);
                csv.WriteField(JsonNamingPolicy.SnakeCaseLower.ConvertName(row.Touch.ToString()));
                csv.WriteField(row.Recommendation?.Rule);
                csv.WriteField(row.Recommendation?.Action);
                csv.WriteField(row.Recommendation is null ? null : string.Join("; ", row.Recommendation.Reasons));
                csv.EndRow();
            }
        });

    // As health_scores.csv writes it: four decimals, blank when the account has too little data.
    private static string HealthScoreText(double score)
        => double.IsNaN(score) ? string.Empty : Math.Round(score, 4).ToString(CultureInfo.InvariantCulture);
}
