using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Portfolio;
using CsScoring.Training.Value;
using CsScoring.Value;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    /// <summary>
    /// Contractual retention of the sample's monthly cohorts: an sBG model fitted to every cohort's survivor counts
    /// from the MRR ledger, its projected survival against the observed one, and the lifetime value it implies.
    /// </summary>
    /// <returns>Each scored, paying current customer's value (in the order of the churn step), or <see langword="null"/> without a ledger.</returns>
    private static IReadOnlyList<ValuedAccount>? ProjectValue(RunContext context, MrrLedger? ledger, IReadOnlyList<ScoredRow> churn)
    {
        if (ledger is null)
        {
            context.Console.Note("No mrr_ledger.csv in the data folder: lifetime value and retention projection skipped.");
            return null;
        }

        const double monthlyDiscount = 0.01;
        var values = PortfolioValuation.Evaluate(churn.Where(s => s.Id is not null).Select(s => (s.Id!, (double)s.Probability)), ledger, monthlyDiscount, horizonMonths: 3);
        var cohorts = CohortSurvival.Create(ledger);
        var report = context.Report.Section("Lifetime value and retention projection");
        if (cohorts.Cohorts.Count == 0)
        {
            report.Paragraph("Every account in the ledger was already paying in its first month: there are no cohorts with a known start.");
            context.Summary["value"] = new { account_value = ReportAccountValues(context, values, monthlyDiscount) };
            return values;
        }

        ModelFit<SbgParameters> fit;
        try
        {
            fit = SbgModel.FitCohorts(cohorts.SurvivorCounts);
        }
        catch (ModelFitException ex)
        {
            report.Paragraph($"The sBG model cannot be fitted to these cohorts: {ex.Message}");
            context.Summary["value"] = new { account_value = ReportAccountValues(context, values, monthlyDiscount) };
            return values;
        }

        var model = fit.Parameters;
        var observed = cohorts.PooledSurvival();
        var maxAge = observed.Length - 1;
        var projected = new double[maxAge + 1];
        model.SurvivalCurve(projected);
        var c = CultureInfo.InvariantCulture;
        var accounts = Enumerable.Range(0, cohorts.Cohorts.Count).Sum(i => cohorts.Survivors(i)[0]);
        var del = model.DiscountedExpectedLifetime(monthlyDiscount);

        // Mean starting MRR of the cohorts' accounts, for the value of a new customer.
        var startingMrr = LedgerKpis.MeanStartingMrr(ledger, cohorts.Cohorts);
        var at12 = Math.Min(12, maxAge);

        // The textbook segment LTV from averages (ARPA and trailing-twelve-month logo churn), for comparison.
        var arpa = LedgerKpis.Arpa(ledger, ledger.LastMonth);
        var monthlyChurn = LedgerKpis.TrailingLogoChurn(ledger, ledger.LastMonth, months: 12);
        var segment = LtvCalculator.Compute(new LtvInputs(arpa, monthlyChurn, grossMargin: 1, discountRate: monthlyDiscount));

        report.Paragraph(string.Create(c, $"A shifted-beta-geometric (sBG) model of monthly renewals, fitted by maximum likelihood to {cohorts.Cohorts.Count} monthly acquisition cohorts ({accounts} accounts; {cohorts.LeftTruncatedAccounts} accounts already paying in the ledger's first month are left out, their start being unknown). An account survives a month while it keeps paying; its first unpaid month ends its lifetime."))
            .Facts(
            [
                ("alpha (se)", string.Create(c, $"{model.Alpha:F3} ({fit.StandardErrors[0]:F3})")),
                ("beta (se)", string.Create(c, $"{model.Beta:F3} ({fit.StandardErrors[1]:F3})")),
                ("log-likelihood", fit.LogLikelihood.ToString("F2", c)),
                ("mean monthly churn of a new account", model.MeanChurn.ToString("P2", c)),
                ($"survival at {at12} months: observed / projected", $"{observed[at12].ToString("P1", c)} / {projected[at12].ToString("P1", c)}"),
                ("discounted expected lifetime of a new account (1 % a month)", del.ToString("F1", c) + " months"),
                ("LTV of a new account (mean starting MRR x lifetime)", (startingMrr * (decimal)del).ToString("N0", c)),
            ]);

        report.SubSection("LTV from averages, for comparison")
            .Paragraph("The textbook formulas with the current ARPA and the trailing-twelve-month monthly logo churn. They assume every account churns at the average rate; the sBG model lets the rate differ between accounts, so the survivors of a cohort churn less and less as it ages.")
            .Facts(
            [
                ("ARPA (last month)", arpa.ToString("N2", c)),
                ("monthly logo churn (trailing 12 months)", monthlyChurn.ToString("P2", c)),
                ("simple LTV (ARPA / churn)", Format(segment.Simple)),
                ("discounted LTV at 1 % a month (m r / (1 + d - r))", Format(segment.Discounted)),
            ]);

        var chart = SurvivalChart.Render(
            "Observed vs sBG-projected survival",
            "months since the first payment",
            [
                new SurvivalChart.Series("observed (pooled)", observed, "#1f77b4", Dashed: false, Points: true),
                new SurvivalChart.Series("sBG projection", projected, "#d62728", Dashed: true, Points: false),
            ]);
        report.Svg(chart, "Share of accounts still paying by months since their first payment: observed across the cohorts still in view at each age, and the sBG model's projection.");

        var accountValue = ReportAccountValues(context, values, monthlyDiscount);
        context.Summary["value"] = new
        {
            model = "sbg",
            period = "month",
            alpha = model.Alpha,
            beta = model.Beta,
            alpha_standard_error = fit.StandardErrors[0],
            beta_standard_error = fit.StandardErrors[1],
            log_likelihood = fit.LogLikelihood,
            cohorts = cohorts.Cohorts.Count,
            accounts,
            oldest_cohort_months = maxAge,
            month = at12,
            observed_survival = observed[at12],
            projected_survival = projected[at12],
            max_abs_survival_gap = observed.Zip(projected, (o, p) => Math.Abs(o - p)).Max(),
            discount_rate_monthly = monthlyDiscount,
            discounted_expected_lifetime_months = del,
            mean_starting_mrr = startingMrr,
            new_customer_ltv = Math.Round(startingMrr * (decimal)del, 2),
            arpa,
            monthly_logo_churn = monthlyChurn,
            simple_ltv = segment.Simple.TryGetValue(out var simple) ? Math.Round(simple, 2) : (decimal?)null,
            discounted_ltv = segment.Discounted.TryGetValue(out var discounted) ? Math.Round(discounted, 2) : (decimal?)null,
            ltv_status = segment.Simple.Status,
            account_value = accountValue,
        };

        report.SubSection("Survival by age (all cohorts)")
            .Table(
                ["months", "accounts at risk", "observed survival", "projected survival"],
                Enumerable.Range(0, maxAge + 1).Select(k => (IReadOnlyList<string>)
                [
                    k.ToString(c),
                    Enumerable.Range(0, cohorts.Cohorts.Count).Where(i => cohorts.Survivors(i).Length > k).Sum(i => cohorts.Survivors(i)[Math.Max(k - 1, 0)]).ToString(c),
                    observed[k].ToString("P1", c),
                    projected[k].ToString("P1", c),
                ]));

        report.SubSection("Cohorts today: observed vs projected survivors")
            .Table(
                ["cohort", "accounts", "age (months)", "still paying", "projected"],
                Enumerable.Range(0, cohorts.Cohorts.Count).Select(i =>
                {
                    var s = cohorts.Survivors(i);
                    var age = s.Length - 1;
                    return (IReadOnlyList<string>)
                    [
                        cohorts.Cohorts[i].ToString("yyyy-MM", c), s[0].ToString(c), age.ToString(c), s[age].ToString(c),
                        (s[0] * model.Survival(age)).ToString("F1", c),
                    ];
                }));
        return values;
    }

    /// <summary>
    /// Per-account expected LTV and 90-day value at risk from the churn step's predictions and each paying account's
    /// current MRR (revenue LTV: the sample has no margins), into account_value.csv and the report.
    /// </summary>
    private static AccountValueFigures ReportAccountValues(RunContext context, IReadOnlyList<ValuedAccount> valued, double monthlyDiscount)
    {
        AtomicOutput.WriteText(context.OutputFile("account_value.csv"), writer =>
        {
            using var csv = new CsvWriter(writer);
            csv.WriteRow(["account_id", "mrr", "churn_probability_90d", "monthly_hazard", "expected_ltv", "ltv_status", "value_at_risk_90d"]);
            foreach (var account in valued)
            {
                var value = account.Value;
                csv.WriteField(context.Id(account.AccountId));
                csv.WriteField(account.Inputs.Mrr);
                csv.WriteField(account.Inputs.ChurnProbability, "0.######");
                csv.WriteField(value.MonthlyHazard);
                csv.WriteField(value.ExpectedLtv.TryGetValue(out var ltv) ? Math.Round(ltv, 2).ToString(CultureInfo.InvariantCulture) : string.Empty);
                csv.WriteField(value.ExpectedLtv.Status == LtvStatus.Unbounded ? "unbounded" : "bounded");
                csv.WriteField(Math.Round(value.ValueAtRisk, 2));
                csv.EndRow();
            }
        });

        var ids = valued.Select(v => context.Id(v.AccountId)).ToList();
        var inputs = valued.Select(v => v.Inputs).ToList();
        var values = valued.Select(v => v.Value).ToArray();
        var c = CultureInfo.InvariantCulture;
        var totalRisk = values.Sum(v => v.ValueAtRisk);
        var totalLtv = values.Where(v => !v.ExpectedLtv.IsUnbounded).Sum(v => v.ExpectedLtv.Value);
        var top = Enumerable.Range(0, values.Length).OrderByDescending(i => values[i].ValueAtRisk).ThenBy(i => ids[i], StringComparer.Ordinal).Take(10).ToList();
        var figures = new AccountValueFigures(values.Length, 3, monthlyDiscount, Math.Round(totalLtv, 2), Math.Round(totalRisk, 2), [.. top.Select(i => ids[i])], "account_value.csv");

        context.Report.SubSection("Value at risk in the next 90 days")
            .Paragraph(string.Create(c, $"Each paying account's expected revenue LTV (its MRR, the monthly churn hazard implied by its 90-day churn probability, 1 % a month discounting) and the value lost if it churns within the 90 days, weighted by that probability. {values.Length} accounts; all figures in account_value.csv."))
            .Facts(
            [
                ("total expected LTV", totalLtv.ToString("N0", c)),
                ("total value at risk (90 days)", totalRisk.ToString("N0", c)),
            ])
            .Table(
                ["account", "MRR", "churn probability (90 days)", "expected LTV", "value at risk"],
                top.Select(i => (IReadOnlyList<string>)
                [
                    ids[i], inputs[i].Mrr.ToString("N0", c), inputs[i].ChurnProbability.ToString("P1", c),
                    Format(values[i].ExpectedLtv), values[i].ValueAtRisk.ToString("N0", c),
                ]));
        return figures;
    }

    private static string Format(LtvResult result)
        => result.TryGetValue(out var value) ? value.ToString("N0", CultureInfo.InvariantCulture) : "unbounded (no churn)";

    /// <summary>The per-account value figures in summary.json (snake_case names).</summary>
    private sealed record AccountValueFigures(int Accounts, int HorizonMonths, double DiscountRateMonthly, decimal TotalExpectedLtv, decimal TotalValueAtRisk, IReadOnlyList<string> TopValueAtRisk, string File);
}
