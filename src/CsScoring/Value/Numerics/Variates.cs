namespace CsScoring.Value.Numerics;

/// <summary>
/// Random variates drawn from a caller's seeded <see cref="Random"/>, so a seed fixes the whole stream: standard
/// normal (Marsaglia's polar method), gamma (Marsaglia and Tsang 2000), beta (as a ratio of gammas) and exponential.
/// </summary>
internal static class Variates
{
    /// <summary>A uniform draw in (0, 1]: never 0, so its logarithm is finite.</summary>
    public static double OpenUniform(Random random) => 1.0 - random.NextDouble();

    /// <summary>A standard normal draw.</summary>
    public static double StandardNormal(Random random)
    {
        while (true)
        {
            var u = (2 * random.NextDouble()) - 1;
            var v = (2 * random.NextDouble()) - 1;
            var s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                // The polar method yields two normals; one is used so each draw consumes a fixed pattern of uniforms.
                return u * Math.Sqrt(-2 * Math.Log(s) / s);
            }
        }
    }

    /// <summary>A Gamma(shape, rate) draw (mean shape / rate); shape and rate finite and &gt; 0.</summary>
    public static double Gamma(Random random, double shape, double rate)
    {
        if (shape < 1)
        {
            // Gamma(k) = Gamma(k + 1) · U^(1/k) (Marsaglia and Tsang, section 6); may underflow to 0 for tiny k.
            return Gamma(random, shape + 1, rate) * Math.Pow(OpenUniform(random), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = OpenUniform(random);
            var x2 = x * x;
            if (u < 1 - (0.0331 * x2 * x2) || Math.Log(u) < (0.5 * x2) + (d * (1 - v + Math.Log(v))))
            {
                return d * v / rate;
            }
        }
    }

    /// <summary>A Beta(a, b) draw; a and b finite and &gt; 0.</summary>
    public static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a, 1);
        var y = Gamma(random, b, 1);
        var sum = x + y;

        // Both gammas underflow only for tiny shapes; then the draw is 0 or 1 with odds a : b.
        return sum > 0 ? x / sum : (random.NextDouble() * (a + b) < a ? 1.0 : 0.0);
    }

    /// <summary>An Exponential(rate) draw (mean 1 / rate).</summary>
    public static double Exponential(Random random, double rate) => -Math.Log(OpenUniform(random)) / rate;
}
