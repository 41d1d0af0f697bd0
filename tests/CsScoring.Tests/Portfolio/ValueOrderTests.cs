using CsScoring.Portfolio;
using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Portfolio;

public class ValueOrderTests
{
    [Property(MaxTest = 300)]
    public void Rank_orders_as_the_exact_decimal_comparison(int seed, bool withSecond)
    {
        var random = new Random(seed);
        var n = random.Next(0, 200);
        var ids = Enumerable.Range(0, n).Select(i => $"A{random.Next(1_000_000):D7}-{i}").ToArray();
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
