using System.ComponentModel;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>Options every command that prints results shares.</summary>
internal class OutputSettings : CommandSettings
{
    [CommandOption("--json")]
    [Description("Print the result as one JSON object on stdout (messages go to stderr), for scripts.")]
    public bool Json { get; init; }

    [CommandOption("-q|--quiet")]
    [Description("Print no progress and no messages, only the result.")]
    public bool Quiet { get; init; }
}
