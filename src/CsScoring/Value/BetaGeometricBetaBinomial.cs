using System.Globalization;
using CsScoring.Value.Numerics;

namespace CsScoring.Value;

/// <summary>
/// The BG/BB model's parameters (Fader, Hardie and Shang 2010, "Customer-base analysis in a discrete-time
/// noncontractual setting"): at each discrete opportunity an alive customer transacts with probability
/// p ~ Beta(α, β) and, before each opportunity, drops out with probability θ ~ Beta(γ, δ).
/// </summary>
/// <remarks>Immutable and thread-safe; the time unit is the transaction opportunity (a year, an event).</remarks>
public readonly struct BgBbParameters : IEquatable<BgBbParameters>
{
    /// <summary>Creates the parameters; each must be finite and &gt; 0.</summary>
    /// <param name="alpha">First shape of the transaction-probability distribution.</param>
    /// <param name="beta">Second shape of the transaction-probability distribution.</param>
    /// <param name="gamma">First shape of the dropout-probability distribution.</param>
    /// <param name="delta">Second shape of the dropout-probability distribution.</param>
    /// <exception cref="InvalidModelInputException">A parameter is not a finite number &gt; 0.</exception>
    public BgBbParameters(double alpha, double beta, double gamma, double delta)
    {
        ThrowHelper.IfNotPositive(alpha, "alpha");
        ThrowHelper.IfNotPositive(beta, "beta");
        ThrowHelper.IfNotPositive(gamma, "gamma");
        ThrowHelper.IfNotPositive(delta, "delta");
        Alpha = alpha;
        Beta = beta;
        Gamma = gamma;
        Delta = delta;
    }

    /// <summary>The parameter names, in the order the fit reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["alpha", "beta", "gamma", "delta"];

    /// <summary>First shape α of the transaction-probability distribution.</summary>
    public double Alpha { get; }

    /// <summary>Second shape β of the transaction-probability distribution.</summary>
    public double Beta { get; }

    /// <summary>First shape γ of the dropout-probability distribution.</summary>
    public double Gamma { get; }

    /// <summary>Second shape δ of the dropout-probability distribution.</summary>
    public double Delta { get; }

    /// <inheritdoc />
    public static bool operator ==(BgBbParameters left, BgBbParameters right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(BgBbParameters left, BgBbParameters right) => !left.Equals(right);

    /// <summary>The log-likelihood of one customer's history (not multiplied by its weight).</summary>
    /// <param name="customer">The customer.</param>
    public double LogLikelihood(in DiscreteCustomerSummary customer)
    {
        Span<double> unused = stackalloc double[4];
        return BgBbMath.LogLikelihood(Alpha, Beta, Gamma, Delta, customer.Frequency, customer.Recency, customer.Periods, unused, false);
    }

    /// <summary>The probability that the customer is alive at the next opportunity (n + 1), in [0, 1].</summary>
    /// <param name="customer">The customer.</param>
    public double ProbabilityAlive(in DiscreteCustomerSummary customer)
    {
        var x = customer.Frequency;
        var n = customer.Periods;
        var logAlive = SpecialFunctions.BetaLn(Alpha + x, Beta + n - x) - SpecialFunctions.BetaLn(Alpha, Beta)
            + SpecialFunctions.BetaLn(Gamma, Delta + n + 1) - SpecialFunctions.BetaLn(Gamma, Delta);
        return Math.Clamp(Math.Exp(logAlive - LogLikelihood(customer)), 0, 1);
    }

    /// <summary>Expected transactions in the next <paramref name="opportunities"/> opportunities (n, n + n*], given the history.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="opportunities">Future opportunities n* (≥ 0).</param>
    /// <returns>A value in [0, n*], non-decreasing in n*.</returns>
    public double ExpectedTransactions(in DiscreteCustomerSummary customer, int opportunities)
    {
        if (opportunities < 0)
        {
            ThrowHelper.InvalidModelInput("opportunities", opportunities, "must be >= 0");
        }

        var x = customer.Frequency;
        var n = customer.Periods;
        var logHead = SpecialFunctions.BetaLn(Alpha + x + 1, Beta + n - x) - SpecialFunctions.BetaLn(Alpha, Beta) - LogLikelihood(customer);
        return Math.Exp(logHead) * SurvivalSum(n, opportunities);
    }

    /// <summary>Expected transactions of a new customer in the first <paramref name="opportunities"/> opportunities.</summary>
    /// <param name="opportunities">Opportunities n (≥ 0).</param>
    public double ExpectedTransactions(int opportunities)
    {
        if (opportunities < 0)
        {
            ThrowHelper.InvalidModelInput("opportunities", opportunities, "must be >= 0");
        }

        return Alpha / (Alpha + Beta) * SurvivalSum(0, opportunities);
    }

    /// <summary>
    /// Discounted expected transactions of a customer over the next <paramref name="opportunities"/> opportunities:
    /// Σₖ (E[X(k)] − E[X(k−1)]) / (1 + d)ᵏ, each opportunity's expected transactions discounted to its end. Times the
    /// value of one transaction, it is the customer's CLV over the horizon.
    /// </summary>
    /// <param name="customer">The customer's history.</param>
    /// <param name="opportunities">Future opportunities (≥ 0).</param>
    /// <param name="discountRate">The discount rate per opportunity (≥ 0; 0 gives <see cref="ExpectedTransactions(in DiscreteCustomerSummary, int)"/>).</param>
    /// <returns>The discounted count (≥ 0).</returns>
    /// <exception cref="InvalidModelInputException"><paramref name="opportunities"/> or <paramref name="discountRate"/> is negative or not finite.</exception>
    public double DiscountedExpectedTransactions(in DiscreteCustomerSummary customer, int opportunities, double discountRate)
    {
        if (opportunities < 0)
        {
            ThrowHelper.InvalidModelInput("opportunities", opportunities, "must be >= 0");
        }

        if (!(discountRate >= 0) || double.IsInfinity(discountRate))
        {
            ThrowHelper.InvalidModelInput("discountRate", discountRate, "must be a finite number >= 0");
        }

        double total = 0, previous = 0, factor = 1;
        for (var k = 1; k <= opportunities; k++)
        {
            var expected = ExpectedTransactions(customer, k);
            factor /= 1 + discountRate;
            total += (expected - previous) * factor;
            previous = expected;
        }

        return total;
    }

    /// <summary>P(X(n) = x): the probability that a new customer makes exactly x transactions in n opportunities.</summary>
    /// <param name="transactions">The count x (0 ≤ x ≤ n).</param>
    /// <param name="opportunities">The opportunities n (≥ 0).</param>
    /// <returns>A probability in [0, 1]; over x = 0..n they sum to 1.</returns>
    public double ProbabilityOfTransactions(int transactions, int opportunities)
    {
        if (opportunities < 0)
        {
            ThrowHelper.InvalidModelInput("opportunities", opportunities, "must be >= 0");
        }

        if (transactions < 0 || transactions > opportunities)
        {
            return 0;
        }

        var x = transactions;
        var n = opportunities;
        var logBab = SpecialFunctions.BetaLn(Alpha, Beta);
        var logBgd = SpecialFunctions.BetaLn(Gamma, Delta);
        var total = Math.Exp(SpecialFunctions.BinomialLn(n, x) + SpecialFunctions.BetaLn(Alpha + x, Beta + n - x) - logBab + SpecialFunctions.BetaLn(Gamma, Delta + n) - logBgd);
        for (var i = x; i < n; i++)
        {
            total += Math.Exp(SpecialFunctions.BinomialLn(i, x) + SpecialFunctions.BetaLn(Alpha + x, Beta + i - x) - logBab + SpecialFunctions.BetaLn(Gamma + 1, Delta + i) - logBgd);
        }

        return Math.Clamp(total, 0, 1);
    }

    /// <inheritdoc />
    public bool Equals(BgBbParameters other) => Alpha.Equals(other.Alpha) && Beta.Equals(other.Beta) && Gamma.Equals(other.Gamma) && Delta.Equals(other.Delta);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BgBbParameters other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Alpha, Beta, Gamma, Delta);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"BG/BB(alpha = {Alpha:G6}, beta = {Beta:G6}, gamma = {Gamma:G6}, delta = {Delta:G6})");

    // Σ_{i=1}^{m} B(γ, δ+n+i)/B(γ, δ): the expected survival over the next m opportunities, by the ratio recursion
    // B(γ, d+1)/B(γ, d) = d/(γ+d), so it holds for every γ (the closed form has a 0/0 at γ = 1).
    private double SurvivalSum(int n, int m)
    {
        var ratio = Math.Exp(SpecialFunctions.BetaLn(Gamma, Delta + n) - SpecialFunctions.BetaLn(Gamma, Delta));
        var sum = 0.0;
        for (var i = 1; i <= m; i++)
        {
            var d = Delta + n + i - 1;
            ratio *= d / (Gamma + d);
            sum += ratio;
        }

        return sum;
    }
}

