using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CsScoring.Health;

public sealed partial class CompiledScorecard
{
    // Scratch per block: points per metric, active weight and K per group, coverage, scored lanes, sums and zeros.
    private const int ScratchBudgetDoubles = 4096; // 32 KB: a block's scratch stays in the L1 data cache.
    private const int StackScratchLimit = 8192;

    /// <summary>
    /// Scores many accounts, vectorised and without allocating (after the first call on a thread), in cache-sized
    /// blocks on the calling thread. Results are bit-identical to <see cref="Score(ReadOnlySpan{double}, Span{double})"/>.
    /// </summary>
    /// <remarks>
    /// Each block is scored in a few passes whose scratch stays in the L1 cache, with missing values and unscored
    /// accounts handled by lane masks rather than branches, while the columns of the next block are prefetched.
    /// </remarks>
    /// <param name="columns">
    /// Column-major values: metric <c>m</c> of account <c>i</c> at <c>columns[m * results.Length + i]</c>, metrics in
    /// <see cref="Metrics"/> order; NaN or infinite = missing.
    /// </param>
    /// <param name="results">Receives one result per account; its length is the number of accounts.</param>
    /// <param name="contributions">
    /// Empty to skip contributions, or a column-major destination like <paramref name="columns"/> (length >=
    /// <c>MetricCount * results.Length</c>) that receives each metric's contribution (zeros for unscored accounts).
    /// </param>
    /// <param name="options">Block size; <see langword="null"/> for the defaults (parallelism is ignored here).</param>
    /// <exception cref="ArgumentException"><paramref name="columns"/> has the wrong length or <paramref name="contributions"/> is too short.</exception>
    public void ScoreBatch(ReadOnlySpan<double> columns, Span<HealthScore> results, Span<double> contributions = default, HealthBatchOptions? options = null)
    {
        var n = results.Length;
        CheckBatch(columns.Length, n, contributions.Length);
        ScoreRange(columns, n, 0, n, results, contributions, BlockFor(options));
    }

