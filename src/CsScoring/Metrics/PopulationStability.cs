using System.Buffers;

namespace CsScoring.Metrics;

/// <summary>How far a distribution moved, by its population stability index.</summary>
public enum DriftLevel
{
    /// <summary>PSI below 0.1: no material change.</summary>
    Stable,

    /// <summary>PSI from 0.1 to below 0.25: a change worth watching.</summary>
    Moderate,

    /// <summary>PSI of 0.25 or more: the population shifted.</summary>
    Major,
}

/// <summary>
/// The population stability index (PSI) of a variable between a reference sample and a new one, over the decile
/// bins of the reference: Σ (actual − expected) × ln(actual / expected).
/// </summary>
/// <remarks>
/// A bin's upper edge is inclusive (<see cref="Bin"/>). Shares are floored at 1e-4 in <see cref="Psi"/> so an empty
/// bin stays finite. NaN values sort into the first bin. Thread-safe: the methods are pure.
/// </remarks>
public static class PopulationStability
{
    /// <summary>PSI from which a change is <see cref="DriftLevel.Moderate"/>.</summary>
    public const double ModerateThreshold = 0.1;

    /// <summary>PSI from which a change is <see cref="DriftLevel.Major"/>.</summary>
    public const double MajorThreshold = 0.25;

    /// <summary>
    /// The distinct decile edges of a reference sample (at most nine, increasing); an edge at the sample's maximum is
    /// dropped, since the bin above it would always be empty.
    /// </summary>
    /// <param name="values">The reference sample (not modified).</param>
    /// <returns>The edges; empty for an empty or constant sample.</returns>
    public static double[] DecileEdges(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return [];
        }

        var sorted = values.ToArray();
        if (!TryRadixSort(sorted))
        {
            Array.Sort(sorted);
        }

        var edges = new List<double>();
        for (var q = 1; q < 10; q++)
        {
            var edge = (double)sorted[(int)((long)q * (sorted.Length - 1) / 10)];
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        if (edges.Count > 0 && edges[^1] >= sorted[^1])
        {
            edges.RemoveAt(edges.Count - 1);
        }

        return [.. edges];
    }

    /// <summary>
    /// Sorts as <see cref="Array.Sort{T}(T[])"/> does (NaN first, then ascending), bit for bit, with a radix sort on
    /// the values' bits: several times faster on large samples. Array.Sort leaves values that compare equal but
    /// differ in their bits (0 and -0, NaNs with other payloads) in an order of its own, so when both zeros or two
    /// kinds of NaN are present, or the sample is small, this returns <see langword="false"/> without changing it.
    /// </summary>
    internal static bool TryRadixSort(float[] values)
    {
        const int MinLength = 1024;
        if (values.Length < MinLength)
        {
            return false;
        }

        var nans = 0;
        var nanBits = 0u;
        bool positiveZero = false, negativeZero = false;
        foreach (var value in values)
        {
            var bits = BitConverter.SingleToUInt32Bits(value);
            if (float.IsNaN(value))
            {
                if (nans++ > 0 && bits != nanBits)
                {
                    return false;
                }

                nanBits = bits;
            }
            else if (value == 0)
            {
                positiveZero |= bits == 0;
                negativeZero |= bits != 0;
            }
        }

        if (positiveZero && negativeZero)
        {
            return false;
        }

        // Keys whose unsigned order is the values' order: the sign bit flipped for positives, every bit for negatives.
        var length = values.Length - nans;
        var keyArray = ArrayPool<uint>.Shared.Rent(length);
        var scratchArray = ArrayPool<uint>.Shared.Rent(length);
        var keys = keyArray.AsSpan(0, length);
        var scratch = scratchArray.AsSpan(0, length);
        var n = 0;
        foreach (var value in values)
        {
            if (!float.IsNaN(value))
            {
                var bits = BitConverter.SingleToUInt32Bits(value);
                keys[n++] = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            }
        }

        // Least significant byte first: each pass is stable, so after the fourth the keys are in order.
        Span<int> start = stackalloc int[256];
        for (var shift = 0; shift < 32; shift += 8)
        {
            start.Clear();
            foreach (var key in keys)
            {
                start[(int)((key >> shift) & 0xFF)]++;
            }

            var sum = 0;
            for (var digit = 0; digit < 256; digit++)
            {
                var count = start[digit];
                start[digit] = sum;
                sum += count;
            }

            foreach (var key in keys)
            {
                scratch[start[(int)((key >> shift) & 0xFF)]++] = key;
            }

            var sorted = scratch;
            scratch = keys;
            keys = sorted;
        }

        values.AsSpan(0, nans).Fill(BitConverter.UInt32BitsToSingle(nanBits));
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            values[nans + i] = BitConverter.UInt32BitsToSingle((key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key);
        }

        ArrayPool<uint>.Shared.Return(keyArray);
        ArrayPool<uint>.Shared.Return(scratchArray);
        return true;
    }

    /// <summary>The share of values in each bin (edges.Count + 1 bins).</summary>
    /// <param name="values">The values.</param>
    /// <param name="edges">Increasing bin edges.</param>
    /// <returns>The shares, summing to 1 (all 0 for no values).</returns>
    public static double[] Shares(ReadOnlySpan<float> values, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var counts = new double[edges.Count + 1];
        foreach (var v in values)
        {
            counts[Bin(v, edges)]++;
        }

        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] /= Math.Max(1, values.Length);
        }

        return counts;
    }

    /// <summary>The bin of a value: the number of edges strictly below it.</summary>
    /// <param name="value">The value.</param>
    /// <param name="edges">Increasing bin edges.</param>
    public static int Bin(double value, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var b = 0;
        while (b < edges.Count && value > edges[b])
        {
            b++;
        }

        return b;
    }

    /// <summary>The PSI between the expected (reference) and the actual shares of the same bins.</summary>
    /// <param name="expected">The reference shares.</param>
    /// <param name="actual">The new shares, one per reference bin.</param>
    /// <returns>The index (≥ 0; 0 when the shares agree).</returns>
    /// <exception cref="ArgumentException">The two have different lengths.</exception>
    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count)
        {
            throw new ArgumentException($"{actual.Count} actual shares for {expected.Count} reference bins.", nameof(actual));
        }

        double psi = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var e = Math.Max(expected[i], 1e-4);
            var a = Math.Max(actual[i], 1e-4);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>The level of a PSI: stable below 0.1, moderate below 0.25, major from 0.25.</summary>
    /// <param name="psi">The index.</param>
    public static DriftLevel LevelOf(double psi) => psi >= MajorThreshold ? DriftLevel.Major : psi >= ModerateThreshold ? DriftLevel.Moderate : DriftLevel.Stable;
}
