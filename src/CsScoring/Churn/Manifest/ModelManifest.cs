using System.Globalization;
using System.Text.Json;
using CsScoring.Churn.Features;
using CsScoring.Data;

namespace CsScoring.Churn.Manifest;

/// <summary>
/// <c>manifest.json</c> of a churn model directory: the portable scorer (<c>scorer.json</c>) and its hash, how rows
/// become features, the label, the calibration, thresholds, metrics and the parity the trainer proved between the
/// portable scorer and ML.NET. Written by training (through <see cref="ChurnModelDirectory"/>), read and verified by
/// inference. <c>model.zip</c>, ML.NET's own file, stays beside it for people who use ML.NET directly; the library
/// never reads it.
/// </summary>
/// <remarks>JSON in CsScoringJson style (snake_case; unknown fields rejected). Immutable once built; thread-safe.</remarks>
/// <example>
/// <code>
/// var manifest = ModelManifest.ReadFile(Path.Combine(modelDirectory, ModelManifest.FileName));
/// var mapper = new FeatureMapper(manifest.Features);
/// </code>
/// </example>
public sealed record ModelManifest
{
    /// <summary>The manifest's file name in a model directory.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The manifest format (<see cref="CurrentFormatVersion"/>).</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The CsScoring version that trained the model.</summary>
    public required string LibraryVersion { get; init; }

    /// <summary>The learner.</summary>
    public required ModelKind ModelKind { get; init; }

    /// <summary>The portable scorer file, relative to the manifest (normally <c>scorer.json</c>): what the library loads.</summary>
    public required string ScorerFile { get; init; }

    /// <summary>The SHA-256 of <see cref="ScorerFile"/>, lower-case hex: the model's identity (explanation backgrounds name it).</summary>
    public required string ScorerSha256 { get; init; }

    /// <summary>How closely the portable scorer reproduced ML.NET when the model was written, or <see langword="null"/>.</summary>
    public ManifestParity? Parity { get; init; }

    /// <summary>
    /// The ONNX form of the model (normally <c>model.onnx</c>) with its hash and the parity ONNX Runtime showed against
    /// the portable scorer when the model was written, or <see langword="null"/> for a model directory without one.
    /// </summary>
    public ManifestOnnx? Onnx { get; init; }

    /// <summary>ML.NET's model file, relative to the manifest (normally <c>model.zip</c>), or <see langword="null"/>; the library never reads it.</summary>
    public string? ModelFile { get; init; }

    /// <summary>The SHA-256 of <see cref="ModelFile"/>, lower-case hex; present exactly when the file is named.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>The SHA-256 of the training data file, lower-case hex.</summary>
    public required string DataSha256 { get; init; }

    /// <summary>The label column and its positive class.</summary>
    public required ManifestLabel Label { get; init; }

    /// <summary>The account identifier column, or <see langword="null"/>.</summary>
    public string? IdColumn { get; init; }

    /// <summary>The snapshot date column, or <see langword="null"/>.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>The seed of every random choice in training.</summary>
    public required int Seed { get; init; }

    /// <summary>The trainer and its hyperparameters.</summary>
    public required ManifestTrainer Trainer { get; init; }

    /// <summary>How a row becomes the model's feature vector.</summary>
    public required FeatureSchema Features { get; init; }

    /// <summary>The calibrator that follows the learner in <c>model.zip</c>.</summary>
    public required ManifestCalibration Calibration { get; init; }

    /// <summary>Decision thresholds and risk bands.</summary>
    public required ManifestThresholds Thresholds { get; init; }

    /// <summary>Validation and cross-validation metrics, or <see langword="null"/>.</summary>
    public ManifestMetrics? Metrics { get; init; }

    /// <summary>Labelled rows the saved model was trained on.</summary>
    public long? TrainingRows { get; init; }

    /// <summary>Positive rows among <see cref="TrainingRows"/>.</summary>
    public long? TrainingPositives { get; init; }

    /// <summary>Whether identifiers in the artifacts are keyed pseudonyms (HMAC-SHA-256) rather than the raw values.</summary>
    public bool PseudonymizedIds { get; init; }

    /// <summary>
    /// The file holding the explanation background learnt from the training rows (normally <c>background.json</c>),
    /// relative to the manifest, or <see langword="null"/> when the model directory has none (models trained before
    /// it existed): such a model explains only after <c>ChurnModel.WithBackground</c>.
    /// </summary>
    public string? BackgroundFile { get; init; }

    /// <summary>The SHA-256 of <see cref="BackgroundFile"/>, lower-case hex; present exactly when the file is named.</summary>
    public string? BackgroundSha256 { get; init; }

    /// <summary>Per-feature distribution of the training data (decile bins), the reference for drift (PSI) checks.</summary>
    public IReadOnlyDictionary<string, FeatureDistribution>? DriftReference { get; init; }

