using CsScoring.Training.Sample;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

internal static partial class CommandRegistry
{
    static partial void AddSampleCommands(IConfigurator config)
        => config.AddCommand<GenerateSampleCommand>("generate-sample")
            .WithDescription("Write a synthetic, documented SaaS customer base (accounts, truth, MRR ledger, surveys, usage events).")
            .WithExample("generate-sample", "--out", "data/sample", "--accounts", "1500", "--months", "24", "--seed", "42");
}
