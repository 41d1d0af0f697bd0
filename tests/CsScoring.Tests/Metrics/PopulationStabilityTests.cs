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
}
