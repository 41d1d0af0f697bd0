namespace CsScoring.Benchmarks.Guards;

/// <summary>
/// Marks a benchmark whose speed-up over its class's <c>Baseline = true</c> method is guarded in CI: the guard run
/// fails when baseline time / this time falls below <see cref="Minimum"/>. Set it to half of the committed ratio
/// (or half of the target), so noise on a shared machine does not trip it but a real regression does.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SpeedupGuardAttribute(double minimum) : Attribute
{
    public double Minimum { get; } = minimum;
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
