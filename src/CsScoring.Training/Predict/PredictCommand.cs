using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Training.Churn.Onnx;
using CsScoring.Training.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Predict;

/// <summary><c>csscoring predict</c>: scores a file with a trained churn model, with reasons per row.</summary>
internal sealed class PredictCommand : Command<PredictSettings>
{
    public override int Execute(CommandContext context, PredictSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        if (settings.FeaturesOut is { } existing && !settings.Force && File.Exists(existing))
        {
            throw new OutputExistsException($"Output file '{existing}' already exists; pass --force to replace it.", existing);
        }

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

        // The job writes CSV; TableOutput leaves it as CSV or converts it to Parquet, by the output's name.
        var summary = console.Step("Scoring", progress => TableOutput.Write(settings.Out!, settings.Force, csvPath => new ChurnScoringJob
        {
            Model = model,
            OpenData = () => CliReading.Open(settings.Data!),
            EstimatedRows = EstimateRows(settings.Data!),
            OutputPath = csvPath,
            Explain = settings.Explain,
            TopAtRisk = settings.Top,
            Overwrite = settings.Force,
            MapId = pseudonymizer is null ? null : pseudonymizer.Pseudonymize,
            Progress = progress,
        }.Run()));

        if (settings.FeaturesOut is { } featuresOut)
        {
            console.Step("Writing the model's input matrix", _ => TableOutput.WriteText(featuresOut, text => WriteFeatures(text, model, settings.Data!), settings.Force));
        }

        if (summary.Background is not null && !summary.BackgroundFromModel)
        {
            console.Note($"Reasons are relative to the mean over {summary.Background} (the model directory has no explanation background).");
        }

        console.JsonResult(new
        {
            Model = new { Directory = settings.Model, Kind = model.Kind, Sha256 = model.ModelSha256, Features = model.FeatureCount },
            Data = settings.Data,
            Output = settings.Out,
            FeaturesOutput = settings.FeaturesOut,
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

    /// <summary>
    /// The model's input matrix: id and as-of (when the data has them), one column per feature named as model.onnx's
    /// inputs (NaN as a blank cell), and the probability and raw score the compiled scorer gives, in round-trip form.
    /// </summary>
    internal static void WriteFeatures(TextWriter text, ChurnModel model, string data)
    {
        using var reader = TabularReader.Open(data);
        model.CheckColumns(reader.Columns, reader.SourceName);
        var manifest = model.Manifest;
        var id = manifest.IdColumn is { } idName && reader.TryGetOrdinal(idName, out var idOrdinal) ? (idName, idOrdinal) : ((string, int)?)null;
        var time = manifest.TimeColumn is { } timeName && reader.TryGetOrdinal(timeName, out var timeOrdinal) ? (timeName, timeOrdinal) : ((string, int)?)null;
        using var csv = new CsvWriter(text);
        csv.WriteRow(
        [
            .. id is { } i ? [i.Item1] : Array.Empty<string>(),
            .. time is { } t ? [t.Item1] : Array.Empty<string>(),
            .. manifest.Features.FeatureNames.Select(OnnxScorerGraph.InputName),
            OnnxScorerGraph.ProbabilityOutput,
            OnnxScorerGraph.ScoreOutput,
        ]);
        var features = new float[model.FeatureCount];
        while (reader.Read())
        {
            model.Mapper.Map(reader, features);
            var prediction = model.Predict(features);
            if (id is { } idColumn)
            {
                csv.WriteField(reader.GetString(idColumn.Item2));
            }

            if (time is { } timeColumn)
            {
                csv.WriteField(reader.GetString(timeColumn.Item2));
            }

            foreach (var value in features)
            {
                csv.WriteField(value);
            }

            csv.WriteField(prediction.Probability);
            csv.WriteField(prediction.RawScore);
            csv.EndRow();
        }
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
