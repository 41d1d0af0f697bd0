using System.Globalization;
using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Metrics;
using CsScoring.Playbooks;
using CsScoring.Portfolio;
using CsScoring.Segmentation;
using CsScoring.Training.Cli;
using CsScoring.Training.Health;
using CsScoring.Training.Reporting.Dashboard;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Portfolio;

/// <summary><c>csscoring portfolio</c>: who gets which attention, and why: portfolio.csv and plan.json.</summary>
internal sealed class PortfolioCommand : Command<PortfolioSettings>
{
    public override int Execute(CommandContext context, PortfolioSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var pseudonymizer = SecretKeys.Pseudonymizer(settings);
        var job = Job(settings);
        var capacity = new CapacityOptions();
        var kpis = job.Ledger is { } ledger ? DashboardBuilder.Kpis(MrrHistory.FromLedger(ledger), surveys: null, usage: null) : [];

        // Streams: rows go to portfolio.csv as the library hands them over; plan.json and the page come from bounded aggregates.
        PortfolioRun? built = null;
        AtomicOutput.WriteDirectory(settings.Out!, directory =>
        {
            built = console.Step("Building the portfolio", _ => PortfolioWorkflow.Run(job, Path.Combine(directory, PortfolioWorkflow.CsvFile), pseudonymizer is null ? null : pseudonymizer.Pseudonymize));
            AtomicOutput.WriteText(Path.Combine(directory, PortfolioWorkflow.PlanFile), writer => writer.Write(JsonSerializer.Serialize(PortfolioWorkflow.Plan(built, capacity), CsScoringJson.Options)));
            PortfolioDashboard.Write(Path.Combine(directory, PortfolioDashboard.FileName), PortfolioDashboard.Build(built, kpis, company: null, currency: null));
        }, settings.Force);
        var run = built!;

        foreach (var warning in run.Summary.Warnings)
        {
            console.Warn(warning);
        }

        console.JsonResult(PortfolioWorkflow.Summary(run, PortfolioWorkflow.CsvFile, PortfolioWorkflow.PlanFile, PortfolioDashboard.FileName));
        var c = CultureInfo.InvariantCulture;
        var s = run.Summary;
        console.ResultLine(string.Create(c, $"{s.Accounts} current customers as of {s.AsOf:yyyy-MM-dd}; {run.WithAction} with an action; wrote {Path.Combine(settings.Out!, PortfolioWorkflow.CsvFile)}, {PortfolioWorkflow.PlanFile} and {PortfolioDashboard.FileName}."));
        var table = new Table().AddColumns("tier", "accounts", "ARR", "potential value", "value at risk", "escalated", "highest churn p");
        foreach (var tier in s.Tiers)
        {
            table.AddRow(PortfolioBuilder.TierName(tier.Tier), tier.Accounts.ToString(c), tier.Arr.ToString("N0", c), Money(tier.PotentialValue), Money(tier.ValueAtRisk),
                tier.Escalated.ToString(c), double.IsNaN(tier.HighestChurnProbability) ? "-" : tier.HighestChurnProbability.ToString("0.000", c));
        }

        console.Result(table);
        return ExitCodes.Success;
    }

    internal static PortfolioJob Job(PortfolioSettings settings)
    {
        if (!File.Exists(settings.Accounts) && !Directory.Exists(settings.Accounts))
        {
            throw new FileNotFoundException($"Accounts file '{settings.Accounts}' does not exist.", settings.Accounts);
        }

        var playbook = PortfolioWorkflow.LoadPlaybook(settings.Playbooks!);
        var scorecard = ScorecardSource.Load(settings.Scorecard).Compile();
        var model = ChurnModel.Load(settings.Model!);
        MrrLedger? ledger = null;
        if (settings.Ledger is { } ledgerPath)
        {
            using var reader = CliReading.Open(ledgerPath);
            ledger = MrrLedger.Read(reader);
        }

        var options = new PortfolioOptions
        {
            CustomerBase = new CustomerBaseOptions
            {
                AsOf = settings.AsOfDate,
                FutureRows = settings.FutureRows == "error" ? FutureRowPolicy.Error : FutureRowPolicy.Ignore,
            },
            TrendPeriods = settings.TrendPeriods,
            AtRisk = new AtRiskRule { FallingHealthPoints = settings.FallingHealthPoints },
            Tiering = settings.CapacityHigh is { } high ? new TieringOptions { Method = TieringMethod.Capacity, HighTouchCapacity = high } : new TieringOptions(),
        };
        return new PortfolioJob(() => CliReading.Open(settings.Accounts!), model, scorecard, playbook, ledger, options);
    }

    private static string Money(CsScoring.Value.LtvResult value)
        => value.TryGetValue(out var v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "unbounded";
}
