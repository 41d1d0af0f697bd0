using CsScoring.Training.Planning;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

internal static partial class CommandRegistry
{
    static partial void AddPlanningCommands(IConfigurator config)
    {
        config.AddCommand<CapacityCommand>("capacity")
            .WithDescription("Top-down CS budget and headcount: ARR x ratio (default 8%) / (monthly cost per CSM x 12), for one ARR or a range.")
            .WithExample("capacity", "--arr", "100000000", "--ratio", "0.08", "--csm-monthly-cost", "450000", "--currency", "JPY")
            .WithExample("capacity", "--arr-range", "50000000:300000000:50000000", "--csm-monthly-cost", "450000", "--currency", "JPY");
        config.AddCommand<HiringCommand>("hiring")
            .WithDescription("The organisation plan of a book: bottom-up against top-down headcount, ARR and headcount per quarter, hires with their dates, and the organisation advice.")
            .WithExample("hiring", "--data", "data/sample", "--csm-monthly-cost", "9000", "--quarters", "6", "--lead-time-months", "3")
            .WithExample("hiring", "--ledger", "data/sample/mrr_ledger.csv", "--csm-monthly-cost", "9000", "--growth", "0.3");
        config.AddCommand<OrgCommand>("org")
            .WithDescription("Rank the six CS organisation models (all_rounder, sales_cs_collaboration, dedicated, functional, regional, by_customer_size) with reasons and risks.")
            .WithExample("org", "--customers", "40", "--arr", "60000000", "--stage", "early")
            .WithExample("org", "--data", "data/sample");
    }
}
