namespace CsScoring.Value.Numerics;

/// <summary>The outcome of a minimisation.</summary>
internal readonly record struct MinimizeResult(double Value, int Iterations, int Evaluations, bool Converged);

/// <summary>
/// Quasi-Newton (BFGS) minimisation with a backtracking line search, using the objective's analytic gradient.
/// Small and dependency-free so the fits control their own tolerances and allocate only a few arrays per fit.
/// </summary>
internal static class Bfgs
{
    public static MinimizeResult Minimize<TObjective>(ref TObjective objective, Span<double> u, int maxIterations = 1000, double gradientTolerance = 1e-7)
        where TObjective : struct, IObjective
    {
        var n = u.Length;
        var h = new double[n * n];
        var g = new double[n];
        var gNew = new double[n];
        var p = new double[n];
        var uNew = new double[n];
        var s = new double[n];
        var y = new double[n];
        var hy = new double[n];

        var f = objective.Evaluate(u, g);
        var evaluations = 1;
        if (!double.IsFinite(f))
        {
            return new MinimizeResult(f, 0, evaluations, false);
        }

        InverseHessian.SetIdentity(h, n, 1.0);
        var scaled = false;
        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            if (NormInf(g) <= gradientTolerance * Math.Max(1.0, Math.Abs(f)))
            {
                return new MinimizeResult(f, iteration - 1, evaluations, true);
            }

            // p = -H g
            for (var i = 0; i < n; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < n; j++)
                {
                    sum -= h[(i * n) + j] * g[j];
                }

                p[i] = sum;
            }

            var slope = InverseHessian.Dot(p, g);
            if (slope >= 0)
            {
                // Lost descent: restart from steepest descent.
                InverseHessian.SetIdentity(h, n, 1.0);
                scaled = false;
                for (var i = 0; i < n; i++)
                {
                    p[i] = -g[i];
                }

                slope = InverseHessian.Dot(p, g);
            }

            // Parameters live on the log scale: a step above 2 (a factor e^2) is never needed in one go.
            var maxStep = NormInf(p);
            var step = maxStep > 2.0 ? 2.0 / maxStep : 1.0;
            double fNew;
            var accepted = false;
            for (var trial = 0; trial < 60; trial++)
            {
                for (var i = 0; i < n; i++)
                {
                    uNew[i] = u[i] + (step * p[i]);
                }

                fNew = objective.Evaluate(uNew, gNew);
                evaluations++;
                if (double.IsFinite(fNew) && fNew <= f + (1e-4 * step * slope))
                {
                    accepted = true;
                    for (var i = 0; i < n; i++)
                    {
                        s[i] = uNew[i] - u[i];
                        y[i] = gNew[i] - g[i];
                        u[i] = uNew[i];
                        g[i] = gNew[i];
                    }

                    var change = f - fNew;
                    f = fNew;
                    if (change <= 1e-15 * Math.Max(1.0, Math.Abs(f)) && NormInf(s) <= 1e-12)
                    {
                        return new MinimizeResult(f, iteration, evaluations, NormInf(g) <= Math.Sqrt(gradientTolerance) * Math.Max(1.0, Math.Abs(f)));
                    }

                    break;
                }

                step *= trial < 2 ? 0.5 : 0.2;
            }

            if (!accepted)
            {
                // No decrease along the direction: at the optimum to machine precision, or a poor direction.
                var converged = NormInf(g) <= Math.Sqrt(gradientTolerance) * Math.Max(1.0, Math.Abs(f));
                return new MinimizeResult(f, iteration, evaluations, converged);
            }

            InverseHessian.Update(h, n, s, y, hy, ref scaled);
        }

        return new MinimizeResult(f, maxIterations, evaluations, false);
    }

    private static double NormInf(ReadOnlySpan<double> a)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i]));
        }

        return max;
    }
}
