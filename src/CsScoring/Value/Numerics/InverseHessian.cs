namespace CsScoring.Value.Numerics;

/// <summary>The inverse-Hessian approximation both BFGS minimisers keep, and its update: one implementation.</summary>
internal static class InverseHessian
{
    /// <summary>
    /// The BFGS update of <paramref name="h"/> (row-major, <paramref name="n"/> × <paramref name="n"/>) for the step
    /// <paramref name="s"/> and gradient change <paramref name="y"/>; on the first usable pair it first rescales the
    /// identity by sᵀy / yᵀy. A pair without positive curvature leaves <paramref name="h"/> unchanged.
    /// </summary>
    /// <param name="h">The approximation, updated in place.</param>
    /// <param name="n">The number of variables.</param>
    /// <param name="s">The step taken.</param>
    /// <param name="y">The change in the gradient over the step.</param>
    /// <param name="hy">Scratch of length <paramref name="n"/>.</param>
    /// <param name="scaled">Whether the initial scaling was done; set on the first update.</param>
    public static void Update(double[] h, int n, ReadOnlySpan<double> s, ReadOnlySpan<double> y, Span<double> hy, ref bool scaled)
    {
        var sy = Dot(s, y);
        if (sy <= 1e-12 * Math.Sqrt(Dot(s, s) * Dot(y, y)))
        {
            return;
        }

        if (!scaled)
        {
            SetIdentity(h, n, sy / Dot(y, y));
            scaled = true;
        }

        // H = (I - rho s y') H (I - rho y s') + rho s s'
        var rho = 1.0 / sy;
        for (var i = 0; i < n; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < n; j++)
            {
                sum += h[(i * n) + j] * y[j];
            }

            hy[i] = sum;
        }

        var yhy = Dot(y, hy);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                h[(i * n) + j] += (rho * rho * yhy * s[i] * s[j]) + (rho * s[i] * s[j]) - (rho * ((hy[i] * s[j]) + (s[i] * hy[j])));
            }
        }
    }

    /// <summary>Sets <paramref name="h"/> to <paramref name="scale"/> times the identity.</summary>
    public static void SetIdentity(double[] h, int n, double scale)
    {
        Array.Clear(h);
        for (var i = 0; i < n; i++)
        {
            h[(i * n) + i] = scale;
        }
    }

    /// <summary>The dot product, summed in index order.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
