using System.Globalization;
using System.Text.Json;
using CsScoring.Churn.Manifest;
using CsScoring.Data;

namespace CsScoring.Churn;

/// <content>Loading: reading and verifying a model directory or streams.</content>
public sealed partial class ChurnModel
{
    /// <summary>Loads, verifies and compiles the model in a directory written by <c>csscoring train</c>.</summary>
    /// <param name="directory">The directory holding <c>manifest.json</c> and the portable scorer it names (<c>scorer.json</c>).</param>
    /// <returns>
    /// The model, ready to serve; when the manifest names an explanation background (<c>background.json</c>, learnt
    /// from the training rows), it is verified (SHA-256, model hash, consistency with the trees) and applied, so the
    /// model can explain at once.
    /// </returns>
    /// <exception cref="ChurnModelException">
    /// The manifest is missing, invalid, or differs from its checksum (<c>manifest.sha256</c>), the scorer file is missing, damaged (hash mismatch) or unreadable, its
    /// trees fail validation, it disagrees with the manifest or with its own self-test rows; or the background file
    /// the manifest names is missing, damaged or does not fit the model.
    /// </exception>
    /// <remarks>The library reads <c>manifest.json</c>, <c>scorer.json</c> and <c>background.json</c> only; ML.NET's <c>model.zip</c> is never opened.</remarks>
    public static ChurnModel Load(string directory) => Load(directory, ChurnModelLoadOptions.Default);

