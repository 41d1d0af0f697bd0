using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace CsScoring.Health;

/// <summary>
/// A scorecard compiled into flat arrays: scores one account in tens of nanoseconds, or many accounts at once
/// (vectorised, see <see cref="ScoreBatch(ReadOnlySpan{double}, Span{HealthScore}, Span{double}, HealthBatchOptions?)"/>), without
/// allocating. Batch and single scoring give bit-identical results.
/// </summary>
/// <remarks>
/// <para>Values are given per metric in <see cref="Metrics"/> order (the depth-first order of the definition, a
/// group's own metrics before its nested groups). NaN and infinite values are treated as missing: they never reach
/// a score. A missing metric follows its <see cref="MissingDataPolicy"/>; under the default
/// <see cref="MissingDataPolicy.Redistribute"/> its weight is shared among the metrics of its group that have data
/// (and a group with no data at all passes its weight to its siblings).</para>
/// <para>The score is the sum, in metric order, of the per-metric contributions, each the metric's points (0-100)
/// times its effective weight; contributions of a scored result therefore add up to the score.</para>
/// <para>Immutable and thread-safe: one instance may score from many threads at once.</para>
/// </remarks>
public sealed partial class CompiledScorecard
{
    private const byte KindStep = 0;
    private const byte KindPiecewise = 1;
    private const byte KindLog = 2;
    private const byte KindPercentile = 3;

    // Slack for rounding in the coverage sum, so full data never falls short of a minimum coverage of 1.
    private const double CoverageSlack = 1e-9;

    private readonly int _metricCount;
    private readonly int _groupCount;

    // Per metric.
    private readonly int[] _metricGroup;
    private readonly double[] _metricWeight;
    private readonly double[] _metricNominal;
    private readonly byte[] _kind;
    private readonly int[] _paramStart;
    private readonly int[] _paramCount;
    private readonly byte[] _missingPolicy;
    private readonly double[] _missingPoints;
    private readonly double[] _logMin;
    private readonly double[] _logMax;
    private readonly double[] _logOffset;
    private readonly bool[] _invert;

    // Step: cuts then points (count = cuts + 1). Piecewise and log: x, then y, then slopes. Percentile: sorted reference.
    private readonly double[] _params;

    // Per group, in pre-order (0 = the scorecard itself): parents precede children.
    private readonly double[] _groupWeight;
    private readonly int[] _subgroupStart;
    private readonly int[] _subgroupEnd;
    private readonly int[] _subgroups;

    // Per group: the active weight when every child counts, and its inverse.
    private readonly double[] _groupFull;
    private readonly double[] _groupInverse;

    // Per group: K when every metric counts.
    private readonly double[] _groupFullK;

    // The coverage when every value is present, summed in metric order.
    private readonly double _fullCoverage;

    // Per group: whether it has metrics of its own.
    private readonly bool[] _groupHasMetrics;

    // Groups with no metric of their own (their active weight comes from nested groups only).
    private readonly int[] _groupsWithoutMetrics;

    // The per-metric fields the single-account path reads, packed together (one cache line per metric).
    private readonly MetricPlan[] _plan;

    private readonly double[] _bandCuts;
    private readonly double _minimumCoverage;
    private readonly CompiledMetric[] _metrics;
    private readonly string[] _groupNames;
    private readonly int[] _groupParent;

