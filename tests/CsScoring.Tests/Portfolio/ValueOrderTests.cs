using CsScoring.Portfolio;
using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Portfolio;

public class ValueOrderTests
{
    [Property(MaxTest = 300)]
    public void Rank_orders_as_the_exact_decimal_comparison(int seed, bool withSecond, bool idsSorted)
    {
        var random = new Random(seed);
        var n = random.Next(0, 200);
        var ids = Enumerable.Range(0, n).Select(i => $"A{random.Next(1_000_000):D7}-{i}").ToArray();
        if (idsSorted)
        {
            // Exports sorted by id take the path where the index is the id's rank.
            Array.Sort(ids, StringComparer.Ordinal);
        }

        var first = Enumerable.Range(0, n).Select(_ => Draw(random)).ToArray();
        var second = withSecond ? Enumerable.Range(0, n).Select(_ => Draw(random)).ToArray() : [];

        var expected = Enumerable.Range(0, n).ToArray();
        Array.Sort(expected, (a, b) =>
        {
            var byFirst = PortfolioValue.Compare(first[b], first[a]);
            if (byFirst != 0)
            {
                return byFirst;
            }

            var bySecond = withSecond ? PortfolioValue.Compare(second[b], second[a]) : 0;
            return bySecond != 0 ? bySecond : string.CompareOrdinal(ids[a], ids[b]);
        });

        Assert.Equal(expected, ValueOrder.Rank(ids, first, second));
    }

    [Fact]
    public void Values_too_close_for_doubles_are_ordered_by_their_decimals()
    {
        // 1e15 + 0.01 and 1e15 + 0.02 convert to doubles less than 1e-12 apart (relative); the decimals decide.
        var first = new[] { LtvResult.Bounded(1_000_000_000_000_000.01m), LtvResult.Bounded(1_000_000_000_000_000.02m), LtvResult.Unbounded, LtvResult.Bounded(0m) };
        Assert.Equal([2, 1, 0, 3], ValueOrder.Rank(["a", "b", "c", "d"], first, []));
    }

    [Fact]
    public void Values_one_ulp_apart_and_out_of_index_order_are_ordered_exactly()
    {
        // Neighbouring decimals whose doubles may coincide or cross, with ids against the index order.
        var first = Enumerable.Range(0, 2_000).Select(i => LtvResult.Bounded(0.1000000000000000000000000001m * (1 + (i % 7)) + (i % 3) * 0.0000000000000000000000000001m)).ToArray();
        var ids = Enumerable.Range(0, first.Length).Select(i => $"id{first.Length - i:D5}").ToArray();
        var expected = Enumerable.Range(0, first.Length).ToArray();
        Array.Sort(expected, (a, b) => PortfolioValue.Compare(first[b], first[a]) is var c && c != 0 ? c : string.CompareOrdinal(ids[a], ids[b]));
        Assert.Equal(expected, ValueOrder.Rank(ids, first, []));
    }

    // Whole and cent values, repeats, near-equal pairs, zero and unbounded figures.
    private static LtvResult Draw(Random random) => random.Next(10) switch
    {
        0 => LtvResult.Unbounded,
        1 => LtvResult.Bounded(0m),
        2 => LtvResult.Bounded(1000m),
        3 => LtvResult.Bounded(1000.01m),
        4 => LtvResult.Bounded(123_456_789_012_345.67m + random.Next(3) / 100m),
        _ => LtvResult.Bounded(Math.Round((decimal)(random.NextDouble() * 100_000), random.Next(0, 4))),
    };
}