/// <summary>Maximum-likelihood fitting of the BG/BB model.</summary>
public static class BgBbModel
{
    /// <summary>Fits α, β, γ, δ by maximum likelihood with the analytic gradient; identical histories are pooled by weight.</summary>
    /// <param name="customers">Histories, one per customer or one per pattern with a weight.</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The fit; <see cref="ModelFit{TParameters}.Observations"/> is the total weight.</returns>
    /// <exception cref="InvalidModelInputException">A history is invalid (named by row) or there are none.</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised.</exception>
    public static ModelFit<BgBbParameters> Fit(ReadOnlySpan<DiscreteCustomerSummary> customers, FitOptions? options = null)
    {
        var objective = new BgBbObjective(customers);
        var outcome = Fitting.Run(ref objective, [1.0, 1.0, 1.0, 1.0], options, "BG/BB");
        var theta = outcome.Theta;
        return new ModelFit<BgBbParameters>(new BgBbParameters(theta[0], theta[1], theta[2], theta[3]), [.. BgBbParameters.Names], theta, outcome.StandardErrors, outcome.LogLikelihood, objective.TotalWeight, outcome.Iterations, outcome.Converged);
    }

    /// <summary>The total weighted log-likelihood of the histories under the parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="customers">The histories.</param>
    public static double LogLikelihood(in BgBbParameters parameters, ReadOnlySpan<DiscreteCustomerSummary> customers)
    {
        var sum = 0.0;
        for (var i = 0; i < customers.Length; i++)
        {
            sum += customers[i].Weight * parameters.LogLikelihood(customers[i]);
        }

        return sum;
    }
}

