using CsScoring.Segmentation;
using CsScoring.Value;

namespace CsScoring.Tests.Segmentation;

public sealed class TierAssignmentTests
{
    private static (TouchModel[] Tiers, bool[] Escalated) Assign(string[] ids, decimal[] potential, float[] p, TieringOptions options)
    {
        var tiers = new TouchModel[ids.Length];
        var escalated = new bool[ids.Length];
        TierAssignment.Assign(ids, [.. potential.Select(LtvResult.Bounded)], p, 0.5, options, tiers, escalated);
        return (tiers, escalated);
    }

    private static string[] Ids(int n) => [.. Enumerable.Range(0, n).Select(i => "A" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public void Shares_TopShareByPotentialValueIsHighTouch()
    {
        var ids = Ids(20);
        var potential = ids.Select((_, i) => (decimal)(i + 1) * 100).ToArray();
        var (tiers, _) = Assign(ids, potential, new float[20], new TieringOptions { HighTouchShare = 0.1, LowTouchShare = 0.25, Escalation = null });

        Assert.Equal([TouchModel.HighTouch, TouchModel.HighTouch], tiers[18..]);
        Assert.Equal(5, tiers.Count(t => t == TouchModel.LowTouch));
        Assert.All(tiers[..13], t => Assert.Equal(TouchModel.TechTouch, t));
    }

    [Fact]
    public void CutOffs_HonourTheThresholds_AndUnboundedIsHighTouch()
    {
        string[] ids = ["a", "b", "c", "d"];
        var tiers = new TouchModel[4];
        var escalated = new bool[4];
        TierAssignment.Assign(ids, [LtvResult.Bounded(999), LtvResult.Bounded(1000), LtvResult.Bounded(99.99m), LtvResult.Unbounded], new float[4], 0.5,
            new TieringOptions { Method = TieringMethod.CutOffs, CutOffs = new TieringPolicy(1000, 100) }, tiers, escalated);

        Assert.Equal([TouchModel.LowTouch, TouchModel.HighTouch, TouchModel.TechTouch, TouchModel.HighTouch], tiers);
    }

    [Fact]
    public void Capacity_FillsHighTouchUpToCapacity_ThenLowTouch()
    {
        var ids = Ids(10);
        var potential = ids.Select((_, i) => (decimal)(i + 1)).ToArray();
        var (tiers, _) = Assign(ids, potential, new float[10], new TieringOptions { Method = TieringMethod.Capacity, HighTouchCapacity = 3, LowTouchCapacity = 4, Escalation = null });

        Assert.Equal(3, tiers.Count(t => t == TouchModel.HighTouch));
        Assert.All(tiers[7..], t => Assert.Equal(TouchModel.HighTouch, t));
        Assert.All(tiers[3..7], t => Assert.Equal(TouchModel.LowTouch, t));
        Assert.All(tiers[..3], t => Assert.Equal(TouchModel.TechTouch, t));
    }

    [Fact]
    public void Ties_AreBrokenByAccountId_WhateverTheInputOrder()
    {
        var ids = Ids(9);
        var potential = Enumerable.Repeat(500m, 9).ToArray();
        var options = new TieringOptions { Method = TieringMethod.Capacity, HighTouchCapacity = 2, LowTouchCapacity = 3, Escalation = null };
        var (tiers, _) = Assign(ids, potential, new float[9], options);
        var reversed = ids.Reverse().ToArray();
        var (tiersReversed, _) = Assign(reversed, potential, new float[9], options);

        Assert.Equal([TouchModel.HighTouch, TouchModel.HighTouch, TouchModel.LowTouch, TouchModel.LowTouch, TouchModel.LowTouch], tiers[..5]);
        var byId = reversed.Zip(tiersReversed).ToDictionary(x => x.First, x => x.Second, StringComparer.Ordinal);
        Assert.Equal(tiers, ids.Select(id => byId[id]));
    }

    [Fact]
    public void Escalation_LiftsRiskyValuableAccounts_CountedAgainstCapacity()
    {
        var ids = Ids(10);
        var potential = ids.Select((_, i) => (decimal)(10 - i) * 100).ToArray(); // A000 most valuable
        var p = new float[10];
        p[3] = 0.9f; // 4th by value: low-touch, risky -> escalated
        p[9] = 0.9f; // least valuable: outside the top value share -> not escalated
        var options = new TieringOptions { Method = TieringMethod.Capacity, HighTouchCapacity = 3, LowTouchCapacity = 3, Escalation = new EscalationRule { TopValueShare = 0.5 } };

        var (tiers, escalated) = Assign(ids, potential, p, options);

        Assert.True(escalated[3]);
        Assert.False(escalated[9]);
        Assert.Equal(2, tiers.Count(t => t == TouchModel.HighTouch)); // one slot went to the escalation
        Assert.Equal(3, tiers.Count(t => t == TouchModel.HighTouch) + escalated.Count(e => e));
    }

    [Fact]
    public void Capacity_WithoutACapacity_IsAnOptionError()
        => Assert.Equal("TieringOptions.HighTouchCapacity", Assert.Throws<InvalidOptionException>(() => Assign(Ids(2), [1m, 2m], new float[2], new TieringOptions { Method = TieringMethod.Capacity })).Option);
}
