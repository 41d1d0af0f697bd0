namespace CsScoring.Value.Numerics;

/// <summary>
/// Standard errors from the observed information: the Hessian of the negative log-likelihood at the optimum, in the
/// natural parameters, taken by central differences of the analytic gradient (done once after the fit, not in the
/// optimizer's loop), then inverted.
/// </summary>
internal static class Information
{
    public static double[] StandardErrors<TObjective>(ref TObjective objective, ReadOnlySpan<double> theta)
        where TObjective : struct, IObjective
    {
        var n = theta.Length;
        var u = new double[n];
        var gPlus = new double[n];
        var gMinus = new double[n];
        var hessian = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            var step = 1e-5 * theta[j];
            for (var i = 0; i < n; i++)
            {
                u[i] = Math.Log(theta[i]);
            }

            u[j] = Math.Log(theta[j] + step);
            objective.Evaluate(u, gPlus);
            u[j] = Math.Log(theta[j] - step);
            objective.Evaluate(u, gMinus);
            for (var i = 0; i < n; i++)
            {
                // The objective's gradient is with respect to log(theta_i): divide by theta_i for the natural scale.
                var thetaPlus = i == j ? theta[i] + step : theta[i];
                var thetaMinus = i == j ? theta[i] - step : theta[i];
                hessian[(i * n) + j] = ((gPlus[i] / thetaPlus) - (gMinus[i] / thetaMinus)) / (2 * step);
            }
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var mean = 0.5 * (hessian[(i * n) + j] + hessian[(j * n) + i]);
                hessian[(i * n) + j] = mean;
                hessian[(j * n) + i] = mean;
            }
        }

        var errors = new double[n];
        if (!SmallDense.InverseDiagonal(hessian, n, errors))
        {
            // Not positive definite: the likelihood is flat or the fit is on a boundary; no standard errors.
            Array.Fill(errors, double.NaN);
            return errors;
        }

        for (var i = 0; i < n; i++)
        {
            errors[i] = errors[i] > 0 ? Math.Sqrt(errors[i]) : double.NaN;
        }

        return errors;
    }
}
