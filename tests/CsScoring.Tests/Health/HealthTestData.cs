using CsScoring.Health;
using FsCheck;
using FsCheck.Fluent;

namespace CsScoring.Tests.Health;

/// <summary>Seeded random scorecards and accounts for tests and properties.</summary>
internal static class HealthTestData
{
    /// <summary>A small fixed scorecard with one metric of every scaling kind, two of them nested.</summary>
    public static Scorecard Mixed(double minimumCoverage = 0.5) => new()
    {
        Name = "mixed",
        MinimumCoverage = minimumCoverage,
        Groups =
        [
            new ScorecardGroup
            {
                Name = "engagement",
                Weight = 3,
                Metrics = [new ScorecardMetric { Column = "usage", Weight = 2, Scaling = MetricScaling.Linear(0, 1) }],
                Groups =
                [
                    new ScorecardGroup
                    {
                        Name = "activity",
                        Weight = 1,
                        Metrics =
                        [
                            new ScorecardMetric { Column = "logins", Scaling = MetricScaling.Logarithmic(0, 1000) },
                            new ScorecardMetric { Column = "idle_days", Direction = MetricDirection.LowerIsBetter, Scaling = MetricScaling.Piecewise([0, 7, 30], [100, 50, 0]) },
                        ],
                    },
                ],
            },
            new ScorecardGroup
            {
                Name = "support",
                Weight = 1,
                Metrics =
                [
                    new ScorecardMetric { Column = "tickets", Direction = MetricDirection.LowerIsBetter, Scaling = MetricScaling.Thresholds([2, 5], [100, 50, 0]), Missing = MissingDataPolicy.Worst },
                    new ScorecardMetric { Column = "nps", Scaling = MetricScaling.Percentile([0, 2, 4, 6, 8, 10]), Missing = MissingDataPolicy.Constant, MissingValue = 5 },
                ],
            },
        ],
    };

    /// <summary>A random valid scorecard: 1-4 top groups, nesting up to depth 3, 1-4 metrics per leaf, every scaling kind.</summary>
    public static Scorecard RandomScorecard(Random random, double minimumCoverage = 0.0)
    {
        var metric = 0;
        var group = 0;
        IReadOnlyList<ScorecardGroup> Groups(int depth, int count)
        {
            var groups = new List<ScorecardGroup>();
            for (var i = 0; i < count; i++)
            {
                var nested = depth < 3 && random.NextDouble() < 0.3 ? Groups(depth + 1, random.Next(1, 3)) : [];
                var metrics = nested.Count == 0 || random.NextDouble() < 0.5 ? Metrics(random.Next(1, 5)) : [];
                groups.Add(new ScorecardGroup { Name = $"g{group++}", Weight = Weight(random), Metrics = metrics, Groups = nested });
            }

            if (groups.All(g => g.Weight == 0))
            {
                groups[0] = groups[0].With(1.0, groups[0].Metrics, groups[0].Groups);
            }

            return groups;
        }

        IReadOnlyList<ScorecardMetric> Metrics(int count)
        {
            var metrics = new List<ScorecardMetric>();
            for (var i = 0; i < count; i++)
            {
                metrics.Add(RandomMetric(random, $"m{metric++}"));
            }

            if (metrics.All(m => m.Weight == 0))
            {
                metrics[0] = metrics[0].WithWeight(1.0);
            }

            return metrics;
        }

        return new Scorecard { Name = "random", Groups = Groups(0, random.Next(1, 5)), MinimumCoverage = minimumCoverage };
    }

    public static ScorecardMetric RandomMetric(Random random, string column)
    {
        var direction = random.Next(2) == 0 ? MetricDirection.HigherIsBetter : MetricDirection.LowerIsBetter;
        var lower = direction == MetricDirection.LowerIsBetter;
        MetricScaling scaling;
        switch (random.Next(5))
        {
            case 0:
                scaling = MetricScaling.Linear(-random.Next(0, 10), random.Next(1, 100));
                break;
            case 1:
                {
                    var cuts = Increasing(random, random.Next(1, 4));
                    var points = Monotone(random, cuts.Length + 1, lower);
                    scaling = MetricScaling.Thresholds(cuts, points);
                    break;
                }

            case 2:
                {
                    var at = Increasing(random, random.Next(2, 6));
                    scaling = MetricScaling.Piecewise(at, Monotone(random, at.Length, lower));
                    break;
                }

            case 3:
                scaling = MetricScaling.Logarithmic(random.Next(0, 5), random.Next(10, 1000), 1 + random.NextDouble());
                break;
            default:
                scaling = MetricScaling.Percentile([.. Enumerable.Range(0, random.Next(1, 30)).Select(_ => Math.Round((random.NextDouble() * 100) - 20, 1))]);
                break;
        }

        var policy = (MissingDataPolicy)random.Next(3);
        return new ScorecardMetric
        {
            Column = column,
            Weight = Weight(random),
            Direction = direction,
            Scaling = scaling,
            Missing = policy,
            MissingValue = policy == MissingDataPolicy.Constant ? random.Next(0, 50) : null,
        };
    }

    /// <summary>Values in and beyond the scalings' ranges, some missing (NaN, infinities).</summary>
    public static double[] RandomValues(Random random, int count, double missingShare = 0.15)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var u = random.NextDouble();
            values[i] = u < missingShare ? (random.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity })
                : random.Next(4) == 0 ? random.Next(-20, 120) : Math.Round((random.NextDouble() * 140) - 20, random.Next(0, 4));
        }

        return values;
    }

    private static double Weight(Random random) => random.Next(6) switch
    {
        0 => 0.0,
        1 => 1.0,
        _ => Math.Round(random.NextDouble() * 10, 3),
    };

    private static double[] Increasing(Random random, int count)
    {
        var values = new double[count];
        var x = (random.NextDouble() * 20) - 10;
        for (var i = 0; i < count; i++)
        {
            values[i] = Math.Round(x, 2);
            x += 0.5 + (random.NextDouble() * 30);
        }

        return values;
    }

    private static double[] Monotone(Random random, int count, bool falling)
    {
        var points = Enumerable.Range(0, count).Select(_ => Math.Round(random.NextDouble() * 100, 1)).Order().ToArray();
        if (falling)
        {
            Array.Reverse(points);
        }

        return points;
    }
}

/// <summary>A seeded case for properties: a random scorecard and a few accounts' values.</summary>
public sealed record ScorecardCase(int Seed)
{
    public override string ToString() => $"ScorecardCase(seed {Seed})";
}

/// <summary>Bounded FsCheck generators for the health properties.</summary>
public static class HealthArbitraries
{
    public static Arbitrary<ScorecardCase> Cases() => Gen.Choose(0, 1_000_000).Select(seed => new ScorecardCase(seed)).ToArbitrary();
}
