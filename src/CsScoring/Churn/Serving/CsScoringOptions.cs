namespace CsScoring.Churn.Serving;

/// <summary>
/// Settings for serving CsScoring models through dependency injection (<c>services.AddCsScoring(...)</c>), in the
/// options pattern ASP.NET applications use: set in code or bound from configuration, validated when the provider
/// starts.
/// </summary>
public sealed class CsScoringOptions
{
    /// <summary>The churn model directory (holding <c>manifest.json</c> and <c>model.zip</c>). Required.</summary>
    public string ModelDirectory { get; set; } = string.Empty;

    /// <summary>Whether to watch the directory and swap in a new model when its files change.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>
    /// How often the directory is also checked without file-system events (network shares and containers can miss
    /// them); <see cref="TimeSpan.Zero"/> turns polling off.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the files must stay unchanged after an event before a reload starts (a deployment writes several files).</summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How models are loaded and verified.</summary>
    /// <value>The default value is <see cref="ChurnModelLoadOptions.Default"/>.</value>
    public ChurnModelLoadOptions Load { get; set; } = ChurnModelLoadOptions.Default;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The directory is empty or a time span is negative.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelDirectory))
        {
            throw new ArgumentException("CsScoringOptions.ModelDirectory is required.", nameof(ModelDirectory));
        }

        if (PollInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("CsScoringOptions.PollInterval must be >= 0.", nameof(PollInterval));
        }

        if (ReloadDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("CsScoringOptions.ReloadDelay must be >= 0.", nameof(ReloadDelay));
        }

        ArgumentNullException.ThrowIfNull(Load, nameof(Load));
    }
}
