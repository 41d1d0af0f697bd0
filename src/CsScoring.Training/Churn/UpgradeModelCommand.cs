using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Training.Churn.MlNet;
using CsScoring.Training.Churn.Onnx;
using CsScoring.Training.Cli;
using Microsoft.ML;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Churn;

internal sealed class UpgradeModelSettings : OutputSettings
{
    [CommandOption("--model <DIR>")]
    [Description("A model directory written before models carried a portable scorer (manifest format_version 1 + model.zip), or before they carried manifest.sha256.")]
    public string? Model { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Where to write the upgraded directory. Default: replace --model itself (then --force is required).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace an existing output directory.")]
    public bool Force { get; init; }

    public override ValidationResult Validate()
        => string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model is required")
            : Out is null && !Force ? ValidationResult.Error("upgrading in place replaces --model: add --force, or write elsewhere with --out")
            : ValidationResult.Success();
}

/// <summary>What an upgrade wrote.</summary>
internal sealed record UpgradeResult(string Model, string Out, string ModelKind, string ScorerSha256, ManifestParity Parity, bool Background);

/// <summary>
/// <c>csscoring upgrade-model</c>: turns a format-1 model directory (the library read model.zip through ML.NET)
/// into the current format: the portable scorer exported from model.zip, proved against ML.NET on edge rows, the
/// explanation background re-bound to the new identity, every other file copied unchanged.
/// </summary>
internal sealed class UpgradeModelCommand : Command<UpgradeModelSettings>
{
    public override int Execute(CommandContext context, UpgradeModelSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var output = settings.Out ?? settings.Model!;
        var result = Upgrade(settings.Model!, output, settings.Force);
        console.JsonResult(result);
        console.ResultLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Model} upgraded into {result.Out}: {result.ModelKind}, scorer {result.ScorerSha256[..12]}, parity with ML.NET on {result.Parity.EdgeRows} edge rows (max |Δp| {result.Parity.MaxProbabilityDifference:G3})"));
        return ExitCodes.Success;
    }

    public static UpgradeResult Upgrade(string modelDirectory, string output, bool force)
    {
        var manifestPath = Path.Combine(modelDirectory, ChurnModelDirectory.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingManifest, $"No {ChurnModelDirectory.ManifestFileName} in the model directory.", modelDirectory);
        }

        var node = JsonNode.Parse(File.ReadAllText(manifestPath)) as JsonObject
            ?? throw new ChurnModelException(ChurnModelError.InvalidManifest, "The manifest is not a JSON object.", manifestPath);
        if (node["format_version"]?.GetValue<int>() == ModelManifest.CurrentFormatVersion
            && !File.Exists(Path.Combine(modelDirectory, ChurnModelDirectory.ManifestChecksumFileName)))
        {
            return AddManifestChecksum(modelDirectory, output, force);
        }

        if (node["format_version"]?.GetValue<int>() is not 1)
        {
            throw new ChurnModelException(ChurnModelError.UnsupportedVersion,
                $"Only format_version 1 directories need upgrading; this one has format_version {node["format_version"]?.ToJsonString() ?? "(none)"}.", manifestPath);
        }

        var zipName = node["model_file"]?.GetValue<string>() ?? ChurnModelDirectory.MlNetModelFileName;
        var zipPath = Path.Combine(modelDirectory, Path.GetFileName(zipName));
        if (!File.Exists(zipPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingModel, $"The model file '{zipName}' named by the manifest does not exist.", modelDirectory);
        }

