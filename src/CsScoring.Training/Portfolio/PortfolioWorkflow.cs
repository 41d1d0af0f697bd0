using System.Globalization;
using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Metrics;
using CsScoring.Playbooks;
using CsScoring.Portfolio;
using CsScoring.Segmentation;
using CsScoring.Training.Reporting.Dashboard;
using CsScoring.Value;

namespace CsScoring.Training.Portfolio;

/// <summary>What a portfolio run needs: the loaded parts and the options.</summary>
internal sealed record PortfolioJob(
    Func<TabularReader> OpenAccounts, ChurnModel Model, CompiledScorecard Scorecard, Playbook Playbook, MrrLedger? Ledger, PortfolioOptions Options)
{
    /// <summary>Churn scores already computed for the current customers (file order), so the model scores once; <see langword="null"/> to score here.</summary>
    public IReadOnlyList<ScoredRow>? ChurnScores { get; init; }
}

/// <summary>
/// What the portfolio produced, in bounded memory: the library's summary (tiers, queues, band movement, lint, headcount
/// plan), the most urgent rows, the book's totals and the dashboard's gathered data. The rows themselves went to
/// portfolio.csv as they came; nothing here grows with the number of accounts. Ids are as published (pseudonymised
/// when asked).
/// </summary>
internal sealed record PortfolioRun(
    PortfolioSummary Summary, PortfolioValueModel ValueModel, string ValueModelSource, IReadOnlyList<PortfolioRow> Top, decimal Arr, int WithAction, int Escalated,
    DashboardCollector Dashboard)
{
    public IReadOnlyList<CsScoring.Portfolio.TierSummary> Tiers => Summary.Tiers;

    public IReadOnlyList<OwnerActions> ActionQueue => Summary.ActionQueue;

    public HealthBandMovement HealthBands => Summary.HealthBands;

    public CapacityPlan HeadcountPlan => Summary.Capacity;
}

/// <summary>
/// Takes the portfolio's rows one by one as the library hands them over: writes each to portfolio.csv (ids
/// published), feeds the dashboard's collector, keeps the most urgent rows and the totals. Holds no row after
/// <see cref="Add"/> returns, except the few most urgent.
/// </summary>
internal sealed class PortfolioSink(CsvWriter csv, Func<string, string> publish, double? highRiskThreshold, int keepTop = PortfolioSink.DefaultTop)
{
    public const int DefaultTop = 25;

    private readonly PriorityQueue<PortfolioRow, int> _top = new(Comparer<int>.Create((x, y) => y.CompareTo(x)));

    public DashboardCollector Dashboard { get; } = new(highRiskThreshold);

    public decimal Arr { get; private set; }

    public int WithAction { get; private set; }

    public int Escalated { get; private set; }

    public long Rows { get; private set; }

    public void Add(PortfolioRow raw)
    {
        var row = raw with { AccountId = publish(raw.AccountId) };
        PortfolioWorkflow.WriteRow(csv, row);
        Dashboard.Add(PortfolioDashboard.Account(row));
        Rows++;
        Arr += row.Arr;
        WithAction += row.Action is null ? 0 : 1;
        Escalated += row.Escalated ? 1 : 0;
        if (_top.Count < keepTop)
        {
            _top.Enqueue(row, row.Priority);
        }
        else if (keepTop > 0 && _top.TryPeek(out _, out var worst) && row.Priority < worst)
        {
            _top.DequeueEnqueue(row, row.Priority);
        }
    }

    /// <summary>The kept rows, most urgent first.</summary>
    public IReadOnlyList<PortfolioRow> Top() => [.. _top.UnorderedItems.Select(x => x.Element).OrderBy(r => r.Priority)];
}

/// <summary>The one console path to the portfolio, shared by <c>csscoring portfolio</c> and <c>csscoring run</c>.</summary>
internal static class PortfolioWorkflow
{
    public const string CsvFile = "portfolio.csv";
    public const string PlanFile = "plan.json";

