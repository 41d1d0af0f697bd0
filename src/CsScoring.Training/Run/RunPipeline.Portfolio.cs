using System.Globalization;
using System.Text.Json;
using CsScoring.Data;
using CsScoring.Playbooks;
using CsScoring.Segmentation;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    /// <summary>
    /// Joins every current account's value, churn risk and health, assigns its touch model, plans the CS headcount
    /// the segments need against the budget, and picks each account's playbook action with its reasons.
    /// </summary>
    partial void PlanCoverage(RunContext context)
    {
        var current = ReadCurrentAccounts(context.DataFile("accounts.csv"));
        var churn = ReadColumns(Path.Combine(context.OutputDirectory, "churn_predictions.csv"), "churn_probability", "risk_band", "reason_1");
        var health = ReadColumns(Path.Combine(context.OutputDirectory, "health_scores.csv"), "score", "band");
        var value = ReadColumns(Path.Combine(context.OutputDirectory, "account_value.csv"), "expected_ltv", "value_at_risk_90d");

        var rows = current.Select(a => new PortfolioRow(a, churn.GetValueOrDefault(a.Id), health.GetValueOrDefault(a.Id), value.GetValueOrDefault(a.Id))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        // Tier by expected LTV where the churn model gave one, else by ARR: the value CS coverage should follow.
        var tierValues = rows.Select(r => r.TierValue).ToArray();
        var policy = TieringPolicy.FromShares(tierValues);
        var options = new CapacityOptions();
        foreach (var row in rows)
        {
            row.Touch = policy.Assign(row.TierValue);
            row.Recommendation = Playbook.Default.Recommend(row.Signals());
        }

        var plan = CapacityPlanner.Plan(rows.Select(r => (r.Touch, r.Account.Arr)), options);
        rows.Sort((a, b) => b.ValueAtRisk.CompareTo(a.ValueAtRisk) is var byRisk && byRisk != 0 ? byRisk : string.CompareOrdinal(a.Account.Id, b.Account.Id));
        WritePortfolio(context.OutputFile("portfolio.csv"), rows);
        var actions = rows.Where(r => r.Recommendation is not null)
            .GroupBy(r => r.Recommendation!.Rule, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new { rule = g.Key, accounts = g.Count(), arr = g.Sum(r => r.Account.Arr), value_at_risk = g.Sum(r => r.ValueAtRisk) })
            .ToList();
        var planJson = new
        {
            as_of = current[0].AsOf,
            tiering = new { basis = churn.Count > 0 && value.Count > 0 ? "expected_ltv" : "arr", high_touch_minimum = policy.HighTouchMinimum, low_touch_minimum = policy.LowTouchMinimum },
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
            .Paragraph($"{rows.Count} current customers, tiered by {(planJson.tiering.basis == "arr" ? "ARR" : "expected lifetime value")}: the top 5% high-touch, the next 25% low-touch, the rest tech-touch. The budget is {options.BudgetShareOfArr:P0} of ARR at {options.CostPerCsm:N0} per CSM.")
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
                    r.Account.Id, JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Touch.ToString()), r.Account.Arr.ToString("N0", c),
                    double.IsNaN(r.ChurnProbability) ? "n/a" : r.ChurnProbability.ToString("P1", c),
                    r.Health is null ? "n/a" : $"{r.Health[0]} ({r.Health[1]})",
                    r.ValueAtRisk.ToString("N0", c), r.Recommendation?.Rule ?? "none",
                    r.Recommendation is null ? string.Empty : string.Join("; ", r.Recommendation.Reasons),
                ]));
    }

    private static List<CurrentAccount> ReadCurrentAccounts(string path)
    {
        var latest = new Dictionary<string, CurrentAccount>(StringComparer.Ordinal);
        var last = DateOnly.MinValue;
        using (var reader = TabularReader.Open(path))
        {
            int id = reader.GetOrdinal("account_id"), asOf = reader.GetOrdinal("as_of"), mrr = reader.GetOrdinal("mrr");
            var signals = SignalColumns.Select(name => reader.TryGetOrdinal(name, out var o) ? o : -1).ToArray();
            while (reader.Read())
            {
                var date = reader.GetDate(asOf);
                var key = reader.GetString(id);
                if (latest.TryGetValue(key, out var seen) && seen.AsOf >= date)
                {
                    continue;
                }

                var values = signals.Select(o => o < 0 ? double.NaN : reader.GetDoubleOrNaN(o)).ToArray();
                var monthly = reader.GetDoubleOrNaN(mrr);
                latest[key] = new CurrentAccount(key, date, double.IsNaN(monthly) ? 0m : (decimal)monthly * 12m, values);
                last = date > last ? date : last;
            }
        }

        // Current customers only: an account whose latest snapshot is older has already left.
        return [.. latest.Values.Where(a => a.AsOf == last).OrderBy(a => a.Id, StringComparer.Ordinal)];
    }

    private static Dictionary<string, string[]> ReadColumns(string path, params string[] columns)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return result;
        }

        using var reader = TabularReader.Open(path);
        var id = reader.GetOrdinal("account_id");
        var ordinals = columns.Select(reader.GetOrdinal).ToArray();
        while (reader.Read())
        {
            result[reader.GetString(id)] = ordinals.Select(reader.GetString).ToArray();
        }

        return result;
    }

    private static void WritePortfolio(string path, List<PortfolioRow> rows)
        => AtomicOutput.WriteText(path, writer =>
        {
            using var csv = new CsvWriter(writer);
            csv.WriteRow("account_id", "as_of", "arr", "expected_ltv", "value_at_risk_90d", "churn_probability", "risk_band", "top_churn_reason",
                "health_score", "health_band", "touch_model", "playbook", "action", "reasons");
            foreach (var row in rows)
            {
                csv.WriteField(row.Account.Id);
                csv.WriteField(row.Account.AsOf);
                csv.WriteField(row.Account.Arr);
                csv.WriteField(row.ExpectedLtv);
                csv.WriteField(row.ValueAtRisk);
                csv.WriteField(row.ChurnProbability);
                csv.WriteField(row.Churn?[1]);
                csv.WriteField(row.Churn?[2]);
                csv.WriteField(row.Health?[0]);
                csv.WriteField(row.Health?[1]);
                csv.WriteField(JsonNamingPolicy.SnakeCaseLower.ConvertName(row.Touch.ToString()));
                csv.WriteField(row.Recommendation?.Rule);
                csv.WriteField(row.Recommendation?.Action);
                csv.WriteField(row.Recommendation is null ? null : string.Join("; ", row.Recommendation.Reasons));
                csv.EndRow();
            }
        });

    private static readonly string[] SignalColumns = ["days_to_renewal", "severe_tickets_90d", "late_invoices_90d", "dau_mau", "seat_utilization"];

    private sealed record CurrentAccount(string Id, DateOnly AsOf, decimal Arr, double[] Signals);

    private sealed class PortfolioRow(CurrentAccount account, string[]? churn, string[]? health, string[]? value)
    {
        public CurrentAccount Account { get; } = account;

        public string[]? Churn { get; } = churn;

        public string[]? Health { get; } = health;

        public double ChurnProbability { get; } = Parse(churn?[0]);

        public decimal ExpectedLtv { get; } = (decimal)ZeroIfMissing(Parse(value?[0]));

        public decimal ValueAtRisk { get; } = (decimal)ZeroIfMissing(Parse(value?[1]));

        public decimal TierValue => ExpectedLtv > 0 ? ExpectedLtv : Account.Arr;

        public TouchModel Touch { get; set; }

        public PlaybookRecommendation? Recommendation { get; set; }

        // Signals as text, the one shape of account attributes the playbook reads; "R" keeps every number exact.
        public Dictionary<string, string?> Signals()
        {
            var signals = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["churn_probability"] = Text(ChurnProbability),
                ["touch_model"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(Touch.ToString()),
                ["health_score"] = Text(Parse(Health?[0])),
                ["health_band"] = Health?[1],
                ["arr"] = Text((double)Account.Arr),
            };
            for (var i = 0; i < SignalColumns.Length; i++)
            {
                signals[SignalColumns[i]] = Text(Account.Signals[i]);
            }

            return signals;
        }

        private static string? Text(double x) => double.IsNaN(x) ? null : x.ToString("R", CultureInfo.InvariantCulture);

        private static double Parse(string? text)
            => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN;

        private static double ZeroIfMissing(double x) => double.IsNaN(x) ? 0 : x;
    }
}