    private CompiledScorecard(Scorecard definition, Builder builder, ScorecardVersion version)
    {
        Definition = definition;
        Version = version;
        _metricCount = builder.Metrics.Count;
        _groupCount = builder.GroupWeights.Count;
        _metricGroup = [.. builder.MetricGroup];
        _metricWeight = [.. builder.MetricWeight];
        _kind = [.. builder.Kind];
        _paramStart = [.. builder.ParamStart];
        _paramCount = [.. builder.ParamCount];
        _missingPolicy = [.. builder.MissingPolicy];
        _logMin = [.. builder.LogMin];
        _logMax = [.. builder.LogMax];
        _logOffset = [.. builder.LogOffset];
        _invert = [.. builder.Invert];
        _params = [.. builder.Params];
        _groupWeight = [.. builder.GroupWeights];
        _groupParent = [.. builder.GroupParent];
        _groupNames = [.. builder.GroupNames];
        _subgroupStart = new int[_groupCount];
        _subgroupEnd = new int[_groupCount];
        var subgroups = new List<int>();
        for (var g = 0; g < _groupCount; g++)
        {
            _subgroupStart[g] = subgroups.Count;
            for (var child = g + 1; child < _groupCount; child++)
            {
                if (_groupParent[child] == g)
                {
                    subgroups.Add(child);
                }
            }

            _subgroupEnd[g] = subgroups.Count;
        }

        _subgroups = [.. subgroups];
        _bandCuts = [.. definition.Bands.Skip(1).Select(b => b.From)];
        Bands = [.. definition.Bands];
        _minimumCoverage = definition.MinimumCoverage;
        TrendDeadBand = definition.TrendDeadBand;

        _missingPoints = new double[_metricCount];
        for (var m = 0; m < _metricCount; m++)
        {
            _missingPoints[m] = (MissingDataPolicy)_missingPolicy[m] switch
            {
                MissingDataPolicy.Worst => WorstPoints(m),
                MissingDataPolicy.Constant => Points(m, builder.MissingValue[m]),
                _ => 0.0,
            };
        }

        _metricNominal = NominalWeights();
        (_groupFull, _groupInverse) = FullWeights();
        _groupHasMetrics = [.. Enumerable.Range(0, _groupCount).Select(g => _metricGroup.Contains(g))];
        _groupsWithoutMetrics = [.. Enumerable.Range(0, _groupCount).Where(g => !_metricGroup.Contains(g))];
        for (var m = 0; m < _metricCount; m++)
        {
            _fullCoverage += 1.0 * _metricNominal[m];
        }

        // K with every group at its full active weight, by the operations of the scoring passes.
        _groupFullK = new double[_groupCount];
        _groupFullK[0] = _groupFull[0] > 0.0 ? _groupInverse[0] : 0.0;
        for (var g = 1; g < _groupCount; g++)
        {
            var inverse = _groupFull[g] > 0.0 ? _groupInverse[g] : 0.0;
            _groupFullK[g] = _groupFullK[_groupParent[g]] * _groupWeight[g] * inverse;
        }

        _plan = new MetricPlan[_metricCount];
        for (var m = 0; m < _metricCount; m++)
        {
            _plan[m] = new MetricPlan
            {
                Weight = _metricWeight[m],
                Nominal = _metricNominal[m],
                MissingPoints = _missingPoints[m],
                MissingActive = _missingPolicy[m] == (byte)MissingDataPolicy.Redistribute ? 0.0 : 1.0,
                MissingWeight = _metricWeight[m] * (_missingPolicy[m] == (byte)MissingDataPolicy.Redistribute ? 0.0 : 1.0),
                LogMin = _logMin[m],
                LogMax = _logMax[m],
                LogOffset = _logOffset[m],
                Group = _metricGroup[m],
                ParamStart = _paramStart[m],
                ParamCount = _paramCount[m],
                Kind = _kind[m],
                Invert = _invert[m],
                FullFactor = _groupFullK[_metricGroup[m]] * _metricWeight[m],
            };
        }
        _metrics = new CompiledMetric[_metricCount];
        for (var m = 0; m < _metricCount; m++)
        {
            var source = builder.Metrics[m];
            _metrics[m] = new CompiledMetric(m, source.DisplayName, source.Column, builder.MetricGroupPath[m], _metricNominal[m], source.Direction, source.Missing);
        }
    }

    /// <summary>The definition this scorecard was compiled from.</summary>
    public Scorecard Definition { get; }

    /// <summary>The scorecard's name.</summary>
    public string Name => Definition.Name;

    /// <summary>The content hash of the definition (description excluded) and of its reference populations.</summary>
    public ScorecardVersion Version { get; }

    /// <summary>The metrics in the order values are given and contributions returned.</summary>
    public IReadOnlyList<CompiledMetric> Metrics => _metrics;

    /// <summary>The number of metrics (the length of a values span).</summary>
    public int MetricCount => _metricCount;

    /// <summary>The bands from worst (index 0) to best.</summary>
    public IReadOnlyList<HealthBand> Bands { get; }

    /// <summary>The dead band of <see cref="HealthTrend"/> comparisons, in score points.</summary>
    public double TrendDeadBand { get; }

    /// <summary>The minimum coverage (0-1) for a result to be scored.</summary>
    public double MinimumCoverage => _minimumCoverage;

    /// <summary>The name of a band index, or <c>insufficient_data</c> for -1.</summary>
    /// <param name="band">The band index from a <see cref="HealthScore"/>.</param>
    /// <returns>The band's name.</returns>
    public string BandName(int band) => band >= 0 && band < Bands.Count ? Bands[band].Name : "insufficient_data";