internal static class BgBbMath
{
    /// <summary>log L(α, β, γ, δ | x, t_x, n) and, when asked, its gradient in (α, β, γ, δ).</summary>
    public static double LogLikelihood(double alpha, double beta, double gamma, double delta, int x, int tx, int n, Span<double> gradient, bool withGradient)
    {
        var logBab = SpecialFunctions.BetaLn(alpha, beta);
        var logBgd = SpecialFunctions.BetaLn(gamma, delta);
        var terms = n - tx + 1;
        Span<double> logTerm = terms <= 64 ? stackalloc double[terms] : new double[terms];

        // Term 0: alive through n. Terms 1..: died just after opportunity t_x + i, i = 0..n − t_x − 1.
        logTerm[0] = SpecialFunctions.BetaLn(alpha + x, beta + n - x) - logBab + SpecialFunctions.BetaLn(gamma, delta + n) - logBgd;
        var max = logTerm[0];
        for (var i = 0; i < terms - 1; i++)
        {
            logTerm[i + 1] = SpecialFunctions.BetaLn(alpha + x, beta + tx - x + i) - logBab + SpecialFunctions.BetaLn(gamma + 1, delta + tx + i) - logBgd;
            max = Math.Max(max, logTerm[i + 1]);
        }

        var sum = 0.0;
        for (var i = 0; i < terms; i++)
        {
            sum += Math.Exp(logTerm[i] - max);
        }

        var log = max + Math.Log(sum);
        if (!withGradient)
        {
            return log;
        }

        var psiAb = SpecialFunctions.DiGamma(alpha + beta);
        var psiA = SpecialFunctions.DiGamma(alpha);
        var psiB = SpecialFunctions.DiGamma(beta);
        var psiGd = SpecialFunctions.DiGamma(gamma + delta);
        var psiG = SpecialFunctions.DiGamma(gamma);
        var psiD = SpecialFunctions.DiGamma(delta);
        var psiAx = SpecialFunctions.DiGamma(alpha + x);
        double ga = 0, gb = 0, gg = 0, gd = 0;
        for (var i = 0; i < terms; i++)
        {
            var weight = Math.Exp(logTerm[i] - max) / sum;
            double y, dg, dd;
            if (i == 0)
            {
                y = beta + n - x;
                var psiAll = SpecialFunctions.DiGamma(gamma + delta + n);
                dg = psiGd - psiAll;
                dd = SpecialFunctions.DiGamma(delta + n) - psiAll - psiD + psiGd;
            }
            else
            {
                y = beta + tx - x + i - 1;
                var dn = delta + tx + i - 1;
                var psiAll = SpecialFunctions.DiGamma(gamma + 1 + dn);
                dg = SpecialFunctions.DiGamma(gamma + 1) - psiAll - psiG + psiGd;
                dd = SpecialFunctions.DiGamma(dn) - psiAll - psiD + psiGd;
            }

            var psiXy = SpecialFunctions.DiGamma(alpha + x + y);
            ga += weight * (psiAx - psiXy - psiA + psiAb);
            gb += weight * (SpecialFunctions.DiGamma(y) - psiXy - psiB + psiAb);
            gg += weight * dg;
            gd += weight * dd;
        }

        gradient[0] = ga;
        gradient[1] = gb;
        gradient[2] = gg;
        gradient[3] = gd;
        return log;
    }
}

