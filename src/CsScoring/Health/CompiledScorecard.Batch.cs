using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CsScoring.Health;

public sealed partial class CompiledScorecard
{
    // Scratch per block: points per metric, active weight and K per group, coverage and score rows.
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
            ScoreRange<Vector512<double>, Simd512>(columns, n, from, to, results, contributions, block);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            ScoreRange<Vector256<double>, Simd256>(columns, n, from, to, results, contributions, block);
        }
        else
        {
            ScoreRange<Vector128<double>, Simd128>(columns, n, from, to, results, contributions, block);
        }
    }

    // One vector width chosen by the caller (128, 256 or 512 bits; the processor must run it), so tests can check
    // every width against the scalar path.
    internal void ScoreBatch(int vectorBits, ReadOnlySpan<double> columns, Span<HealthScore> results, Span<double> contributions, int blockSize)
    {
        var n = results.Length;
        CheckBatch(columns.Length, n, contributions.Length);
        switch (vectorBits)
        {
            case 512:
                ScoreRange<Vector512<double>, Simd512>(columns, n, 0, n, results, contributions, BlockFor(blockSize, Vector512<double>.Count));
                break;
            case 256:
                ScoreRange<Vector256<double>, Simd256>(columns, n, 0, n, results, contributions, BlockFor(blockSize, Vector256<double>.Count));
                break;
            default:
                ScoreRange<Vector128<double>, Simd128>(columns, n, 0, n, results, contributions, BlockFor(blockSize, Vector128<double>.Count));
                break;
        }
    }

    private void ScoreRange<TV, TOps>(ReadOnlySpan<double> columns, int n, int from, int to, Span<HealthScore> results, Span<double> contributions, int block)
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
        var length = rows * block;
        using var owner = length <= StackScratchLimit ? default : ScratchBuffer<double>.Rent(length);
        var scratch = owner.IsRented ? owner.Span : stackalloc double[length];
        Span<double> one = stackalloc double[Math.Min(_metricCount, 256)];
        Span<double> oneContributions = stackalloc double[Math.Min(_metricCount, 256)];
        Span<double> oneGroups = stackalloc double[Math.Min(2 * _groupCount, 256)];
        if (_metricCount > 256 || 2 * _groupCount > 256)
        {
            one = new double[_metricCount];
            oneContributions = new double[_metricCount];
            oneGroups = new double[2 * _groupCount];
        }

        for (var start = from; start < to; start += block)
        {
            var length1 = Math.Min(block, to - start);
            var vectorised = length1 / lanes * lanes;
            if (vectorised > 0)
            {
                ScoreBlock<TV, TOps>(columns, n, start, vectorised, block, scratch, results, contributions);
            }

            // The ragged end of the range goes through the scalar routine, which computes exactly the same numbers.
            for (var i = start + vectorised; i < start + length1; i++)
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
    }

    // One block of `count` accounts (a multiple of the vector width) starting at `start`; the scratch rows have
    // stride `stride`. Every lane performs the floating-point operations of ScoreCore in the same order.
    private void ScoreBlock<TV, TOps>(ReadOnlySpan<double> columns, int n, int start, int count, int stride, Span<double> scratch, Span<HealthScore> results, Span<double> contributions)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
    {
        var lanes = TOps.Count;
        var metricCount = _metricCount;
        var groupCount = _groupCount;
        ref var s0 = ref MemoryMarshal.GetReference(scratch);
        ref var a0 = ref Unsafe.Add(ref s0, metricCount * stride);
        ref var k0 = ref Unsafe.Add(ref a0, groupCount * stride);
        ref var cov = ref Unsafe.Add(ref k0, groupCount * stride);
        ref var score = ref Unsafe.Add(ref cov, stride);
        ref var bands = ref Unsafe.Add(ref score, stride);
        ref var status = ref Unsafe.Add(ref bands, stride);
        ref readonly var input = ref MemoryMarshal.GetReference(columns);
        var zero = TOps.Zero;
        var one = TOps.One;

        scratch.Slice(metricCount * stride, groupCount * stride).Clear();
        scratch.Slice((metricCount + (2 * groupCount)) * stride, stride).Clear();

        // The columns of the next block, fetched while this one is scored (none past the last block).
        var prefetchAhead = (nint)(start + count + count <= n ? count : 0);

        // Pass 1: points, coverage and each group's active weight from its own metrics, one kernel per scaling kind.
        for (var m = 0; m < metricCount; m++)
        {
            ref var x = ref Unsafe.Add(ref Unsafe.AsRef(in input), ((nint)m * n) + start);
            ref var points = ref Unsafe.Add(ref s0, m * stride);
            ref var groupActive = ref Unsafe.Add(ref a0, _metricGroup[m] * stride);
            var p = _paramStart[m];
            var pc = _paramCount[m];
            switch (_kind[m])
            {
                case KindStep:
                    MetricPass<TV, TOps, StepScaling<TV>>(new StepScaling<TV>(_params, p, pc), m, ref x, ref points, ref cov, ref groupActive, count, prefetchAhead);
                    break;
                case KindPiecewise:
                    MetricPass<TV, TOps, PiecewiseScaling<TV>>(new PiecewiseScaling<TV>(_params, p, pc), m, ref x, ref points, ref cov, ref groupActive, count, prefetchAhead);
                    break;
                case KindLog:
                    MetricPass<TV, TOps, LogScaling<TV>>(new LogScaling<TV>(_params, p, pc, _logMin[m], _logMax[m], _logOffset[m]), m, ref x, ref points, ref cov, ref groupActive, count, prefetchAhead);
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

                        MetricPass<TV, TOps, PrecomputedScaling<TV>>(default, m, ref x, ref points, ref cov, ref groupActive, count, prefetchAhead);
                        break;
                    }
            }
        }

        // Pass 2 (children first): nested groups add their weight where they have any active weight.
        for (var g = groupCount - 1; g >= 0; g--)
        {
            if (_subgroupStart[g] == _subgroupEnd[g])
            {
                continue;
            }

            ref var sum = ref Unsafe.Add(ref a0, g * stride);
            for (var j = 0; j < count; j += lanes)
            {
                var total = TOps.Load(ref sum, (nuint)j);
                for (var s = _subgroupStart[g]; s < _subgroupEnd[g]; s++)
                {
                    var child = _subgroups[s];
                    var childA = TOps.Load(ref Unsafe.Add(ref a0, child * stride), (nuint)j);
                    var active = TOps.Select(TOps.GreaterThan(childA, zero), one, zero);
                    total = TOps.Add(total, TOps.Multiply(TOps.Create(_groupWeight[child]), active));
                }

                TOps.Store(total, ref sum, (nuint)j);
            }
        }

        // Pass 3 (parents first): K = K(parent) * weight * (1 / A), as in the scalar path. Dividing every lane costs
        // less than a branch on whether all lanes could take the precomputed inverse (it mispredicts with sparse gaps).
        for (var g = 0; g < groupCount; g++)
        {
            ref var groupA = ref Unsafe.Add(ref a0, g * stride);
            ref var groupK = ref Unsafe.Add(ref k0, g * stride);
            ref var parentK = ref Unsafe.Add(ref k0, (g == 0 ? 0 : _groupParent[g]) * stride);
            var weight = TOps.Create(_groupWeight[g]);
            for (var j = 0; j < count; j += lanes)
            {
                var a = TOps.Load(ref groupA, (nuint)j);
                var inverse = TOps.Select(TOps.GreaterThan(a, zero), TOps.Divide(one, a), zero);
                var k = g == 0 ? inverse : TOps.Multiply(TOps.Multiply(TOps.Load(ref parentK, (nuint)j), weight), inverse);
                TOps.Store(k, ref groupK, (nuint)j);
            }
        }

        // Pass 4: contributions and their sum in metric order, then the clamps, coverage, band and status of each
        // lane, all selected per lane: unscored lanes get NaN, band -1 and zero contributions without a branch.
        var withContributions = !contributions.IsEmpty;
        ref var metricGroup = ref MemoryMarshal.GetArrayDataReference(_metricGroup);
        ref var metricWeight = ref MemoryMarshal.GetArrayDataReference(_metricWeight);
        ref var bandCuts = ref MemoryMarshal.GetArrayDataReference(_bandCuts);
        ref var output = ref MemoryMarshal.GetReference(contributions);
        var hundred = TOps.Create(100.0);
        var slack = TOps.Create(CoverageSlack);
        var minimumCoverage = TOps.Create(_minimumCoverage);
        var notScored = TOps.Create(double.NaN);
        var noBand = TOps.Create(-1.0);
        var insufficient = TOps.Create((double)HealthStatus.InsufficientData);
        var scoredStatus = TOps.Create((double)HealthStatus.Scored);
        for (var j = 0; j < count; j += lanes)
        {
            var offset = (nuint)j;
            var coverage = TOps.Load(ref cov, offset);
            coverage = TOps.Select(TOps.GreaterThan(coverage, one), one, coverage);
            var scored = TOps.And(TOps.GreaterThan(TOps.Load(ref a0, offset), zero), TOps.GreaterOrEqual(TOps.Add(coverage, slack), minimumCoverage));
            var sum = zero;
            for (var m = 0; m < metricCount; m++)
            {
                var k = TOps.Load(ref Unsafe.Add(ref k0, Unsafe.Add(ref metricGroup, m) * stride), offset);
                var c = TOps.Multiply(TOps.Multiply(k, TOps.Create(Unsafe.Add(ref metricWeight, m))), TOps.Load(ref Unsafe.Add(ref s0, m * stride), offset));
                sum = TOps.Add(sum, c);
                if (withContributions)
                {
                    TOps.Store(TOps.Select(scored, c, zero), ref output, (nuint)(((long)m * n) + start + j));
                }
            }

            sum = TOps.Select(TOps.GreaterThan(sum, hundred), hundred, sum);
            var band = zero;
            for (var i = 0; i < _bandCuts.Length; i++)
            {
                band = TOps.Add(band, TOps.Select(TOps.GreaterOrEqual(sum, TOps.Create(Unsafe.Add(ref bandCuts, i))), one, zero));
            }

            TOps.Store(coverage, ref cov, offset);
            TOps.Store(TOps.Select(scored, sum, notScored), ref score, offset);
            TOps.Store(TOps.Select(scored, band, noBand), ref bands, offset);
            TOps.Store(TOps.Select(scored, scoredStatus, insufficient), ref status, offset);
        }

        // Pass 5: the result structs, copied field by field.
        ref var result = ref Unsafe.Add(ref MemoryMarshal.GetReference(results), start);
        var version = Version;
        for (var j = 0; j < count; j++)
        {
            Unsafe.Add(ref result, j) = new HealthScore(
                Unsafe.Add(ref score, j),
                (int)Unsafe.Add(ref bands, j),
                Unsafe.Add(ref cov, j),
                (HealthStatus)(byte)Unsafe.Add(ref status, j),
                version);
        }
    }

    // Applies one metric's scaling and missing-data rules to a block: points into the scratch row, the metric's
    // nominal weight into coverage where it has data, and its active weight into its group's where it counts (the
    // weight, or the product weight * 0/1 the scalar path forms for a missing value).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MetricPass<TV, TOps, TScaling>(TScaling scaling, int m, ref double x, ref double points, ref double coverage, ref double groupActive, int count, nint prefetchAhead)
        where TV : struct
        where TOps : struct, ISimdOps<TV>
        where TScaling : struct, IScaling<TV>
    {
        var lanes = TOps.Count;
        var zero = TOps.Zero;
        ref readonly var metric = ref _plan[m];
        var weight = TOps.Create(metric.Weight);
        var missingWeight = TOps.Create(metric.MissingWeight);
        var nominal = TOps.Create(metric.Nominal);
        var missingPoints = TOps.Create(metric.MissingPoints);
        for (var j = 0; j < count; j += lanes)
        {
            var offset = (nuint)j;
            var value = TOps.Load(ref x, offset);
            var finite = TOps.Equal(TOps.Subtract(value, value), zero);
            Prefetch(ref Unsafe.Add(ref x, (nint)offset + prefetchAhead));
            var pts = scaling.Apply<TOps>(value, ref points, offset);
            TOps.Store(TOps.Select(finite, pts, missingPoints), ref points, offset);
            TOps.Store(TOps.Add(TOps.Load(ref coverage, offset), TOps.Select(finite, nominal, zero)), ref coverage, offset);
            TOps.Store(TOps.Add(TOps.Load(ref groupActive, offset), TOps.Select(finite, weight, missingWeight)), ref groupActive, offset);
        }
    }

    // Points of one metric for a vector of values (non-finite lanes give anything; the caller replaces them).
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
        {
            ref var p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), start);
            var r = TOps.Create(Unsafe.Add(ref p, cuts));
            for (var i = 0; i < cuts; i++)
            {
                r = TOps.Select(TOps.GreaterOrEqual(x, TOps.Create(Unsafe.Add(ref p, i))), TOps.Create(Unsafe.Add(ref p, cuts + 1 + i)), r);
            }

            return r;
        }
    }

    private readonly struct PiecewiseScaling<TV>(double[] parameters, int start, int count) : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
            => Piecewise<TOps>(parameters, start, count, x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TV Piecewise<TOps>(double[] parameters, int start, int count, TV x)
            where TOps : struct, ISimdOps<TV>
        {
            ref var p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), start);
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
    }

    private readonly struct LogScaling<TV>(double[] parameters, int start, int count, double min, double max, double offset) : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset1)
            where TOps : struct, ISimdOps<TV>
        {
            var low = TOps.Create(min);
            var high = TOps.Create(max);
            var clamped = TOps.Select(TOps.LessThan(x, low), low, x);
            clamped = TOps.Select(TOps.GreaterThan(clamped, high), high, clamped);
            return PiecewiseScaling<TV>.Piecewise<TOps>(parameters, start, count, HealthMath.Log<TV, TOps>(TOps.Add(clamped, TOps.Create(offset))));
        }
    }

    private readonly struct PrecomputedScaling<TV> : IScaling<TV>
        where TV : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TOps>(TV x, ref double points, nuint offset)
            where TOps : struct, ISimdOps<TV>
            => TOps.Load(ref points, offset);
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
