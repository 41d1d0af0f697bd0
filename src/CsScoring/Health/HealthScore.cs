using System.Globalization;
using System.Runtime.InteropServices;

namespace CsScoring.Health;

/// <summary>Whether a health result carries a score.</summary>
public enum HealthStatus : byte
{
    /// <summary>Enough of the scorecard's weight had data: <see cref="HealthScore.Score"/> and <see cref="HealthScore.Band"/> are set.</summary>
    Scored,

    /// <summary>
    /// Less than the scorecard's minimum coverage had data: the result carries no score (NaN) and no band (-1),
    /// rather than a number skewed by what is missing.
    /// </summary>
    InsufficientData,
}

/// <summary>
/// One account's health: a score from 0 (worst) to 100 (best), its band, the coverage (share of the scorecard's
/// weight that had data, 0-1), the status and the version of the scorecard that produced it.
/// </summary>
/// <remarks>
/// With <see cref="HealthStatus.InsufficientData"/>, <see cref="Score"/> is NaN and <see cref="Band"/> is -1.
/// Immutable and thread-safe. The default value is an unscored result with coverage 0.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly struct HealthScore : IEquatable<HealthScore>
{
    /// <summary>Creates a result.</summary>
    /// <param name="score">The score (0-100), or NaN when not scored.</param>
    /// <param name="band">The band index (0 = worst), or -1 when not scored.</param>
    /// <param name="coverage">The share of weight that had data (0-1).</param>
    /// <param name="status">Whether the result carries a score.</param>
    /// <param name="version">The scorecard's version.</param>
    public HealthScore(double score, int band, double coverage, HealthStatus status, ScorecardVersion version)
    {
        Score = score;
        Band = band;
        Coverage = coverage;
        Status = status;
        Version = version;
    }

    /// <summary>The score from 0 to 100; NaN when <see cref="Status"/> is <see cref="HealthStatus.InsufficientData"/>.</summary>
    public double Score { get; }

    /// <summary>The band index into the scorecard's bands (0 = the worst band); -1 when not scored.</summary>
    public int Band { get; }

    /// <summary>The share (0-1) of the scorecard's total weight whose metrics had data.</summary>
    public double Coverage { get; }

    /// <summary>Whether the result carries a score.</summary>
    public HealthStatus Status { get; }

    /// <summary>The content hash of the scorecard that produced the result.</summary>
    public ScorecardVersion Version { get; }

    /// <summary>Whether the result carries a score.</summary>
    public bool IsScored => Status == HealthStatus.Scored;

    /// <summary>Equal when every field is equal (NaN scores compare equal).</summary>
    public static bool operator ==(HealthScore left, HealthScore right) => left.Equals(right);

    /// <summary>Not equal when any field differs.</summary>
    public static bool operator !=(HealthScore left, HealthScore right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(HealthScore other)
        => Score.Equals(other.Score) && Band == other.Band && Coverage.Equals(other.Coverage) && Status == other.Status && Version == other.Version;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is HealthScore other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Score, Band, Coverage, Status, Version);

    /// <inheritdoc />
    public override string ToString() => Status == HealthStatus.Scored
        ? string.Create(CultureInfo.InvariantCulture, $"{Score:F1} (band {Band}, coverage {Coverage:P0})")
        : string.Create(CultureInfo.InvariantCulture, $"insufficient data (coverage {Coverage:P0})");
}

/// <summary>
/// A scorecard's version: the first 64 bits of the SHA-256 of its canonical JSON (description excluded) and of its
/// reference populations. Two results with different versions were produced by different scorecards.
/// </summary>
public readonly struct ScorecardVersion : IEquatable<ScorecardVersion>
{
    /// <summary>Creates a version from its 64-bit value.</summary>
    /// <param name="value">The hash value.</param>
    public ScorecardVersion(ulong value) => Value = value;

    /// <summary>The 64-bit hash.</summary>
    public ulong Value { get; }

    /// <summary>Equal when the hashes are equal.</summary>
    public static bool operator ==(ScorecardVersion left, ScorecardVersion right) => left.Value == right.Value;

    /// <summary>Not equal when the hashes differ.</summary>
    public static bool operator !=(ScorecardVersion left, ScorecardVersion right) => left.Value != right.Value;

    /// <summary>Parses the 16-hex-digit form written by <see cref="ToString"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The version.</returns>
    /// <exception cref="FormatException">The text is not 16 hexadecimal digits.</exception>
    public static ScorecardVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != 16 || !ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{text}' is not a scorecard version (16 hexadecimal digits).");
        }

        return new ScorecardVersion(value);
    }

    /// <inheritdoc />
    public bool Equals(ScorecardVersion other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ScorecardVersion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>The version as 16 lower-case hexadecimal digits.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);
}
