using CsScoring.Metrics;
using CsScoring.Value;

namespace CsScoring.Tests.Metrics;

public sealed class CohortSurvivalTests
{
    private static MrrEntry Paid(string account, int year, int month) => new(account, new DateOnly(year, month, 1), 100m);

    [Fact]
    public void Create_CountsSurvivorsUntilTheFirstGap()
    {
        var entries = new List<MrrEntry>
        {
            Paid("old", 2024, 1), Paid("old", 2024, 2),          // present in the first month: left out
            Paid("a", 2024, 2), Paid("a", 2024, 3), Paid("a", 2024, 4), Paid("a", 2024, 5),
            Paid("b", 2024, 2), Paid("b", 2024, 3), Paid("b", 2024, 5), // gap in April: lifetime 1 despite reactivation
            Paid("c", 2024, 2),
            Paid("d", 2024, 4), Paid("d", 2024, 5),
        };

        var cohorts = CohortSurvival.Create(entries);

        Assert.Equal(1, cohorts.LeftTruncatedAccounts);
        Assert.Equal([new DateOnly(2024, 2, 1), new DateOnly(2024, 4, 1)], cohorts.Cohorts);
        Assert.Equal([3, 2, 1, 1], cohorts.Survivors(0).ToArray());
        Assert.Equal([1, 1], cohorts.Survivors(1).ToArray());
    }

    [Fact]
    public void PooledSurvival_UsesEveryCohortWhileObserved()
    {
        var entries = new List<MrrEntry> { Paid("x", 2024, 1) };
        entries.AddRange([Paid("a", 2024, 2), Paid("a", 2024, 3), Paid("b", 2024, 2), Paid("c", 2024, 3)]);
        var cohorts = CohortSurvival.Create(entries);

        var curve = cohorts.PooledSurvival();

        Assert.Equal([1.0, 0.5], curve);
    }

    [Fact]
    public void SurvivorCounts_FeedTheMultiCohortSbgFit()
    {
        var truth = new SbgParameters(1.1, 6);
        var entries = new List<MrrEntry>();
        var random = new Random(5);
        for (var i = 0; i < 3000; i++)
        {
            var start = 1 + random.Next(23);
            var theta = MathNet.Numerics.Distributions.Beta.Sample(random, truth.Alpha, truth.Beta);
            for (var m = start; m <= 24; m++)
            {
                entries.Add(new MrrEntry($"a{i}", new DateOnly(2024, 1, 1).AddMonths(m - 1), 50m));
                if (random.NextDouble() < theta)
                {
                    break;
                }
            }
        }

        entries.Add(Paid("anchor", 2024, 1));
        var fit = SbgModel.FitCohorts(CohortSurvival.Create(entries).SurvivorCounts);

        Assert.InRange(fit.Parameters.Alpha, truth.Alpha - (4 * fit.StandardErrors[0]), truth.Alpha + (4 * fit.StandardErrors[0]));
        Assert.InRange(fit.Parameters.Beta, truth.Beta - (4 * fit.StandardErrors[1]), truth.Beta + (4 * fit.StandardErrors[1]));
    }
}
