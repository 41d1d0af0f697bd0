using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>
/// Ranks accounts by value, highest first (unbounded above every bounded figure), then by a second value, then by
/// account id (ordinal): the order of <see cref="PortfolioValue.Compare"/>. A million accounts sorted through a
/// comparison delegate over decimals take seconds, so the sort runs on integer keys (each figure's double image, made
/// sortable as an unsigned integer, and each id's ordinal rank) with the runtime's inlined primitive comparisons; an
/// insertion pass with the exact decimal comparison then repairs the few neighbours whose doubles were too close to
/// trust, which makes the order exact whatever the figures.
/// </summary>
internal static class ValueOrder
{
    // decimal → double is rounded at most a few times (each half an ulp); keys further apart than this order the
    // decimals the same way, closer ones are compared exactly.
    private const ulong TrustedUlps = 64;

    /// <summary>The indices of the accounts ordered by <paramref name="first"/> (highest first), then <paramref name="second"/>
    /// (when given), then <paramref name="ids"/> ordinal.</summary>
    public static int[] Rank(IReadOnlyList<string> ids, ReadOnlySpan<LtvResult> first, ReadOnlySpan<LtvResult> second)
    {
        var idRanks = IdRanks(ids);
        var keys = new Key[ids.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new Key(DescendingKey(first[i]), second.IsEmpty ? 0 : DescendingKey(second[i]), idRanks?[i] ?? i, i);
        }

        keys.AsSpan().Sort();
        Repair(keys, first, second);
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = keys[i].Index;
        }

        return order;
    }

    // Each id's position in ordinal order; null when the ids already come in that order (exports sorted by id), so
    // the index is the rank.
    private static int[]? IdRanks(IReadOnlyList<string> ids)
    {
        var sorted = true;
        for (var i = 1; i < ids.Count && sorted; i++)
        {
            sorted = string.CompareOrdinal(ids[i - 1], ids[i]) <= 0;
        }

        if (sorted)
        {
            return null;
        }

        var copy = new string[ids.Count];
        var byId = new int[ids.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = ids[i];
            byId[i] = i;
        }

        Array.Sort(copy, byId, StringComparer.Ordinal);
        var ranks = new int[ids.Count];
        for (var rank = 0; rank < byId.Length; rank++)
        {
            ranks[byId[rank]] = rank;
        }

        return ranks;
    }

    // A key that sorts ascending as the figure sorts descending: unbounded first, then the double image of the value
    // with its bits mapped so unsigned order is numeric order (−0 taken as +0), complemented.
    private static ulong DescendingKey(LtvResult value)
    {
        if (value.IsUnbounded)
        {
            return 0;
        }

        var number = (double)value.Value;
        var bits = BitConverter.DoubleToUInt64Bits(number == 0 ? 0d : number);
        var ascending = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
        return ~ascending;
    }

    // Insertion sort with the exact order: after the key sort only neighbours whose keys are within TrustedUlps can be
    // out of order, so this costs one comparison per account unless the figures crowd within a few ulps.
    private static void Repair(Key[] keys, ReadOnlySpan<LtvResult> first, ReadOnlySpan<LtvResult> second)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            var current = keys[i];
            var j = i;
            while (j > 0 && Exact(in keys[j - 1], in current, first, second) > 0)
            {
                keys[j] = keys[j - 1];
                j--;
            }

            keys[j] = current;
        }
    }

    private static int Exact(in Key x, in Key y, ReadOnlySpan<LtvResult> first, ReadOnlySpan<LtvResult> second)
    {
        var byFirst = ExactDescending(x.First, y.First, first, x.Index, y.Index);
        if (byFirst != 0)
        {
            return byFirst;
        }

        var bySecond = second.IsEmpty ? 0 : ExactDescending(x.Second, y.Second, second, x.Index, y.Index);
        return bySecond != 0 ? bySecond : x.IdRank.CompareTo(y.IdRank);
    }

    private static int ExactDescending(ulong xKey, ulong yKey, ReadOnlySpan<LtvResult> values, int x, int y)
    {
        var gap = xKey > yKey ? xKey - yKey : yKey - xKey;
        return gap > TrustedUlps ? xKey.CompareTo(yKey) : PortfolioValue.Compare(values[y], values[x]);
    }

    private readonly struct Key(ulong first, ulong second, int idRank, int index) : IComparable<Key>
    {
        public readonly ulong First = first;

        public readonly ulong Second = second;

        public readonly int IdRank = idRank;

        public readonly int Index = index;

        // Integer comparisons only, so the runtime's generic sort inlines them; ranks are unique, so the order is total.
        public int CompareTo(Key other)
            => First != other.First ? First.CompareTo(other.First)
                : Second != other.Second ? Second.CompareTo(other.Second)
                : IdRank.CompareTo(other.IdRank);
    }
}
