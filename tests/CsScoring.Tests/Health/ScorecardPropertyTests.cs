using CsScoring.Health;
using FsCheck.Xunit;

namespace CsScoring.Tests.Health;

public sealed class ScorecardPropertyTests
{
    private const double Rounding = 1e-9;

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 200)]
    public bool ScoreRange_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var compiled = HealthTestData.RandomScorecard(random).Compile();
        for (var i = 0; i < 20; i++)
        {
            var result = compiled.Score(HealthTestData.RandomValues(random, compiled.MetricCount));
            var ok = result.IsScored
                ? result.Score is >= 0 and <= 100 && result.Band >= 0
                : double.IsNaN(result.Score) && result.Band == -1;
            if (!ok || result.Coverage is < 0 or > 1)
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 200)]
    public bool Monotonicity_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var compiled = HealthTestData.RandomScorecard(random).Compile();
        var values = HealthTestData.RandomValues(random, compiled.MetricCount, missingShare: 0);
        var before = compiled.Score(values);
        var m = random.Next(compiled.MetricCount);
        var raised = (double[])values.Clone();
        raised[m] += random.NextDouble() * 50;
        var after = compiled.Score(raised);
        var delta = after.Score - before.Score;
        return compiled.Metrics[m].Direction == MetricDirection.HigherIsBetter ? delta >= -Rounding : delta <= Rounding;
    }

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 200)]
    public bool GroupWeightScaling_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var definition = HealthTestData.RandomScorecard(random);
        var factor = 0.01 + (random.NextDouble() * 100);
        var scaled = definition.WithGroups([.. definition.Groups.Select((g, i) => i == 0 ? ScaleMetrics(g, factor) : g)]);
        scaled = scaled.WithGroups([.. scaled.Groups.Select(g => g.With(g.Weight * factor, g.Metrics, g.Groups))]);
        var a = definition.Compile();
        var b = scaled.Compile();
        for (var i = 0; i < 10; i++)
        {
            var values = HealthTestData.RandomValues(random, a.MetricCount);
            var x = a.Score(values);
            var y = b.Score(values);
            if (x.Status != y.Status || Math.Abs(x.Coverage - y.Coverage) > Rounding || (x.IsScored && Math.Abs(x.Score - y.Score) > Rounding))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 200)]
    public bool ContributionsSum_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var compiled = HealthTestData.RandomScorecard(random).Compile();
        var contributions = new double[compiled.MetricCount];
        for (var i = 0; i < 10; i++)
        {
            var result = compiled.Score(HealthTestData.RandomValues(random, compiled.MetricCount), contributions);
            var sum = 0.0;
            foreach (var contribution in contributions)
            {
                sum += contribution;
            }

            if (result.IsScored ? Math.Abs(sum - result.Score) > Rounding : sum != 0)
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 200)]
    public bool RedistributedMissingMetric_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var definition = HealthTestData.RandomScorecard(random);
        var full = definition.Compile();
        var candidates = full.Metrics.Where(m => m.Missing == MissingDataPolicy.Redistribute).ToList();
        if (candidates.Count == 0)
        {
            return true;
        }

        var removed = candidates[random.Next(candidates.Count)];
        var without = Remove(definition, removed.Name);
        if (without is null)
        {
            return true; // the metric was the only weight of the scorecard
        }

        var reduced = without.Compile();
        for (var i = 0; i < 10; i++)
        {
            var values = HealthTestData.RandomValues(random, full.MetricCount);
            values[removed.Index] = double.NaN;
            var reducedValues = reduced.Metrics.Select(m => values[full.IndexOf(m.Name)]).ToArray();
            var x = full.Score(values);
            var y = reduced.Score(reducedValues);
            if (x.IsScored != y.IsScored || (x.IsScored && Math.Abs(x.Score - y.Score) > Rounding))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 100)]
    public bool BatchEqualsSingle_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var compiled = HealthTestData.RandomScorecard(random, minimumCoverage: random.NextDouble()).Compile();
        var n = random.Next(1, 70);
        var m = compiled.MetricCount;
        var columns = new double[m * n];
        var rows = new double[n][];
        for (var i = 0; i < n; i++)
        {
            rows[i] = HealthTestData.RandomValues(random, m);
            for (var k = 0; k < m; k++)
            {
                columns[(k * n) + i] = rows[i][k];
            }
        }

        var results = new HealthScore[n];
        var contributions = new double[m * n];
        compiled.ScoreBatch(columns, results, contributions, new HealthBatchOptions { BlockSize = random.Next(0, 3) * 8 });
        var single = new double[m];
        for (var i = 0; i < n; i++)
        {
            var expected = compiled.Score(rows[i], single);
            if (!expected.Equals(results[i]))
            {
                return false;
            }

            for (var k = 0; k < m; k++)
            {
                if (BitConverter.DoubleToInt64Bits(single[k]) != BitConverter.DoubleToInt64Bits(contributions[(k * n) + i]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 100)]
    public bool JsonRoundTrip_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var definition = HealthTestData.RandomScorecard(random, minimumCoverage: Math.Round(random.NextDouble(), 2));
        var compiled = definition.Compile();
        var json = ScorecardJson.Serialize(definition);
        var back = ScorecardJson.Parse(json);
        var recompiled = back.Compile();
        if (recompiled.Version != compiled.Version || ScorecardJson.Serialize(back) != json)
        {
            return false;
        }

        for (var i = 0; i < 10; i++)
        {
            var values = HealthTestData.RandomValues(random, compiled.MetricCount);
            if (!compiled.Score(values).Equals(recompiled.Score(values)))
            {
                return false;
            }
        }

        return true;
    }

    private static ScorecardGroup ScaleMetrics(ScorecardGroup group, double factor)
        => group.With(group.Weight, [.. group.Metrics.Select(m => m.WithWeight(m.Weight * factor))], [.. group.Groups.Select(g => g.With(g.Weight * factor, g.Metrics, g.Groups))]);

    private static Scorecard? Remove(Scorecard definition, string metric)
    {
        ScorecardGroup? Strip(ScorecardGroup group)
        {
            var metrics = group.Metrics.Where(m => m.DisplayName != metric).ToList();
            var groups = group.Groups.Select(Strip).OfType<ScorecardGroup>().ToList();
            if (metrics.Count + groups.Count == 0)
            {
                return null;
            }

            // Keep the sibling weights valid: a set whose remaining weights are all zero carries nothing either way.
            if (metrics.Sum(m => m.Weight) + groups.Sum(g => g.Weight) == 0)
            {
                return null;
            }

            return group.With(group.Weight, metrics, groups);
        }

        var top = definition.Groups.Select(Strip).OfType<ScorecardGroup>().ToList();
        return top.Count == 0 || top.Sum(g => g.Weight) == 0 ? null : definition.WithGroups(top);
    }
}
