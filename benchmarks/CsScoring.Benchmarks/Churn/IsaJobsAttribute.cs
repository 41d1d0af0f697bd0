using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace CsScoring.Benchmarks.Churn;

/// <summary>
/// Runs a benchmark class once per instruction-set level, each level its own job (its own process) with the wider
/// instructions switched off through the runtime's environment variables: <c>AVX512</c> (everything the processor
/// has), <c>AVX2</c> (<c>DOTNET_EnableAVX512=0</c>) and <c>SSE</c> (<c>DOTNET_EnableAVX512=0</c>,
/// <c>DOTNET_EnableAVX2=0</c>). The baseline runs in every job, so each level's ratio compares like with like. On
/// ARM64 the variables change nothing and the three jobs measure the same NEON code.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class IsaJobsAttribute : Attribute, IConfigSource
{
    public IConfig Config => ManualConfig.CreateEmpty().AddJob([.. IsaJobs.For(IsaJobs.BaseJob)]);
}

/// <summary>The instruction-set jobs and the job they are derived from (<c>--job</c> on the command line, or the guard's).</summary>
public static class IsaJobs
{
    public const string Avx512 = "AVX512";
    public const string Avx2 = "AVX2";
    public const string Sse = "SSE";

    /// <summary>The run settings each level's job copies; set before the benchmarks are discovered.</summary>
    public static Job BaseJob { get; set; } = Job.Default;

    public static IEnumerable<Job> For(Job baseJob)
    {
        yield return baseJob.UnfreezeCopy().WithId(Avx512);
        yield return baseJob.UnfreezeCopy().WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")).WithId(Avx2);
        yield return baseJob.UnfreezeCopy()
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0"), new EnvironmentVariable("DOTNET_EnableAVX2", "0"))
            .WithId(Sse);
    }

    /// <summary>
    /// Takes <c>--job NAME</c> (or <c>-j NAME</c>) out of the arguments and makes it the base job, so that
    /// <c>--job dry</c> runs each level once instead of adding a fourth job next to three default ones.
    /// </summary>
    public static string[] TakeJobArgument(string[] args)
    {
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if ((args[i] is "--job" or "-j") && i + 1 < args.Length && Named(args[i + 1]) is { } job)
            {
                BaseJob = job;
                i++;
                continue;
            }

            rest.Add(args[i]);
        }

        return [.. rest];
    }

    private static Job? Named(string name) => name.ToUpperInvariant() switch
    {
        "DRY" => Job.Dry,
        "SHORT" => Job.ShortRun,
        "MEDIUM" => Job.MediumRun,
        "LONG" => Job.LongRun,
        "VERYLONG" => Job.VeryLongRun,
        "DEFAULT" => Job.Default,
        _ => null,
    };
}
