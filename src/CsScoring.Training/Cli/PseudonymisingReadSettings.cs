using System.ComponentModel;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>The reading options plus keyed pseudonymisation of account ids, for the commands that write ids.</summary>
internal abstract class PseudonymisingReadSettings : DataReadSettings, IPseudonymSettings
{
    [CommandOption("--pseudonymize-ids [KEY]")]
    [Description(SecretKeys.PseudonymizeIdsDescription)]
    public FlagValue<string>? PseudonymizeIds { get; init; }

    [CommandOption("--pseudonym-key-file <FILE>")]
    [Description(SecretKeys.PseudonymKeyFileDescription)]
    public string? PseudonymKeyFile { get; init; }
}
