using BenchmarkDotNet.Attributes;
using CsScoring.Benchmarks.Guards;
using CsScoring.Value;
using MathNet.Numerics;

namespace CsScoring.Benchmarks.Value;

/// <summary>
/// Batch predictions into caller-owned buffers (must allocate nothing), against a naive implementation of the BG/NBD
/// expectation that sums 2F1 with a log-gamma call per term into a new array. Batches are 256 customers spread over
/// CDNOW (32 for CLV, which evaluates twelve periods per customer), so each operation is short: the memory
/// diagnoser counts every thread's allocations, and a runtime background allocation of about 1 KB spread over a
/// few hundred long operations would otherwise read as bytes per operation.
/// </summary>
[MemoryDiagnoser]
[Guarded]
public class ValuePredictionBenchmarks
{
    private readonly ClvOptions _options = new() { ModelTimeUnit = TimeUnit.Week, Horizon = 12, HorizonUnit = TimeUnit.Month, DiscountRate = 0.01 };
    private CustomerSummary[] _customers = [];
    private CustomerSummary[] _clvCustomers = [];
    private double[] _destination = [];
    private LtvInputs[] _ltvInputs = [];
    private LtvFigures[] _ltv = [];
    private AccountValueInputs[] _accounts = [];
    private AccountValue[] _accountValues = [];

    [GlobalSetup]
    public void Setup()
    {
        var all = ValueBenchmarkData.Cdnow(out _);
        _customers = Spread(all, 256);
        _clvCustomers = Spread(all, 32);
        _destination = new double[_customers.Length];
        _ltvInputs = [.. Enumerable.Range(0, _customers.Length).Select(i => new LtvInputs(100m + (i % 500), 0.005 + (0.0001 * (i % 300)), 0.8, 0.01))];
        _ltv = new LtvFigures[_ltvInputs.Length];
        _accounts = [.. Enumerable.Range(0, _customers.Length).Select(i => new AccountValueInputs(100m + (i % 500), 0.8, 0.01, (i % 100) / 100.0, 3))];
        _accountValues = new AccountValue[_accounts.Length];
    }

    [Benchmark(Baseline = true, Description = "naive BG/NBD E[Y(39)] (log-gamma per 2F1 term, new array)")]
    public double[] NaiveExpectedTransactions()
    {
        var p = ValueBenchmarkData.CdnowBgNbd;
        return [.. _customers.Select(c => NaiveExpected(p, c, 39))];
    }

    [Benchmark(Description = "BG/NBD E[Y(39)] batch")]
    [ZeroAllocationGuard]
    [SpeedupGuard(18)]
    public double BgNbdExpectedTransactions()
    {
        ValueBenchmarkData.CdnowBgNbd.ExpectedTransactions(_customers, 39, _destination);
        return _destination[0];
    }

    [Benchmark(Description = "BG/NBD P(alive) batch")]
    [ZeroAllocationGuard]
    public double BgNbdProbabilityAlive()
    {
        ValueBenchmarkData.CdnowBgNbd.ProbabilityAlive(_customers, _destination);
        return _destination[0];
    }

    [Benchmark(Description = "Pareto/NBD E[Y(39)] batch")]
    [ZeroAllocationGuard]
    public double ParetoNbdExpectedTransactions()
    {
        ValueBenchmarkData.CdnowParetoNbd.ExpectedTransactions(_customers, 39, _destination);
        return _destination[0];
    }

    [Benchmark(Description = "CLV 12 months (BG/NBD + Gamma-Gamma), 32 customers")]
    [ZeroAllocationGuard]
    public double ClvBatch()
    {
        CustomerValue.Clv(ValueBenchmarkData.CdnowBgNbd, ValueBenchmarkData.CdnowSpend, _clvCustomers, _options, _destination);
        return _destination[0];
    }

    [Benchmark(Description = "LTV formulas batch (decimal)")]
    [ZeroAllocationGuard]
    public decimal LtvBatch()
    {
        LtvCalculator.Compute(_ltvInputs, _ltv);
        return _ltv[0].GrossMargin.Value;
    }

    [Benchmark(Description = "account LTV and value at risk batch")]
    [ZeroAllocationGuard]
    public decimal AccountValueBatch()
    {
        AccountValuation.Evaluate(_accounts, _accountValues);
        return _accountValues[0].ValueAtRisk;
    }

    private static CustomerSummary[] Spread(CustomerSummary[] all, int count)
        => [.. Enumerable.Range(0, count).Select(i => all[(int)((long)i * all.Length / count)])];

    private static double NaiveExpected(BgNbdParameters p, CustomerSummary c, double t)
    {
        double r = p.R, alpha = p.Alpha, a = p.A, b = p.B;
        var x = c.Frequency;
        double ha = r + x, hb = b + x, hc = a + b + x - 1, z = t / (alpha + c.Age + t);
        var sum = 0.0;
        for (var j = 0; j < 100_000; j++)
        {
            var term = Math.Exp(SpecialFunctions.GammaLn(ha + j) + SpecialFunctions.GammaLn(hb + j) - SpecialFunctions.GammaLn(ha) - SpecialFunctions.GammaLn(hb)
                + SpecialFunctions.GammaLn(hc) - SpecialFunctions.GammaLn(hc + j) - SpecialFunctions.GammaLn(j + 1) + (j * Math.Log(z)));
            sum += term;
            if (term < 1e-14 * sum)
            {
                break;
            }
        }

        var numerator = (a + b + x - 1) / (a - 1) * (1 - (Math.Pow((alpha + c.Age) / (alpha + c.Age + t), r + x) * sum));
        var denominator = 1 + (x > 0 ? a / (b + x - 1) * Math.Pow((alpha + c.Age) / (alpha + c.Recency), r + x) : 0);
        return numerator / denominator;
    }
}
