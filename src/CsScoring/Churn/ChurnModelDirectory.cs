using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// The manifest checksum's file name: one line in <c>sha256sum</c> format (<c>HEX  manifest.json</c>), so an
    /// edited manifest is refused at load and <c>sha256sum -c manifest.sha256</c> checks it from a shell.
    /// </summary>
    public const string ManifestChecksumFileName = "manifest.sha256";

    /// <summary>The keyed signature's file name (written only when the trainer was given a signing key).</summary>
    public const string SignatureFileName = "signature.json";

    /// <summary>The fewest bytes a signing key may have.</summary>
    public const int MinimumKeyLength = 16;

    private const string SignatureAlgorithm = "HMAC-SHA256";

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
        WriteManifestChecksum(directory);
        return written;
    }

    /// <summary>
    /// Writes <c>manifest.sha256</c> for the <c>manifest.json</c> in <paramref name="directory"/>. <see cref="Write"/>
    /// does this; call it yourself only after editing a manifest on purpose (an edit without it is refused at load).
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <exception cref="ChurnModelException">There is no manifest (<see cref="ChurnModelError.MissingManifest"/>).</exception>
    public static void WriteManifestChecksum(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingManifest, $"No {ManifestFileName} to take the checksum of.", directory);
        }

        var line = Sha256(File.ReadAllBytes(manifestPath)) + "  " + ManifestFileName + "\n";
        AtomicOutput.WriteFile(Path.Combine(directory, ManifestChecksumFileName), s => s.Write(Encoding.ASCII.GetBytes(line)));
    }

    /// <summary>
    /// Signs the model directory with a secret: <c>signature.json</c> lists every file's SHA-256 (sorted by name,
    /// <c>signature.json</c> itself excluded) and an HMAC-SHA256 over that list. Call it after every other file is
    /// written; <see cref="ChurnModel.Load(string, ChurnModelLoadOptions?)"/> verifies it when
    /// <see cref="ChurnModelLoadOptions.SigningKey"/> is set.
    /// </summary>
    /// <param name="directory">The complete model directory.</param>
    /// <param name="key">The secret, at least <see cref="MinimumKeyLength"/> bytes.</param>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinimumKeyLength"/> bytes.</exception>
    public static void Sign(string directory, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        CheckKey(key);
        var files = Digests(directory);
        var document = new JsonObject
        {
            ["algorithm"] = SignatureAlgorithm,
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["sha256"] = f.Sha256 })]),
            ["hmac_sha256"] = Hmac(key, files),
        };
        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicOutput.WriteFile(Path.Combine(directory, SignatureFileName), s => s.Write(bytes));
    }

    /// <summary>Verifies the directory's <c>signature.json</c> with a secret.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="key">The secret the directory was signed with.</param>
    /// <exception cref="ChurnModelException">
    /// <see cref="ChurnModelError.SignatureInvalid"/>: no signature, a malformed one, another key, or a signed file
    /// that is missing or changed (the message names the file).
    /// </exception>
    public static void VerifySignature(string directory, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var path = Path.Combine(directory, SignatureFileName);
        if (!File.Exists(path))
        {
            throw new ChurnModelException(ChurnModelError.SignatureInvalid,
                $"A signing key was given but the model directory has no {SignatureFileName}: it was not signed (train with --signing-key-file).", directory);
        }

        List<(string Name, string Sha256)> listed;
        string expected;
        try
        {
            var document = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
            if (document["algorithm"]?.GetValue<string>() != SignatureAlgorithm)
            {
                throw new ChurnModelException(ChurnModelError.SignatureInvalid, $"{SignatureFileName} does not use {SignatureAlgorithm}.", path);
            }

            listed = [.. document["files"]!.AsArray().Select(f => (f!["name"]!.GetValue<string>(), f["sha256"]!.GetValue<string>()))];
            expected = document["hmac_sha256"]!.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new ChurnModelException(ChurnModelError.SignatureInvalid, $"{SignatureFileName} is malformed: {ex.Message}", path, ex);
        }

        if (key.Length < MinimumKeyLength || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hmac(key, listed)), Encoding.ASCII.GetBytes(expected)))
        {
            throw new ChurnModelException(ChurnModelError.SignatureInvalid,
                "The model directory's signature does not verify with the given key: it was signed with another key, or signature.json was edited.", path);
        }

        foreach (var required in new[] { ManifestFileName, ManifestChecksumFileName })
        {
            if (!listed.Any(f => f.Name == required))
            {
                throw new ChurnModelException(ChurnModelError.SignatureInvalid, $"{SignatureFileName} does not cover {required}.", path);
            }
        }

        foreach (var (name, sha) in listed)
        {
            var file = Path.Combine(directory, Path.GetFileName(name));
            if (!File.Exists(file))
            {
                throw new ChurnModelException(ChurnModelError.SignatureInvalid, $"The signed file '{name}' is missing.", file);
            }

            if (!string.Equals(Sha256(File.ReadAllBytes(file)), sha, StringComparison.OrdinalIgnoreCase))
            {
                throw new ChurnModelException(ChurnModelError.SignatureInvalid, $"'{name}' changed after the model directory was signed.", file);
            }
        }
    }

    // Refuses a manifest whose bytes are not the ones the checksum file recorded.
    internal static void VerifyManifestChecksum(string directory, byte[] manifestBytes, bool required)
    {
        var manifestPath = Path.Combine(directory, ManifestFileName);
        var checksumPath = Path.Combine(directory, ManifestChecksumFileName);
        if (!File.Exists(checksumPath))
        {
            if (!required)
            {
                return;
            }

            throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed,
                $"{ManifestChecksumFileName} is missing, so an edit of {ManifestFileName} could not be detected. Directories written before the checksum existed are converted with 'csscoring upgrade-model --model DIR --force'.", checksumPath);
        }

        var text = File.ReadAllText(checksumPath, Encoding.ASCII).Trim();
        var recorded = text.Split(' ', 2)[0];
        var actual = Sha256(manifestBytes);
        if (recorded.Length != 64 || !string.Equals(recorded, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed, string.Create(CultureInfo.InvariantCulture,
                $"SHA-256 of {ManifestFileName} is {actual} but {ManifestChecksumFileName} records {(recorded.Length == 0 ? "nothing" : recorded)}: the manifest (schema, imputations, thresholds or risk bands) was edited or damaged. Retrain, or restore the file."), manifestPath);
        }
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A signing key needs at least {MinimumKeyLength} bytes; this one has {key.Length}."), nameof(key));
        }
    }

    private static List<(string Name, string Sha256)> Digests(string directory)
        => [.. Directory.GetFiles(directory)
            .Select(Path.GetFileName).OfType<string>()
            .Where(name => name != SignatureFileName && !AtomicOutput.IsTemporaryName(name))
            .Order(StringComparer.Ordinal)
            .Select(name => (name, Sha256(File.ReadAllBytes(Path.Combine(directory, name)))))];

    // The signed text: "sha256  name\n" per file in the listed order, as sha256sum prints it.
    private static string Hmac(ReadOnlySpan<byte> key, IEnumerable<(string Name, string Sha256)> files)
    {
        var text = new StringBuilder();
        foreach (var (name, sha) in files)
        {
            text.Append(sha.ToLowerInvariant()).Append("  ").Append(name).Append('\n');
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text.ToString())));
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
