using System.Globalization;
using CsScoring.Data;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Sample;

/// <summary><c>csscoring generate-sample</c>: writes a synthetic customer base into a new folder, atomically.</summary>
internal sealed class GenerateSampleCommand : Command<GenerateSampleSettings>
{
    public override int Execute(CommandContext context, GenerateSampleSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var options = settings.ToOptions();
        AtomicOutput.EnsureWritableParent(Path.Combine(settings.Out!, "x"));
        SampleSummary? summary = null;
        AtomicOutput.WriteDirectory(
            settings.Out!,
            directory => summary = console.Step("Generating sample", progress => SampleGenerator.Generate(options, directory, progress)),
            settings.Force);

        console.JsonResult(new { output = settings.Out, summary });
        var table = new Table().AddColumns("figure", "value");
        table.AddRow("accounts simulated", summary!.Accounts.ToString(CultureInfo.InvariantCulture));
        table.AddRow("accounts with snapshots", summary.AccountsWithSnapshots.ToString(CultureInfo.InvariantCulture));
        table.AddRow("snapshots (accounts.csv rows)", summary.Snapshots.ToString(CultureInfo.InvariantCulture));
        table.AddRow("labelled snapshots", summary.LabelledSnapshots.ToString(CultureInfo.InvariantCulture));
        table.AddRow("90-day churn rate", summary.ChurnRate.ToString("P2", CultureInfo.InvariantCulture));
        table.AddRow("random missing rate", summary.RandomMissingRate.ToString("P2", CultureInfo.InvariantCulture));
        table.AddRow("oracle AUC", summary.OracleAuc.ToString("F4", CultureInfo.InvariantCulture));
        table.AddRow("mrr_ledger.csv rows", summary.LedgerRows.ToString(CultureInfo.InvariantCulture));
        table.AddRow("surveys.csv rows", summary.SurveyRows.ToString(CultureInfo.InvariantCulture));
        table.AddRow("usage_events.csv rows", summary.UsageEventRows.ToString(CultureInfo.InvariantCulture));
        console.Result(table);
        console.ResultLine($"Wrote {settings.Out}.");
        return ExitCodes.Success;
    }
}
