using System.Globalization;
using CsScoring.Value;
using CsScoring.Value.Numerics;

namespace CsScoring.Benchmarks.Value;

/// <summary>
/// The benchmarks' customers: the CDNOW summary from shared/data/clv when it is beside or above the repository,
/// otherwise 2357 customers simulated from the published BG/NBD parameters with CDNOW's ages (27 to 39 weeks, on whole days),
/// so the benchmarks run everywhere.
/// </summary>
internal static class ValueBenchmarkData
{
    public static readonly BgNbdParameters CdnowBgNbd = new(0.2426, 4.4136, 0.7929, 2.4259);

    public static readonly ParetoNbdParameters CdnowParetoNbd = new(0.5532, 10.578, 0.6062, 11.669);

    public static readonly GammaGammaParameters CdnowSpend = new(6.25, 3.74, 15.44);

    public static CustomerSummary[] Cdnow(out string source)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "data", "clv", "cdnow_customers_summary_with_transactions.csv");
            if (File.Exists(path))
            {
                source = "CDNOW";
                return [.. File.ReadLines(path).Skip(1).Select(line => line.Split(',')).Select(f => new CustomerSummary(
                    int.Parse(f[1], CultureInfo.InvariantCulture),
                    double.Parse(f[2], CultureInfo.InvariantCulture),
                    double.Parse(f[3], CultureInfo.InvariantCulture),
                    double.Parse(f[4], CultureInfo.InvariantCulture)))];
            }
        }

        source = "simulated from the published CDNOW parameters";

        // On whole days, as summaries from dated transactions are (CDNOW's times are days / 7).
        var simulated = CustomerSimulator.BgNbd(CdnowBgNbd, 2357, 27, 39, seed: 1997)
            .Select(c => new CustomerSummary(c.Frequency, Math.Round(c.Recency * 7) / 7, Math.Round(c.Age * 7) / 7))
            .ToArray();
        return CustomerSimulator.GammaGammaSpend(CdnowSpend, simulated, seed: 1998);
    }
}

/// <summary>
/// The baseline objective: the same likelihood with its gradient taken by central differences (two likelihood
/// evaluations per parameter), as a fit without analytic gradients does.
/// </summary>
internal struct FiniteDifferenceObjective<T>(T inner) : IObjective
    where T : struct, IObjective
{
    private T _inner = inner;

    public readonly int Dimension => _inner.Dimension;

    public double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        Span<double> scratch = stackalloc double[u.Length];
        Span<double> point = stackalloc double[u.Length];
        u.CopyTo(point);
        var value = _inner.Evaluate(u, scratch);
        for (var i = 0; i < u.Length; i++)
        {
            const double h = 1e-6;
            point[i] = u[i] + h;
            var plus = _inner.Evaluate(point, scratch);
            point[i] = u[i] - h;
            var minus = _inner.Evaluate(point, scratch);
            point[i] = u[i];
            gradient[i] = (plus - minus) / (2 * h);
        }

        return value;
    }
}