    /// <summary>Loads, verifies and compiles the model in a directory, with options.</summary>
    /// <param name="directory">The directory holding <c>manifest.json</c> and the scorer file it names.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(string directory, ChurnModelLoadOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingManifest,
                $"No {ManifestFileName} in the model directory (a model directory is written by 'csscoring train').", directory);
        }

        options ??= ChurnModelLoadOptions.Default;
        if (options.SigningKey is { } key)
        {
            ChurnModelDirectory.VerifySignature(directory, [.. key]);
        }

        var manifestBytes = ReadBytes(manifestPath, ChurnModelError.InvalidManifest);
        var manifest = ReadManifest(manifestBytes, manifestPath);
        ChurnModelDirectory.VerifyManifestChecksum(directory, manifestBytes, options.RequireManifestChecksum);
        var scorerPath = Path.Combine(directory, manifest.ScorerFile);
        if (!File.Exists(scorerPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingModel, $"The scorer file '{manifest.ScorerFile}' named by the manifest does not exist.", directory);
        }

        var model = Create(manifest, ReadBytes(scorerPath, ChurnModelError.UnreadableModel), scorerPath, options, directory);
        if (manifest.BackgroundFile is not { } backgroundFile)
        {
            return model;
        }

        var backgroundPath = Path.Combine(directory, backgroundFile);
        if (!File.Exists(backgroundPath))
        {
            throw new ChurnModelException(ChurnModelError.InvalidBackground, $"The explanation background '{backgroundFile}' named by the manifest does not exist.", directory);
        }

        return model.ApplyStoredBackground(ReadBytes(backgroundPath, ChurnModelError.InvalidBackground), backgroundPath);
    }

    /// <summary>
    /// Loads, verifies and compiles the model in a directory without blocking on file reads: the files are read
    /// asynchronously, then compiled and verified on the calling thread (CPU work of a few milliseconds for typical models).
    /// </summary>
    /// <param name="directory">The directory holding <c>manifest.json</c> and the scorer file it names.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels reading the files; a cancelled load returns no model.</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ChurnModel> LoadAsync(string directory, ChurnModelLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        cancellationToken.ThrowIfCancellationRequested();
        var manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingManifest,
                $"No {ManifestFileName} in the model directory (a model directory is written by 'csscoring train').", directory);
        }

        var manifest = ReadManifest(await ReadBytesAsync(manifestPath, ChurnModelError.InvalidManifest, cancellationToken).ConfigureAwait(false), manifestPath);
        var scorerPath = Path.Combine(directory, manifest.ScorerFile);
        if (!File.Exists(scorerPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingModel, $"The scorer file '{manifest.ScorerFile}' named by the manifest does not exist.", directory);
        }

        var scorerBytes = await ReadBytesAsync(scorerPath, ChurnModelError.UnreadableModel, cancellationToken).ConfigureAwait(false);
        byte[]? backgroundBytes = null;
        string? backgroundPath = null;
        if (manifest.BackgroundFile is { } backgroundFile)
        {
            backgroundPath = Path.Combine(directory, backgroundFile);
            if (!File.Exists(backgroundPath))
            {
                throw new ChurnModelException(ChurnModelError.InvalidBackground, $"The explanation background '{backgroundFile}' named by the manifest does not exist.", directory);
            }

            backgroundBytes = await ReadBytesAsync(backgroundPath, ChurnModelError.InvalidBackground, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var model = Create(manifest, scorerBytes, scorerPath, options ?? ChurnModelLoadOptions.Default, directory);
        return backgroundBytes is null ? model : model.ApplyStoredBackground(backgroundBytes, backgroundPath);
    }

    /// <summary>Loads, verifies and compiles a model from its manifest and scorer streams (for example from blob storage).</summary>
    /// <param name="manifest">The <c>manifest.json</c> content.</param>
    /// <param name="scorer">The <c>scorer.json</c> content (read to its end).</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(Stream manifest, Stream scorer) => Load(manifest, scorer, null, null);

    /// <summary>Loads a model from streams, with a source name for messages and options.</summary>
    /// <param name="manifest">The <c>manifest.json</c> content.</param>
    /// <param name="scorer">The <c>scorer.json</c> content (read to its end).</param>
    /// <param name="source">A name for messages (e.g. the storage URI), or <see langword="null"/>.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(Stream manifest, Stream scorer, string? source, ChurnModelLoadOptions? options)
        => Load(manifest, scorer, null, source, options);

    /// <summary>Loads a model from streams together with its explanation background (<c>background.json</c>).</summary>
    /// <param name="manifest">The <c>manifest.json</c> content.</param>
    /// <param name="scorer">The <c>scorer.json</c> content (read to its end).</param>
    /// <param name="background">
    /// The background file's content, or <see langword="null"/> to load without it (the model then explains only
    /// after <see cref="WithBackground(ReadOnlySpan{float}, int)"/>). When the manifest records
    /// <c>background_sha256</c> the content must match it.
    /// </param>
    /// <param name="source">A name for messages (e.g. the storage URI), or <see langword="null"/>.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The model, ready to serve (and to explain when a background was given).</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(Stream manifest, Stream scorer, Stream? background, string? source, ChurnModelLoadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(scorer);
        var parsed = ReadManifest(ReadToEnd(manifest), source);
        var loaded = Create(parsed, ReadToEnd(scorer), source, options ?? ChurnModelLoadOptions.Default, source);
        return background is null ? loaded : loaded.ApplyStoredBackground(ReadToEnd(background), source);
    }

    /// <summary>
    /// Compiles a model from its manifest and portable scorer held in memory (for example as a trainer builds them
    /// before writing a model directory with <see cref="ChurnModelDirectory.Write"/>).
    /// </summary>
    /// <param name="manifest">The manifest; its <c>scorer_sha256</c> must be the scorer's (<see cref="ChurnModelDirectory.ScorerSha256"/>).</param>
    /// <param name="scorer">The portable scorer.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The model, ready to serve (it explains after a background is applied).</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Create(ModelManifest manifest, PortableScorer scorer, ChurnModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(scorer);
        try
        {
            manifest.Validate();
        }
        catch (ModelManifestException ex)
        {
            throw new ChurnModelException(ChurnModelError.InvalidManifest, ex.Message, null, ex);
        }

        return Create(manifest, ChurnModelDirectory.SerializeScorer(scorer), null, options ?? ChurnModelLoadOptions.Default, null);
    }

    private static ChurnModel Create(ModelManifest manifest, byte[] scorerBytes, string? scorerPath, ChurnModelLoadOptions options, string? source)
    {
        var actual = ChurnModelDirectory.Sha256(scorerBytes);
        if (!string.Equals(actual, manifest.ScorerSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed,
                $"SHA-256 of the scorer file is {actual} but the manifest expects {manifest.ScorerSha256}: the file is damaged or was replaced.", scorerPath);
        }

        var portable = ChurnModelDirectory.ReadScorer(scorerBytes, scorerPath);
        var scorer = ChurnScorer.FromPortable(portable, scorerPath);
        CheckAgainstManifest(manifest, scorer, scorerPath);
        if (options.VerifySelfTest)
        {
            VerifySelfTest(portable.SelfTest, scorer, scorerPath);
        }

        return new ChurnModel(manifest, scorer, source, null);
    }

    // The trainer stored rows scored by the training library itself; re-scoring them proves this build's evaluation
    // (SIMD paths included) still agrees with it: tree scores bit for bit, probabilities to 1e-6.
    private static void VerifySelfTest(PortableSelfTest? test, ChurnScorer scorer, string? path)
    {
        if (test is null)
        {
            return;
        }

        if (test.Rows is null || test.Scores is null || test.Probabilities is null
            || test.Scores.Count != test.Rows.Count || test.Probabilities.Count != test.Rows.Count)
        {
            throw new ChurnModelException(ChurnModelError.InvalidModel, $"Invalid {PortableScorer.FileName}: self_test needs rows, scores and probabilities of one length.", path);
        }

        var features = new float[scorer.FeatureCount];
        var scores = new float[1];
        for (var i = 0; i < test.Rows.Count; i++)
        {
            var row = test.Rows[i];
            if (row is null || row.Count != scorer.FeatureCount)
            {
                throw new ChurnModelException(ChurnModelError.InvalidModel,
                    $"Invalid {PortableScorer.FileName}: self-test row {i} does not have {scorer.FeatureCount} features.", path);
            }

            for (var f = 0; f < features.Length; f++)
            {
                features[f] = row[f];
            }

            // Both the single-row and the batch path are checked: they are separate code.
            var score = scorer.RawScore(features);
            scorer.RawScores(features, 1, scores);
            var probability = scorer.Calibrator.Apply(score);
            var expectedScore = test.Scores[i];
            var scoreMatches = scorer.ScoresExactly
                ? score.Equals(expectedScore) && scores[0].Equals(expectedScore)
                : Close(score, expectedScore, 1e-5) && Close(scores[0], expectedScore, 1e-5);
            if (!scoreMatches || !Close(probability, test.Probabilities[i], 1e-6))
            {
                throw new ChurnModelException(ChurnModelError.InvalidModel, string.Create(CultureInfo.InvariantCulture,
                    $"The compiled model disagrees with its self-test row {i}: score {score:R} (batch {scores[0]:R}) vs {expectedScore:R}, probability {probability:R} vs {test.Probabilities[i]:R}."), path);
            }
        }

        static bool Close(float actual, float expected, double tolerance)
            => actual.Equals(expected) || Math.Abs(actual - expected) <= tolerance * Math.Max(1, Math.Abs(expected));
    }

    private static void CheckAgainstManifest(ModelManifest manifest, ChurnScorer scorer, string? path)
    {
        if (manifest.ModelKind != scorer.Kind)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The manifest says the model is {JsonName(manifest.ModelKind)} but the scorer holds {JsonName(scorer.Kind)}.", path);
        }

        if (manifest.Features.FeatureCount != scorer.FeatureCount)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The manifest lists {manifest.Features.FeatureCount} features but the model reads {scorer.FeatureCount}.", path);
        }

        var method = JsonName(manifest.Calibration.Method);
        if (!string.Equals(method, scorer.Calibrator.Method, StringComparison.Ordinal))
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The manifest says calibration is {method} but the scorer calibrates with {scorer.Calibrator.Method}.", path);
        }
    }

    private static string JsonName<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => CsScoringJson.EnumName(value);

    private static ModelManifest ReadManifest(byte[] bytes, string? path)
    {
        try
        {
            using (var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("format_version", out var version)
                    && version.ValueKind == JsonValueKind.Number
                    && (!version.TryGetInt32(out var number) || number != ModelManifest.CurrentFormatVersion))
                {
                    var hint = number == 1
                        ? " It was written before models carried a portable scorer: convert it with 'csscoring upgrade-model --model DIR' (reads its model.zip with ML.NET), or retrain."
                        : string.Empty;
                    throw new ChurnModelException(ChurnModelError.UnsupportedVersion,
                        $"Manifest format_version {version.GetRawText()} is not supported; this library reads version {ModelManifest.CurrentFormatVersion}.{hint}", path);
                }
            }

            using var stream = new MemoryStream(bytes, writable: false);
            return ModelManifest.Read(stream);
        }
        catch (JsonException ex)
        {
            throw new ChurnModelException(ChurnModelError.InvalidManifest, $"The manifest is not valid JSON: {ex.Message}", path, ex);
        }
        catch (ModelManifestException ex)
        {
            throw new ChurnModelException(ChurnModelError.InvalidManifest, ex.Message, path, ex);
        }
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static async Task<byte[]> ReadBytesAsync(string path, ChurnModelError error, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new ChurnModelException(error, $"Cannot read the file: {ex.Message}", path, ex);
        }
    }

    private static byte[] ReadBytes(string path, ChurnModelError error)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new ChurnModelException(error, $"Cannot read the file: {ex.Message}", path, ex);
        }
    }
}
