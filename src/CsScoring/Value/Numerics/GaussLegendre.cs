namespace CsScoring.Value.Numerics;

/// <summary>Gauss-Legendre nodes and weights on [−1, 1], found by Newton's method on the Legendre polynomial.</summary>
internal static class GaussLegendre
{
    /// <summary>The <paramref name="points"/>-point rule: nodes ascending, with their weights.</summary>
    public static (double[] Nodes, double[] Weights) Rule(int points)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        var nodes = new double[points];
        var weights = new double[points];
        var half = (points + 1) / 2;
        for (var i = 0; i < half; i++)
        {
            // Tricomi's approximation of the i-th largest root, then Newton to machine precision.
            var x = Math.Cos(Math.PI * (i + 0.75) / (points + 0.5));
            double derivative = 0;
            for (var iteration = 0; iteration < 100; iteration++)
            {
                var (p, dp) = Legendre(points, x);
                derivative = dp;
                var dx = p / dp;
                x -= dx;
                if (Math.Abs(dx) <= 1e-16)
                {
                    (_, derivative) = Legendre(points, x);
                    break;
                }
            }

            var weight = 2 / ((1 - (x * x)) * derivative * derivative);
            nodes[i] = -x;
            nodes[points - 1 - i] = x;
            weights[i] = weight;
            weights[points - 1 - i] = weight;
        }

        if (points % 2 == 1)
        {
            nodes[points / 2] = 0;
        }

        return (nodes, weights);
    }

    /// <summary>P_n(x) and P_n'(x) by the three-term recurrence.</summary>
    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double previous = 1, current = x;
        for (var k = 2; k <= n; k++)
        {
            var next = ((((2 * k) - 1) * x * current) - ((k - 1) * previous)) / k;
            previous = current;
            current = next;
        }

        if (n == 1)
        {
            return (x, 1);
        }

        return (current, n * ((x * current) - previous) / ((x * x) - 1));
    }
}
