using System.Globalization;

namespace CsScoring.Value.Numerics;

/// <summary>The shared maximum-likelihood driver: optimise over log-parameters, then standard errors.</summary>
internal static class Fitting
{
    public readonly record struct Outcome(double[] Theta, double LogLikelihood, double[] StandardErrors, int Iterations, bool Converged);

    public static Outcome Run<TObjective>(ref TObjective objective, ReadOnlySpan<double> initial, FitOptions? options, string model)
        where TObjective : struct, IObjective
    {
        options ??= FitOptions.Default;
        var u = new double[initial.Length];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = Math.Log(initial[i]);
        }

        var result = Bfgs.Minimize(ref objective, u, options.MaxIterations, options.GradientTolerance);
        if (!double.IsFinite(result.Value))
        {
            throw new ModelFitException($"The {model} fit failed: the log-likelihood is not finite at the starting point or along the search.");
        }

        var theta = new double[u.Length];
        for (var i = 0; i < u.Length; i++)
        {
            theta[i] = Math.Exp(u[i]);
            if (!double.IsFinite(theta[i]) || theta[i] <= 0 || theta[i] > 1e12 || theta[i] < 1e-12)
            {
                throw new ModelFitException(string.Create(CultureInfo.InvariantCulture, $"The {model} fit diverged: parameter {i} went to {theta[i]:G4}; the data do not identify the model (too few customers or no repeat behaviour)."));
            }
        }

        double[] errors;
        if (options.StandardErrors)
        {
            errors = Information.StandardErrors(ref objective, theta);
        }
        else
        {
            errors = new double[theta.Length];
            Array.Fill(errors, double.NaN);
        }

        return new Outcome(theta, -result.Value, errors, result.Iterations, result.Converged);
    }
}
