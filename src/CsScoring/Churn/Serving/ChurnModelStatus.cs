namespace CsScoring.Churn.Serving;

/// <summary>
/// A consistent snapshot of what a <see cref="ChurnModelProvider"/> serves and how its last reload went, for health
/// checks and diagnostics. Immutable: the provider replaces the whole snapshot atomically.
/// </summary>
public sealed class ChurnModelStatus
{
    internal ChurnModelStatus(ChurnModel model, DateTimeOffset? loadedAt, int reloadCount, DateTimeOffset? lastReloadAt, Exception? lastError, DateTimeOffset? lastErrorAt)
    {
        Model = model;
        LoadedAt = loadedAt;
        ReloadCount = reloadCount;
        LastReloadAt = lastReloadAt;
        LastError = lastError;
        LastErrorAt = lastErrorAt;
    }

    /// <summary>The model being served.</summary>
    public ChurnModel Model { get; }

    /// <summary>When <see cref="Model"/> was loaded, or <see langword="null"/> when the provider has no <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? LoadedAt { get; }

    /// <summary>How many times a new model was swapped in since the provider started.</summary>
    public int ReloadCount { get; }

    /// <summary>When the directory was last checked by a reload (successful, unchanged or rejected), or <see langword="null"/> before the first reload or without a <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? LastReloadAt { get; }

    /// <summary>
    /// Why the last reload was rejected (the previous model keeps serving), or <see langword="null"/> when the last
    /// reload succeeded or found the model unchanged.
    /// </summary>
    public Exception? LastError { get; }

    /// <summary>When <see cref="LastError"/> happened, or <see langword="null"/> when there is none or no <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? LastErrorAt { get; }

    /// <summary>Whether the last reload was rejected, so that an older model serves instead of the deployed one.</summary>
    public bool IsDegraded => LastError is not null;
}
