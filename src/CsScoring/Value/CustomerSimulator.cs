using CsScoring.Value.Numerics;

namespace CsScoring.Value;

/// <summary>
/// Draws customer bases from the models' own generative stories with a seeded generator: for checking that a fit
/// recovers known parameters, for power analysis and for benchmarks. The same parameters and seed give the same data.
/// </summary>
internal static class CustomerSimulator
{
    /// <summary>Customers from a BG/NBD model, each with an age T drawn uniformly from [<paramref name="minAge"/>, <paramref name="maxAge"/>].</summary>
    /// <param name="parameters">The model.</param>
    /// <param name="customers">How many (≥ 1).</param>
    /// <param name="minAge">The youngest age (≥ 0).</param>
    /// <param name="maxAge">The oldest age (≥ <paramref name="minAge"/>).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>Summaries (monetary value 0).</returns>
    public static CustomerSummary[] BgNbd(in BgNbdParameters parameters, int customers, double minAge, double maxAge, int seed)
    {
        CheckShape(customers, minAge, maxAge);
        var random = new Random(seed);
        var result = new CustomerSummary[customers];
        for (var i = 0; i < customers; i++)
        {
            var age = minAge + ((maxAge - minAge) * random.NextDouble());
            var lambda = Variates.Gamma(random, parameters.R, parameters.Alpha);
            var p = Variates.Beta(random, parameters.A, parameters.B);
            if (!(lambda > 0))
            {
                // A rate that underflowed to 0 (tiny r): this customer never buys again.
                result[i] = new CustomerSummary(0, 0, age);
                continue;
            }

            double t = 0, last = 0;
            var x = 0;
            while (true)
            {
                t += Variates.Exponential(random, lambda);
                if (t > age)
                {
                    break;
                }

                x++;
                last = t;
                if (random.NextDouble() < p)
                {
                    break;
                }
            }

            result[i] = new CustomerSummary(x, last, age);
        }

        return result;
    }

    /// <summary>Customers from a Pareto/NBD model, each with an age T drawn uniformly from [<paramref name="minAge"/>, <paramref name="maxAge"/>].</summary>
    /// <param name="parameters">The model.</param>
    /// <param name="customers">How many (≥ 1).</param>
    /// <param name="minAge">The youngest age (≥ 0).</param>
    /// <param name="maxAge">The oldest age.</param>
    /// <param name="seed">The seed.</param>
    public static CustomerSummary[] ParetoNbd(in ParetoNbdParameters parameters, int customers, double minAge, double maxAge, int seed)
    {
        CheckShape(customers, minAge, maxAge);
        var random = new Random(seed);
        var result = new CustomerSummary[customers];
        for (var i = 0; i < customers; i++)
        {
            var age = minAge + ((maxAge - minAge) * random.NextDouble());
            var lambda = Variates.Gamma(random, parameters.R, parameters.Alpha);
            var mu = Variates.Gamma(random, parameters.S, parameters.Beta);
            var end = mu > 0 ? Math.Min(Variates.Exponential(random, mu), age) : age;
            if (!(lambda > 0))
            {
                result[i] = new CustomerSummary(0, 0, age);
                continue;
            }

            double t = 0, last = 0;
            var x = 0;
            while (true)
            {
                t += Variates.Exponential(random, lambda);
                if (t > end)
                {
                    break;
                }

                x++;
                last = t;
            }

            result[i] = new CustomerSummary(x, last, age);
        }

        return result;
    }

    /// <summary>Adds Gamma-Gamma mean spends to summaries (customers with x = 0 keep 0).</summary>
    /// <param name="parameters">The spend model.</param>
    /// <param name="customers">The summaries.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>New summaries with <see cref="CustomerSummary.MonetaryValue"/> drawn as the mean of x Gamma(p, ν) values, ν ~ Gamma(q, γ).</returns>
    public static CustomerSummary[] GammaGammaSpend(in GammaGammaParameters parameters, ReadOnlySpan<CustomerSummary> customers, int seed)
    {
        var random = new Random(seed);
        var result = new CustomerSummary[customers.Length];
        for (var i = 0; i < customers.Length; i++)
        {
            var c = customers[i];
            var mean = 0.0;
            if (c.Frequency > 0)
            {
                var nu = Variates.Gamma(random, parameters.Q, parameters.Gamma);

                // The mean of x Gamma(p, ν) values is Gamma(p x, ν x).
                mean = Variates.Gamma(random, parameters.P * c.Frequency, nu * c.Frequency);
            }

            result[i] = new CustomerSummary(c.Frequency, c.Recency, c.Age, mean);
        }

        return result;
    }

    /// <summary>Histories from a BG/BB model over <paramref name="periods"/> opportunities.</summary>
    /// <param name="parameters">The model.</param>
    /// <param name="customers">How many (≥ 1).</param>
    /// <param name="periods">Opportunities n (≥ 1).</param>
    /// <param name="seed">The seed.</param>
    public static DiscreteCustomerSummary[] BgBb(in BgBbParameters parameters, int customers, int periods, int seed)
    {
        CheckShape(customers, 0, 0);
        if (periods < 1)
        {
            ThrowHelper.InvalidModelInput("periods", periods, "must be >= 1");
        }

        var random = new Random(seed);
        var result = new DiscreteCustomerSummary[customers];
        for (var i = 0; i < customers; i++)
        {
            var p = Variates.Beta(random, parameters.Alpha, parameters.Beta);
            var theta = Variates.Beta(random, parameters.Gamma, parameters.Delta);
            int x = 0, last = 0;
            for (var t = 1; t <= periods; t++)
            {
                if (random.NextDouble() < theta)
                {
                    break;
                }

                if (random.NextDouble() < p)
                {
                    x++;
                    last = t;
                }
            }

            result[i] = new DiscreteCustomerSummary(x, last, periods);
        }

        return result;
    }

    /// <summary>A cohort's survivor counts under an sBG model.</summary>
    /// <param name="parameters">The model.</param>
    /// <param name="cohortSize">Customers at the start (≥ 1).</param>
    /// <param name="periods">Periods observed (≥ 1); the result has periods + 1 counts.</param>
    /// <param name="seed">The seed.</param>
    public static int[] SbgSurvivors(in SbgParameters parameters, int cohortSize, int periods, int seed)
    {
        CheckShape(cohortSize, 0, 0);
        if (periods < 1)
        {
            ThrowHelper.InvalidModelInput("periods", periods, "must be >= 1");
        }

        var random = new Random(seed);
        var survivors = new int[periods + 1];
        for (var i = 0; i < cohortSize; i++)
        {
            var theta = Variates.Beta(random, parameters.Alpha, parameters.Beta);
            survivors[0]++;
            for (var t = 1; t <= periods; t++)
            {
                if (random.NextDouble() < theta)
                {
                    break;
                }

                survivors[t]++;
            }
        }

        return survivors;
    }

    private static void CheckShape(int customers, double minAge, double maxAge)
    {
        if (customers < 1)
        {
            ThrowHelper.InvalidModelInput("customers", customers, "must be >= 1");
        }

        ThrowHelper.IfNegative(minAge, "min_age");
        if (!(maxAge >= minAge) || double.IsInfinity(maxAge))
        {
            ThrowHelper.InvalidModelInput("max_age", maxAge, "must be finite and >= min_age");
        }
    }
}
