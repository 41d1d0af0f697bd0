namespace CsScoring.Churn;

/// <summary>How <see cref="ChurnModel.Load(string, ChurnModelLoadOptions?)"/> loads a model. Immutable.</summary>
public sealed record ChurnModelLoadOptions
{
    /// <summary>The defaults.</summary>
    public static ChurnModelLoadOptions Default { get; } = new();

    /// <summary>
    /// Whether to re-score the self-test rows stored in <c>scorer.json</c> (split thresholds and their neighbours,
    /// NaN, ±Infinity, scored by ML.NET when the model was trained) and refuse the model unless the compiled scorer
    /// agrees (scores bit for bit for trees, probabilities to 1e-6): a guard against any drift between the
    /// training library's rules and this build's evaluation on this CPU.
    /// </summary>
    /// <value>The default value is <see langword="true"/>; the check costs well under a millisecond per load.</value>
    public bool VerifySelfTest { get; init; } = true;

    /// <summary>
    /// The secret the model directory was signed with (<c>csscoring train --signing-key-file</c>): when set, the
    /// directory must hold a <c>signature.json</c> whose HMAC-SHA256 over every file's SHA-256 verifies with this
    /// key, else the load fails with <see cref="ChurnModelError.SignatureInvalid"/>. For teams that move models
    /// between machines and want to know a model came from their own training.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no signature is required (the checksums still are).</value>
    /// <remarks>Read the key from a secret store, a file or an environment variable, never from a command line.</remarks>
    public IReadOnlyList<byte>? SigningKey { get; init; }

    /// <summary>
    /// Whether a directory must carry <c>manifest.sha256</c>, the checksum that catches an edited
    /// <c>manifest.json</c> (thresholds, imputations, category lists). Turn it off only to convert a directory
    /// written before the checksum existed (<c>csscoring upgrade-model</c> does that).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequireManifestChecksum { get; init; } = true;
}
