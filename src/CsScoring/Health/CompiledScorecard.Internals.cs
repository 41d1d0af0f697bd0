namespace CsScoring.Health;

public sealed partial class CompiledScorecard
{
    internal int GroupCount => _groupCount;

    internal ReadOnlySpan<int> MetricGroups => _metricGroup;

    internal ReadOnlySpan<double> MetricWeights => _metricWeight;

    internal ReadOnlySpan<double> GroupWeights => _groupWeight;

    internal ReadOnlySpan<int> GroupParents => _groupParent;

    internal IReadOnlyList<string> GroupNames => _groupNames;

    /// <summary>Each metric's points (0 when missing and redistributed) and whether its weight counts (1) or not (0).</summary>
    internal void Prepare(ReadOnlySpan<double> values, Span<double> points, Span<double> active)
    {
        for (var m = 0; m < _metricCount; m++)
        {
            var x = values[m];
            if (double.IsFinite(x))
            {
                points[m] = Points(m, x);
                active[m] = 1.0;
            }
            else
            {
                points[m] = _missingPoints[m];
                active[m] = _missingPolicy[m] == (byte)MissingDataPolicy.Redistribute ? 0.0 : 1.0;
            }
        }
    }

    /// <summary>Rebuilds the definition with other weights, indexed like the compiled metrics and groups.</summary>
    internal Scorecard WithWeights(ReadOnlySpan<double> metricWeights, ReadOnlySpan<double> groupWeights)
    {
        var metric = 0;
        var group = 0;
        var metrics = metricWeights.ToArray();
        var groups = groupWeights.ToArray();
        IReadOnlyList<ScorecardGroup> Rebuild(IReadOnlyList<ScorecardGroup> source)
        {
            var result = new ScorecardGroup[source.Count];
            for (var i = 0; i < source.Count; i++)
            {
                var g = source[i];
                var index = ++group;
                var newMetrics = new ScorecardMetric[g.Metrics.Count];
                for (var j = 0; j < newMetrics.Length; j++)
                {
                    newMetrics[j] = g.Metrics[j].WithWeight(metrics[metric++]);
                }

                result[i] = g.With(groups[index], newMetrics, Rebuild(g.Groups));
            }

            return result;
        }

        return Definition.WithGroups(Rebuild(Definition.Groups));
    }
}
