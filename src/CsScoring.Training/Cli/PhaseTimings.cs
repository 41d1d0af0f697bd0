using System.Diagnostics;
using System.Globalization;

namespace CsScoring.Training.Cli;

/// <summary>
/// Wall time, processor time and memory of the pipeline's phases (reading, each fit, scoring, importance, each
/// artifact), written to stderr as <c>timing: PHASE  SECONDS s  cpu SECONDS s  alloc MB  heap MB  peak MB</c> lines when the <c>CSSCORING_TIMINGS</c>
/// environment variable is <c>1</c>, so where the time and memory go can be measured on the user's own data without
/// a profiler. <c>cpu</c> is the processor time every thread of the process spent in the phase (above the wall time
/// when cores work at once, below it when a core waits). <c>alloc</c> is what the phase allocated on the managed heap (every thread), <c>heap</c> the managed
/// heap after it, <c>peak</c> the process's peak resident memory so far. With <c>CSSCORING_TIMINGS=live</c> each
/// line also forces a full compacting collection first and adds <c>live</c> (the managed heap that survives it) and
/// <c>rss</c> (resident memory after it), to tell live data from garbage and native memory; that slows the run.
/// Off by default: it changes no output.
/// </summary>
internal static class PhaseTimings
{
    private static readonly bool s_live = Environment.GetEnvironmentVariable("CSSCORING_TIMINGS") == "live";
    private static readonly bool s_enabled = s_live || Environment.GetEnvironmentVariable("CSSCORING_TIMINGS") == "1";

    /// <summary>Whether phase timings are written.</summary>
    public static bool Enabled => s_enabled;

    /// <summary>Runs <paramref name="work"/> and reports its wall time and memory under <paramref name="phase"/>.</summary>
    public static T Measure<T>(string phase, Func<T> work)
    {
        if (!s_enabled)
        {
            return work();
        }

        var mark = Start();
        var result = work();
        Report(phase, mark);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> and reports its wall time and memory under <paramref name="phase"/>.</summary>
    public static void Measure(string phase, Action work)
    {
        if (!s_enabled)
        {
            work();
            return;
        }

        var mark = Start();
        work();
        Report(phase, mark);
    }

    /// <summary>A lap clock for phases inside one method: <see cref="Lap"/> reports since the previous lap.</summary>
    public static Mark Start() => s_enabled
        ? new(Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(), Environment.CpuUsage.TotalTime)
        : new(Stopwatch.GetTimestamp(), 0, TimeSpan.Zero);

    /// <summary>Reports the phase since <paramref name="mark"/> and returns a new mark for the next one.</summary>
    public static Mark Lap(string phase, Mark mark)
    {
        if (!s_enabled)
        {
            return mark;
        }

        Report(phase, mark);
        return Start();
    }

    private static void Report(string phase, Mark mark)
    {
        var seconds = Stopwatch.GetElapsedTime(mark.Timestamp).TotalSeconds;
        var cpu = (Environment.CpuUsage.TotalTime - mark.Cpu).TotalSeconds;
        const double Megabyte = 1024.0 * 1024.0;
        var allocated = (GC.GetTotalAllocatedBytes() - mark.Allocated) / Megabyte;
        var heap = GC.GetTotalMemory(false) / Megabyte;
        using var process = Process.GetCurrentProcess();
        var peak = process.PeakWorkingSet64 / Megabyte;
        var live = string.Empty;
        if (s_live)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            process.Refresh();
            live = string.Create(CultureInfo.InvariantCulture, $"  live {GC.GetTotalMemory(false) / Megabyte,6:0} MB  rss {process.WorkingSet64 / Megabyte,6:0} MB");
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timing: {phase,-44} {seconds,8:0.000} s  cpu {cpu,7:0.000} s  alloc {allocated,7:0} MB  heap {heap,6:0} MB  peak {peak,6:0} MB{live}"));
    }

    /// <summary>Where a phase started: the clock, the bytes allocated and the process's processor time so far.</summary>
    internal readonly record struct Mark(long Timestamp, long Allocated, TimeSpan Cpu);
}
