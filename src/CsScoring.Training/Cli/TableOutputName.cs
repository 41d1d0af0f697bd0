using CsScoring.Training.Data;
using Spectre.Console;

namespace CsScoring.Training.Cli;

/// <summary>
/// Checks the name of a table a command writes: <c>.csv</c> is written as CSV, <c>.parquet</c> as Parquet
/// (<see cref="TableOutput"/>); any other extension is refused rather than silently written in some format under
/// that name.
/// </summary>
internal static class TableOutputName
{
    /// <summary>The validation result for a table output option.</summary>
    /// <param name="path">The option's value (already known not to be blank).</param>
    /// <param name="option">The option, for example <c>--out</c>.</param>
    public static ValidationResult Check(string path, string option) =>
        TableOutput.Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            ? ValidationResult.Success()
            : ValidationResult.Error($"{option} '{path}': the file name must end in {string.Join(" or ", TableOutput.Extensions)} (CSV or Parquet is written by the name's extension).");
}
