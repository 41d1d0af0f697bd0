using BenchmarkDotNet.Attributes;
using CsScoring.Benchmarks.Guards;
using CsScoring.Value;
using CsScoring.Value.Numerics;

namespace CsScoring.Benchmarks.Value;

/// <summary>
/// BG/NBD maximum-likelihood fit on CDNOW (2357 customers, 1016 distinct rows). Baseline: the per-customer objective
/// the library used before fitting on weighted distinct rows (kept in LegacyFitObjectives.cs), with the same
/// optimizer; beside it the same fit with a numerically differentiated gradient. Peer: scipy BFGS on the same
/// likelihood (benchmarks/peers/retention_scipy.sh).
/// </summary>
[MemoryDiagnoser]
[Guarded]
public class BgNbdFitBenchmarks
{
    private CustomerSummary[] _customers = [];

    [GlobalSetup]
    public void Setup()
    {
        _customers = ValueBenchmarkData.Cdnow(out var source);
        Console.WriteLine($"// BgNbdFitBenchmarks data: {source}, {CustomerSummaryTable.From(_customers).Count} distinct rows");
    }

    [Benchmark(Baseline = true, Description = "per customer (before)")]
    public double PerCustomerFit()
    {
        var objective = new LegacyBgNbdObjective(_customers);
        return Fitting.Run(ref objective, objective.StartingPoint(), FitOptions.Default, "BG/NBD").LogLikelihood;
    }

    [Benchmark(Description = "numerical gradient, per customer")]
    public double NumericalGradientFit()
    {
        var objective = new FiniteDifferenceObjective<LegacyBgNbdObjective>(new LegacyBgNbdObjective(_customers));
        var start = new LegacyBgNbdObjective(_customers).StartingPoint();
        return Fitting.Run(ref objective, start, FitOptions.Default, "BG/NBD").LogLikelihood;
    }

    // Includes reducing the customers to their distinct rows. About 2x on CDNOW under load: guard at 1.3x.
    [Benchmark(Description = "weighted distinct rows (BgNbdModel.Fit)")]
    [SpeedupGuard(1.3)]
    public double WeightedRowsFit() => BgNbdModel.Fit(_customers).LogLikelihood;
}

/// <summary>
/// Pareto/NBD fit on CDNOW. Baseline: the per-customer objective summing the 2F1 series per customer (before);
/// beside it the same with a numerical gradient. Peer: scipy BFGS on the same likelihood (benchmarks/peers).
/// </summary>
[MemoryDiagnoser]
[Guarded]
public class ParetoNbdFitBenchmarks
{
    private CustomerSummary[] _customers = [];

    [GlobalSetup]
    public void Setup()
    {
        _customers = ValueBenchmarkData.Cdnow(out var source);
        Console.WriteLine($"// ParetoNbdFitBenchmarks data: {source}, {CustomerSummaryTable.From(_customers).Count} distinct rows");
    }

    [Benchmark(Baseline = true, Description = "per customer (before)")]
    public double PerCustomerFit()
    {
        var objective = new LegacyParetoNbdObjective(_customers);
        return Fitting.Run(ref objective, objective.StartingPoint(), FitOptions.Default, "Pareto/NBD").LogLikelihood;
    }

    [Benchmark(Description = "numerical gradient, per customer")]
    public double NumericalGradientFit()
    {
        var objective = new FiniteDifferenceObjective<LegacyParetoNbdObjective>(new LegacyParetoNbdObjective(_customers));
        var start = new LegacyParetoNbdObjective(_customers).StartingPoint();
        return Fitting.Run(ref objective, start, FitOptions.Default, "Pareto/NBD").LogLikelihood;
    }

    // Distinct rows and per-frequency series by Horner's rule: about 5x on CDNOW under load; guard at 2.5x.
    [Benchmark(Description = "weighted distinct rows (ParetoNbdModel.Fit)")]
    [SpeedupGuard(2.5)]
    public double WeightedRowsFit() => ParetoNbdModel.Fit(_customers).LogLikelihood;
}

/// <summary>
/// A BG/NBD fit over 1,000,000 simulated customers (target ≤ 10 s, memory linear in the input). The baseline is the
/// same fit on 100,000 customers: the guard holds the ratio near 1/10, so time stays linear in the customers.
/// </summary>
[MemoryDiagnoser]
[Guarded]
public class MillionCustomerFitBenchmarks
{
    private CustomerSummary[] _million = [];
    private CustomerSummary[] _hundredThousand = [];

    [GlobalSetup]
    public void Setup()
    {
        _million = CustomerSimulator.BgNbd(ValueBenchmarkData.CdnowBgNbd, 1_000_000, 27, 39, seed: 7);
        _hundredThousand = _million.AsSpan(0, 100_000).ToArray();
    }

    [Benchmark(Baseline = true, Description = "100,000 customers")]
    public double HundredThousand() => BgNbdModel.Fit(_hundredThousand).LogLikelihood;

    [Benchmark(Description = "1,000,000 customers")]
    [SpeedupGuard(0.05)]
    public double Million() => BgNbdModel.Fit(_million).LogLikelihood;
}
