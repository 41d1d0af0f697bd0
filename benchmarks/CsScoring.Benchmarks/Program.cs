using BenchmarkDotNet.Running;
using CsScoring.Benchmarks.Guards;

namespace CsScoring.Benchmarks;

internal static class Program
{
    // All benchmarks:          dotnet run -c Release --project benchmarks/CsScoring.Benchmarks -- --filter '*'
    // Every benchmark once:    ... -- --filter '*' --job dry
    // CI's performance guard:  ... -- guard [ClassNameFragment ...]
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "guard")
        {
            return PerfGuard.Run(args[1..]);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
