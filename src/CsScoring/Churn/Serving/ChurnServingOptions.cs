namespace CsScoring.Churn.Serving;

/// <summary>
/// How a churn model is served through dependency injection (<c>services.AddChurnModel(...)</c>) or by a
/// <see cref="ChurnModelProvider"/>: the model directory, how changes are noticed, and how models are loaded.
/// </summary>
/// <remarks>
/// Immutable; each property validates its value when set, so an invalid instance cannot be built. Configuration
/// binding (<c>section.Get&lt;ChurnServingOptions&gt;()</c>) sets <c>init</c> properties too.
/// </remarks>
public sealed class ChurnServingOptions
{
    /// <summary>The churn model directory (holding <c>manifest.json</c> and the model). Required, not blank.</summary>
    /// <exception cref="InvalidOptionException">The value is null, empty or white space.</exception>
    public required string ModelDirectory
    {
        get;
        init => field = OptionGuard.NotBlank(value, nameof(ChurnServingOptions));
    }

    /// <summary>Whether to watch the directory and swap in a new model when its files change.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WatchForChanges { get; init; } = true;

    /// <summary>
    /// How often the directory is also checked without file-system events (network shares and containers can miss
    /// them); <see cref="TimeSpan.Zero"/> turns polling off.
    /// </summary>
    /// <value>The default value is 30 seconds. Must be ≥ 0.</value>
    /// <exception cref="InvalidOptionException">The value is negative.</exception>
    public TimeSpan PollInterval
    {
        get;
        init => field = OptionGuard.NonNegative(value, nameof(ChurnServingOptions));
    } = TimeSpan.FromSeconds(30);

    /// <summary>How long the files must stay unchanged after an event before a reload starts (a deployment writes several files).</summary>
    /// <value>The default value is 500 milliseconds. Must be ≥ 0.</value>
    /// <exception cref="InvalidOptionException">The value is negative.</exception>
    public TimeSpan ReloadDelay
    {
        get;
        init => field = OptionGuard.NonNegative(value, nameof(ChurnServingOptions));
    } = TimeSpan.FromMilliseconds(500);

    /// <summary>How models are loaded and verified.</summary>
    /// <value>The default value is a new <see cref="ChurnModelLoadOptions"/> with its defaults (never the shared <see cref="ChurnModelLoadOptions.Default"/>, so binding configuration into this instance cannot change other loads).</value>
    /// <exception cref="InvalidOptionException">The value is null.</exception>
    public ChurnModelLoadOptions Load
    {
        get;
        init => field = OptionGuard.NotNull(value, nameof(ChurnServingOptions));
    } = new();
}
