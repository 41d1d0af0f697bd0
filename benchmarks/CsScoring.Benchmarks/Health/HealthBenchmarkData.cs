using CsScoring.Health;

namespace CsScoring.Benchmarks.Health;

/// <summary>The sample scorecard and seeded synthetic accounts shaped like the sample data.</summary>
internal static class HealthBenchmarkData
{
    public static Scorecard SampleScorecard()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "data", "sample", "scorecard.json");
            if (File.Exists(candidate))
            {
                return ScorecardJson.Load(candidate);
            }
        }

        throw new FileNotFoundException($"data/sample/scorecard.json was not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Column-major values for the sample scorecard's metrics; <paramref name="missing"/> of them NaN.</summary>
    public static double[] Columns(CompiledScorecard scorecard, int accounts, double missing, int seed)
    {
        var random = new Random(seed);
        var columns = new double[scorecard.MetricCount * accounts];
        for (var m = 0; m < scorecard.MetricCount; m++)
        {
            var column = scorecard.Metrics[m].Column;
            for (var i = 0; i < accounts; i++)
            {
                columns[(m * accounts) + i] = random.NextDouble() < missing ? double.NaN : Value(column, random);
            }
        }

        return columns;
    }

    private static double Value(string column, Random random) => column switch
    {
        "seat_utilization" or "feature_adoption" => random.NextDouble(),
        "dau_mau" => random.NextDouble() * 0.5,
        "logins_30d" => random.Next(0, 2000),
        "days_since_last_login" => random.Next(0, 40),
        "usage_trend" => (random.NextDouble() * 3) - 1,
        "onboarding_completed" or "executive_sponsor" => random.Next(2),
        "expansion_mrr_90d" => random.Next(3) == 0 ? random.NextDouble() * 300 : 0,
        "severe_tickets_90d" => random.Next(0, 5),
        "csat" => 1 + (random.NextDouble() * 4),
        "last_nps" => random.Next(0, 11),
        _ => random.NextDouble() * 100,
    };
}

/// <summary>
/// The obvious way to score, as a baseline: a dictionary of values per account and LINQ over the definition.
/// It computes the same score, band, coverage and status as the compiled scorecard.
/// </summary>
internal sealed class DictionaryScorer(Scorecard definition)
{
    public HealthScore Score(Dictionary<string, double> values, ScorecardVersion version)
    {
        var score = GroupScore(definition.Groups, [], values);
        var coverage = Math.Min(1.0, Coverage(definition.Groups, [], values, 1.0));
        if (score is null || coverage + 1e-9 < definition.MinimumCoverage)
        {
            return new HealthScore(double.NaN, -1, coverage, HealthStatus.InsufficientData, version);
        }

        var value = Math.Min(100.0, score.Value);
        var band = definition.Bands.Select((b, i) => (b, i)).Last(x => value >= x.b.From).i;
        return new HealthScore(value, band, coverage, HealthStatus.Scored, version);
    }

    private static double? GroupScore(IReadOnlyList<ScorecardGroup> groups, IReadOnlyList<ScorecardMetric> metrics, Dictionary<string, double> values)
    {
        var parts = metrics.Select(m => (Weight: m.Weight, Points: MetricPoints(m, values)))
            .Concat(groups.Select(g => (Weight: g.Weight, Points: GroupScore(g.Groups, g.Metrics, values))))
            .Where(p => p.Points.HasValue)
            .ToList();
        var total = parts.Sum(p => p.Weight);
        return total > 0 ? parts.Sum(p => p.Weight * p.Points!.Value) / total : null;
    }

    private static double Coverage(IReadOnlyList<ScorecardGroup> groups, IReadOnlyList<ScorecardMetric> metrics, Dictionary<string, double> values, double share)
    {
        var total = metrics.Sum(m => m.Weight) + groups.Sum(g => g.Weight);
        if (total <= 0)
        {
            return 0;
        }

        return metrics.Where(m => values.TryGetValue(m.Column, out var x) && double.IsFinite(x)).Sum(m => share * m.Weight / total)
            + groups.Sum(g => Coverage(g.Groups, g.Metrics, values, share * g.Weight / total));
    }

    private static double? MetricPoints(ScorecardMetric metric, Dictionary<string, double> values)
    {
        if (values.TryGetValue(metric.Column, out var x) && double.IsFinite(x))
        {
            return Points(metric, x);
        }

        return metric.Missing switch
        {
            MissingDataPolicy.Worst => metric.Scaling.Kind switch
            {
                ScalingKind.Thresholds or ScalingKind.Piecewise => metric.Scaling.Points!.Min(),
                _ => 0.0,
            },
            MissingDataPolicy.Constant => Points(metric, metric.MissingValue!.Value),
            _ => null,
        };
    }

    private static double Points(ScorecardMetric metric, double x)
    {
        var s = metric.Scaling;
        var lower = metric.Direction == MetricDirection.LowerIsBetter;
        switch (s.Kind)
        {
            case ScalingKind.Thresholds:
                return s.Points![s.Cuts!.Count(c => x >= c)];
            case ScalingKind.Piecewise:
                {
                    var at = s.At!;
                    var points = s.Points!;
                    if (x <= at[0])
                    {
                        return points[0];
                    }

                    if (x >= at[^1])
                    {
                        return points[^1];
                    }

                    var i = at.Select((a, k) => (a, k)).Last(p => x >= p.a).k;
                    return points[i] + ((x - at[i]) * (points[i + 1] - points[i]) / (at[i + 1] - at[i]));
                }

            case ScalingKind.Linear:
                {
                    var u = Math.Clamp((x - s.Min!.Value) / (s.Max!.Value - s.Min.Value), 0, 1) * 100;
                    return lower ? 100 - u : u;
                }

            case ScalingKind.Logarithmic:
                {
                    var offset = s.Offset ?? 1;
                    var lo = Math.Log(s.Min!.Value + offset);
                    var u = Math.Clamp((Math.Log(Math.Max(x, s.Min.Value) + offset) - lo) / (Math.Log(s.Max!.Value + offset) - lo), 0, 1) * 100;
                    return lower ? 100 - u : u;
                }

            default:
                {
                    var reference = s.Reference!;
                    var rank = (reference.Count(r => r < x) + (0.5 * reference.Count(r => r == x))) / reference.Count * 100;
                    return lower ? 100 - rank : rank;
                }
        }
    }
}
