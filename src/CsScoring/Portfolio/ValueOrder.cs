using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>
/// Ranks accounts by value, highest first (unbounded above every bounded figure), then by a second value, then by
/// account id (ordinal): the order of <see cref="PortfolioValue.Compare"/> without its cost. Decimal comparisons
/// dominate a sort of a million accounts, so each figure also carries a double; the doubles decide only when they are
/// far enough apart that conversion error cannot flip them, and the decimals decide the rest exactly.
/// </summary>
internal static class ValueOrder
{
    /// <summary>The indices ordered by <paramref name="first"/> descending, then <paramref name="second"/> descending
    /// (when given), then <paramref name="ids"/> ordinal.</summary>
    public static int[] Rank(IReadOnlyList<string> ids, ReadOnlySpan<LtvResult> first, ReadOnlySpan<LtvResult> second)
    {
        var order = new int[ids.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        order.AsSpan().Sort(new Comparer(Keys(first), second.IsEmpty ? null : Keys(second), ids));
        return order;
    }

    private static Key[] Keys(ReadOnlySpan<LtvResult> values)
    {
        var keys = new Key[values.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new Key(values[i]);
        }

        return keys;
    }

    /// <summary>Compares two figures, highest first.</summary>
    internal static int CompareDescending(in Key a, in Key b)
    {
        // Conversion error is a few ulps (~1e-15 relative); a gap above 1e-12 relative is real.
        var difference = b.Approximate - a.Approximate;
        if (double.IsFinite(difference) && Math.Abs(difference) > 1e-12 * Math.Max(Math.Abs(a.Approximate), Math.Abs(b.Approximate)))
        {
            return difference > 0 ? 1 : -1;
        }

        return PortfolioValue.Compare(b.Value, a.Value);
    }

    internal readonly struct Key(LtvResult value)
    {
        public readonly double Approximate = value.IsUnbounded ? double.PositiveInfinity : (double)value.Value;

        public readonly LtvResult Value = value;
    }

    private readonly struct Comparer(Key[] first, Key[]? second, IReadOnlyList<string> ids) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var byFirst = CompareDescending(in first[x], in first[y]);
            if (byFirst != 0)
            {
                return byFirst;
            }

            if (second is not null)
            {
                var bySecond = CompareDescending(in second[x], in second[y]);
                if (bySecond != 0)
                {
                    return bySecond;
                }
            }

            return string.CompareOrdinal(ids[x], ids[y]);
        }
    }
}
