using Spectre.Console;

namespace CsScoring.Training.Cli;

/// <summary>
/// Checks the name of a table a command writes: tables are written as CSV, so the name must end in <c>.csv</c>;
/// any other extension (<c>.parquet</c> included) is refused rather than silently written as CSV under that name.
/// </summary>
internal static class TableOutputName
{
    /// <summary>The validation result for a table output option.</summary>
    /// <param name="path">The option's value (already known not to be blank).</param>
    /// <param name="option">The option, for example <c>--out</c>.</param>
    public static ValidationResult Check(string path, string option) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            ? ValidationResult.Success()
            : ValidationResult.Error($"{option} '{path}': tables are written as CSV, so the file name must end in .csv.");
}