    /// <summary>The portfolio.csv columns, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "account_id", "arr", "health_score", "health_band", "health_change", "churn_probability", "churn_band", "top_reasons",
        "potential_value", "expected_value", "value_at_risk", "tier", "priority", "action", "owner", "due", "why",
        "as_of", "escalated", "tier_priority", "rule", "health_drivers", "tenure_months",
    ];

    /// <summary>
    /// Builds the portfolio and streams it: every row to <paramref name="csvPath"/> (atomically, in the file order of
    /// the snapshots; sort by <c>priority</c> for the queue), the rest into bounded aggregates.
    /// </summary>
    /// <param name="job">The loaded parts.</param>
    /// <param name="csvPath">Where portfolio.csv goes.</param>
    /// <param name="publish">How an id is written (pseudonymisation), or <see langword="null"/> for as is.</param>
    /// <param name="observe">Sees each row with its raw id (e.g. to join with other data), or <see langword="null"/>.</param>
    public static PortfolioRun Run(PortfolioJob job, string csvPath, Func<string, string>? publish = null, Action<PortfolioRow>? observe = null)
    {
        var valueModel = job.Options.Value.WithRetentionFrom(job.Ledger, out var source);
        var builder = new PortfolioBuilder(job.Model, job.Scorecard, job.Playbook, job.Options with { Value = valueModel });
        publish ??= static id => id;
        PortfolioSummary? summary = null;
        PortfolioSink? sink = null;
        AtomicOutput.WriteText(csvPath, writer =>
        {
            using var csv = new CsvWriter(writer);
            csv.WriteRow([.. CsvColumns]);
            sink = new PortfolioSink(csv, publish, job.Model.Manifest.Thresholds.Bands.High);
            summary = builder.Build(job.OpenAccounts, job.ChurnScores, batch =>
            {
                foreach (var row in batch)
                {
                    observe?.Invoke(row);
                    sink.Add(row);
                }
            });
        });

        var published = summary! with
        {
            ActionQueue = [.. summary!.ActionQueue.Select(o => o with { Top = [.. o.Top.Select(a => a with { AccountId = publish(a.AccountId) })] })],
        };
        return new PortfolioRun(published, valueModel, source, sink!.Top(), sink.Arr, sink.WithAction, sink.Escalated, sink.Dashboard);
    }

    public static Playbook LoadPlaybook(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Playbook file '{path}' does not exist.", path);
        }

        return ParsePlaybook(File.ReadAllText(path), path);
    }

    /// <summary>Parses a playbook, naming its source in every error.</summary>
    public static Playbook ParsePlaybook(string json, string source)
    {
        var path = source;
        try
        {
            return Playbook.FromJson(json);
        }
        catch (JsonException ex)
        {
            throw new JsonException($"{path}: {ex.Message}", ex.Path, ex.LineNumber, ex.BytePositionInLine, ex);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes one portfolio.csv row (the columns of <see cref="CsvColumns"/>).</summary>
    public static void WriteRow(CsvWriter csv, PortfolioRow row)
    {
        csv.WriteField(row.AccountId);
        csv.WriteField(row.Arr);
        Number(csv, row.HealthScore, "0.####");
        csv.WriteField(row.HealthBand);
        Number(csv, row.HealthChange, "0.####");
        Number(csv, row.ChurnProbability, "0.######");
        csv.WriteField(ChurnScoringJob.BandName(row.ChurnBand));
        csv.WriteField(string.Join("; ", row.TopReasons.Select(r => r.Text)));
        Value(csv, row.PotentialValue);
        Value(csv, row.ExpectedValue);
        Value(csv, row.ValueAtRisk);
        csv.WriteField(PortfolioBuilder.TierName(row.Tier));
        csv.WriteField(row.Priority);
        csv.WriteField(row.Action?.Action);
        csv.WriteField(row.Owner is { } owner ? PortfolioBuilder.OwnerName(owner) : null);
        csv.WriteField(row.Due is { } due ? due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null);
        csv.WriteField(row.Action?.Explanation);
        csv.WriteField(row.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        csv.WriteField(row.Escalated ? "true" : "false");
        csv.WriteField(row.TierPriority);
        csv.WriteField(row.Action?.Rule);
        csv.WriteField(string.Join("; ", row.HealthDrivers));
        csv.WriteField(row.TenureMonths);
        csv.EndRow();
    }

    /// <summary>The plan.json document: as-of date, value model, tiers, headcount plan, action queues, playbook lint and warnings.</summary>
    public static object Plan(PortfolioRun run, CapacityOptions capacity)
    {
        var s = run.Summary;
        var plan = s.Capacity;
        return new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["as_of"] = s.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["as_of_inferred"] = s.AsOfInferred,
            ["future_rows_ignored"] = s.FutureRowsIgnored,
            ["accounts"] = s.Accounts,
            ["former_accounts"] = s.FormerAccounts,
            ["value_model"] = run.ValueModelSource,
            ["tiers"] = s.Tiers.Select(t => new
            {
                tier = PortfolioBuilder.TierName(t.Tier),
                accounts = t.Accounts,
                arr = t.Arr,
                potential_value = Json(t.PotentialValue),
                value_at_risk = Json(t.ValueAtRisk),
                escalated = t.Escalated,
                highest_churn_probability = double.IsNaN(t.HighestChurnProbability) ? (double?)null : Math.Round(t.HighestChurnProbability, 6),
            }).ToList(),
            ["capacity"] = new
            {
                capacity.BudgetShareOfArr,
                capacity.CostPerCsm,
                plan.TotalArr,
                plan.Budget,
                plan.CsmsNeeded,
                plan.CsmsAffordable,
                plan.HeadcountGap,
                plan.NeededCostShareOfArr,
                tiers = plan.Tiers,
            },
            ["health_bands"] = new
            {
                periods_back = s.HealthBands.Periods,
                bands = s.HealthBands.Bands,
                now = s.HealthBands.Now,
                before = s.HealthBands.Before,
                movement = s.HealthBands.Movement,
                without_history = s.HealthBands.WithoutHistory,
            },
            ["playbook_actions"] = s.Actions.Select(a => new { rule = a.Rule, accounts = a.Accounts, arr = a.Arr, value_at_risk = a.ValueAtRisk }).ToList(),
            ["action_queue"] = s.ActionQueue.Select(q => new
            {
                owner = PortfolioBuilder.OwnerName(q.Owner),
                accounts = q.Accounts,
                top = q.Top.Select(a => new
                {
                    account_id = a.AccountId,
                    priority = a.Priority,
                    tier = PortfolioBuilder.TierName(a.Tier),
                    escalated = a.Escalated,
                    rule = a.Rule,
                    action = a.Action,
                    why = a.Why,
                    due = a.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    value_at_risk = Json(a.ValueAtRisk),
                }).ToList(),
            }).ToList(),
            ["lint"] = Lint(s.Lint),
            ["warnings"] = s.Warnings,
        };
    }

    /// <summary>The machine summary (--json, summary.json): the figures a script or a CS leader checks first.</summary>
    public static object Summary(PortfolioRun run, params IReadOnlyList<string> files)
    {
        var s = run.Summary;
        return new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["as_of"] = s.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["as_of_inferred"] = s.AsOfInferred,
            ["future_rows_ignored"] = s.FutureRowsIgnored,
            ["accounts"] = s.Accounts,
            ["arr"] = run.Arr,
            ["accounts_with_action"] = run.WithAction,
            ["escalated"] = run.Escalated,
            ["tiers"] = s.Tiers.ToDictionary(t => PortfolioBuilder.TierName(t.Tier), t => (object)new
            {
                accounts = t.Accounts,
                arr = t.Arr,
                potential_value = Json(t.PotentialValue),
                value_at_risk = Json(t.ValueAtRisk),
                highest_churn_probability = double.IsNaN(t.HighestChurnProbability) ? (double?)null : Math.Round(t.HighestChurnProbability, 6),
            }, StringComparer.Ordinal),
            ["lint"] = Lint(s.Lint),
            ["csms_needed"] = Math.Round(s.Capacity.CsmsNeeded, 2),
            ["csms_affordable"] = Math.Round(s.Capacity.CsmsAffordable, 2),
            ["warnings"] = s.Warnings,
            ["files"] = files,
        };
    }

    private static object Lint(PlaybookLintReport lint) => new
    {
        high_risk_accounts = lint.HighRiskAccounts,
        high_risk_without_action = lint.HighRiskWithoutAction,
        falling_health_accounts = lint.FallingHealthAccounts,
        falling_health_without_action = lint.FallingHealthWithoutAction,
        falling_health_points = lint.Rule.FallingHealthPoints,
        tiers = lint.Tiers.Select(t => new
        {
            tier = PortfolioBuilder.TierName(t.Tier),
            high_risk_accounts = t.HighRiskAccounts,
            high_risk_without_action = t.HighRiskWithoutAction,
            falling_health_accounts = t.FallingHealthAccounts,
            falling_health_without_action = t.FallingHealthWithoutAction,
        }).ToList(),
        examples = lint.Examples,
        warnings = lint.Warnings,
    };

    // An unbounded figure is written as "unbounded", never as 0.
    private static object Json(LtvResult value) => value.TryGetValue(out var v) ? v : "unbounded";

    private static void Number(CsvWriter csv, double value, string format)
    {
        if (double.IsFinite(value))
        {
            csv.WriteField(value, format);
        }
        else
        {
            csv.WriteEmpty();
        }
    }

    private static void Value(CsvWriter csv, LtvResult value)
    {
        if (value.TryGetValue(out var v))
        {
            csv.WriteField(v);
        }
        else
        {
            csv.WriteField("unbounded");
        }
    }
}
