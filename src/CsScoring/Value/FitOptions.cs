namespace CsScoring.Value;

/// <summary>Settings of a maximum-likelihood fit. Immutable; each setter validates its value.</summary>
public sealed class FitOptions
{
    private readonly int _maxIterations = 1000;
    private readonly double _gradientTolerance = 1e-8;

    /// <summary>The defaults.</summary>
    public static FitOptions Default { get; } = new();

    /// <summary>The most optimizer iterations.</summary>
    /// <value>The default value is 1000. Must be ≥ 1.</value>
    public int MaxIterations
    {
        get => _maxIterations;
        init => _maxIterations = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxIterations must be >= 1.");
    }

    /// <summary>
    /// Convergence: the largest gradient component of the negative log-likelihood with respect to the log-parameters,
    /// relative to max(1, |log-likelihood|).
    /// </summary>
    /// <value>The default value is 1e-8. Must be in (0, 1e-2].</value>
    public double GradientTolerance
    {
        get => _gradientTolerance;
        init => _gradientTolerance = value > 0 && value <= 1e-2 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "GradientTolerance must be in (0, 0.01].");
    }

    /// <summary>Whether to compute standard errors from the Hessian at the optimum (a few extra gradient evaluations).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool StandardErrors { get; init; } = true;
}
