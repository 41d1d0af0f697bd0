using CsScoring.Metrics;

namespace CsScoring.Tests.Metrics;

public sealed class PopulationStabilityTests
{
    private static float[] Uniform(int count, float shift = 0) => [.. Enumerable.Range(0, count).Select(i => (i % 100) + shift)];

    [Fact]
    public void DecileEdges_OfAUniformSample_AreItsDeciles()
    {
        var edges = PopulationStability.DecileEdges(Uniform(1000));

        Assert.Equal(9, edges.Length);
        Assert.Equal(9, edges[0]);
        Assert.Equal(89, edges[^1]);
    }

    [Fact]
    public void DecileEdges_ConstantSample_HasNoEdge()
        => Assert.Empty(PopulationStability.DecileEdges([3f, 3f, 3f]));

    [Fact]
    public void Shares_SumToOne_AndUpperEdgesAreInclusive()
    {
        var shares = PopulationStability.Shares([1f, 2f, 2f, 5f], [2.0]);

        Assert.Equal([0.75, 0.25], shares);
        Assert.Equal(0, PopulationStability.Bin(2.0, [2.0]));
        Assert.Equal(1, PopulationStability.Bin(2.5, [2.0]));
    }

    [Fact]
    public void Psi_SameDistribution_IsZeroAndStable()
    {
        var reference = Uniform(1000);
        var edges = PopulationStability.DecileEdges(reference);
        var psi = PopulationStability.Psi(PopulationStability.Shares(reference, edges), PopulationStability.Shares(Uniform(500), edges));

        Assert.Equal(0, psi, 12);
        Assert.Equal(DriftLevel.Stable, PopulationStability.LevelOf(psi));
    }

    [Fact]
    public void Psi_ShiftedDistribution_IsMajor()
    {
        var reference = Uniform(1000);
        var edges = PopulationStability.DecileEdges(reference);
        var psi = PopulationStability.Psi(PopulationStability.Shares(reference, edges), PopulationStability.Shares(Uniform(1000, shift: 60), edges));

        Assert.True(psi > 0.25, $"PSI {psi}");
        Assert.Equal(DriftLevel.Major, PopulationStability.LevelOf(psi));
    }

    [Fact]
    public void Psi_MatchesTheFormula_WithEmptyBinsFloored()
    {
        double[] expected = [0.5, 0.5, 0];
        double[] actual = [0.25, 0.5, 0.25];
        var want = ((0.25 - 0.5) * Math.Log(0.25 / 0.5)) + ((0.25 - 1e-4) * Math.Log(0.25 / 1e-4));

        Assert.Equal(want, PopulationStability.Psi(expected, actual), 12);
        Assert.Equal(DriftLevel.Moderate, PopulationStability.LevelOf(0.1));
    }

    [Fact]
    public void Psi_LengthsDiffer_Throws()
        => Assert.Throws<ArgumentException>(() => PopulationStability.Psi([0.5, 0.5], [1.0]));

    // Samples as features hold them: duplicates, NaN, infinities, subnormals, one kind of zero (or both).
    private static float[] Sample(Random random, int count, bool bothZeros, bool twoNaNs)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.Next(12) switch
            {
                0 => float.NaN,
                1 => random.Next(2) == 0 ? float.PositiveInfinity : float.NegativeInfinity,
                2 => random.Next(2) == 0 ? float.Epsilon * random.Next(1, 50) : -float.Epsilon * random.Next(1, 50),
                3 => random.Next(5),
                4 => 0f,
                5 => float.MaxValue * (random.Next(2) == 0 ? 1 : -1),
                _ => (float)((random.NextDouble() - 0.4) * Math.Pow(10, random.Next(-6, 7))),
            };
        }

        values[random.Next(count)] = bothZeros ? -0f : 0f;
        if (twoNaNs)
        {
            values[random.Next(count)] = BitConverter.UInt32BitsToSingle(0x7FC0_0001u);
        }

        return values;
    }

    [Theory]
    [InlineData(1024, 1)]
    [InlineData(5_000, 2)]
    [InlineData(70_001, 3)]
    public void TryRadixSort_SortsAsArraySortBitForBit(int count, int seed)
    {
        var random = new Random(seed);
        var values = Sample(random, count, bothZeros: false, twoNaNs: false);
        var expected = (float[])values.Clone();
        Array.Sort(expected);
        Assert.True(PopulationStability.TryRadixSort(values));
        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), values.Select(BitConverter.SingleToUInt32Bits));

        // Only negative zeros, and no NaN at all.
        var negative = values.Select(v => float.IsNaN(v) ? 1f : v == 0 ? -0f : v).ToArray();
        expected = (float[])negative.Clone();
        Array.Sort(expected);
        Assert.True(PopulationStability.TryRadixSort(negative));
        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), negative.Select(BitConverter.SingleToUInt32Bits));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void TryRadixSort_ValuesArraySortOrdersItsOwnWay_LeavesTheSample(bool bothZeros, bool twoNaNs)
    {
        var values = Sample(new Random(9), 3_000, bothZeros, twoNaNs);
        var before = (float[])values.Clone();
        Assert.False(PopulationStability.TryRadixSort(values));
        Assert.Equal(before.Select(BitConverter.SingleToUInt32Bits), values.Select(BitConverter.SingleToUInt32Bits));
        Assert.False(PopulationStability.TryRadixSort(new float[100]));
    }

    // Whichever way the sample is sorted, the edges are those of Array.Sort.
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void DecileEdges_EqualThoseOfArraySort(bool bothZeros, bool twoNaNs)
    {
        var random = new Random(17);
        foreach (var count in new[] { 1, 10, 1_023, 1_024, 20_000 })
        {
            var values = Sample(random, count, bothZeros, twoNaNs);
            var sorted = (float[])values.Clone();
            Array.Sort(sorted);
            var expected = new List<double>();
            for (var q = 1; q < 10; q++)
            {
                var edge = (double)sorted[(int)((long)q * (sorted.Length - 1) / 10)];
                if (expected.Count == 0 || edge > expected[^1])
                {
                    expected.Add(edge);
                }
            }

            if (expected.Count > 0 && expected[^1] >= sorted[^1])
            {
                expected.RemoveAt(expected.Count - 1);
            }

            var edges = PopulationStability.DecileEdges(values);
            Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), edges.Select(BitConverter.DoubleToInt64Bits));
        }
    }
}
