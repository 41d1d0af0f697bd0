namespace CsScoring.Value;

/// <summary>Settings of a maximum-likelihood fit. Immutable; each property validates its value when set.</summary>
public sealed class FitOptions
{
    /// <summary>The defaults.</summary>
    public static FitOptions Default { get; } = new();

    /// <summary>The most optimizer iterations.</summary>
    /// <value>The default value is 1000. Must be ≥ 1.</value>
    /// <exception cref="InvalidOptionException">The value is below 1.</exception>
    public int MaxIterations
    {
        get;
        init => field = OptionGuard.AtLeast(value, 1, nameof(FitOptions));
    } = 1000;

    /// <summary>
    /// Convergence: the largest gradient component of the negative log-likelihood with respect to the log-parameters,
    /// relative to max(1, |log-likelihood|).
    /// </summary>
    /// <value>The default value is 1e-8. Must be in (0, 1e-2].</value>
    /// <exception cref="InvalidOptionException">The value is out of range.</exception>
    public double GradientTolerance
    {
        get;
        init => field = OptionGuard.AboveAndAtMost(value, 0, 1e-2, nameof(FitOptions));
    } = 1e-8;

    /// <summary>Whether to compute standard errors from the Hessian at the optimum (a few extra gradient evaluations).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool StandardErrors { get; init; } = true;
}
