using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
            HealthThrow.BatchLength(columns, _metricCount, accounts, nameof(columns));
        }

        if (contributions != 0 && (long)contributions < (long)_metricCount * accounts)
        {
            HealthThrow.DestinationTooShort(contributions, _metricCount * accounts, nameof(contributions));
        }
    }

    private int BlockFor(HealthBatchOptions? options)
    {
        var lanes = Vector<double>.Count;
        var rows = _metricCount + (2 * _groupCount) + 2;
        var block = options is { BlockSize: > 0 } ? options.BlockSize : ScratchBudgetDoubles / rows;
        return Math.Max(lanes, block / lanes * lanes);
    }

    private void ScoreRange(ReadOnlySpan<double> columns, int n, int from, int to, Span<HealthScore> results, Span<double> contributions, int block)
    {
        var rows = _metricCount + (2 * _groupCount) + 2;
        var count = to - from;
        if (count <= 0)
        {
            return;
        }

        var lanes = Vector<double>.Count;
        block = Math.Min(block, (count + lanes - 1) / lanes * lanes);
        var length = rows * block;
        double[]? rented = null;
        var scratch = length <= StackScratchLimit ? stackalloc double[length] : (rented = ArrayPool<double>.Shared.Rent(length)).AsSpan(0, length);
        Span<double> one = stackalloc double[Math.Min(_metricCount, 256)];
        Span<double> oneContributions = stackalloc double[Math.Min(_metricCount, 256)];
        Span<double> oneGroups = stackalloc double[Math.Min(2 * _groupCount, 256)];
        if (_metricCount > 256 || 2 * _groupCount > 256)
        {
            one = new double[_metricCount];
            oneContributions = new double[_metricCount];
            oneGroups = new double[2 * _groupCount];
        }

        try
        {
            for (var start = from; start < to; start += block)
            {
                var length1 = Math.Min(block, to - start);
                var vectorised = length1 / lanes * lanes;
                if (vectorised > 0)
                {
                    ScoreBlock(columns, n, start, vectorised, block, scratch, results, contributions);
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
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    // One block of `count` accounts (a multiple of the vector width) starting at `start`; the scratch rows have stride `stride`.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScoreBlock(ReadOnlySpan<double> columns, int n, int start, int count, int stride, Span<double> scratch, Span<HealthScore> results, Span<double> contributions)
    {
        var lanes = Vector<double>.Count;
        var metricCount = _metricCount;
        var groupCount = _groupCount;
        ref var s0 = ref MemoryMarshal.GetReference(scratch);
        ref var a0 = ref Unsafe.Add(ref s0, metricCount * stride);
        ref var k0 = ref Unsafe.Add(ref a0, groupCount * stride);
        ref var cov = ref Unsafe.Add(ref k0, groupCount * stride);
        ref var score = ref Unsafe.Add(ref cov, stride);
        ref readonly var input = ref MemoryMarshal.GetReference(columns);
        var zero = Vector<double>.Zero;
        var oneV = Vector<double>.One;

        scratch.Slice(metricCount * stride, groupCount * stride).Clear();
        scratch.Slice((metricCount + (2 * groupCount)) * stride, 2 * stride).Clear();

        // Pass 1: points, coverage and each group's active weight from its own metrics.
        for (var m = 0; m < metricCount; m++)
        {
            ref var x = ref Unsafe.Add(ref Unsafe.AsRef(in input), (nint)m * n + start);
            ref var points = ref Unsafe.Add(ref s0, m * stride);
            ref var groupActive = ref Unsafe.Add(ref a0, _metricGroup[m] * stride);
            var weight = new Vector<double>(_metricWeight[m]);
            var nominal = new Vector<double>(_metricNominal[m]);
            var missingPoints = new Vector<double>(_missingPoints[m]);
            var missingActive = _missingPolicy[m] == (byte)MissingDataPolicy.Redistribute ? zero : oneV;
            var kind = _kind[m];
            var p = _paramStart[m];
            var pc = _paramCount[m];
            if (kind == KindLog || kind == KindPercentile)
            {
                // Logarithms and rank look-ups are scalar in both paths, so both give the same bits.
                var percentile = new ReadOnlySpan<double>(_params, p, pc);
                for (var j = 0; j < count; j++)
                {
                    var v = Unsafe.Add(ref x, j);
                    Unsafe.Add(ref points, j) = !double.IsFinite(v) ? 0.0
                        : kind == KindLog ? LogTransform(v, _logMin[m], _logOffset[m])
                        : Percentile(percentile, v, _invert[m]);
                }
            }

            for (var j = 0; j < count; j += lanes)
            {
                var value = Vector.LoadUnsafe(ref x, (nuint)j);
                var finite = Vector.Equals(value - value, zero);
                Vector<double> pts;
                switch (kind)
                {
                    case KindStep:
                        pts = Step(value, p, pc);
                        break;
                    case KindPiecewise:
                        pts = PiecewiseVector(value, p, pc);
                        break;
                    case KindLog:
                        pts = PiecewiseVector(Vector.LoadUnsafe(ref points, (nuint)j), p, pc);
                        break;
                    default:
                        pts = Vector.LoadUnsafe(ref points, (nuint)j);
                        break;
                }

                Vector.ConditionalSelect(finite, pts, missingPoints).StoreUnsafe(ref points, (nuint)j);
                var active = Vector.ConditionalSelect(finite, oneV, missingActive);
                var data = Vector.ConditionalSelect(finite, oneV, zero);
                (Vector.LoadUnsafe(ref cov, (nuint)j) + (data * nominal)).StoreUnsafe(ref cov, (nuint)j);
                (Vector.LoadUnsafe(ref groupActive, (nuint)j) + (weight * active)).StoreUnsafe(ref groupActive, (nuint)j);
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
                var total = Vector.LoadUnsafe(ref sum, (nuint)j);
                for (var s = _subgroupStart[g]; s < _subgroupEnd[g]; s++)
                {
                    var child = _subgroups[s];
                    var childA = Vector.LoadUnsafe(ref Unsafe.Add(ref a0, child * stride), (nuint)j);
                    var active = Vector.ConditionalSelect(Vector.GreaterThan(childA, zero), oneV, zero);
                    total += new Vector<double>(_groupWeight[child]) * active;
                }

                total.StoreUnsafe(ref sum, (nuint)j);
            }
        }

        // Pass 3 (parents first): K = E / A.
        for (var j = 0; j < count; j += lanes)
        {
            var rootA = Vector.LoadUnsafe(ref a0, (nuint)j);
            Vector.ConditionalSelect(Vector.GreaterThan(rootA, zero), oneV / rootA, zero).StoreUnsafe(ref k0, (nuint)j);
        }

        for (var g = 1; g < groupCount; g++)
        {
            ref var groupA = ref Unsafe.Add(ref a0, g * stride);
            ref var parentK = ref Unsafe.Add(ref k0, _groupParent[g] * stride);
            ref var groupK = ref Unsafe.Add(ref k0, g * stride);
            var weight = new Vector<double>(_groupWeight[g]);
            for (var j = 0; j < count; j += lanes)
            {
                var a = Vector.LoadUnsafe(ref groupA, (nuint)j);
                var positive = Vector.GreaterThan(a, zero);
                var active = Vector.ConditionalSelect(positive, oneV, zero);
                var e = Vector.LoadUnsafe(ref parentK, (nuint)j) * weight * active;
                Vector.ConditionalSelect(positive, e / a, zero).StoreUnsafe(ref groupK, (nuint)j);
            }
        }

        // Pass 4: contributions and their sum, in metric order.
        var withContributions = !contributions.IsEmpty;
        for (var m = 0; m < metricCount; m++)
        {
            ref var points = ref Unsafe.Add(ref s0, m * stride);
            ref var groupK = ref Unsafe.Add(ref k0, _metricGroup[m] * stride);
            var weight = new Vector<double>(_metricWeight[m]);
            for (var j = 0; j < count; j += lanes)
            {
                var c = Vector.LoadUnsafe(ref groupK, (nuint)j) * weight * Vector.LoadUnsafe(ref points, (nuint)j);
                (Vector.LoadUnsafe(ref score, (nuint)j) + c).StoreUnsafe(ref score, (nuint)j);
                if (withContributions)
                {
                    c.StoreUnsafe(ref MemoryMarshal.GetReference(contributions), (nuint)(((long)m * n) + start + j));
                }
            }
        }

        // Pass 5: status, band and the result structs.
        ref var result = ref Unsafe.Add(ref MemoryMarshal.GetReference(results), start);
        for (var j = 0; j < count; j++)
        {
            var coverage = Unsafe.Add(ref cov, j);
            coverage = coverage > 1.0 ? 1.0 : coverage;
            if (Unsafe.Add(ref a0, j) > 0.0 && coverage + CoverageSlack >= _minimumCoverage)
            {
                var value = Unsafe.Add(ref score, j);
                value = value > 100.0 ? 100.0 : value;
                Unsafe.Add(ref result, j) = new HealthScore(value, BandOf(value), coverage, HealthStatus.Scored, Version);
            }
            else
            {
                Unsafe.Add(ref result, j) = new HealthScore(double.NaN, -1, coverage, HealthStatus.InsufficientData, Version);
                if (withContributions)
                {
                    for (var m = 0; m < metricCount; m++)
                    {
                        contributions[(m * n) + start + j] = 0.0;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<double> Step(Vector<double> x, int start, int cuts)
    {
        ref var p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_params), start);
        var r = new Vector<double>(Unsafe.Add(ref p, cuts));
        for (var i = 0; i < cuts; i++)
        {
            r = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, new Vector<double>(Unsafe.Add(ref p, i))), new Vector<double>(Unsafe.Add(ref p, cuts + 1 + i)), r);
        }

        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<double> PiecewiseVector(Vector<double> x, int start, int count)
    {
        ref var p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_params), start);
        var r = new Vector<double>(Unsafe.Add(ref p, count));
        var last = count - 1;
        for (var i = 0; i < last; i++)
        {
            var xi = new Vector<double>(Unsafe.Add(ref p, i));
            var y = new Vector<double>(Unsafe.Add(ref p, count + i)) + ((x - xi) * new Vector<double>(Unsafe.Add(ref p, (2 * count) + i)));
            r = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, xi), y, r);
        }

        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, new Vector<double>(Unsafe.Add(ref p, last))), new Vector<double>(Unsafe.Add(ref p, count + last)), r);
    }
}

/// <summary>How batch scoring splits its work. Immutable; validated on construction of each property.</summary>
public sealed class HealthBatchOptions
{
    /// <summary>The defaults: one thread, automatic block size.</summary>
    public static HealthBatchOptions Default { get; } = new();

    /// <summary>
    /// Threads used by <see cref="CompiledScorecard.ScoreBatchParallel"/>: 1 for the calling thread only, 0 or -1 for
    /// one per processor.
    /// </summary>
    /// <value>The default is 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below -1.</exception>
    public int MaxDegreeOfParallelism
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -1);
            field = value;
        }
    } = 1;

    /// <summary>
    /// Accounts per block (rounded down to a multiple of the vector width); 0 picks a block whose scratch fits in
    /// about 32 KB, the size of a typical L1 data cache. The results do not depend on it.
    /// </summary>
    /// <value>The default is 0 (automatic).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int BlockSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }
}
