using System.ComponentModel;
using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Churn;

internal sealed class EvaluateSettings : DataReadSettings
{
    [CommandOption("--model <DIR>")]
    [Description("The model directory written by train (manifest.json + scorer.json).")]
    public string? Model { get; init; }

    [CommandOption("--data <FILE>")]
    [Description("A labelled file with the training columns (CSV or Parquet).")]
    public string? Data { get; init; }

    public override ValidationResult Validate()
        => string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model is required")
            : string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("--data is required")
            : ValidationResult.Success();
}

/// <summary>The <c>--json</c> shape of <c>evaluate</c>: the library's evaluation plus the model directory's name.</summary>
internal sealed record EvaluationResult(
    string Model,
    long Rows,
    long LabelledRows,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<FeatureDrift> Drift,
    double MaxPsi);

/// <summary><c>csscoring evaluate</c>: re-scores a labelled file with a trained model and checks feature drift.</summary>
internal sealed class EvaluateCommand : Command<EvaluateSettings>
{
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var result = Evaluate(settings.Model!, settings.Data!);
        console.JsonResult(result);
        var table = new Table().AddColumn("metric").AddColumn("value");
        foreach (var (name, value) in result.Metrics)
        {
            table.AddRow(name, value.ToString("0.####", CultureInfo.InvariantCulture));
        }

        console.ResultLine(string.Create(CultureInfo.InvariantCulture, $"{result.LabelledRows} labelled of {result.Rows} rows scored with {result.Model}"));
        console.Result(table);
        var drift = new Table().AddColumn("feature").AddColumn("PSI").AddColumn("drift");
        foreach (var d in result.Drift.Take(15))
        {
            drift.AddRow(d.Feature, d.Psi.ToString("0.####", CultureInfo.InvariantCulture), System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(d.Level.ToString()));
        }

        console.Result(drift);
        foreach (var d in result.Drift.Where(d => d.Level == DriftLevel.Major))
        {
            console.Warn(string.Create(CultureInfo.InvariantCulture, $"feature '{d.Feature}' drifted (PSI {d.Psi:0.###} >= 0.25)"));
        }

        return ExitCodes.Success;
    }

    public static EvaluationResult Evaluate(string modelDirectory, string dataPath)
    {
        if (!Directory.Exists(modelDirectory))
        {
            throw new DirectoryNotFoundException($"Model directory '{modelDirectory}' does not exist.");
        }

        var model = ChurnModel.Load(modelDirectory);
        ChurnEvaluationResult result;
        using (var reader = CliReading.Open(dataPath))
        {
            result = ChurnEvaluation.Evaluate(model, reader);
        }

        return new EvaluationResult(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))), result.Rows, result.LabelledRows,
            result.Metrics.ToDictionary(), result.Drift, result.MaxPsi);
    }
}