    /// <summary>Reads and validates a manifest.</summary>
    /// <param name="stream">The JSON.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="ModelManifestException">The JSON is malformed, a required field is missing, or <see cref="Validate"/> fails.</exception>
    public static ModelManifest Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(stream, CsScoringJson.TypeInfo<ModelManifest>());
        }
        catch (JsonException ex)
        {
            throw new ModelManifestException($"manifest: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new ModelManifestException("manifest: the document is null");
        }

        manifest.Validate();
        return manifest;
    }

    /// <summary>Reads and validates a manifest file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelManifestException">The manifest is invalid (the message names the file).</exception>
    public static ModelManifest ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model manifest '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (ModelManifestException ex)
        {
            throw new ModelManifestException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the manifest as JSON (UTF-8).</summary>
    /// <param name="stream">The destination.</param>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Validate();
        JsonSerializer.Serialize(stream, this, CsScoringJson.TypeInfo<ModelManifest>());
    }

    /// <summary>The manifest as JSON text.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson()
    {
        Validate();
        return JsonSerializer.Serialize(this, CsScoringJson.TypeInfo<ModelManifest>());
    }

    /// <summary>Checks the fields that the JSON shape alone cannot.</summary>
    /// <exception cref="ModelManifestException">The format version is not supported, a hash is not 64 hex digits,
    /// the model or background file is not a plain file name, the background file lacks its hash, the calibration lacks its parameters, or thresholds are out of [0, 1].</exception>
    public void Validate()
    {
        if (FormatVersion != CurrentFormatVersion)
        {
            Fail($"format_version {FormatVersion} is not supported (this library reads {CurrentFormatVersion})");
        }

        CheckFileName(ScorerFile, "scorer_file");
        CheckHash(ScorerSha256, "scorer_sha256");
        CheckOptionalFile(ModelFile, ModelSha256, "model_file", "model_sha256");
        CheckOptionalFile(BackgroundFile, BackgroundSha256, "background_file", "background_sha256");
        if (Onnx is { } onnx)
        {
            CheckFileName(onnx.File, "onnx.file");
            CheckHash(onnx.Sha256, "onnx.sha256");
            if (!(onnx.Rows >= 0 && onnx.EdgeRows >= 0 && onnx.EdgeRows <= onnx.Rows && onnx.MaxScoreDifference >= 0 && onnx.MaxProbabilityDifference >= 0))
            {
                Fail("onnx needs rows >= edge_rows >= 0 and non-negative differences");
            }
        }

        var files = new[] { ScorerFile, ModelFile, BackgroundFile, Onnx?.File }.Where(f => f is not null).ToList();
        if (files.Distinct(StringComparer.Ordinal).Count() != files.Count)
        {
            Fail("scorer_file, model_file, background_file and onnx.file must name different files");
        }

        if (Parity is { } parity && !(parity.Rows >= 0 && parity.EdgeRows >= 0 && parity.EdgeRows <= parity.Rows
            && parity.MaxScoreDifference >= 0 && parity.MaxProbabilityDifference >= 0))
        {
            Fail("parity needs rows >= edge_rows >= 0 and non-negative differences");
        }

        CheckHash(DataSha256, "data_sha256");
        if (Label is null || string.IsNullOrWhiteSpace(Label.Column) || Label.Positive is null)
        {
            Fail("label needs a column and a positive value");
        }

        if (Trainer is null || string.IsNullOrWhiteSpace(Trainer.Name) || Trainer.Hyperparameters is null)
        {
            Fail("trainer needs a name and hyperparameters");
        }

        if (Features is null)
        {
            Fail("features are missing");
        }

        if (TimeColumn is not null && Features.TimeColumn is not null && Features.TimeColumn != TimeColumn)
        {
            Fail($"features.time_column '{Features.TimeColumn}' differs from time_column '{TimeColumn}'");
        }

        switch (Calibration?.Method)
        {
            case CalibrationMethod.Platt when Calibration.Slope is { } slope && Calibration.Offset is { } offset && double.IsFinite(slope) && double.IsFinite(offset):
                break;
            case CalibrationMethod.Isotonic when Calibration.Values is { Count: > 0 } values && Calibration.Thresholds is { } thresholds && thresholds.Count == values.Count:
                break;
            default:
                Fail("calibration needs a method with its parameters (platt: slope and offset; isotonic: thresholds and values of equal length)");
                break;
        }

        if (Thresholds is null || Thresholds.Bands is null)
        {
            Fail("thresholds with bands are missing");
        }

        foreach (var (name, value) in new[] { ("f1", Thresholds.F1), ("cost", Thresholds.Cost), ("bands.high", Thresholds.Bands.High), ("bands.medium", Thresholds.Bands.Medium) })
        {
            if (!(value is >= 0 and <= 1))
            {
                Fail(string.Create(CultureInfo.InvariantCulture, $"thresholds.{name} = {value} is not a probability"));
            }
        }

        if (Thresholds.Bands.Medium > Thresholds.Bands.High)
        {
            Fail("thresholds.bands.medium is above thresholds.bands.high");
        }
    }

    private static void CheckFileName(string? name, string field)
    {
        if (string.IsNullOrWhiteSpace(name) || name != Path.GetFileName(name) || name is "." or "..")
        {
            Fail($"{field} '{name}' must be a file name in the model directory");
        }
    }

    private static void CheckOptionalFile(string? name, string? hash, string field, string hashField)
    {
        if ((name is null) != (hash is null))
        {
            Fail($"{field} and {hashField} go together");
        }

        if (name is not null)
        {
            CheckFileName(name, field);
            CheckHash(hash, hashField);
        }
    }

    private static void CheckHash(string? hash, string field)
    {
        if (hash is null || hash.Length != 64 || !hash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            Fail($"{field} must be 64 lower-case hex digits");
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string message) => throw new ModelManifestException($"manifest: {message}");
}

/// <summary>A feature's training distribution over bins, for the population stability index.</summary>
/// <param name="Edges">Bin upper edges in increasing order (the last bin is open above); empty for a single bin.</param>
/// <param name="Shares">The share of training rows in each bin (<c>Edges.Count + 1</c> values summing to 1).</param>
public sealed record FeatureDistribution(IReadOnlyList<double> Edges, IReadOnlyList<double> Shares);
