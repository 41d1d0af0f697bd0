using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using CsScoring.Benchmarks.Guards;
using CsScoring.Health;

namespace CsScoring.Benchmarks.Health;

/// <summary>One account scored with the sample scorecard (12 metrics in 5 groups, one nested): compiled vs dictionary + LINQ.</summary>
[MemoryDiagnoser]
[Guarded]
public class HealthSingleScoringBenchmarks
{
    private CompiledScorecard _scorecard = null!;
    private DictionaryScorer _baseline = null!;
    private double[] _values = null!;
    private double[] _gappy = null!;
    private double[] _contributions = null!;
    private string[] _columns = null!;

    [GlobalSetup]
    public void Setup()
    {
        var definition = HealthBenchmarkData.SampleScorecard();
        _scorecard = definition.Compile();
        _baseline = new DictionaryScorer(definition);
        _values = HealthBenchmarkData.Columns(_scorecard, 1, missing: 0.0, seed: 7);
        _gappy = (double[])_values.Clone();
        _gappy[_scorecard.IndexOf("usage_trend")] = double.NaN; // its weight is redistributed within its group
        _contributions = new double[_scorecard.MetricCount];
        _columns = [.. _scorecard.Metrics.Select(m => m.Column)];
        var expected = _scorecard.Score(_values);
        if (Math.Abs(Baseline().Score - expected.Score) > 1e-9)
        {
            throw new InvalidOperationException($"The baseline scores {Baseline().Score}, the compiled scorecard {expected.Score}.");
        }
    }

    [Benchmark(Description = "compiled, one metric missing")]
    [ZeroAllocationGuard]
    public HealthScore CompiledWithGap() => _scorecard.Score(_gappy, _contributions);

    [Benchmark(Baseline = true, Description = "dictionary + LINQ")]
    public HealthScore Baseline()
    {
        var values = new Dictionary<string, double>(_columns.Length);
        for (var m = 0; m < _columns.Length; m++)
        {
            values[_columns[m]] = _values[m];
        }

        return _baseline.Score(values, _scorecard.Version);
    }

    [Benchmark(Description = "compiled, all metrics present")]
    [ZeroAllocationGuard]
    [SpeedupGuard(20)]
    public HealthScore Compiled() => _scorecard.Score(_values, _contributions);
}

/// <summary>
/// 1,000,000 accounts × 12 metrics (5% missing) scored on one core: vectorised batch vs dictionary + LINQ per account.
/// </summary>
/// <remarks>
/// How to read the table: <c>Values/s</c> is 12,000,000 values over the mean time. <c>Of bound</c> is the time of
/// the bound row (one core streaming the same columns and writing result-sized output, no scoring) over the row's own
/// time: 100% would mean scoring costs nothing beyond moving the data, so it is the fraction of the machine's
/// memory-bandwidth limit that the row reaches on one core.
/// </remarks>
[MemoryDiagnoser]
[Guarded]
[Config(typeof(ThroughputConfig))]
public class HealthBatchScoringBenchmarks
{
    public const int Accounts = 1_000_000;

    /// <summary>The values scored per call: every account's 12 metrics.</summary>
    public const long Values = Accounts * 12L;

    private const string BoundDescription = "bound: stream the columns, write the results (no scoring)";

    private CompiledScorecard _scorecard = null!;
    private DictionaryScorer _baseline = null!;
    private double[] _columns = null!;
    private HealthScore[] _results = null!;
    private string[] _names = null!;

