using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Churn;

/// <summary><c>csscoring train</c>: from a churn file to a calibrated, validated model directory.</summary>
internal sealed class TrainCommand : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var options = ToOptions(settings);
        options.Validate();
        var pseudonymizer = SecretKeys.Pseudonymizer(settings);
        var signingKey = SecretKeys.SigningKey(settings.SigningKeyFile);
        var privacy = new PrivacySummary();

        // Fail before the long work when the output exists or cannot be written.
        if (!settings.Force && Directory.Exists(settings.Out) && Directory.EnumerateFileSystemEntries(settings.Out!).Any())
        {
            throw new OutputExistsException($"Output directory '{settings.Out}' exists and is not empty; pass --force to replace it.", settings.Out!);
        }

        AtomicOutput.EnsureWritableParent(Path.Combine(settings.Out!, "x"));
        if (File.Exists(settings.Out))
        {
            throw new OutputExistsException($"Output '{settings.Out}' is a file, not a directory.", settings.Out!);
        }

        var result = console.Step("Training", progress =>
        {
            var data = PhaseTimings.Measure("read: churn dataset", () => ChurnDataset.Load(options.Data));
            privacy.AddPersonal(data.PersonalColumns, data.AllowedPersonal);
            privacy.Warn(console);
            foreach (var decision in data.Decisions.Where(d => d.Note is not null))
            {
                if (decision.Kind is CsScoring.Churn.Features.InferredColumnKind.PersonalData)
                {
                    if (!data.PersonalColumns.Any(c => c.Name == decision.Name))
                    {
                        console.PrivacyWarn($"column '{decision.Name}' {decision.Note}");
                    }
                }
                else
                {
                    console.Note($"column '{decision.Name}': {decision.Note}");
                }
            }

            if (data.UnlabelledRows > 0)
            {
                console.Note(string.Create(CultureInfo.InvariantCulture, $"{data.UnlabelledRows} rows with a blank label were left out of training"));
            }

            return new ChurnTrainer(options, console.Note).Train(data, progress);
        });

        ArtifactSummary artifacts = null!;
        AtomicOutput.WriteDirectory(settings.Out!, directory =>
        {
            privacy.Pseudonymised(pseudonymizer, options.Data.IdColumn ?? "row");
            artifacts = PhaseTimings.Measure("artifacts: all", () => ChurnArtifacts.WriteInto(result, directory, pseudonymizer, privacy, console.Warn));
            if (signingKey is not null)
            {
                // Last, so the signature covers every file the directory holds.
                ChurnModelDirectory.Sign(directory, signingKey);
                artifacts = artifacts with { Files = [.. artifacts.Files, ChurnModelDirectory.SignatureFileName] };
            }
        }, settings.Force);

        var summary = ChurnArtifacts.JsonSummary(result, artifacts, settings.Out!, privacy);
        summary["signed"] = signingKey is not null;
        console.JsonResult(summary);
        PrintHuman(console, result, artifacts, settings.Out!);
        return ExitCodes.Success;
    }

    internal static ChurnTrainingOptions ToOptions(TrainSettings settings)
    {
        var schemaFile = settings.Schema is null ? SchemaFile.Empty : SchemaFile.Read(settings.Schema);
        return new ChurnTrainingOptions
        {
            Data = new ChurnDataOptions
            {
                DataPath = settings.Data!,
                Label = settings.Label!,
                Positive = settings.Positive,
                IdColumn = settings.Id,
                TimeColumn = settings.Time,
                Exclude = [.. settings.Exclude, .. settings.FoldColumn],
                AllowPersonal = settings.AllowPersonal,
                Kinds = schemaFile.Kinds,
                Roles = schemaFile.Roles,
                SchemaSource = settings.Schema is null ? null : Path.GetFileName(settings.Schema),
                Seed = settings.Seed,
                ReadOptions = CliReading.Options,
            },
            Trainer = TrainSettings.ParseTrainer(settings.Trainer)!.Value,
            Trees = settings.Trees,
            Leaves = settings.Leaves,
            MinLeaf = settings.MinLeaf,
            LearningRate = settings.LearningRate,
            Folds = settings.Folds,
            Repeats = settings.Repeats,
            ValidationFraction = settings.ValidationFraction,
            ValidationGroupShare = settings.ValidationAccounts,
            HorizonDays = settings.HorizonDays,
            Budget = settings.Budget ?? ChurnTrainingOptions.DefaultBudget,
            Parallelism = settings.Parallelism ?? Math.Clamp(Environment.ProcessorCount, 1, 8),
            FoldColumns = settings.FoldColumn,
            Refit = !settings.NoRefit,
            NegativeSampleRate = settings.NegativeSample,
            Cost = new CostModel(settings.ActionCost, settings.SuccessRate, settings.AccountValue),
            Calibration = settings.Calibration switch
            {
                "platt" => CalibrationMethod.Platt,
                "isotonic" => CalibrationMethod.Isotonic,
                _ => null,
            },
        };
    }

    private static void PrintHuman(CliConsole console, ChurnTrainingResult result, ArtifactSummary artifacts, string output)
    {
        var v = result.Validation;
        var table = new Table().AddColumn("metric").AddColumn("cv mean ± sd (headline)").AddColumn("holdout (check)");
        foreach (var (name, value) in v.ToDictionary())
        {
            var cv = result.Cv.TryGetValue(name, out var s) ? $"{Fmt(s.Mean)} ± {Fmt(s.Sd)}" : string.Empty;
            table.AddRow(name, cv, Fmt(value));
        }

        console.ResultLine($"Trainer: {result.FinalModel.Spec.Describe()}, calibration: {result.FinalModel.Calibrator.Method.ToString().ToLowerInvariant()}");
        var data = result.Data;
        console.ResultLine(string.Create(CultureInfo.InvariantCulture,
            $"Labels: {data.Positives} positive ('{data.Positive}'), {data.Rows - data.Positives} negative ({string.Join(", ", data.LabelValues.Where(v => !string.Equals(v, data.Positive, StringComparison.OrdinalIgnoreCase)).Select(v => $"'{v}'"))}), {data.UnlabelledRows} unlabelled"));
        console.ResultLine($"Split: {result.SplitDescription}");
        console.Result(table);
        console.ResultLine($"Headline: {result.DescribeHeadline()}");
        console.ResultLine(string.Create(CultureInfo.InvariantCulture, $"Thresholds: F1 {result.Thresholds.F1:0.###}, cost {result.Thresholds.Cost:0.###}"));
        console.ResultLine(string.Create(CultureInfo.InvariantCulture,
            $"ONNX parity (ONNX Runtime vs the compiled scorer, {artifacts.Onnx.Rows} rows): max |dp| = {artifacts.Onnx.MaxProbabilityDifference:E2}"));
        console.ResultLine($"Wrote {string.Join(", ", artifacts.Files)} to {output}.");
    }

    private static string Fmt(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
