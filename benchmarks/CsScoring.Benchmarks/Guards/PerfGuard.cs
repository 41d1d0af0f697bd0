using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CsScoring.Benchmarks.Guards;

/// <summary>
/// The CI performance check: runs every <see cref="GuardedAttribute"/> class with a short job and fails (exit 1)
/// when a <see cref="SpeedupGuardAttribute"/> ratio falls below its minimum or a
/// <see cref="ZeroAllocationGuardAttribute"/> method allocates.
/// </summary>
internal static class PerfGuard
{
    public static int Run(string[] filters)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithId("guard"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
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
        foreach (var summary in BenchmarkRunner.Run(classes, config))
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
                && r.BenchmarkCase.Parameters.DisplayInfo == benchmark.Parameters.DisplayInfo);
            if (baseline?.ResultStatistics is null)
            {
                yield return $"{name} has a speed-up guard but its class has no successful Baseline = true benchmark.";
                continue;
            }

            var ratio = baseline.ResultStatistics.Mean / report.ResultStatistics.Mean;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"perf guard: {name} is {ratio:F2}x its baseline (minimum {speedup.Minimum:F2}x)"));
            if (ratio < speedup.Minimum)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{name} is only {ratio:F2}x faster than its baseline; the guard requires {speedup.Minimum:F2}x.");
            }
        }
    }
}
