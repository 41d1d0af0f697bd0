using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>
/// Ranks accounts by value, highest first (unbounded above every bounded figure), then by a second value, then by
/// account id (ordinal): the order of <see cref="PortfolioValue.Compare"/>. A million accounts sorted as indices into
/// the value arrays spend their time in cache misses, so the sort moves entries that carry their own values; only
/// accounts equal on both values reach for their ids.
/// </summary>
internal static class ValueOrder
{
    /// <summary>The indices ordered by <paramref name="first"/> descending, then <paramref name="second"/> descending
    /// (when given), then <paramref name="ids"/> ordinal.</summary>
    public static int[] Rank(IReadOnlyList<string> ids, ReadOnlySpan<LtvResult> first, ReadOnlySpan<LtvResult> second)
    {
        var entries = new Entry[ids.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new Entry(first[i], second.IsEmpty ? LtvResult.Bounded(0) : second[i], i);
        }

        entries.AsSpan().Sort(new Comparer(ids));
        var order = new int[entries.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = entries[i].Index;
        }

        return order;
    }

    private readonly struct Entry(LtvResult first, LtvResult second, int index)
    {
        public readonly decimal First = first.IsUnbounded ? 0 : first.Value;

        public readonly decimal Second = second.IsUnbounded ? 0 : second.Value;

        public readonly int Index = index;

        public readonly bool FirstUnbounded = first.IsUnbounded;

        public readonly bool SecondUnbounded = second.IsUnbounded;
    }

    private readonly struct Comparer(IReadOnlyList<string> ids) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y)
        {
            var byFirst = Descending(x.FirstUnbounded, x.First, y.FirstUnbounded, y.First);
            if (byFirst != 0)
            {
                return byFirst;
            }

            var bySecond = Descending(x.SecondUnbounded, x.Second, y.SecondUnbounded, y.Second);
            return bySecond != 0 ? bySecond : string.CompareOrdinal(ids[x.Index], ids[y.Index]);
        }

        // Highest first; unbounded above every bounded figure, and equal to another unbounded one.
        private static int Descending(bool xUnbounded, decimal x, bool yUnbounded, decimal y)
            => xUnbounded != yUnbounded ? (xUnbounded ? -1 : 1)
                : xUnbounded ? 0 : y.CompareTo(x);
    }
}
