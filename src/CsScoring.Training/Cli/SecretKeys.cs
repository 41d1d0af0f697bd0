using System.Text;
using CsScoring.Churn;
using CsScoring.Privacy;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>
/// The options of a command that reads or writes account ids: <c>--pseudonymize-ids</c> and
/// <c>--pseudonym-key-file FILE</c>. A settings class implements it with two properties (copy them from
/// <see cref="Predict.PredictSettings"/>) and its command calls <see cref="SecretKeys.Pseudonymizer"/>.
/// </summary>
internal interface IPseudonymSettings
{
    /// <summary>Set by <c>--pseudonymize-ids</c>; a value after it is refused (keys never come from the command line).</summary>
    FlagValue<string>? PseudonymizeIds { get; }

    /// <summary>The key file (<c>--pseudonym-key-file</c>); implies pseudonymisation.</summary>
    string? PseudonymKeyFile { get; }
}

/// <summary>
/// Reads secrets (pseudonymisation and model-signing keys) from a file or an environment variable, never from the
/// command line, where other users and shell histories would see them.
/// </summary>
internal static class SecretKeys
{
    /// <summary>The environment variable holding the model-signing key.</summary>
    public const string SigningKeyVariable = "CSSCORING_SIGNING_KEY";

    public const string PseudonymizeIdsDescription =
        "Replace account ids in every output with keyed pseudonyms (HMAC-SHA256): the key comes from --pseudonym-key-file or the CSSCORING_PSEUDONYM_KEY environment variable, never from the command line. The same key gives the same pseudonyms in every command, so outputs still join.";

    public const string PseudonymKeyFileDescription =
        "File holding the pseudonymisation key (at least 16 bytes; trailing line breaks ignored). Implies --pseudonymize-ids.";

    /// <summary>The pseudonymiser the settings ask for, or <see langword="null"/>.</summary>
    public static Pseudonymizer? Pseudonymizer(IPseudonymSettings settings)
    {
        var flag = settings.PseudonymizeIds;
        if (flag is { IsSet: true, Value: { Length: > 0 } })
        {
            throw new InvalidOptionException(
                $"--pseudonymize-ids no longer takes the key on the command line (other users and shell histories can read it): put it in a file and pass --pseudonym-key-file FILE, or set {CsScoring.Privacy.Pseudonymizer.KeyEnvironmentVariable}.");
        }

        var requested = flag is { IsSet: true } || settings.PseudonymKeyFile is not null;
        if (!requested)
        {
            return null;
        }

        var key = Read(settings.PseudonymKeyFile, CsScoring.Privacy.Pseudonymizer.KeyEnvironmentVariable, "--pseudonym-key-file")
            ?? throw new InvalidOptionException(
                $"--pseudonymize-ids needs a key: pass --pseudonym-key-file FILE or set the {CsScoring.Privacy.Pseudonymizer.KeyEnvironmentVariable} environment variable.");
        return CsScoring.Privacy.Pseudonymizer.FromSecret(key);
    }

    /// <summary>The model-signing key from <paramref name="file"/> or <see cref="SigningKeyVariable"/>, or <see langword="null"/> when neither is set.</summary>
    public static byte[]? SigningKey(string? file)
    {
        var key = Read(file, SigningKeyVariable, "--signing-key-file");
        if (key is not null && key.Length < ChurnModelDirectory.MinimumKeyLength)
        {
            throw new InvalidOptionException(
                $"The signing key ({(file is null ? SigningKeyVariable : file)}) has {key.Length} bytes; it needs at least {ChurnModelDirectory.MinimumKeyLength}.");
        }

        return key;
    }

    private static byte[]? Read(string? file, string variable, string option)
    {
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The key file '{file}' given to {option} does not exist.", file);
            }

            var bytes = File.ReadAllBytes(file).AsSpan();
            while (bytes.Length > 0 && bytes[^1] is (byte)'\n' or (byte)'\r')
            {
                bytes = bytes[..^1];
            }

            return bytes.ToArray();
        }

        var text = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(text) ? null : Encoding.UTF8.GetBytes(text);
    }
}
