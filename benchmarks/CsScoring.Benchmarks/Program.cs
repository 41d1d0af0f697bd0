using BenchmarkDotNet.Running;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using CsScoring.Benchmarks.Churn;
using CsScoring.Benchmarks.Guards;

namespace CsScoring.Benchmarks;

internal static class Program
{
    // All benchmarks:          dotnet run -c Release --project benchmarks/CsScoring.Benchmarks -- --filter '*'
    // Every benchmark once:    ... -- --filter '*' --job dry   (churn classes: once per instruction-set level)
    // CI's performance guard:  ... -- guard [ClassNameFragment ...]
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "guard")
        {
            return PerfGuard.Run(args[1..]);
        }

        // The churn classes run one job per instruction-set level; --job sets what those jobs copy.
        args = IsaJobs.TakeJobArgument(args);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddJob(IsaJobs.BaseJob.AsDefault()));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