    /// <summary>The band a score falls in (0 = worst).</summary>
    /// <param name="score">A score from 0 to 100.</param>
    /// <returns>The band index, or -1 for NaN.</returns>
    public int BandOf(double score)
    {
        if (double.IsNaN(score))
        {
            return -1;
        }

        var band = 0;
        var cuts = _bandCuts;
        for (var i = 0; i < cuts.Length; i++)
        {
            if (score >= cuts[i])
            {
                band = i + 1;
            }
        }

        return band;
    }

    /// <summary>The index of a metric by its name (or by its column when unnamed).</summary>
    /// <param name="name">The metric's name.</param>
    /// <returns>The index into <see cref="Metrics"/>.</returns>
    /// <exception cref="ArgumentException">No metric has that name.</exception>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var m = 0; m < _metrics.Length; m++)
        {
            if (string.Equals(_metrics[m].Name, name, StringComparison.Ordinal))
            {
                return m;
            }
        }

        throw new ArgumentException($"Scorecard '{Name}' has no metric named '{name}' (metrics: {string.Join(", ", _metrics.Select(x => x.Name))}).", nameof(name));
    }

    /// <summary>Scores one account without allocating.</summary>
    /// <param name="values">One value per metric, in <see cref="Metrics"/> order; NaN or infinite = missing.</param>
    /// <param name="contributions">
    /// Receives each metric's contribution in points (length >= <see cref="MetricCount"/>); they add up to the score.
    /// All zero when the result is not scored.
    /// </param>
    /// <returns>The score, band, coverage and status.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> has the wrong length or <paramref name="contributions"/> is too short.</exception>
    public HealthScore Score(ReadOnlySpan<double> values, Span<double> contributions)
    {
        if (values.Length != _metricCount)
        {
            ThrowHelper.WrongLength(nameof(values), _metricCount, values.Length, "one per metric, in scorecard order");
        }

        if (contributions.Length < _metricCount)
        {
            ThrowHelper.DestinationTooShort(nameof(contributions), _metricCount, contributions.Length);
        }

        // Exact-size scratch: stack memory is zeroed on every call, so it must stay small.
        var groups = _groupCount <= 64 ? stackalloc double[2 * _groupCount] : new double[2 * _groupCount];
        return ScoreCore(values, contributions, groups);
    }

    /// <summary>Scores one account without allocating, when the contributions are not needed.</summary>
    /// <param name="values">One value per metric, in <see cref="Metrics"/> order; NaN or infinite = missing.</param>
    /// <returns>The score, band, coverage and status.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> has the wrong length.</exception>
    public HealthScore Score(ReadOnlySpan<double> values)
    {
        if (values.Length != _metricCount)
        {
            ThrowHelper.WrongLength(nameof(values), _metricCount, values.Length, "one per metric, in scorecard order");
        }

        var contributions = _metricCount <= 128 ? stackalloc double[_metricCount] : new double[_metricCount];
        var groups = _groupCount <= 64 ? stackalloc double[2 * _groupCount] : new double[2 * _groupCount];
        return ScoreCore(values, contributions, groups);
    }

    /// <summary>The score the account would have if one metric had another value (all else equal). Allocation-free.</summary>
    /// <param name="values">The account's values, in <see cref="Metrics"/> order.</param>
    /// <param name="metric">The index of the metric to change.</param>
    /// <param name="value">The value it would have (NaN = missing).</param>
    /// <returns>The hypothetical result.</returns>
    public HealthScore WhatIf(ReadOnlySpan<double> values, int metric, double value)
    {
        if (values.Length != _metricCount)
        {
            ThrowHelper.WrongLength(nameof(values), _metricCount, values.Length, "one per metric, in scorecard order");
        }

        if ((uint)metric >= (uint)_metricCount)
        {
            ThrowHelper.IndexOutOfRange(nameof(metric), _metricCount, metric);
        }

        var copy = _metricCount <= 128 ? stackalloc double[_metricCount] : new double[_metricCount];
        values.CopyTo(copy);
        copy[metric] = value;
        return Score(copy);
    }

    /// <summary>The score the account would have if the named metric had another value.</summary>
    /// <param name="values">The account's values, in <see cref="Metrics"/> order.</param>
    /// <param name="metric">The metric's name.</param>
    /// <param name="value">The value it would have.</param>
    /// <returns>The hypothetical result.</returns>
    public HealthScore WhatIf(ReadOnlySpan<double> values, string metric, double value) => WhatIf(values, IndexOf(metric), value);

    /// <summary>The points (0-100) a value earns on one metric, direction applied; NaN for a missing value.</summary>
    /// <param name="metric">The metric index.</param>
    /// <param name="value">The value.</param>
    /// <returns>The points.</returns>
    public double PointsOf(int metric, double value)
    {
        if ((uint)metric >= (uint)_metricCount)
        {
            ThrowHelper.IndexOutOfRange(nameof(metric), _metricCount, metric);
        }

        return double.IsFinite(value) ? Points(metric, value) : double.NaN;
    }

    /// <summary>Explains one account's score: per-metric points, weights, contributions and the top drivers.</summary>
    /// <param name="values">One value per metric, in <see cref="Metrics"/> order.</param>
    /// <returns>The explanation (allocates; use <see cref="Score(ReadOnlySpan{double}, Span{double})"/> on hot paths).</returns>
    public HealthExplanation Explain(ReadOnlySpan<double> values)
    {
        if (values.Length != _metricCount)
        {
            ThrowHelper.WrongLength(nameof(values), _metricCount, values.Length, "one per metric, in scorecard order");
        }

        var contributions = new double[_metricCount];
        var groups = new double[2 * _groupCount];
        var result = ScoreCore(values, contributions, groups, keepFactors: true);

        // Effective weights and points as the scorer saw them (ScoreCore keeps K = E / A per group in the upper half).
        var k = groups.AsSpan(_groupCount);
        var items = new MetricExplanation[_metricCount];
        for (var m = 0; m < _metricCount; m++)
        {
            var x = values[m];
            var hasData = double.IsFinite(x);
            var counted = hasData || _missingPolicy[m] != (byte)MissingDataPolicy.Redistribute;
            var points = hasData ? Points(m, x) : counted ? _missingPoints[m] : double.NaN;
            var weight = counted ? k[_metricGroup[m]] * _metricWeight[m] : 0.0;
            var shortfall = counted ? weight * (100.0 - points) : 0.0;
            items[m] = new MetricExplanation(_metrics[m], hasData ? x : double.NaN, points, weight, contributions[m], shortfall, hasData);
        }

        return new HealthExplanation(result, items, this);
    }

    // The one scalar scoring routine; the batch kernel performs the same floating-point operations in the same order.
    // groups: [0, G) receives the active weight A of each group, [G, 2G) the factor K = E / A (on the fast path only
    // when keepFactors is set, for Explain).
    internal HealthScore ScoreCore(ReadOnlySpan<double> values, Span<double> contributions, Span<double> groups, bool keepFactors = false)
    {
        var metricCount = _metricCount;
        var groupCount = _groupCount;
        ref var a = ref MemoryMarshal.GetReference(groups);
        ref var k = ref Unsafe.Add(ref a, groupCount);
        ref var c = ref MemoryMarshal.GetReference(contributions);
        ref readonly var x0 = ref MemoryMarshal.GetReference(values);
        ref var plan = ref MemoryMarshal.GetArrayDataReference(_plan);
        ref var parameters = ref MemoryMarshal.GetArrayDataReference(_params);

        // Pass 1: points (kept in contributions for now) and whether every value is present and every weight counts.
        var allFinite = true;
        var allActive = true;
        for (var m = 0; m < metricCount; m++)
        {
            ref readonly var metric = ref Unsafe.Add(ref plan, m);
            var x = Unsafe.Add(ref Unsafe.AsRef(in x0), m);
            double points;
            if (x - x == 0.0)
            {
                points = PointsOf(in metric, ref parameters, x);
            }
            else
            {
                points = metric.MissingPoints;
                allFinite = false;
                allActive &= metric.MissingActive != 0.0;
            }

            Unsafe.Add(ref c, m) = points;
        }

        // Coverage: the precomputed full sum when every value is present (the same bits as summing).
        var coverage = allFinite ? _fullCoverage : 0.0;
        if (!allFinite)
        {
            for (var m = 0; m < metricCount; m++)
            {
                var x = Unsafe.Add(ref Unsafe.AsRef(in x0), m);
                coverage += (x - x == 0.0 ? 1.0 : 0.0) * Unsafe.Add(ref plan, m).Nominal;
            }
        }

        double score;
        if (allActive)
        {
            // Every group has its full active weight, so every factor K * weight is the precomputed one: the same
            // bits as the general passes below, without them.
            if (keepFactors)
            {
                _groupFullK.AsSpan().CopyTo(groups[groupCount..]);
            }

            score = 0.0;
            for (var m = 0; m < metricCount; m++)
            {
                ref var slot = ref Unsafe.Add(ref c, m);
                var contribution = Unsafe.Add(ref plan, m).FullFactor * slot;
                slot = contribution;
                score += contribution;
            }

            return Finish(score, coverage, _groupFull[0], contributions[..metricCount]);
        }

        // Each group's active weight from its own metrics; a group's metrics are contiguous, so the sum stays in a
        // register until the group changes.
        var currentGroup = 0;
        var groupSum = 0.0;
        for (var m = 0; m < metricCount; m++)
        {
            ref readonly var metric = ref Unsafe.Add(ref plan, m);
            var x = Unsafe.Add(ref Unsafe.AsRef(in x0), m);
            var active = x - x == 0.0 ? 1.0 : metric.MissingActive;
            if (metric.Group != currentGroup)
            {
                Unsafe.Add(ref a, currentGroup) = groupSum;
                currentGroup = metric.Group;
                groupSum = 0.0;
            }

            groupSum += metric.Weight * active;
        }

        Unsafe.Add(ref a, currentGroup) = groupSum;
        foreach (var g in _groupsWithoutMetrics)
        {
            Unsafe.Add(ref a, g) = 0.0;
        }

        // Pass 2 (children first): nested groups add their weight when they have any active weight.
        ref var groupWeight = ref MemoryMarshal.GetArrayDataReference(_groupWeight);
        ref var subgroups = ref MemoryMarshal.GetArrayDataReference(_subgroups);
        for (var g = groupCount - 1; g >= 0; g--)
        {
            var sum = Unsafe.Add(ref a, g);
            var end = _subgroupEnd[g];
            for (var s = _subgroupStart[g]; s < end; s++)
            {
                var child = Unsafe.Add(ref subgroups, s);
                var active = Unsafe.Add(ref a, child) > 0.0 ? 1.0 : 0.0;
                sum += Unsafe.Add(ref groupWeight, child) * active;
            }

            Unsafe.Add(ref a, g) = sum;
        }

        // Pass 3 (parents first): K = E * (1 / A), E of a child = K(parent) * weight, E of the scorecard 1, K = 0
        // where A = 0. With every child active A is the precomputed full sum, and 1 / A its precomputed inverse (the
        // same bits as dividing), which spares most divisions.
        ref var groupParent = ref MemoryMarshal.GetArrayDataReference(_groupParent);
        ref var groupFull = ref MemoryMarshal.GetArrayDataReference(_groupFull);
        ref var groupInverse = ref MemoryMarshal.GetArrayDataReference(_groupInverse);
        var rootA = Unsafe.Add(ref a, 0);
        k = rootA > 0.0 ? (rootA == groupFull ? groupInverse : 1.0 / rootA) : 0.0;
        for (var g = 1; g < groupCount; g++)
        {
            var groupA = Unsafe.Add(ref a, g);
            var inverse = groupA > 0.0 ? (groupA == Unsafe.Add(ref groupFull, g) ? Unsafe.Add(ref groupInverse, g) : 1.0 / groupA) : 0.0;
            Unsafe.Add(ref k, g) = Unsafe.Add(ref k, Unsafe.Add(ref groupParent, g)) * Unsafe.Add(ref groupWeight, g) * inverse;
        }

        // Pass 4: contributions and their sum, in metric order.
        score = 0.0;
        for (var m = 0; m < metricCount; m++)
        {
            ref readonly var metric = ref Unsafe.Add(ref plan, m);
            ref var slot = ref Unsafe.Add(ref c, m);
            var contribution = Unsafe.Add(ref k, metric.Group) * metric.Weight * slot;
            slot = contribution;
            score += contribution;
        }

        return Finish(score, coverage, a, contributions[..metricCount]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private HealthScore Finish(double score, double coverage, double rootActive, Span<double> contributions)
    {
        coverage = coverage > 1.0 ? 1.0 : coverage;
        if (rootActive > 0.0 && coverage + CoverageSlack >= _minimumCoverage)
        {
            score = score > 100.0 ? 100.0 : score;
            return new HealthScore(score, BandOf(score), coverage, HealthStatus.Scored, Version);
        }

        contributions.Clear();
        return new HealthScore(double.NaN, -1, coverage, HealthStatus.InsufficientData, Version);
    }

    // Points of a finite value, direction applied (the hot path's copy of Points, reading the packed plan).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double PointsOf(in MetricPlan metric, ref double parameters, double x)
    {
        var count = metric.ParamCount;
        ref var p = ref Unsafe.Add(ref parameters, metric.ParamStart);
        switch (metric.Kind)
        {
            case KindStep:
                {
                    var r = Unsafe.Add(ref p, count);
                    for (var i = 0; i < count; i++)
                    {
                        if (x >= Unsafe.Add(ref p, i))
                        {
                            r = Unsafe.Add(ref p, count + 1 + i);
                        }
                    }

                    return r;
                }

            case KindPiecewise:
                return Piecewise(ref p, count, x);
            case KindLog:
                return Piecewise(ref p, count, LogTransform(x, metric.LogMin, metric.LogMax, metric.LogOffset));
            default:
                return Percentile(MemoryMarshal.CreateReadOnlySpan(ref p, count), x, metric.Invert);
        }
    }

    // Points of a finite value, direction applied.
    private double Points(int m, double x)
    {
        var start = _paramStart[m];
        var count = _paramCount[m];
        ref var p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_params), start);
        switch (_kind[m])
        {
            case KindStep:
                {
                    // count = cuts; the points follow the cuts.
                    var r = Unsafe.Add(ref p, count);
                    for (var i = 0; i < count; i++)
                    {
                        if (x >= Unsafe.Add(ref p, i))
                        {
                            r = Unsafe.Add(ref p, count + 1 + i);
                        }
                    }

                    return r;
                }

            case KindPiecewise:
                return Piecewise(ref p, count, x);
            case KindLog:
                return Piecewise(ref p, count, LogTransform(x, _logMin[m], _logMax[m], _logOffset[m]));
            default:
                return Percentile(new ReadOnlySpan<double>(_params, start, count), x, _invert[m]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Piecewise(ref double p, int count, double x)
    {
        if (count == 2)
        {
            // Linear and logarithmic scalings: the loop below unrolled (same operations, same bits).
            var x0 = p;
            var r2 = x >= x0 ? Unsafe.Add(ref p, 2) + ((x - x0) * Unsafe.Add(ref p, 4)) : Unsafe.Add(ref p, 2);
            return x >= Unsafe.Add(ref p, 1) ? Unsafe.Add(ref p, 3) : r2;
        }

        // p: count x values, count y values, count - 1 slopes. Same selection as the vector kernel.
        var r = Unsafe.Add(ref p, count);
        var last = count - 1;
        for (var i = 0; i < last; i++)
        {
            var xi = Unsafe.Add(ref p, i);
            if (x >= xi)
            {
                r = Unsafe.Add(ref p, count + i) + ((x - xi) * Unsafe.Add(ref p, (2 * count) + i));
            }
        }

        if (x >= Unsafe.Add(ref p, last))
        {
            r = Unsafe.Add(ref p, count + last);
        }

        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double LogTransform(double x, double min, double max, double offset) => HealthMath.Log((x < min ? min : x > max ? max : x) + offset);

    internal static double Percentile(ReadOnlySpan<double> sorted, double x, bool invert)
    {
        // Mid-rank: values below count fully, equal values count half.
        var below = LowerBound(sorted, x);
        var notAbove = below;
        while (notAbove < sorted.Length && sorted[notAbove] == x)
        {
            notAbove++;
        }

        var rank = (below + (0.5 * (notAbove - below))) / sorted.Length * 100.0;
        return invert ? 100.0 - rank : rank;
    }

    private static int LowerBound(ReadOnlySpan<double> sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private double WorstPoints(int m)
    {
        var start = _paramStart[m];
        var count = _paramCount[m];
        return _kind[m] switch
        {
            KindStep => new ReadOnlySpan<double>(_params, start + count, count + 1).ToArray().Min(),
            KindPiecewise or KindLog => new ReadOnlySpan<double>(_params, start + count, count).ToArray().Min(),
            _ => 0.0,
        };
    }

    private (double[] Full, double[] Inverse) FullWeights()
    {
        // Summed in the scoring order (own metrics, then nested groups) so the values match the scorer's bit for bit.
        var full = new double[_groupCount];
        for (var m = 0; m < _metricCount; m++)
        {
            full[_metricGroup[m]] += _metricWeight[m] * 1.0;
        }

        for (var g = _groupCount - 1; g >= 0; g--)
        {
            var sum = full[g];
            for (var s = _subgroupStart[g]; s < _subgroupEnd[g]; s++)
            {
                sum += _groupWeight[_subgroups[s]] * 1.0;
            }

            full[g] = sum;
        }

        var inverse = new double[_groupCount];
        for (var g = 0; g < _groupCount; g++)
        {
            inverse[g] = full[g] > 0.0 ? 1.0 / full[g] : 0.0;
        }

        return (full, inverse);
    }

    private double[] NominalWeights()
    {
        // Each metric's share of the total weight with every metric present: the product of normalised weights on its path.
        var groupShare = new double[_groupCount];
        var groupTotals = new double[_groupCount];
        for (var m = 0; m < _metricCount; m++)
        {
            groupTotals[_metricGroup[m]] += _metricWeight[m];
        }

        for (var g = 1; g < _groupCount; g++)
        {
            groupTotals[_groupParent[g]] += _groupWeight[g];
        }

        groupShare[0] = 1.0;
        for (var g = 1; g < _groupCount; g++)
        {
            var parentTotal = groupTotals[_groupParent[g]];
            groupShare[g] = parentTotal > 0 ? groupShare[_groupParent[g]] * _groupWeight[g] / parentTotal : 0.0;
        }

        var nominal = new double[_metricCount];
        for (var m = 0; m < _metricCount; m++)
        {
            var total = groupTotals[_metricGroup[m]];
            nominal[m] = total > 0 ? groupShare[_metricGroup[m]] * _metricWeight[m] / total : 0.0;
        }

        return nominal;
    }

    internal static CompiledScorecard Create(Scorecard definition, ScorecardCompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        ScorecardValidator.Validate(definition, null);
        var builder = new Builder(options);
        builder.AddGroup(definition.Groups, "$", parent: -1, name: definition.Name, weight: 1.0, groupPath: string.Empty);
        var version = ComputeVersion(definition, builder);
        return new CompiledScorecard(definition, builder, version);
    }

    private static ScorecardVersion ComputeVersion(Scorecard definition, Builder builder)
    {
        var canonical = ScorecardJson.Serialize(new Scorecard
        {
            Name = definition.Name,
            Groups = definition.Groups,
            Bands = definition.Bands,
            MinimumCoverage = definition.MinimumCoverage,
            TrendDeadBand = definition.TrendDeadBand,
        });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(canonical));
        Span<byte> number = stackalloc byte[8];
        for (var m = 0; m < builder.Kind.Count; m++)
        {
            if (builder.Kind[m] != KindPercentile || builder.Metrics[m].Scaling.Reference is not null)
            {
                continue;
            }

            // Compile-time references change the scores, so they are part of the version.
            hash.AppendData(Encoding.UTF8.GetBytes(builder.Metrics[m].DisplayName));
            for (var i = 0; i < builder.ParamCount[m]; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(number, builder.Params[builder.ParamStart[m] + i]);
                hash.AppendData(number);
            }
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return new ScorecardVersion(BinaryPrimitives.ReadUInt64BigEndian(digest));
    }

    private sealed class Builder(ScorecardCompileOptions options)
    {
        public List<ScorecardMetric> Metrics { get; } = [];

        public List<string> MetricGroupPath { get; } = [];

        public List<int> MetricGroup { get; } = [];

        public List<double> MetricWeight { get; } = [];

        public List<byte> Kind { get; } = [];

        public List<int> ParamStart { get; } = [];

        public List<int> ParamCount { get; } = [];

        public List<byte> MissingPolicy { get; } = [];

        public List<double> MissingValue { get; } = [];

        public List<double> LogMin { get; } = [];

        public List<double> LogMax { get; } = [];

        public List<double> LogOffset { get; } = [];

        public List<bool> Invert { get; } = [];

        public List<double> Params { get; } = [];

        public List<double> GroupWeights { get; } = [];

        public List<int> GroupParent { get; } = [];

        public List<string> GroupNames { get; } = [];

        public void AddGroup(IReadOnlyList<ScorecardGroup> groups, string path, int parent, string name, double weight, string groupPath)
            => AddGroup([], groups, path, parent, name, weight, groupPath);

        private void AddGroup(IReadOnlyList<ScorecardMetric> metrics, IReadOnlyList<ScorecardGroup> groups, string path, int parent, string name, double weight, string groupPath)
        {
            var index = GroupWeights.Count;
            GroupWeights.Add(weight);
            GroupParent.Add(parent);
            GroupNames.Add(name);
            for (var i = 0; i < metrics.Count; i++)
            {
                AddMetric(metrics[i], $"{path}.metrics[{i}]", index, groupPath);
            }

            for (var i = 0; i < groups.Count; i++)
            {
                var group = groups[i];
                var childPath = groupPath.Length == 0 ? group.Name : groupPath + "/" + group.Name;
                AddGroup(group.Metrics, group.Groups, $"{path}.groups[{i}]", index, group.Name, group.Weight, childPath);
            }
        }

        private void AddMetric(ScorecardMetric metric, string path, int group, string groupPath)
        {
            Metrics.Add(metric);
            MetricGroupPath.Add(groupPath);
            MetricGroup.Add(group);
            MetricWeight.Add(metric.Weight);
            MissingPolicy.Add((byte)metric.Missing);
            MissingValue.Add(metric.MissingValue ?? double.NaN);
            ParamStart.Add(Params.Count);
            var lower = metric.Direction == MetricDirection.LowerIsBetter;
            Invert.Add(lower);
            var scaling = metric.Scaling;
            var logMin = 0.0;
            var logMax = 0.0;
            var logOffset = 0.0;
            switch (scaling.Kind)
            {
                case ScalingKind.Thresholds:
                    Kind.Add(KindStep);
                    Params.AddRange(scaling.Cuts!);
                    Params.AddRange(scaling.Points!);
                    ParamCount.Add(scaling.Cuts!.Count);
                    break;
                case ScalingKind.Piecewise:
                    Kind.Add(KindPiecewise);
                    AddPiecewise(scaling.At!, scaling.Points!);
                    break;
                case ScalingKind.Linear:
                    Kind.Add(KindPiecewise);
                    AddPiecewise([scaling.Min!.Value, scaling.Max!.Value], lower ? [100.0, 0.0] : [0.0, 100.0]);
                    break;
                case ScalingKind.Logarithmic:
                    Kind.Add(KindLog);
                    logMin = scaling.Min!.Value;
                    logMax = scaling.Max!.Value;
                    logOffset = scaling.Offset ?? 1.0;
                    AddPiecewise(
                        [LogTransform(logMin, logMin, logMax, logOffset), LogTransform(logMax, logMin, logMax, logOffset)],
                        lower ? [100.0, 0.0] : [0.0, 100.0]);
                    break;
                default:
                    Kind.Add(KindPercentile);
                    var reference = scaling.Reference;
                    if (reference is null && options.ReferencePopulations is { } populations)
                    {
                        populations.TryGetValue(metric.DisplayName, out reference);
                    }

                    if (reference is null)
                    {
                        throw new ScorecardException(
                            $"percentile metric '{metric.DisplayName}' has no reference population: give 'reference' inline or in the compile options",
                            path + ".scaling.reference", null);
                    }

                    var sorted = reference.Where(double.IsFinite).Order().ToArray();
                    if (sorted.Length == 0)
                    {
                        throw new ScorecardException($"the reference population of '{metric.DisplayName}' has no finite value", path + ".scaling.reference", null);
                    }

                    Params.AddRange(sorted);
                    ParamCount.Add(sorted.Length);
                    break;
            }

            LogMin.Add(logMin);
            LogMax.Add(logMax);
            LogOffset.Add(logOffset);
        }

        private void AddPiecewise(IReadOnlyList<double> at, IReadOnlyList<double> points)
        {
            Params.AddRange(at);
            Params.AddRange(points);
            for (var i = 0; i + 1 < at.Count; i++)
            {
                Params.Add((points[i + 1] - points[i]) / (at[i + 1] - at[i]));
            }

            ParamCount.Add(at.Count);
        }
    }
}

/// <summary>A metric of a compiled scorecard.</summary>
/// <param name="Index">The metric's position in values and contributions.</param>
/// <param name="Name">The metric's name (its column when unnamed).</param>
/// <param name="Column">The input column.</param>
/// <param name="Group">The path of its group, for example <c>engagement</c> or <c>engagement/usage</c>.</param>
/// <param name="NominalWeight">Its share (0-1) of the total weight when every metric has data.</param>
/// <param name="Direction">Whether higher values are better.</param>
/// <param name="Missing">Its missing-data policy.</param>
public sealed record CompiledMetric(int Index, string Name, string Column, string Group, double NominalWeight, MetricDirection Direction, MissingDataPolicy Missing);

[StructLayout(LayoutKind.Sequential)]
internal struct MetricPlan
{
    public double Weight;
    public double FullFactor;
    public double Nominal;
    public double MissingPoints;
    public double MissingActive;

    // Weight * MissingActive: the active weight of a missing value, the product the scalar path forms.
    public double MissingWeight;
    public double LogMin;
    public double LogMax;
    public double LogOffset;
    public int Group;
    public int ParamStart;
    public int ParamCount;
    public byte Kind;
    public bool Invert;
}