/// <summary>The BG/BB negative log-likelihood over pooled histories.</summary>
internal struct BgBbObjective : IObjective
{
    private readonly int[] _x;
    private readonly int[] _tx;
    private readonly int[] _n;
    private readonly double[] _w;

    public BgBbObjective(ReadOnlySpan<DiscreteCustomerSummary> customers)
    {
        if (customers.IsEmpty)
        {
            throw new InvalidModelInputException("The BG/BB fit needs at least one history.");
        }

        var pooled = new Dictionary<(int, int, int), double>();
        var order = new List<(int, int, int)>();
        var total = 0.0;
        for (var i = 0; i < customers.Length; i++)
        {
            customers[i].Validate(i);
            var key = (customers[i].Frequency, customers[i].Recency, customers[i].Periods);
            if (pooled.TryGetValue(key, out var w))
            {
                pooled[key] = w + customers[i].Weight;
            }
            else
            {
                pooled.Add(key, customers[i].Weight);
                order.Add(key);
            }

            total += customers[i].Weight;
        }

        _x = new int[order.Count];
        _tx = new int[order.Count];
        _n = new int[order.Count];
        _w = new double[order.Count];
        for (var k = 0; k < order.Count; k++)
        {
            (_x[k], _tx[k], _n[k]) = order[k];
            _w[k] = pooled[order[k]];
        }

        TotalWeight = total;
    }

    public double TotalWeight { get; }

    public readonly int Dimension => 4;

    public readonly double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        var alpha = Math.Exp(u[0]);
        var beta = Math.Exp(u[1]);
        var gamma = Math.Exp(u[2]);
        var delta = Math.Exp(u[3]);
        if (!(alpha > 0 && beta > 0 && gamma > 0 && delta > 0 && double.IsFinite(alpha + beta + gamma + delta)))
        {
            return double.NaN;
        }

        Span<double> g = stackalloc double[4];
        double ll = 0, ga = 0, gb = 0, gg = 0, gd = 0;
        for (var k = 0; k < _x.Length; k++)
        {
            var w = _w[k];
            ll += w * BgBbMath.LogLikelihood(alpha, beta, gamma, delta, _x[k], _tx[k], _n[k], g, true);
            ga += w * g[0];
            gb += w * g[1];
            gg += w * g[2];
            gd += w * g[3];
        }

        gradient[0] = -ga * alpha;
        gradient[1] = -gb * beta;
        gradient[2] = -gg * gamma;
        gradient[3] = -gd * delta;
        return -ll;
    }
}
