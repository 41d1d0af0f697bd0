using CsScoring.Training.Value;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

internal static partial class CommandRegistry
{
    static partial void AddValueCommands(IConfigurator config)
    {
        config.AddCommand<LtvCommand>("ltv")
            .WithDescription("Lifetime value from ARPA and churn: simple, gross-margin and discounted LTV, LTV:CAC and CAC payback.")
            .WithExample("ltv", "--arpa", "500", "--churn", "0.02", "--period", "month", "--margin", "0.8", "--discount", "0.01", "--cac", "6000");
        config.AddBranch("retention", branch =>
        {
            branch.SetDescription("Contractual retention: the shifted-beta-geometric (sBG) model.");
            branch.AddCommand<FitSbgCommand>("fit-sbg")
                .WithDescription("Fit an sBG model to cohort survivor counts and project survival.")
                .WithExample("retention", "fit-sbg", "--survivors", "1000,631,468,382,326,289,262,241");
            branch.AddCommand<DerlCommand>("derl")
                .WithDescription("Discounted expected residual lifetime of a customer after N renewals under an sBG model.")
                .WithExample("retention", "derl", "--alpha", "0.704", "--beta", "1.182", "--renewals", "4", "--discount", "0.1");
        });
        config.AddBranch("clv", branch =>
        {
            branch.SetDescription("Customer lifetime value: BG/NBD, Pareto/NBD, Gamma-Gamma and BG/BB models.");
            branch.AddCommand<ClvFitCommand>("fit")
                .WithDescription("Fit a model by maximum likelihood to customer summaries or a raw transaction log.")
                .WithExample("clv", "fit", "--model", "bgnbd", "--data", "customers.csv");
            branch.AddCommand<ClvPredictCommand>("predict")
                .WithDescription("Predict expected transactions, P(alive) and CLV for one customer or a file of them.")
                .WithExample("clv", "predict", "--model", "bgnbd", "--params", "r=0.2426,alpha=4.4136,a=0.7929,b=2.4259", "--frequency", "2", "--recency", "30.43", "-T", "38.86", "--horizon", "39");
        });
    }
}
