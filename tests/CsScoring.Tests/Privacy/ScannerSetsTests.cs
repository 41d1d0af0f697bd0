using CsScoring.Privacy;
using FsCheck.Xunit;

namespace CsScoring.Tests.Privacy;

public sealed class ScannerSetsTests
{
    [Property(MaxTest = 100)]
    public void LongSet_Meets_Specification(int seed)
    {
        // Adds and counts as a HashSet<long> does, zero and repeats included.
        var random = new Random(seed);
        var set = new LongSet();
        var expected = new HashSet<long>();
        for (var i = 0; i < random.Next(1, 5000); i++)
        {
            var value = random.Next(4) switch
            {
                0 => 0,
                1 => random.Next(-20, 20),
                _ => random.NextInt64(long.MinValue, long.MaxValue),
            };
            Assert.Equal(expected.Add(value), set.Add(value));
            Assert.Equal(expected.Count, set.Count);
        }
    }

    [Property(MaxTest = 100)]
    public void HashTally_Meets_Specification(int seed)
    {
        // Counts distinct values as a HashSet<long> does, asked at any point.
        var random = new Random(seed);
        var tally = new HashTally();
        var expected = new HashSet<long>();
        for (var i = 0; i < random.Next(1, 5000); i++)
        {
            var value = random.Next(3) == 0 ? random.Next(-30, 30) : random.NextInt64();
            tally.Add(value);
            expected.Add(value);
            if (random.Next(500) == 0)
            {
                Assert.Equal(expected.Count, tally.DistinctCount());
            }
        }

        Assert.Equal(expected.Count, tally.DistinctCount());
        Assert.Equal(expected.Count, tally.DistinctCount());
    }

    [Fact]
    public void ValueKinds_SameHashOtherText_IsNotFound()
    {
        var kinds = new ValueKinds();
        kinds.TryAdd(42, "pro", ValueKind.Classified);
        Assert.Equal(ValueKind.Classified, kinds.Find(42, "pro"));
        Assert.Equal(ValueKind.Unknown, kinds.Find(42, "basic"));
        Assert.Equal(ValueKind.Unknown, kinds.Find(43, "pro"));
    }

    [Fact]
    public void ValueKinds_Full_RemembersNoMore()
    {
        var kinds = new ValueKinds();
        for (var i = 0; i < ValueKinds.MaxEntries + 10; i++)
        {
            kinds.TryAdd(i, i.ToString(System.Globalization.CultureInfo.InvariantCulture), ValueKind.Numeric | ValueKind.Classified);
        }

        Assert.Equal(ValueKind.Numeric | ValueKind.Classified, kinds.Find(ValueKinds.MaxEntries - 1, (ValueKinds.MaxEntries - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(ValueKind.Unknown, kinds.Find(ValueKinds.MaxEntries, ValueKinds.MaxEntries.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