    /// <summary>
    /// Scores many accounts like <see cref="ScoreBatch(ReadOnlySpan{double}, Span{HealthScore}, Span{double}, HealthBatchOptions?)"/>,
    /// split across threads. The results do not depend on the number of threads.
    /// </summary>
    /// <param name="columns">Column-major values (see the span overload).</param>
    /// <param name="results">Receives one result per account.</param>
    /// <param name="contributions">Empty, or a column-major destination for the contributions.</param>
    /// <param name="options">Degree of parallelism and block size; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="columns"/> has the wrong length or <paramref name="contributions"/> is too short.</exception>
    /// <remarks>Allocates a little per call for the parallel loop; use the span overload where every byte counts.</remarks>
    public void ScoreBatchParallel(ReadOnlyMemory<double> columns, Memory<HealthScore> results, Memory<double> contributions = default, HealthBatchOptions? options = null)
    {
        options ??= HealthBatchOptions.Default;
        var n = results.Length;
        CheckBatch(columns.Length, n, contributions.Length);
        var block = BlockFor(options);
        var threads = options.MaxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism;
        var blocks = (n + block - 1) / block;
        var perChunk = Math.Max(1, (blocks + (threads * 4) - 1) / (threads * 4)) * block;
        var chunks = (n + perChunk - 1) / perChunk;
        if (threads == 1 || chunks <= 1)
        {
            ScoreRange(columns.Span, n, 0, n, results.Span, contributions.Span, block);
            return;
        }

        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
        {
            var from = chunk * perChunk;
            var to = Math.Min(n, from + perChunk);
            ScoreRange(columns.Span, n, from, to, results.Span, contributions.Span, block);
        });
    }

    private void CheckBatch(int columns, int accounts, int contributions)
    {
        if ((long)columns != (long)_metricCount * accounts)
        {
            ThrowHelper.WrongLength(nameof(columns), (long)_metricCount * accounts, columns, "one column per metric, in column-major order");
        }

        if (contributions != 0 && (long)contributions < (long)_metricCount * accounts)
        {
            ThrowHelper.DestinationTooShort(nameof(contributions), (long)_metricCount * accounts, contributions);
        }
    }

    // The widest vectors the processor runs natively; results do not depend on the width.
    private static int Lanes => Vector512.IsHardwareAccelerated ? Vector512<double>.Count
        : Vector256.IsHardwareAccelerated ? Vector256<double>.Count
        : Vector128<double>.Count;

    private int BlockFor(HealthBatchOptions? options) => BlockFor(options?.BlockSize ?? 0, Lanes);

    private int BlockFor(int blockSize, int lanes)
    {
        var rows = _metricCount + (2 * _groupCount) + 4;
        var block = blockSize > 0 ? blockSize : ScratchBudgetDoubles / rows;
        return Math.Max(lanes, block / lanes * lanes);
    }

    private void ScoreRange(ReadOnlySpan<double> columns, int n, int from, int to, Span<HealthScore> results, Span<double> contributions, int block)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ScoreRange<Vector512<double>, Simd512>(columns, n, from, to, results, contributions, block, PackedResults);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            ScoreRange<Vector256<double>, Simd256>(columns, n, from, to, results, contributions, block, PackedResults);
        }
        else
        {
            ScoreRange<Vector128<double>, Simd128>(columns, n, from, to, results, contributions, block, PackedResults);
        }
    }

    // One vector width chosen by the caller (128, 256 or 512 bits; the processor must run it), so tests can check
    // every width against the scalar path, and the field-by-field writing of results where whole records are written.
    internal void ScoreBatch(int vectorBits, ReadOnlySpan<double> columns, Span<HealthScore> results, Span<double> contributions, int blockSize, bool fieldByField = false)
    {
        var n = results.Length;
        CheckBatch(columns.Length, n, contributions.Length);
        var packed = PackedResults && !fieldByField;
        switch (vectorBits)
        {
            case 512:
                ScoreRange<Vector512<double>, Simd512>(columns, n, 0, n, results, contributions, BlockFor(blockSize, Vector512<double>.Count), packed);
                break;
            case 256:
                ScoreRange<Vector256<double>, Simd256>(columns, n, 0, n, results, contributions, BlockFor(blockSize, Vector256<double>.Count), packed);
                break;
            default:
                ScoreRange<Vector128<double>, Simd128>(columns, n, 0, n, results, contributions, BlockFor(blockSize, Vector128<double>.Count), packed);
                break;
        }
    }

    private void ScoreRange<TV, TOps>(ReadOnlySpan<double> columns, int n, int from, int to, Span<HealthScore> results, Span<double> contributions, int block, bool packed)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var rows = _metricCount + (2 * _groupCount) + 4;
        var count = to - from;
        if (count <= 0)
        {
            return;
        }

        var lanes = TOps.Count;
        block = Math.Min(block, (count + lanes - 1) / lanes * lanes);
        var length = (rows * block) + CacheLineDoubles;
        using var owner = length <= StackScratchLimit ? default : ScratchBuffer<double>.Rent(length);
        var scratch = AlignToCacheLine(owner.IsRented ? owner.Span : stackalloc double[length], rows * block);

        // The last row stays zero: sums start from it, as the scalar sums start from 0.0.
        scratch.Slice((rows - 1) * block, block).Clear();
        Span<double> one = stackalloc double[Math.Min(_metricCount, 256)];
        Span<double> oneContributions = stackalloc double[Math.Min(_metricCount, 256)];
        Span<double> oneGroups = stackalloc double[Math.Min(2 * _groupCount, 256)];
        if (_metricCount > 256 || 2 * _groupCount > 256)
        {
            one = new double[_metricCount];
            oneContributions = new double[_metricCount];
            oneGroups = new double[2 * _groupCount];
        }

        // A few accounts one by one first, so the vector loads of the first column start on a cache line (and those
        // of every column when the column length is a multiple of the line); small ranges are not worth it.
        if (count >= 4 * block)
        {
            var lead = LeadToCacheLine(columns, from, lanes);
            ScoreOneByOne(columns, n, from, from + lead, results, contributions, one, oneContributions, oneGroups);
            from += lead;
        }

        for (var start = from; start < to; start += block)
        {
            var length1 = Math.Min(block, to - start);
            var vectorised = length1 / lanes * lanes;
            if (vectorised > 0)
            {
                ScoreBlock<TV, TOps>(columns, n, start, vectorised, block, scratch, results, contributions, packed);
            }

            // The ragged end of the range goes through the scalar routine, which computes exactly the same numbers.
            ScoreOneByOne(columns, n, start + vectorised, start + length1, results, contributions, one, oneContributions, oneGroups);
        }
    }

    private void ScoreOneByOne(ReadOnlySpan<double> columns, int n, int from, int to, Span<HealthScore> results, Span<double> contributions, Span<double> one, Span<double> oneContributions, Span<double> oneGroups)
    {
        for (var i = from; i < to; i++)
        {
            for (var m = 0; m < _metricCount; m++)
            {
                one[m] = columns[(m * n) + i];
            }

            results[i] = ScoreCore(one, oneContributions, oneGroups);
            if (!contributions.IsEmpty)
            {
                for (var m = 0; m < _metricCount; m++)
                {
                    contributions[(m * n) + i] = oneContributions[m];
                }
            }
        }
    }

    // How many accounts from `from` until the first column's values sit on a 64-byte boundary (or a vector's width,
    // when narrower); none when doubles are not even 8-byte aligned.
    private static unsafe int LeadToCacheLine(ReadOnlySpan<double> columns, int from, int lanes)
    {
        var bytes = (nuint)Math.Min(64, lanes * sizeof(double));
        var address = (nuint)Unsafe.AsPointer(ref Unsafe.AsRef(in columns[from]));
        if (address % sizeof(double) != 0)
        {
            return 0;
        }

        return (int)(((bytes - (address % bytes)) % bytes) / sizeof(double));
    }

    // One block of `count` accounts (a multiple of the vector width) starting at `start`; the scratch rows have
    // stride `stride`. Every lane performs the floating-point operations of ScoreCore in the same order. Each pass is
    // a loop over independent vectors, so the long chains of one account (sums, divisions, K of nested groups)
    // overlap those of the next vectors.
    private void ScoreBlock<TV, TOps>(ReadOnlySpan<double> columns, int n, int start, int count, int stride, Span<double> scratch, Span<HealthScore> results, Span<double> contributions, bool packed)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var metricCount = _metricCount;
        var groupCount = _groupCount;
        ref var s0 = ref MemoryMarshal.GetReference(scratch);
        ref var a0 = ref Unsafe.Add(ref s0, metricCount * stride);
        ref var k0 = ref Unsafe.Add(ref a0, groupCount * stride);
        ref var coverage = ref Unsafe.Add(ref k0, groupCount * stride);
        ref var zeros = ref Unsafe.Add(ref coverage, 3 * stride);
        ref readonly var input = ref MemoryMarshal.GetReference(columns);

        // The columns of the next block, fetched while this one is scored (none past the last block).
        var prefetchAhead = (nint)(start + count + count <= n ? count : 0);

        // Pass 1: points, coverage and each group's active weight from its own metrics, one kernel per scaling kind.
        // The first metric of a group (and the first of all, for coverage) adds to the zero row, not to stale sums.
        var previousGroup = -1;
        for (var m = 0; m < metricCount; m++)
        {
            ref var x = ref Unsafe.Add(ref Unsafe.AsRef(in input), ((nint)m * n) + start);
            ref var points = ref Unsafe.Add(ref s0, m * stride);
            var group = _metricGroup[m];
            ref var groupActive = ref Unsafe.Add(ref a0, group * stride);
            ref var groupBase = ref group == previousGroup ? ref groupActive : ref zeros;
            ref var coverageBase = ref m == 0 ? ref zeros : ref coverage;
            previousGroup = group;
            var plan = new PassRows(ref x, ref points, ref coverageBase, ref coverage, ref groupBase, ref groupActive);
            var p = _paramStart[m];
            var pc = _paramCount[m];
            switch (_kind[m])
            {
                case KindStep:
                    MetricPass<TV, TOps, StepScaling<TV>>(new StepScaling<TV>(_params, p, pc), in _plan[m], plan, count, prefetchAhead);
                    break;
                case KindPiecewise when pc == 2:
                    MetricPass<TV, TOps, LineScaling<TV>>(LineScaling<TV>.Create<TOps>(_params, p), in _plan[m], plan, count, prefetchAhead);
                    break;
                case KindPiecewise:
                    MetricPass<TV, TOps, PiecewiseScaling<TV>>(new PiecewiseScaling<TV>(_params, p, pc), in _plan[m], plan, count, prefetchAhead);
                    break;
                case KindLog when pc == 2:
                    MetricPass<TV, TOps, LogLineScaling<TV>>(new LogLineScaling<TV>(LogClamp<TV>.Create<TOps>(_logMin[m], _logMax[m], _logOffset[m]), LineScaling<TV>.Create<TOps>(_params, p)), in _plan[m], plan, count, prefetchAhead);
                    break;
                case KindLog:
                    MetricPass<TV, TOps, LogScaling<TV>>(new LogScaling<TV>(LogClamp<TV>.Create<TOps>(_logMin[m], _logMax[m], _logOffset[m]), _params, p, pc), in _plan[m], plan, count, prefetchAhead);
                    break;
                default:
                    {
                        // Rank look-ups are scalar in both paths; the kernel then only applies the missing-data rules.
                        var sorted = new ReadOnlySpan<double>(_params, p, pc);
                        for (var j = 0; j < count; j++)
                        {
                            var v = Unsafe.Add(ref x, j);
                            Unsafe.Add(ref points, j) = double.IsFinite(v) ? Percentile(sorted, v, _invert[m]) : 0.0;
                        }

                        MetricPass<TV, TOps, PrecomputedScaling<TV>>(default, in _plan[m], plan, count, prefetchAhead);
                        break;
                    }
            }
        }

        GroupPasses<TV, TOps>(ref a0, ref k0, ref zeros, stride, count);
        FinishPass<TV, TOps>(ref s0, ref k0, ref a0, ref coverage, stride, n, start, count, results, contributions, packed);
    }

    // Pass 2 (children first): nested groups add their weight where they have any active weight; a group without
    // metrics of its own starts from zero. Pass 3 (parents first): K = K(parent) * weight * (1 / A), 0 where A = 0.
    // Dividing every lane costs less than a branch on whether all lanes could take the precomputed inverse (it
    // mispredicts with sparse gaps).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GroupPasses<TV, TOps>(ref double a0, ref double k0, ref double zeros, int stride, int count)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var lanes = TOps.Count;
        var zero = TOps.Zero;
        var one = TOps.One;
        for (var g = _groupCount - 1; g >= 0; g--)
        {
            var first = _subgroupStart[g];
            var end = _subgroupEnd[g];
            if (first == end)
            {
                continue;
            }

            ref var sum = ref Unsafe.Add(ref a0, g * stride);
            ref var from = ref _groupHasMetrics[g] ? ref sum : ref zeros;
            for (var j = 0; j < count; j += lanes)
            {
                var offset = (nuint)j;
                var total = TOps.Load(ref from, offset);
                for (var s = first; s < end; s++)
                {
                    // total + weight * 1 or total + weight * 0: the sum, or the total unchanged (it is never -0).
                    var child = _subgroups[s];
                    var active = TOps.GreaterThan(TOps.Load(ref Unsafe.Add(ref a0, child * stride), offset), zero);
                    total = TOps.Select(active, TOps.Add(total, TOps.Create(_groupWeight[child])), total);
                }

                TOps.Store(total, ref sum, offset);
            }
        }

        for (var g = 0; g < _groupCount; g++)
        {
            ref var groupA = ref Unsafe.Add(ref a0, g * stride);
            if (!_groupHasMetrics[g] && _subgroupStart[g] == _subgroupEnd[g])
            {
                groupA = ref zeros;
            }

            ref var groupK = ref Unsafe.Add(ref k0, g * stride);
            if (g == 0)
            {
                for (var j = 0; j < count; j += lanes)
                {
                    var a = TOps.Load(ref groupA, (nuint)j);
                    TOps.Store(TOps.Select(TOps.GreaterThan(a, zero), TOps.Divide(one, a), zero), ref groupK, (nuint)j);
                }

                continue;
            }

            ref var parentK = ref Unsafe.Add(ref k0, _groupParent[g] * stride);
            var weight = TOps.Create(_groupWeight[g]);
            for (var j = 0; j < count; j += lanes)
            {
                var a = TOps.Load(ref groupA, (nuint)j);
                var inverse = TOps.Select(TOps.GreaterThan(a, zero), TOps.Divide(one, a), zero);
                TOps.Store(TOps.Multiply(TOps.Multiply(TOps.Load(ref parentK, (nuint)j), weight), inverse), ref groupK, (nuint)j);
            }
        }
    }

    // Pass 4: which lanes are scored, then contributions and their sums metric by metric (each lane's sum still adds
    // them in metric order), then the clamps, band and status, all selected per lane (unscored lanes get NaN, band
    // -1 and zero contributions without a branch), and the results written.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FinishPass<TV, TOps>(ref double s0, ref double k0, ref double a0, ref double cov, int stride, int n, int start, int count, Span<HealthScore> results, Span<double> contributions, bool packed)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var lanes = TOps.Count;
        var zero = TOps.Zero;
        var one = TOps.One;
        ref var scoredRow = ref Unsafe.Add(ref cov, stride);
        ref var sums = ref Unsafe.Add(ref scoredRow, stride);
        ref var zeros = ref Unsafe.Add(ref sums, stride);
        var withContributions = !contributions.IsEmpty;
        if (withContributions)
        {
            // Unscored lanes get zero contributions: which lanes are scored, before the contributions.
            for (var j = 0; j < count; j += lanes)
            {
                TOps.Store(Scored<TV, TOps>(ref cov, ref a0, (nuint)j, out _), ref scoredRow, (nuint)j);
            }
        }

        // Two metrics at a time where there are two: (sum + c1) + c2, the same additions with half the loads and
        // stores of the sums.
        ref var output = ref MemoryMarshal.GetReference(contributions);
        for (var m = 0; m < _metricCount; m += 2)
        {
            var second = m + 1 < _metricCount;
            var next = second ? m + 1 : m;
            ref var k = ref Unsafe.Add(ref k0, _metricGroup[m] * stride);
            ref var k2 = ref Unsafe.Add(ref k0, _metricGroup[next] * stride);
            ref var points = ref Unsafe.Add(ref s0, m * stride);
            ref var points2 = ref Unsafe.Add(ref s0, next * stride);
            ref var destination = ref Unsafe.Add(ref output, ((nint)m * n) + start);
            ref var destination2 = ref Unsafe.Add(ref output, ((nint)next * n) + start);
            ref var from = ref m == 0 ? ref zeros : ref sums;
            var weight = TOps.Create(_metricWeight[m]);
            var weight2 = TOps.Create(_metricWeight[next]);
            for (var j = 0; j < count; j += lanes)
            {
                var offset = (nuint)j;
                var c = TOps.Multiply(TOps.Multiply(TOps.Load(ref k, offset), weight), TOps.Load(ref points, offset));
                var sum = TOps.Add(TOps.Load(ref from, offset), c);
                var c2 = zero;
                if (second)
                {
                    c2 = TOps.Multiply(TOps.Multiply(TOps.Load(ref k2, offset), weight2), TOps.Load(ref points2, offset));
                    sum = TOps.Add(sum, c2);
                }

                TOps.Store(sum, ref sums, offset);
                if (withContributions)
                {
                    var scored = TOps.Load(ref scoredRow, offset);
                    TOps.Store(TOps.Select(scored, c, zero), ref destination, offset);
                    if (second)
                    {
                        TOps.Store(TOps.Select(scored, c2, zero), ref destination2, offset);
                    }
                }
            }

            if (!second)
            {
                m--;
            }
        }

        ref var bandCuts = ref MemoryMarshal.GetArrayDataReference(_bandCuts);
        var cuts = _bandCuts.Length;
        ref var result = ref Unsafe.As<HealthScore, double>(ref Unsafe.Add(ref MemoryMarshal.GetReference(results), start));
        var hundred = TOps.Create(100.0);
        var version = TOps.Create(BitConverter.UInt64BitsToDouble(Version.Value));
        for (var j = 0; j < count; j += lanes)
        {
            var offset = (nuint)j;
            var scored = Scored<TV, TOps>(ref cov, ref a0, offset, out var coverage);
            var sum = TOps.Load(ref sums, offset);
            sum = TOps.Select(TOps.GreaterThan(sum, hundred), hundred, sum);
            var band = zero;
            for (var i = 0; i < cuts; i++)
            {
                band = TOps.Select(TOps.GreaterOrEqual(sum, TOps.Create(Unsafe.Add(ref bandCuts, i))), TOps.Add(band, one), band);
            }

            var score = TOps.Select(scored, sum, TOps.Create(double.NaN));
            if (packed)
            {
                // Band and status share the third 8 bytes of a result: the band as a 32-bit integer (exact through
                // the 2^52 trick), then the status byte; -1 and InsufficientData for unscored lanes.
                var bandBits = TOps.Xor(TOps.Add(band, TOps.Create(TwoTo52)), TOps.Create(TwoTo52));
                var bandAndStatus = TOps.Select(scored, bandBits, TOps.Create(UnscoredBandAndStatus));
                TOps.StoreInterleaved(score, coverage, bandAndStatus, version, ref Unsafe.Add(ref result, 4 * j));
            }
            else
            {
                // Field by field; the band is -1 exactly where the result is not scored.
                band = TOps.Select(scored, band, TOps.Create(-1.0));
                for (var i = 0; i < lanes; i++)
                {
                    var bandIndex = (int)TOps.GetElement(band, i);
                    results[start + j + i] = new HealthScore(
                        TOps.GetElement(score, i),
                        bandIndex,
                        TOps.GetElement(coverage, i),
                        bandIndex < 0 ? HealthStatus.InsufficientData : HealthStatus.Scored,
                        Version);
                }
            }
        }
    }

    // The coverage of a vector of accounts (clamped to 1) and which of them are scored.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Scored<TV, TOps>(ref double cov, ref double a0, nuint offset, out TV coverage)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var one = TOps.One;
        coverage = TOps.Load(ref cov, offset);
        coverage = TOps.Select(TOps.GreaterThan(coverage, one), one, coverage);
        return TOps.And(TOps.GreaterThan(TOps.Load(ref a0, offset), TOps.Zero), TOps.GreaterOrEqual(TOps.Add(coverage, TOps.Create(CoverageSlack)), TOps.Create(_minimumCoverage)));
    }

    // Applies one metric's scaling and missing-data rules to a block: points into the scratch row, the metric's
    // nominal weight into coverage where it has data, and its active weight into its group's where it counts (the
    // weight, or the product weight * 0/1 the scalar path forms for a missing value).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MetricPass<TV, TOps, TScaling>(TScaling scaling, in MetricPlan metric, PassRows rows, int count, nint prefetchAhead)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
        where TScaling : struct, IScaling<TV>
    {
        var lanes = TOps.Count;
        var zero = TOps.Zero;
        var weight = TOps.Create(metric.Weight);
        var missingWeight = TOps.Create(metric.MissingWeight);
        var nominal = TOps.Create(metric.Nominal);
        var missingPoints = TOps.Create(metric.MissingPoints);
        ref var x = ref rows.Values;
        ref var points = ref rows.Points;
        ref var coverageFrom = ref rows.CoverageFrom;
        ref var coverage = ref rows.Coverage;
        ref var activeFrom = ref rows.ActiveFrom;
        ref var active = ref rows.Active;
        for (var j = 0; j < count; j += lanes)
        {
            var offset = (nuint)j;
            var value = TOps.Load(ref x, offset);
            var finite = TOps.Equal(TOps.Subtract(value, value), zero);
            Prefetch(ref Unsafe.Add(ref x, (nint)offset + prefetchAhead));
            var pts = scaling.Apply<TOps>(value, ref points, offset);
            TOps.Store(TOps.Select(finite, pts, missingPoints), ref points, offset);
            TOps.Store(TOps.Add(TOps.Load(ref coverageFrom, offset), TOps.Select(finite, nominal, zero)), ref coverage, offset);
            TOps.Store(TOps.Add(TOps.Load(ref activeFrom, offset), TOps.Select(finite, weight, missingWeight)), ref active, offset);
        }
    }

    // The rows one metric pass reads and writes.
    private readonly ref struct PassRows(ref double values, ref double points, ref double coverageFrom, ref double coverage, ref double activeFrom, ref double active)
    {
        public readonly ref double Values = ref values;
        public readonly ref double Points = ref points;
        public readonly ref double CoverageFrom = ref coverageFrom;
        public readonly ref double Coverage = ref coverage;
        public readonly ref double ActiveFrom = ref activeFrom;
        public readonly ref double Active = ref active;
    }

    // Points of one metric for a vector of values (non-finite lanes give anything; the caller replaces them). The
    // structs hold their parameters as vectors, broadcast once per block rather than once per vector.
    private interface IScaling<TV>
        where TV : struct
    {
        TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>;
    }

    private readonly struct StepScaling<TV>(double[] parameters, int start, int cuts) : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
            => Step<TV, TOps>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), start), cuts, x);
    }

    // Two knots (linear scalings): the operations of the scalar Piecewise for two knots.
    private readonly struct LineScaling<TV>(TV x0, TV x1, TV y0, TV y1, TV slope) : IScaling<TV>
        where TV : struct
    {
        public static LineScaling<TV> Create<TOps>(double[] parameters, int start)
            where TOps : struct, ISimdOps<TV>
            => new(
                TOps.Create(parameters[start]),
                TOps.Create(parameters[start + 1]),
                TOps.Create(parameters[start + 2]),
                TOps.Create(parameters[start + 3]),
                TOps.Create(parameters[start + 4]));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
        {
            var r = TOps.Select(TOps.GreaterOrEqual(x, x0), TOps.Add(y0, TOps.Multiply(TOps.Subtract(x, x0), slope)), y0);
            return TOps.Select(TOps.GreaterOrEqual(x, x1), y1, r);
        }
    }

    private readonly struct PiecewiseScaling<TV>(double[] parameters, int start, int count) : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
            => Piecewise<TV, TOps>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), start), count, x);
    }

    // The logarithm's clamp and offset; without the rescaling of subnormal inputs when the clamp rules them out.
    private readonly struct LogClamp<TV>(TV min, TV max, TV offset, bool normal)
        where TV : struct
    {
        public static LogClamp<TV> Create<TOps>(double min, double max, double offset)
            where TOps : struct, ISimdOps<TV>
            => new(TOps.Create(min), TOps.Create(max), TOps.Create(offset), min + offset >= HealthMath.SmallestNormal);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x)
            where TOps : struct, ISimdOps<TV>
        {
            var clamped = TOps.Select(TOps.LessThan(x, min), min, x);
            clamped = TOps.Select(TOps.GreaterThan(clamped, max), max, clamped);
            var shifted = TOps.Add(clamped, offset);
            return normal ? HealthMath.LogOfNormal<TV, TOps>(shifted) : HealthMath.Log<TV, TOps>(shifted);
        }
    }

    private readonly struct LogLineScaling<TV>(LogClamp<TV> transform, LineScaling<TV> line) : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
            => line.Apply<TOps>(transform.Apply<TOps>(x), ref points, offset);
    }

    private readonly struct LogScaling<TV>(LogClamp<TV> transform, double[] parameters, int start, int count) : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
            => Piecewise<TV, TOps>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), start), count, transform.Apply<TOps>(x));
    }

    private readonly struct PrecomputedScaling<TV> : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
            => TOps.Load(ref points, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Step<TV, TOps>(ref double p, int cuts, TV x)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        // p: the cuts, then the points (cuts + 1).
        var r = TOps.Create(Unsafe.Add(ref p, cuts));
        for (var i = 0; i < cuts; i++)
        {
            r = TOps.Select(TOps.GreaterOrEqual(x, TOps.Create(Unsafe.Add(ref p, i))), TOps.Create(Unsafe.Add(ref p, cuts + 1 + i)), r);
        }

        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Piecewise<TV, TOps>(ref double p, int count, TV x)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        // p: count x values, count y values, count - 1 slopes; the operations of the scalar Piecewise.
        if (count == 2)
        {
            var x0 = TOps.Create(p);
            var y0 = TOps.Create(Unsafe.Add(ref p, 2));
            var r2 = TOps.Select(TOps.GreaterOrEqual(x, x0), TOps.Add(y0, TOps.Multiply(TOps.Subtract(x, x0), TOps.Create(Unsafe.Add(ref p, 4)))), y0);
            return TOps.Select(TOps.GreaterOrEqual(x, TOps.Create(Unsafe.Add(ref p, 1))), TOps.Create(Unsafe.Add(ref p, 3)), r2);
        }

        var r = TOps.Create(Unsafe.Add(ref p, count));
        var last = count - 1;
        for (var i = 0; i < last; i++)
        {
            var xi = TOps.Create(Unsafe.Add(ref p, i));
            var y = TOps.Add(TOps.Create(Unsafe.Add(ref p, count + i)), TOps.Multiply(TOps.Subtract(x, xi), TOps.Create(Unsafe.Add(ref p, (2 * count) + i))));
            r = TOps.Select(TOps.GreaterOrEqual(x, xi), y, r);
        }

        return TOps.Select(TOps.GreaterOrEqual(x, TOps.Create(Unsafe.Add(ref p, last))), TOps.Create(Unsafe.Add(ref p, count + last)), r);
    }

    // Asks for a cache line of the next block while this one is scored, so the column streams overlap the arithmetic
    // (a hint: no effect on results; x86 only). It shortens large batches, whose columns come from memory.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref double address)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref address));
        }
    }

    private const int CacheLineDoubles = 8;

    // The scratch from a 64-byte boundary: with the rows a multiple of the vector width apart, no vector load or store
    // of the kernel then straddles two cache lines. (Pooled arrays may move; that costs speed, never results.)
    private static unsafe Span<double> AlignToCacheLine(Span<double> memory, int length)
    {
        if (length == 0)
        {
            return memory[..length];
        }

        var address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(memory));
        var skip = (int)((64 - (address & 63)) & 63) / sizeof(double);
        return memory.Slice(skip, length);
    }

    private const double TwoTo52 = 4503599627370496.0;

    // Band -1 (all 32 bits set) and status InsufficientData (1) in the byte after it.
    private static readonly double UnscoredBandAndStatus = BitConverter.UInt64BitsToDouble(0x1_FFFF_FFFFUL);

    // Whether the runtime lays a HealthScore out as score, coverage, band (32 bits), status (8 bits), version in
    // 32 bytes, so the kernel can write four fields of a result at once. The layout is the runtime's choice
    // (LayoutKind.Auto); a probe value tells, and any other layout takes the field-by-field path.
    private static readonly bool PackedResults = ProbeResultLayout();

    private static bool ProbeResultLayout()
    {
        if (Unsafe.SizeOf<HealthScore>() != 32 || !BitConverter.IsLittleEndian)
        {
            return false;
        }

        var probe = new HealthScore(1.5, 0x0A0B0C0D, 2.5, (HealthStatus)0x5A, new ScorecardVersion(0x0123456789ABCDEFUL));
        ref var b = ref Unsafe.As<HealthScore, byte>(ref probe);
        return Unsafe.ReadUnaligned<double>(ref b) == 1.5
            && Unsafe.ReadUnaligned<double>(ref Unsafe.Add(ref b, 8)) == 2.5
            && Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref b, 16)) == 0x0A0B0C0D
            && Unsafe.Add(ref b, 20) == 0x5A
            && Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, 24)) == 0x0123456789ABCDEFUL;
    }
}

/// <summary>How batch scoring splits its work. Immutable; each property validates its value when set.</summary>
public sealed class HealthBatchOptions
{
    /// <summary>The defaults: one thread, automatic block size.</summary>
    public static HealthBatchOptions Default { get; } = new();

    /// <summary>
    /// Threads used by <see cref="CompiledScorecard.ScoreBatchParallel"/>: 1 for the calling thread only, 0 or -1 for
    /// one per processor.
    /// </summary>
    /// <value>The default is 1.</value>
    /// <exception cref="InvalidOptionException">The value is below -1.</exception>
    public int MaxDegreeOfParallelism
    {
        get;
        init => field = OptionGuard.AtLeast(value, -1, nameof(HealthBatchOptions));
    } = 1;

    /// <summary>
    /// Accounts per block (rounded down to a multiple of the vector width); 0 picks a block whose scratch fits in
    /// about 32 KB, the size of a typical L1 data cache. The results do not depend on it.
    /// </summary>
    /// <value>The default is 0 (automatic).</value>
    /// <exception cref="InvalidOptionException">The value is negative.</exception>
    public int BlockSize
    {
        get;
        init => field = OptionGuard.AtLeast(value, 0, nameof(HealthBatchOptions));
    }
}
