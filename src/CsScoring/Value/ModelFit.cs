using System.Globalization;

namespace CsScoring.Value;

/// <summary>
/// The result of a maximum-likelihood fit: the parameters, the log-likelihood, and standard errors from the observed
/// information (the inverse Hessian of the negative log-likelihood at the optimum).
/// </summary>
/// <typeparam name="TParameters">The model's parameter type, e.g. <see cref="BgNbdParameters"/>.</typeparam>
/// <remarks>Immutable and thread-safe. A standard error is NaN when the Hessian is not positive definite (a flat likelihood).</remarks>
public sealed class ModelFit<TParameters>
    where TParameters : struct
{
    internal ModelFit(TParameters parameters, string[] names, double[] values, double[] standardErrors, double logLikelihood, double observations, int iterations, bool converged)
    {
        Parameters = parameters;
        ParameterNames = Array.AsReadOnly(names);
        Values = Array.AsReadOnly(values);
        StandardErrors = Array.AsReadOnly(standardErrors);
        LogLikelihood = logLikelihood;
        Observations = observations;
        Iterations = iterations;
        Converged = converged;
    }

    /// <summary>The fitted parameters.</summary>
    public TParameters Parameters { get; }

    /// <summary>The parameter names in the literature's notation (e.g. r, alpha, a, b), in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The parameter values, in the order of <see cref="ParameterNames"/>.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The standard errors, in the order of <see cref="ParameterNames"/> (NaN when not computed or not identified).</summary>
    public IReadOnlyList<double> StandardErrors { get; }

    /// <summary>The maximised log-likelihood (natural log).</summary>
    public double LogLikelihood { get; }

    /// <summary>The number of customers (or survivor observations, weights summed) the fit used.</summary>
    public double Observations { get; }

    /// <summary>Optimizer iterations.</summary>
    public int Iterations { get; }

    /// <summary>Whether the gradient met the tolerance; when false the parameters are the best found, and may be imprecise.</summary>
    public bool Converged { get; }

    /// <summary>The value of a parameter by name.</summary>
    /// <param name="name">A name from <see cref="ParameterNames"/>.</param>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public double this[string name]
    {
        get
        {
            for (var i = 0; i < ParameterNames.Count; i++)
            {
                if (string.Equals(ParameterNames[i], name, StringComparison.Ordinal))
                {
                    return Values[i];
                }
            }

            throw new KeyNotFoundException($"The model has no parameter '{name}' (parameters: {string.Join(", ", ParameterNames)}).");
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new string[ParameterNames.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = string.Create(CultureInfo.InvariantCulture, $"{ParameterNames[i]} = {Values[i]:G6} (se {StandardErrors[i]:G3})");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", parts)}; log-likelihood {LogLikelihood:F2}");
    }
}
