namespace CsScoring.Value.Numerics;

/// <summary>Small numerical helpers for log-space arithmetic.</summary>
internal static class LogMath
{
    /// <summary>log(exp(a) + exp(b)) without overflow.</summary>
    public static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        return a > b ? a + Math.Log(1 + Math.Exp(b - a)) : b + Math.Log(1 + Math.Exp(a - b));
    }

    /// <summary>log Γ(x + n) − log Γ(x) for a whole n ≥ 0, as a sum of logs (exact and cheaper than two log-gammas).</summary>
    public static double LogRisingFactorial(double x, int n)
    {
        var sum = 0.0;
        for (var k = 0; k < n; k++)
        {
            sum += Math.Log(x + k);
        }

        return sum;
    }

    /// <summary>exp(x) − 1, accurate for small x.</summary>
    public static double ExpM1(double x)
        => Math.Abs(x) < 1e-5 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1;

    /// <summary>log(1 + x), accurate for small x.</summary>
    public static double Log1P(double x)
        => Math.Abs(x) < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);
}
