using CsScoring.Churn;
using CsScoring.Churn.Serving;

namespace CsScoring.Hosting;

/// <summary>
/// How an application serves its churn model, bound from configuration (by default the <c>CsScoring</c> section)
/// or set in code through <c>services.AddCsScoring(options => ...)</c>.
/// </summary>
/// <remarks>
/// A plain options class, as the options pattern expects: configuration and <c>Configure</c> delegates set it, then
/// <see cref="CsScoringOptionsValidator"/> checks it when the host starts (<c>ValidateOnStart</c>). Every instance
/// owns its nested <see cref="Load"/> options, so binding one container's configuration never changes another's
/// (or <see cref="ChurnModelLoadOptions.Default"/>).
/// </remarks>
/// <example>
/// <code>
/// // appsettings.json
/// "CsScoring": {
///   "ModelDirectory": "models/churn",
///   "ReloadDelay": "00:00:00.500",
///   "PollInterval": "00:00:30",
///   "RowValidation": "Strict",
///   "Load": { "VerifySelfTest": true }
/// }
/// </code>
/// </example>
public sealed class CsScoringOptions
{
    /// <summary>The configuration section the options are read from by convention: <c>CsScoring</c>.</summary>
    public const string SectionName = "CsScoring";

    /// <summary>The churn model directory written by <c>csscoring train</c> (configuration key <c>CsScoring:ModelDirectory</c>). Required.</summary>
    /// <value>The default value is empty, which fails validation.</value>
    public string ModelDirectory { get; set; } = string.Empty;

    /// <summary>Whether to watch the directory and swap in a new model when it changes or is replaced as a whole.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>
    /// How long the directory must stay quiet after a file-system event before the new model is loaded (a
    /// deployment writes or renames several entries).
    /// </summary>
    /// <value>The default value is 500 milliseconds. Must be between 0 and 10 minutes.</value>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often the directory is also checked without file-system events (network shares and some container volumes
    /// do not raise them); <see cref="TimeSpan.Zero"/> turns polling off.
    /// </summary>
    /// <value>The default value is 30 seconds. Must be ≥ 0.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How rows given as column name → value are checked before scoring: <see cref="ChurnRowValidation.Lenient"/>
    /// (unknown keys ignored, unparsable values scored as missing), <see cref="ChurnRowValidation.CountWarnings"/>
    /// (the same, counted) or <see cref="ChurnRowValidation.Strict"/> (refused with an error naming the key or value).
    /// </summary>
    /// <value>The default value is <see cref="ChurnRowValidation.Lenient"/>, the behaviour of files and of <see cref="ChurnModel.Predict(IReadOnlyDictionary{string, string?})"/>.</value>
    public ChurnRowValidation RowValidation { get; set; } = ChurnRowValidation.Lenient;

    /// <summary>How models are loaded and verified (configuration section <c>CsScoring:Load</c>).</summary>
    /// <value>The default value is a new <see cref="CsScoringLoadOptions"/> owned by this instance.</value>
    public CsScoringLoadOptions Load { get; set; } = new();

    /// <summary>The library's serving options for these settings (validated: call after <see cref="CsScoringOptionsValidator"/> passed).</summary>
    /// <returns>New, immutable serving options; later changes to this instance do not affect them.</returns>
    /// <exception cref="InvalidOptionException">A value is out of range.</exception>
    public ChurnServingOptions ToServingOptions() => new()
    {
        ModelDirectory = ModelDirectory,
        WatchForChanges = WatchForChanges,
        ReloadDelay = ReloadDelay,
        PollInterval = PollInterval,
        Load = (Load ?? new CsScoringLoadOptions()).ToLoadOptions(),
    };
}

/// <summary>How models are loaded and verified (configuration section <c>CsScoring:Load</c>).</summary>
public sealed class CsScoringLoadOptions
{
    /// <summary>
    /// Whether to re-score the self-test rows stored with the model and refuse it unless this build agrees with the
    /// training library (see <see cref="ChurnModelLoadOptions.VerifySelfTest"/>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool VerifySelfTest { get; set; } = true;

    /// <summary>The library's load options for these settings.</summary>
    /// <returns>A new, immutable instance (never <see cref="ChurnModelLoadOptions.Default"/> itself).</returns>
    public ChurnModelLoadOptions ToLoadOptions() => new() { VerifySelfTest = VerifySelfTest };
}
