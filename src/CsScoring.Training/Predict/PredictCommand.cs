using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Predict;

/// <summary><c>csscoring predict</c>: scores a file with a trained churn model, with reasons per row.</summary>
internal sealed class PredictCommand : Command<PredictSettings>
{
    public override int Execute(CommandContext context, PredictSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        AtomicOutput.EnsureWritableFile(settings.Out!);
        var pseudonymizer = SecretKeys.Pseudonymizer(settings);
        var signingKey = SecretKeys.SigningKey(settings.SigningKeyFile);
        var model = ChurnModel.Load(settings.Model!, new ChurnModelLoadOptions { SigningKey = signingKey });
        var privacy = new PrivacySummary();
        privacy.Pseudonymised(pseudonymizer, model.Manifest.IdColumn);
        if (!File.Exists(settings.Data) && !Directory.Exists(settings.Data))
        {
            throw new FileNotFoundException($"Data file '{settings.Data}' does not exist.", settings.Data);
        }

        var summary = console.Step("Scoring", progress => new ChurnScoringJob
        {
            Model = model,
            OpenData = () => TabularReader.Open(settings.Data!),
            EstimatedRows = EstimateRows(settings.Data!),
            OutputPath = settings.Out!,
            Explain = settings.Explain,
            TopAtRisk = settings.Top,
            Overwrite = settings.Force,
            MapId = pseudonymizer is null ? null : pseudonymizer.Pseudonymize,
            Progress = progress,
        }.Run());

        if (summary.Background is not null && !summary.BackgroundFromModel)
        {
            console.Note($"Reasons are relative to the mean over {summary.Background} (the model directory has no explanation background).");
        }

        console.JsonResult(new
        {
            Model = new { Directory = settings.Model, Kind = model.Kind, Sha256 = model.ModelSha256, Features = model.FeatureCount },
            Data = settings.Data,
            Output = settings.Out,
            Privacy = privacy.ToJson(),
            summary.Rows,
            summary.Bands,
            MeanProbability = double.IsNaN(summary.MeanProbability) ? (double?)null : Math.Round(summary.MeanProbability, 6),
            summary.Explain,
            summary.Background,
            summary.BackgroundFromModel,
            TopAtRisk = summary.TopAtRisk.Select(a => new { Id = a.Id is null ? null : pseudonymizer?.Pseudonymize(a.Id) ?? a.Id, a.AsOf, Probability = Math.Round(a.Probability, 6), Band = ChurnScoringJob.BandName(a.Band), a.Reasons }),
        });

        console.ResultLine(string.Create(CultureInfo.InvariantCulture,
            $"Scored {summary.Rows} rows into {settings.Out}: {summary.Bands["high"]} high, {summary.Bands["medium"]} medium, {summary.Bands["low"]} low risk."));
        if (summary.TopAtRisk.Count > 0)
        {
            var table = new Table().AddColumns("account", "probability", "band", "top reason");
            foreach (var account in summary.TopAtRisk)
            {
                table.AddRow(Markup.Escape(account.Id is null ? "-" : pseudonymizer?.Pseudonymize(account.Id) ?? account.Id), account.Probability.ToString("0.000", CultureInfo.InvariantCulture),
                    ChurnScoringJob.BandName(account.Band), Markup.Escape(account.Reasons.Count > 0 ? account.Reasons[0] : string.Empty));
            }

            console.Result(table);
        }

        return ExitCodes.Success;
    }

    // From the line length of the file's first 64 KiB: enough for a progress bar, without reading the file twice.
    // A folder of part files is estimated from its total size and the first part's density.
    private static double EstimateRows(string path)
    {
        if (Directory.Exists(path))
        {
            var parts = Directory.EnumerateFiles(path, "*.parquet").Select(f => new FileInfo(f)).ToArray();
            return Math.Max(1, parts.Sum(f => (double)f.Length) / 64);
        }

        using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(stream.Length, 1 << 16)];
        var read = stream.Read(buffer, 0, buffer.Length);
        var lines = Math.Max(1, buffer.AsSpan(0, read).Count((byte)'\n'));
        return Math.Max(1, (double)stream.Length * lines / Math.Max(1, read));
    }
}
