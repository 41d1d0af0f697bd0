using System.Security.Cryptography;
using System.Text.Json;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;
using CsScoring.Data;

namespace CsScoring.Churn;

/// <summary>
/// The churn model directory format, written and read in one place: <c>manifest.json</c> (what everything is, with
/// SHA-256 hashes), <c>scorer.json</c> (the portable trees or weights and calibrator, which
/// <see cref="ChurnModel.Load(string)"/> compiles), <c>background.json</c> (the explanation background) and,
/// optionally, ML.NET's own <c>model.zip</c> for people who use ML.NET directly. <c>docs/model-format.md</c>
/// documents every field.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
/// <example>
/// <code>
/// // A trainer: the manifest's file names and hashes are filled in as the files are written.
/// ModelManifest written = ChurnModelDirectory.Write(temporaryDirectory, manifest, scorer, background, mlNetModelBytes);
/// var model = ChurnModel.Load(temporaryDirectory);
/// </code>
/// </example>
public static class ChurnModelDirectory
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = ModelManifest.FileName;

    /// <summary>The portable scorer's file name.</summary>
    public const string ScorerFileName = PortableScorer.FileName;

    /// <summary>The explanation background's file name.</summary>
    public const string BackgroundFileName = ExplanationBackground.FileName;

    /// <summary>ML.NET's model file name (written for ML.NET users; never read by the library).</summary>
    public const string MlNetModelFileName = "model.zip";

    /// <summary>The portable scorer as the bytes of <c>scorer.json</c> (deterministic: the same scorer gives the same bytes).</summary>
    /// <param name="scorer">The scorer.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] SerializeScorer(PortableScorer scorer)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        return JsonSerializer.SerializeToUtf8Bytes(scorer, CsScoringJson.TypeInfo<PortableScorer>());
    }

    /// <summary>The SHA-256 of a scorer's <c>scorer.json</c> bytes: the model's identity, recorded in the manifest.</summary>
    /// <param name="scorer">The scorer.</param>
    /// <returns>Lower-case hex.</returns>
    public static string ScorerSha256(PortableScorer scorer) => Sha256(SerializeScorer(scorer));

    /// <summary>Reads a portable scorer.</summary>
    /// <param name="stream">The <c>scorer.json</c> content.</param>
    /// <returns>The scorer (not yet compiled or validated beyond its JSON shape).</returns>
    /// <exception cref="ChurnModelException">The JSON is malformed or misses a required field (<see cref="ChurnModelError.InvalidModel"/>).</exception>
    public static PortableScorer ReadScorer(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return ReadScorer(copy.ToArray(), null);
    }

    /// <summary>
    /// Writes the format's files into <paramref name="directory"/>: <c>scorer.json</c>, <c>model.zip</c> when given,
    /// <c>background.json</c> when given, and last <c>manifest.json</c> with every file name and hash filled in. Each
    /// file is written atomically; write into a temporary directory and move it into place
    /// (<see cref="AtomicOutput.WriteDirectory"/>) so that readers never see a half-written model.
    /// </summary>
    /// <param name="directory">An existing directory.</param>
    /// <param name="manifest">The manifest; its <c>scorer_*</c>, <c>model_*</c> and <c>background_*</c> fields are replaced.</param>
    /// <param name="scorer">The portable scorer.</param>
    /// <param name="background">The explanation background, or <see langword="null"/>; it must name this scorer's hash.</param>
    /// <param name="mlNetModel">ML.NET's model file, or empty to write none.</param>
    /// <returns>The manifest as written.</returns>
    /// <exception cref="ArgumentException">The background belongs to another model.</exception>
    /// <exception cref="ModelManifestException">The completed manifest fails validation.</exception>
    public static ModelManifest Write(string directory, ModelManifest manifest, PortableScorer scorer, ExplanationBackground? background, ReadOnlyMemory<byte> mlNetModel)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(manifest);
        var scorerBytes = SerializeScorer(scorer);
        var identity = Sha256(scorerBytes);
        if (background is not null && !string.Equals(background.ModelSha256, identity, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The background belongs to the model {background.ModelSha256}, not to this scorer ({identity}).", nameof(background));
        }

        var written = manifest with
        {
            ScorerFile = ScorerFileName,
            ScorerSha256 = identity,
            ModelFile = mlNetModel.IsEmpty ? null : MlNetModelFileName,
            ModelSha256 = mlNetModel.IsEmpty ? null : Sha256(mlNetModel.Span),
            BackgroundFile = null,
            BackgroundSha256 = null,
        };
        byte[]? backgroundBytes = null;
        if (background is not null)
        {
            backgroundBytes = background.ToUtf8Bytes();
            written = written with { BackgroundFile = BackgroundFileName, BackgroundSha256 = Sha256(backgroundBytes) };
        }

        written.Validate();
        AtomicOutput.WriteFile(Path.Combine(directory, ScorerFileName), s => s.Write(scorerBytes));
        if (!mlNetModel.IsEmpty)
        {
            AtomicOutput.WriteFile(Path.Combine(directory, MlNetModelFileName), s => s.Write(mlNetModel.Span));
        }

        if (backgroundBytes is not null)
        {
            AtomicOutput.WriteFile(Path.Combine(directory, BackgroundFileName), s => s.Write(backgroundBytes));
        }

        AtomicOutput.WriteFile(Path.Combine(directory, ManifestFileName), written.Write);
        return written;
    }

    internal static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    internal static PortableScorer ReadScorer(byte[] bytes, string? path)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, CsScoringJson.TypeInfo<PortableScorer>())
                ?? throw new ChurnModelException(ChurnModelError.InvalidModel, $"{ScorerFileName} holds null.", path);
        }
        catch (JsonException ex)
        {
            throw new ChurnModelException(ChurnModelError.InvalidModel, $"{ScorerFileName} is not a valid portable scorer: {ex.Message}", path, ex);
        }
    }
}
