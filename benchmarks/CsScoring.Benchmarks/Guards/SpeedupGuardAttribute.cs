namespace CsScoring.Benchmarks.Guards;

/// <summary>
/// Marks a benchmark whose speed-up over its class's <c>Baseline = true</c> method is guarded in CI: the guard run
/// fails when baseline time / this time falls below <see cref="Minimum"/>. Set it to half of the committed ratio
/// (or half of the target), so noise on a shared machine does not trip it but a real regression does.
/// </summary>
/// <remarks>
/// In a class that runs per instruction-set level (<see cref="Churn.IsaJobsAttribute"/>), <see cref="Minimum"/>
/// applies to the AVX-512 job and <see cref="WithoutAvx512"/> / <see cref="WithoutAvx2"/> to the other two, each
/// against the baseline measured in the same job; left unset, they are <see cref="Minimum"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SpeedupGuardAttribute(double minimum) : Attribute
{
    public double Minimum { get; } = minimum;

    /// <summary>The minimum in the job without AVX-512 (AVX2 at most).</summary>
    public double WithoutAvx512 { get; set; } = double.NaN;

    /// <summary>The minimum in the job without AVX2 (SSE, or NEON on ARM64).</summary>
    public double WithoutAvx2 { get; set; } = double.NaN;

    public double MinimumFor(string jobId) => jobId switch
    {
        Churn.IsaJobs.Avx2 when !double.IsNaN(WithoutAvx512) => WithoutAvx512,
        Churn.IsaJobs.Sse when !double.IsNaN(WithoutAvx2) => WithoutAvx2,
        _ => Minimum,
    };
}

/// <summary>Marks a benchmark that must allocate nothing per operation; the guard run fails when it allocates.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ZeroAllocationGuardAttribute : Attribute
{
}

/// <summary>Marks a benchmark class that the CI guard run executes (a short job, ratios and allocations checked).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GuardedAttribute : Attribute
{
}
