using CsScoring.Training.Metrics;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

internal static partial class CommandRegistry
{
    static partial void AddMetricsCommands(IConfigurator config)
    {
        config.AddCommand<KpisCommand>("kpis")
            .WithDescription("The MRR bridge (opening, new, expansion, contraction, churned, reactivated, closing) and the retention rates (logo churn, GRR, NRR, quick ratio, ARPA) per month or quarter and over the trailing twelve months.")
            .WithExample("kpis", "--ledger", "data/sample/mrr_ledger.csv", "--period", "quarter");
        config.AddCommand<SurveysCommand>("surveys")
            .WithDescription("NPS with its Wald and adjusted intervals, CSAT with its Wilson interval and CES with its t interval, overall and per period, segment or account.")
            .WithExample("surveys", "--data", "data/sample/surveys.csv", "--by", "period");
        config.AddCommand<UsageCommand>("usage")
            .WithDescription("DAU/MAU and WAU/MAU over the trailing 30 days, feature adoption and weekly active-user retention, streamed from the event log; per account into --out.")
            .WithExample("usage", "--events", "data/sample/usage_events.csv", "--out", "usage_by_account.csv");
        config.AddCommand<SurvivalCommand>("survival")
            .WithDescription("Kaplan-Meier survival of customers from the ledger with Greenwood 95% bands and medians, per segment with log-rank tests, and cohort retention matrices.")
            .WithExample("survival", "--ledger", "data/sample/mrr_ledger.csv", "--segment", "data/sample/accounts.csv", "--segment-column", "plan");
    }
}
