using System.Globalization;
using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Planning;
using CsScoring.Playbooks;
using CsScoring.Portfolio;
using CsScoring.Segmentation;
using CsScoring.Training.Health;
using CsScoring.Training.Portfolio;
using CsScoring.Value;

using CsScoring.Training.Reporting.Dashboard;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    private const string PlaybooksFile = "playbooks.json";

    /// <summary>
    /// The portfolio, through the same library path as <c>csscoring portfolio</c>: every current account's health and
    /// trend, churn risk and reasons, potential / expected / at-risk value, tier by potential value, priority by value at
    /// risk and playbook action (the data folder's playbooks.json, or the built-in default), into portfolio.csv and
    /// plan.json with the headcount plan.
    /// </summary>
    /// <remarks>The churn scores of the prediction step are reused, so the model scores each account once.</remarks>
    /// <returns>Everything the portfolio produced, in memory, for the dashboard.</returns>
    private static PortfolioRun PlanCoverage(RunContext context, RunInputs inputs, ChurnModel model, CompiledScorecard scorecard, IReadOnlyList<ScoredRow> churn)
    {
        Playbook playbook;
        if (context.Data.Contains(PlaybooksFile))
        {
            using var text = new StreamReader(context.Data.OpenRead(PlaybooksFile));
            playbook = PortfolioWorkflow.ParsePlaybook(text.ReadToEnd(), PlaybooksFile);
        }
        else
        {
            context.Console.Note("No playbooks.json in the data folder: actions come from the built-in default playbook.");
            playbook = Playbook.Default;
        }

        // Streams: rows go to portfolio.csv as they come; the organisation plan sees each row's tier by raw id.
        var touch = new Dictionary<string, TouchModel>(StringComparer.Ordinal);
        var run = context.Console.Step("Building the portfolio", _ => PortfolioWorkflow.Run(
            new PortfolioJob(inputs.Accounts.CreateReader, model, scorecard, playbook, inputs.Ledger, new PortfolioOptions { Capacity = context.Capacity }) { ChurnScores = churn },
            context.OutputFile(PortfolioWorkflow.CsvFile),
            context.Pseudonymizer is { } pseudonymizer ? pseudonymizer.Pseudonymize : null,
            row => touch[row.AccountId] = row.Escalated ? TouchModel.HighTouch : row.Tier));
        var organisation = PlanOrganisation(context, inputs, touch);
        var rows = run.Top;
        var summary = run.Summary;
        var plan = summary.Capacity;
        var options = context.Capacity;
        var planJson = (SortedDictionary<string, object?>)PortfolioWorkflow.Plan(run, options);
        planJson["organisation"] = organisation;
        AtomicOutput.WriteText(context.OutputFile(PortfolioWorkflow.PlanFile), writer => writer.Write(JsonSerializer.Serialize(planJson, CsScoringJson.Options)));
        context.Summary["portfolio"] = PortfolioWorkflow.Summary(run, PortfolioWorkflow.CsvFile, PortfolioWorkflow.PlanFile, PortfolioDashboard.FileName);
        foreach (var warning in summary.Warnings)
        {
            context.Console.Warn(warning);
        }

        var c = CultureInfo.InvariantCulture;
        context.Report.Section("Portfolio: who gets which attention, and why")
            .Paragraph($"{summary.Accounts} current customers as of {summary.AsOf:yyyy-MM-dd}, tiered by potential value (what an account is worth if it stays: {run.ValueModelSource}); value at risk = churn probability x potential value, expected value = the rest. Priority follows value at risk across tiers; accounts at high risk and high value below high-touch are escalated to a named CSM.")
            .Facts(
            [
                ("ARR", plan.TotalArr.ToString("N0", c)),
                ("accounts with an action", run.WithAction.ToString(c)),
                ("escalated to a named CSM", run.Escalated.ToString(c)),
                ("high-risk accounts without an action", $"{summary.Lint.HighRiskWithoutAction} of {summary.Lint.HighRiskAccounts}"),
                ("falling-health accounts without an action", $"{summary.Lint.FallingHealthWithoutAction} of {summary.Lint.FallingHealthAccounts}"),
                ("CSMs the coverage model needs", plan.CsmsNeeded.ToString("F1", c)),
                ("CSMs the budget affords", plan.CsmsAffordable.ToString("F1", c)),
                ("headcount gap (affordable - needed)", plan.HeadcountGap.ToString("+0.0;-0.0", c)),
            ])
            .Table(
                ["tier", "accounts", "ARR", "potential value", "value at risk", "escalated", "highest churn p", "accounts per CSM"],
                summary.Tiers.Select(t => (IReadOnlyList<string>)
                [
                    PortfolioBuilder.TierName(t.Tier), t.Accounts.ToString(c), t.Arr.ToString("N0", c), Money(t.PotentialValue), Money(t.ValueAtRisk), t.Escalated.ToString(c),
                    double.IsNaN(t.HighestChurnProbability) ? "-" : t.HighestChurnProbability.ToString("0.000", c), options.AccountsPerCsm(t.Tier).ToString("N0", c),
                ]))
            .SubSection("Playbook actions")
            .Table(
                ["rule", "accounts", "ARR", "value at risk"],
                summary.Actions.Select(a => (IReadOnlyList<string>)[a.Rule, a.Accounts.ToString(c), a.Arr.ToString("N0", c), a.ValueAtRisk.ToString("N0", c)]))
            .SubSection("The 15 accounts with the most value at risk")
            .Table(
                ["priority", "account", "tier", "ARR", "churn p", "health", "value at risk", "action", "owner", "due", "why"],
                rows.Take(15).Select(r => (IReadOnlyList<string>)
                [
                    r.Priority.ToString(c), r.AccountId, PortfolioBuilder.TierName(r.Tier) + (r.Escalated ? " (escalated)" : string.Empty), r.Arr.ToString("N0", c),
                    float.IsNaN(r.ChurnProbability) ? "n/a" : r.ChurnProbability.ToString("P1", c),
                    $"{HealthScoreText(r.HealthScore)} ({r.HealthBand})", Money(r.ValueAtRisk), r.Action?.Rule ?? "none",
                    r.Owner is { } owner ? PortfolioBuilder.OwnerName(owner) : string.Empty, r.Due?.ToString("yyyy-MM-dd", c) ?? string.Empty, r.Action?.Explanation ?? string.Empty,
                ]));
        return run;
    }

    /// <summary>The Monday dashboard: KPI tiles, health bands, risk by value, value at risk by tier, action queues and the headcount plan.</summary>
    private static void WriteDashboard(RunContext context, PortfolioRun portfolio, ChurnModel model, IReadOnlyList<KpiTile> kpis)
    {
        var company = Path.GetFileName(Path.TrimEndingDirectorySeparator(context.Data.Name));
        var data = PortfolioDashboard.Build(portfolio, kpis, company, context.Capacity.Currency);
        PortfolioDashboard.Write(context.OutputFile(PortfolioDashboard.FileName), data);
        context.Summary["dashboard"] = PortfolioDashboard.FileName;
    }

    private static string Money(LtvResult value) => value.TryGetValue(out var v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "unbounded";

    /// <summary>
    /// The organisation plan for the book as the coverage plan tiered it: top-down budget and headcount, bottom-up
    /// headcount with onboarding and renewal load, the hiring plan from the ledger's ARR trend, and the advice on the
    /// CS organisation model (with how it changes if customers triple).
    /// </summary>
    private static object PlanOrganisation(RunContext context, RunInputs inputs, Dictionary<string, TouchModel> touch)
    {
        CustomerBook book;
        using (var reader = inputs.Accounts.CreateReader())
        {
            book = CustomerBook.Read(reader, inputs.Customers);
        }

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

    // As health_scores.csv writes it: four decimals, blank when the account has too little data.
    private static string HealthScoreText(double score)
        => double.IsNaN(score) ? string.Empty : Math.Round(score, 4).ToString(CultureInfo.InvariantCulture);
}
