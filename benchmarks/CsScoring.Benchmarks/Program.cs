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
    // The training benchmark's export as a file (for timing `csscoring train` and the peer scripts):
    //                          ... -- training-data FILE ROWS [SEED]
    public static int Main(string[] args)
    {
        if (args.Length is 3 or 4 && args[0] == "training-data")
        {
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            Training.TrainingData.Write(args[1], int.Parse(args[2], culture), args.Length == 4 ? int.Parse(args[3], culture) : 11);
            return 0;
        }

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