        var zip = File.ReadAllBytes(zipPath);
        var zipSha = Convert.ToHexStringLower(SHA256.HashData(zip));
        if (!string.Equals(zipSha, node["model_sha256"]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase))
        {
            throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed,
                $"SHA-256 of the model file is {zipSha} but the manifest expects {node["model_sha256"]}: the file is damaged or was replaced.", zipPath);
        }

        ZipIntegrity.Verify(zip, zipPath);
        ITransformer model;
        DataViewSchema schema;
        try
        {
            model = new MLContext(seed: 0).Model.Load(new MemoryStream(zip, writable: false), out schema);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or IOException or InvalidDataException or ArgumentException)
        {
            throw new ChurnModelException(ChurnModelError.UnreadableModel, $"ML.NET cannot read the model: {ex.Message}", zipPath, ex);
        }

        var width = MlNetModelReader.Read(model, schema, zipPath).FeatureCount;
        ModelManifest ManifestFor(string scorerSha)
        {
            var upgraded = (JsonObject)node.DeepClone();
            upgraded["format_version"] = ModelManifest.CurrentFormatVersion;
            upgraded["scorer_file"] = ChurnModelDirectory.ScorerFileName;
            upgraded["scorer_sha256"] = scorerSha;
            upgraded.Remove("background_file");
            upgraded.Remove("background_sha256");
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(upgraded.ToJsonString()));
            return ModelManifest.Read(stream);
        }

        // No training rows are at hand: the parity proof runs on the edge rows, which exercise every threshold.
        var export = PortableExport.Export(model, ManifestFor, [], width, []);
        var manifest = ManifestFor(ChurnModelDirectory.ScorerSha256(export.Scorer)) with { Parity = export.Parity };
        var loaded = ChurnModel.Create(manifest, export.Scorer);
        ExplanationBackground? background = null;
        var backgroundPath = node["background_file"]?.GetValue<string>() is { } backgroundFile ? Path.Combine(modelDirectory, Path.GetFileName(backgroundFile)) : null;
        if (backgroundPath is not null && File.Exists(backgroundPath))
        {
            using var stream = File.OpenRead(backgroundPath);
            var old = ExplanationBackground.Read(stream);
            background = loaded.WithBackground(old with { ModelSha256 = loaded.ModelSha256 }).Background;
        }

        // model.onnx is generated afresh from the portable scorer (an older export needed a label input and lacked
        // isotonic calibration), proved with ONNX Runtime on the edge rows.
        var onnx = OnnxExport.Export(loaded, export.Scorer, manifest, [], width, []);
        manifest = manifest with
        {
            Onnx = new ManifestOnnx(OnnxExport.FileName, Convert.ToHexStringLower(SHA256.HashData(onnx.Bytes)), onnx.Rows, onnx.EdgeRows, onnx.MaxScoreDifference, onnx.MaxProbabilityDifference),
        };
        var formatFiles = new HashSet<string>(StringComparer.Ordinal)
        {
            ChurnModelDirectory.ManifestFileName, ChurnModelDirectory.ScorerFileName, ChurnModelDirectory.BackgroundFileName, ChurnModelDirectory.MlNetModelFileName, OnnxExport.FileName,
            ChurnModelDirectory.ManifestChecksumFileName, ChurnModelDirectory.SignatureFileName,
        };
        var others = Directory.GetFiles(modelDirectory).Select(Path.GetFileName).OfType<string>().Where(f => !formatFiles.Contains(f) && f != Path.GetFileName(zipPath)).ToList();
        var copies = others.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(modelDirectory, f)), StringComparer.Ordinal);
        ModelManifest written = manifest;
        AtomicOutput.WriteDirectory(output, directory =>
        {
            written = ChurnModelDirectory.Write(directory, manifest, export.Scorer, background, zip);
            AtomicOutput.WriteFile(Path.Combine(directory, OnnxExport.FileName), s => s.Write(onnx.Bytes));
            foreach (var (name, bytes) in copies)
            {
                AtomicOutput.WriteFile(Path.Combine(directory, name), s => s.Write(bytes));
            }
        }, force);

        return new UpgradeResult(modelDirectory, output, CsScoringJson.Options.PropertyNamingPolicy!.ConvertName(written.ModelKind.ToString()), written.ScorerSha256, export.Parity, background is not null);
    }

    // A current-format directory written before manifest.sha256 existed: everything else is verified by loading it,
    // then the files are copied unchanged and the checksum is added.
    private static UpgradeResult AddManifestChecksum(string modelDirectory, string output, bool force)
    {
        var model = ChurnModel.Load(modelDirectory, new ChurnModelLoadOptions { RequireManifestChecksum = false });
        var copies = Directory.GetFiles(modelDirectory).Select(Path.GetFileName).OfType<string>()
            .Where(f => !AtomicOutput.IsTemporaryName(f) && f != ChurnModelDirectory.SignatureFileName)
            .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(modelDirectory, f)), StringComparer.Ordinal);
        AtomicOutput.WriteDirectory(output, directory =>
        {
            foreach (var (name, bytes) in copies)
            {
                AtomicOutput.WriteFile(Path.Combine(directory, name), s => s.Write(bytes));
            }

            ChurnModelDirectory.WriteManifestChecksum(directory);
        }, force);

        return new UpgradeResult(modelDirectory, output, CsScoringJson.Options.PropertyNamingPolicy!.ConvertName(model.Kind.ToString()), model.ModelSha256,
            model.Manifest.Parity ?? new ManifestParity(0, 0, 0, 0), model.CanExplain);
    }
}
