using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CsScoring.Privacy;

/// <summary>
/// Replaces identifiers with keyed pseudonyms: <c>p_</c> followed by the first 32 hex digits of
/// HMAC-SHA256(key, UTF-8 id). The same key gives the same pseudonym in every command and every run, so outputs
/// still join on the pseudonymised id; without the key a pseudonym cannot be reversed or recomputed from a guessed id.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Keep the key out of command lines (they are visible to other users and kept in shell
/// histories): read it from a secret store, a file or the <see cref="KeyEnvironmentVariable"/> variable.
/// </remarks>
/// <example>
/// <code>
/// var pseudonyms = Pseudonymizer.FromSecret(File.ReadAllBytes("pseudonym.key"));
/// string shared = pseudonyms.Pseudonymize("ACME-0042"); // "p_3f…", the same in every export made with this key
/// </code>
/// </example>
public sealed class Pseudonymizer
{
    /// <summary>The environment variable the console reads the key from when no key file is given.</summary>
    public const string KeyEnvironmentVariable = "CSSCORING_PSEUDONYM_KEY";

    /// <summary>The fewest bytes a key may have.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>The prefix of every pseudonym.</summary>
    public const string Prefix = "p_";

    private readonly byte[] _key;

    private Pseudonymizer(byte[] key)
    {
        _key = key;
        KeyFingerprint = Convert.ToHexStringLower(SHA256.HashData([.. "csscoring-pseudonym-key:"u8, .. key]))[..12];
    }

    /// <summary>
    /// A short public fingerprint of the key (12 hex digits of a SHA-256 over a labelled copy): outputs record it so
    /// a reader can tell whether two files were pseudonymised with the same key, without learning the key.
    /// </summary>
    public string KeyFingerprint { get; }

    /// <summary>Creates a pseudonymiser from a secret.</summary>
    /// <param name="key">The secret, at least <see cref="MinimumKeyLength"/> bytes (a key file's content, trailing line breaks removed by the caller).</param>
    /// <returns>The pseudonymiser.</returns>
    /// <exception cref="InvalidOptionException">The key is shorter than <see cref="MinimumKeyLength"/> bytes.</exception>
    public static Pseudonymizer FromSecret(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOptionException(string.Create(CultureInfo.InvariantCulture,
                $"The pseudonymisation key has {key.Length} bytes; it needs at least {MinimumKeyLength} (for example 32 random bytes: 'openssl rand -hex 32 > pseudonym.key')."));
        }

        return new Pseudonymizer(key.ToArray());
    }

    /// <summary>The pseudonym of an identifier.</summary>
    /// <param name="id">The identifier as read (not trimmed or case-folded: <c>A1</c> and <c>a1</c> differ).</param>
    /// <returns><c>p_</c> and 32 lower-case hex digits.</returns>
    public string Pseudonymize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(id), hash);
        return Prefix + Convert.ToHexStringLower(hash[..16]);
    }
}
