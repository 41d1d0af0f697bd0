using System.Text.Json;
using CsScoring.Data;
using CsScoring.Segmentation;
using CsScoring.Training.Cli;
using Spectre.Console.Cli;

namespace CsScoring.Training.Run;

/// <summary><c>csscoring run</c>: every step of the product over one data folder, into one output folder.</summary>
internal sealed class RunCommand : Command<RunSettings>
{
    public override int Execute(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var pseudonymizer = SecretKeys.Pseudonymizer(settings);
        RunContext? run = null;
        AtomicOutput.WriteDirectory(settings.Out, directory =>
        {
            run = new RunContext(new DataFolder(settings.Data), directory, settings.Seed, console,
                new CapacityOptions { CsmMonthlyCost = settings.CsmMonthlyCost, Currency = settings.Currency, BudgetShareOfArr = settings.Ratio })
            {
                Pseudonymizer = pseudonymizer,
            };
            run.Privacy.Pseudonymised(pseudonymizer, "account_id");
            new RunPipeline().Execute(run);
            run.Summary["privacy"] = run.Privacy.ToJson();
            run.Privacy.AppendTo(run.Report);
            run.Summary["artifacts"] = run.Artifacts.Order(StringComparer.Ordinal).ToList();
            run.Summary["warnings"] = CliConsole.WarningsJson(CliReading.Warnings.Items);
            AtomicOutput.WriteText(Path.Combine(directory, "report.html"), writer => writer.Write(run.Report.Render()));
            AtomicOutput.WriteText(Path.Combine(directory, "summary.json"), writer => writer.Write(JsonSerializer.Serialize(run.Summary, CsScoringJson.Options)));
        }, settings.Force);

        console.JsonResult(run!.Summary);
        console.ResultLine($"Wrote {Path.Combine(settings.Out, "report.html")} and {Path.Combine(settings.Out, "summary.json")}.");
        return ExitCodes.Success;
    }
}
