namespace CsScoring.Value.Numerics;

/// <summary>Why <see cref="BoundedBfgs"/> stopped.</summary>
internal enum BoundedBfgsExit
{
    /// <summary>The relative projected gradient is within the tolerance: a (bound-constrained) stationary point.</summary>
    RelativeGradient,

    /// <summary>The last step moved no parameter by more than the parameter tolerance (relative).</summary>
    RelativePoints,

    /// <summary>The last step lowered the objective by less than the progress tolerance (relative).</summary>
    LackOfProgress,

    /// <summary>No step along the search direction lowered the objective.</summary>
    LineSearchFailed,

    /// <summary>The iteration limit was reached.</summary>
    ExceedIterations,

    /// <summary>The objective is not finite at the starting point.</summary>
    InvalidValues,
}

/// <summary>The outcome of a bound-constrained minimisation.</summary>
internal readonly record struct BoundedBfgsResult(double Value, int Iterations, int Evaluations, BoundedBfgsExit Exit);

/// <summary>
/// Projected quasi-Newton (BFGS) minimisation within box bounds, for small problems (a dense inverse-Hessian
/// estimate). Each iteration fixes the variables that sit on a bound with the gradient pushing outwards, takes the
/// BFGS direction in the others, and backtracks along the projected path P(x + αp) until the Armijo condition holds.
/// </summary>
/// <remarks>
/// Variables on a bound stay exactly on it, so weights bounded below reach their bound instead of creeping towards
/// it as they would under a log reparameterisation.
/// </remarks>
internal static class BoundedBfgs
{
    public static BoundedBfgsResult Minimize<TObjective>(
        ref TObjective objective,
        Span<double> x,
        ReadOnlySpan<double> lower,
        ReadOnlySpan<double> upper,
        int maxIterations,
        double gradientTolerance,
        double parameterTolerance,
        double progressTolerance)
        where TObjective : struct, IObjective
    {
        var n = x.Length;
        var h = new double[n * n];
        var g = new double[n];
        var gNew = new double[n];
        var p = new double[n];
        var xNew = new double[n];
        var s = new double[n];
        var y = new double[n];
        var hy = new double[n];
        var free = new bool[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = Math.Clamp(x[i], lower[i], upper[i]);
        }

        var f = objective.Evaluate(x, g);
        var evaluations = 1;
        if (!double.IsFinite(f))
        {
            return new BoundedBfgsResult(f, 0, evaluations, BoundedBfgsExit.InvalidValues);
        }

        InverseHessian.SetIdentity(h, n, 1.0);
        var scaled = false;
        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            if (RelativeGradient(x, g, f, lower, upper) <= gradientTolerance)
            {
                return new BoundedBfgsResult(f, iteration - 1, evaluations, BoundedBfgsExit.RelativeGradient);
            }

            var slope = FreeDirection(h, x, g, lower, upper, free, p);
            if (!(slope < 0))
            {
                InverseHessian.SetIdentity(h, n, 1.0);
                scaled = false;
                slope = FreeDirection(h, x, g, lower, upper, free, p);
            }

            var step = 1.0;
            var accepted = false;
            double fNew = f;
            for (var trial = 0; trial < 60; trial++)
            {
                var predicted = 0.0;
                for (var i = 0; i < n; i++)
                {
                    xNew[i] = Math.Clamp(x[i] + (step * p[i]), lower[i], upper[i]);
                    predicted += g[i] * (xNew[i] - x[i]);
                }

                fNew = objective.Evaluate(xNew, gNew);
                evaluations++;
                if (double.IsFinite(fNew) && fNew <= f + (1e-4 * predicted))
                {
                    accepted = true;
                    break;
                }

                step *= trial < 2 ? 0.5 : 0.2;
            }

            if (!accepted)
            {
                return new BoundedBfgsResult(f, iteration, evaluations, BoundedBfgsExit.LineSearchFailed);
            }

            var largestMove = 0.0;
            for (var i = 0; i < n; i++)
            {
                s[i] = xNew[i] - x[i];
                // A variable held on its bound did not move: its gradient change says nothing about the curvature
                // along the step, and left in it would inflate the update (the bound's gradient can change a lot).
                y[i] = free[i] ? gNew[i] - g[i] : 0;
                largestMove = Math.Max(largestMove, Math.Abs(s[i]) / Math.Max(1.0, Math.Abs(x[i])));
                x[i] = xNew[i];
                g[i] = gNew[i];
            }

            var progress = f - fNew;
            f = fNew;
            if (RelativeGradient(x, g, f, lower, upper) <= gradientTolerance)
            {
                return new BoundedBfgsResult(f, iteration, evaluations, BoundedBfgsExit.RelativeGradient);
            }

            if (largestMove <= parameterTolerance)
            {
                return new BoundedBfgsResult(f, iteration, evaluations, BoundedBfgsExit.RelativePoints);
            }

            if (progress <= progressTolerance * Math.Max(1.0, Math.Abs(f)))
            {
                return new BoundedBfgsResult(f, iteration, evaluations, BoundedBfgsExit.LackOfProgress);
            }

            InverseHessian.Update(h, n, s, y, hy, ref scaled);
        }

        return new BoundedBfgsResult(f, maxIterations, evaluations, BoundedBfgsExit.ExceedIterations);
    }

    /// <summary>
    /// max_i |P(x − g)_i − x_i| · max(|x_i|, 1) / max(|f|, 1): the projected gradient (zero exactly at a point meeting
    /// the bound-constrained first-order conditions) made insensitive to the scales of the parameters and the objective.
    /// </summary>
    private static double RelativeGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> g, double f, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        var max = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var projected = Math.Abs(Math.Clamp(x[i] - g[i], lower[i], upper[i]) - x[i]);
            max = Math.Max(max, projected * Math.Max(Math.Abs(x[i]), 1.0));
        }

        return max / Math.Max(Math.Abs(f), 1.0);
    }

    /// <summary>
    /// p = −H_ff g_f over the free variables (a positive definite block of H, so a descent direction for them) and
    /// the slope pᵀg. A variable on a bound is fixed when the gradient or the direction pushes it outwards; fixing one
    /// changes the others' direction, so this repeats until no direction leaves the box at the start of the step.
    /// </summary>
    private static double FreeDirection(double[] h, ReadOnlySpan<double> x, double[] g, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, bool[] free, double[] p)
    {
        var n = g.Length;
        for (var i = 0; i < n; i++)
        {
            free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
        }

        for (var round = 0; round <= n; round++)
        {
            for (var i = 0; i < n; i++)
            {
                var sum = 0.0;
                if (free[i])
                {
                    for (var j = 0; j < n; j++)
                    {
                        if (free[j])
                        {
                            sum -= h[(i * n) + j] * g[j];
                        }
                    }
                }

                p[i] = sum;
            }

            var changed = false;
            for (var i = 0; i < n; i++)
            {
                if (free[i] && ((x[i] <= lower[i] && p[i] < 0) || (x[i] >= upper[i] && p[i] > 0)))
                {
                    free[i] = false;
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }
        }

        return InverseHessian.Dot(p, g);
    }

}
