using System.Globalization;
using CsScoring.Churn;
using Microsoft.Extensions.Options;

namespace CsScoring.Hosting;

/// <summary>
/// Checks <see cref="CsScoringOptions"/> when the host starts (registered with <c>ValidateOnStart</c> by
/// <c>AddCsScoring</c>); each failure names the configuration key at fault, its value and what is expected.
/// </summary>
/// <remarks>Whether the model directory holds a valid model is checked by loading it, also at start-up, with a <see cref="ChurnModelException"/> saying what is wrong.</remarks>
public sealed class CsScoringOptionsValidator : IValidateOptions<CsScoringOptions>
{
    private static readonly TimeSpan s_maximumReloadDelay = TimeSpan.FromMinutes(10);
    private readonly string _prefix;

    /// <summary>Creates a validator that names keys under the <c>CsScoring</c> section.</summary>
    public CsScoringOptionsValidator()
        : this(CsScoringOptions.SectionName)
    {
    }

    /// <summary>Creates a validator that names keys under a configuration section.</summary>
    /// <param name="sectionPath">The section's path (for example <c>Services:Churn</c>), used in messages only.</param>
    public CsScoringOptionsValidator(string sectionPath)
    {
        _prefix = string.IsNullOrEmpty(sectionPath) ? string.Empty : sectionPath + ":";
    }

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, CsScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelDirectory))
        {
            failures.Add($"{_prefix}ModelDirectory is required: the churn model directory written by 'csscoring train' (holding manifest.json).");
        }

        if (options.ReloadDelay < TimeSpan.Zero || options.ReloadDelay > s_maximumReloadDelay)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{_prefix}ReloadDelay is {options.ReloadDelay:c}; it must be between 00:00:00 and {s_maximumReloadDelay:c}."));
        }

        if (options.PollInterval < TimeSpan.Zero)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{_prefix}PollInterval is {options.PollInterval:c}; it must be 00:00:00 (no polling) or positive."));
        }

        if (!Enum.IsDefined(options.RowValidation))
        {
            failures.Add($"{_prefix}RowValidation is {(int)options.RowValidation}; it must be Lenient, CountWarnings or Strict.");
        }

        if (options.Load is null)
        {
            failures.Add($"{_prefix}Load must not be null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