    [GlobalSetup]
    public void Setup()
    {
        var definition = HealthBenchmarkData.SampleScorecard();
        _scorecard = definition.Compile();
        if ((long)_scorecard.MetricCount * Accounts != Values)
        {
            throw new InvalidOperationException($"The sample scorecard has {_scorecard.MetricCount} metrics; the throughput columns assume {Values / Accounts}.");
        }

        _baseline = new DictionaryScorer(definition);
        _columns = HealthBenchmarkData.Columns(_scorecard, Accounts, missing: 0.05, seed: 42);
        _results = new HealthScore[Accounts];
        _names = [.. _scorecard.Metrics.Select(m => m.Column)];

        // The baseline must compute what the compiled scorecard computes, or the ratio means nothing.
        _scorecard.ScoreBatch(_columns, _results);
        for (var i = 0; i < 2000; i++)
        {
            var values = new Dictionary<string, double>();
            for (var m = 0; m < _names.Length; m++)
            {
                values[_names[m]] = _columns[(m * Accounts) + i];
            }

            var expected = _baseline.Score(values, _scorecard.Version);
            if (expected.Status != _results[i].Status || (expected.IsScored && Math.Abs(expected.Score - _results[i].Score) > 1e-9))
            {
                throw new InvalidOperationException($"Account {i}: the baseline gives {expected}, the batch {_results[i]}.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "dictionary + LINQ per account")]
    public double Baseline()
    {
        var sum = 0.0;
        for (var i = 0; i < Accounts; i++)
        {
            var values = new Dictionary<string, double>(_names.Length);
            for (var m = 0; m < _names.Length; m++)
            {
                values[_names[m]] = _columns[(m * Accounts) + i];
            }

            var result = _baseline.Score(values, _scorecard.Version);
            sum += result.IsScored ? result.Score : 0;
        }

        return sum;
    }

    [Benchmark(Description = "compiled, single account in a loop")]
    public double SingleLoop()
    {
        Span<double> values = stackalloc double[_names.Length];
        var sum = 0.0;
        for (var i = 0; i < Accounts; i++)
        {
            for (var m = 0; m < values.Length; m++)
            {
                values[m] = _columns[(m * Accounts) + i];
            }

            var result = _scorecard.Score(values);
            sum += result.IsScored ? result.Score : 0;
        }

        return sum;
    }

    [Benchmark(Description = "vectorised batch, one core")]
    [ZeroAllocationGuard]
    [SpeedupGuard(51)]
    public HealthScore Batch()
    {
        _scorecard.ScoreBatch(_columns, _results);
        return _results[^1];
    }

    // The memory-bandwidth bound of this machine for the batch: one core streams the same 12 columns (96 MB) and
    // writes a result-sized output, doing no scoring; the batch's time over this one is the fraction of the bound.
    [Benchmark(Description = BoundDescription)]
    [ZeroAllocationGuard]
    public double StreamingBound()
    {
        var columns = _columns.AsSpan();
        var results = MemoryMarshal.AsBytes(_results.AsSpan());
        var sum = Vector256<double>.Zero;
        var i = 0;
        for (; i <= columns.Length - 4; i += 4)
        {
            sum += Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(columns), (nuint)i);
        }

        // One store per 32-byte block of the results, as the batch writes them (whole cache lines, read for ownership).
        var fill = Vector256.Create((byte)1);
        for (var j = 0; j <= results.Length - 32; j += 32)
        {
            fill.StoreUnsafe(ref MemoryMarshal.GetReference(results), (nuint)j);
        }

        return Vector256.Sum(sum) + i;
    }

    [Benchmark(Description = "vectorised batch, parallel")]
    public HealthScore BatchParallel()
    {
        _scorecard.ScoreBatchParallel(_columns, _results, options: new HealthBatchOptions { MaxDegreeOfParallelism = -1 });
        return _results[^1];
    }

    /// <summary>Adds the values-per-second and fraction-of-bound columns.</summary>
    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(new ThroughputColumn("Values/s", fractionOfBound: false), new ThroughputColumn("Of bound", fractionOfBound: true));
        }
    }

    private sealed class ThroughputColumn(string name, bool fractionOfBound) : IColumn
    {
        public string Id => nameof(ThroughputColumn) + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => fractionOfBound ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => fractionOfBound
            ? "Time of the streaming bound over this row's time (100% = at the memory-bandwidth limit of one core)"
            : "Values scored per second (accounts × 12 metrics over the mean time)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (mean is not > 0)
            {
                return "-";
            }

            if (!fractionOfBound)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{Values / (mean.Value * 1e-9) / 1e6:N0} M");
            }

            var bound = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Contains("bound:", StringComparison.Ordinal)
                && r.BenchmarkCase.Job.Id == benchmarkCase.Job.Id)?.ResultStatistics?.Mean;
            return bound is > 0 ? string.Create(CultureInfo.InvariantCulture, $"{bound.Value / mean.Value:P0}") : "-";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
