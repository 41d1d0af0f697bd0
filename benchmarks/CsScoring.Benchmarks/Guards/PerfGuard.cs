using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using CsScoring.Benchmarks.Churn;

namespace CsScoring.Benchmarks.Guards;

/// <summary>
/// The CI performance check: runs every <see cref="GuardedAttribute"/> class with a short job (one per
/// instruction-set level for <see cref="IsaJobsAttribute"/> classes) and fails (exit 1) when a
/// <see cref="SpeedupGuardAttribute"/> ratio falls below its minimum for the job's level or a
/// <see cref="ZeroAllocationGuardAttribute"/> method allocates.
/// </summary>
internal static class PerfGuard
{
    public static int Run(string[] filters)
    {
        // Classes that run per instruction-set level get their three jobs (short runs) from their attribute; the
        // others get the guard job.
        IsaJobs.BaseJob = Job.ShortRun;
        var common = ManualConfig.CreateEmpty()
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
        var config = ManualConfig.Create(common).AddJob(Job.ShortRun.WithId("guard"));
        var classes = typeof(PerfGuard).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<GuardedAttribute>() is not null)
            .Where(t => filters.Length == 0 || filters.Any(f => t.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();
        if (classes.Length == 0)
        {
            // Naming a class that does not exist is a mistake; having no guarded class yet is not.
            Console.Error.WriteLine("perf guard: no [Guarded] benchmark class matched.");
            return filters.Length == 0 ? 0 : 1;
        }

        var failures = new List<string>();
        var perLevel = classes.Where(t => t.GetCustomAttribute<IsaJobsAttribute>() is not null).ToArray();
        var plain = classes.Except(perLevel).ToArray();
        var summaries = new List<Summary>();
        if (plain.Length > 0)
        {
            summaries.AddRange(BenchmarkRunner.Run(plain, config));
        }

        if (perLevel.Length > 0)
        {
            summaries.AddRange(BenchmarkRunner.Run(perLevel, common));
        }

        foreach (var summary in summaries)
        {
            failures.AddRange(Check(summary));
        }

        if (failures.Count == 0)
        {
            Console.WriteLine("perf guard: all speed-up and allocation guards hold.");
            return 0;
        }

        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"perf guard FAILED: {failure}");
        }

        return 1;
    }

    private static IEnumerable<string> Check(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            var benchmark = report.BenchmarkCase;
            var name = benchmark.DisplayInfo;
            if (!report.Success || report.ResultStatistics is null)
            {
                yield return $"{name} did not run successfully.";
                continue;
            }

            var method = benchmark.Descriptor.WorkloadMethod;
            if (method.GetCustomAttribute<ZeroAllocationGuardAttribute>() is not null)
            {
                var bytes = report.GcStats.GetBytesAllocatedPerOperation(benchmark) ?? 0;
                Console.WriteLine($"perf guard: {name} allocates {bytes} B/op (must be 0)");
                if (bytes > 0)
                {
                    yield return $"{name} allocates {bytes} bytes per operation; it must allocate none.";
                }
            }

            var speedup = method.GetCustomAttribute<SpeedupGuardAttribute>();
            if (speedup is null)
            {
                continue;
            }

            var baseline = summary.Reports.FirstOrDefault(r =>
                r.BenchmarkCase.Descriptor.Baseline
                && r.BenchmarkCase.Descriptor.Type == benchmark.Descriptor.Type
                && r.BenchmarkCase.Job.Id == benchmark.Job.Id
                && r.BenchmarkCase.Parameters.DisplayInfo == benchmark.Parameters.DisplayInfo);
            if (baseline?.ResultStatistics is null)
            {
                yield return $"{name} has a speed-up guard but its class has no successful Baseline = true benchmark.";
                continue;
            }

            // Each instruction-set job is compared with the baseline of the same job, against that level's minimum.
            var ratio = baseline.ResultStatistics.Mean / report.ResultStatistics.Mean;
            var minimum = speedup.MinimumFor(benchmark.Job.Id);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"perf guard: {name} is {ratio:F2}x its baseline (minimum {minimum:F2}x)"));
            if (ratio < minimum)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{name} is only {ratio:F2}x faster than its baseline; the guard requires {minimum:F2}x.");
            }
        }
    }
}
