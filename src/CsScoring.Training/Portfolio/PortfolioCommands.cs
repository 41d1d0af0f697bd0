using CsScoring.Training.Portfolio;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

internal static partial class CommandRegistry
{
    static partial void AddPortfolioCommands(IConfigurator config)
    {
        config.AddCommand<PortfolioCommand>("portfolio")
            .WithDescription("Who gets which attention, and why: tiers by potential value, priority by value at risk, playbook actions with owner and due date (portfolio.csv, plan.json).")
            .WithExample("portfolio", "--accounts", "data/sample/accounts.csv", "--model", "out/model", "--scorecard", "data/sample/scorecard.json", "--playbooks", "data/sample/playbooks.json", "--ledger", "data/sample/mrr_ledger.csv", "--out", "out/portfolio");
    }
}
