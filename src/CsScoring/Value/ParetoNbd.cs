using System.Globalization;
using CsScoring.Value.Numerics;

namespace CsScoring.Value;

/// <summary>
/// The Pareto/NBD model's parameters (Schmittlein, Morrison and Colombo 1987; likelihood as in Fader and Hardie
/// 2005): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the lifetime is exponential
/// with rate μ ~ Gamma(s, β). α and β are rates in 1 / the model's time unit.
/// </summary>
/// <remarks>
/// The likelihood involves ₂F₁, evaluated as a positive series in log space (no overflow or cancellation for any
/// parameter values the optimizer visits). Immutable and thread-safe; predictions allocate nothing.
/// </remarks>
public readonly struct ParetoNbdParameters : IEquatable<ParetoNbdParameters>, IRepeatTransactionModel
{
    /// <summary>Creates the parameters; each must be finite and &gt; 0.</summary>
    /// <param name="r">Shape of the purchase-rate distribution.</param>
    /// <param name="alpha">Rate of the purchase-rate distribution.</param>
    /// <param name="s">Shape of the dropout-rate distribution.</param>
    /// <param name="beta">Rate of the dropout-rate distribution.</param>
    /// <exception cref="InvalidModelInputException">A parameter is not a finite number &gt; 0.</exception>
    public ParetoNbdParameters(double r, double alpha, double s, double beta)
    {
        ThrowHelper.IfNotPositive(r, "r");
        ThrowHelper.IfNotPositive(alpha, "alpha");
        ThrowHelper.IfNotPositive(s, "s");
        ThrowHelper.IfNotPositive(beta, "beta");
        R = r;
        Alpha = alpha;
        S = s;
        Beta = beta;
    }

    /// <summary>The parameter names, in the order the fit reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["r", "alpha", "s", "beta"];

    /// <summary>Shape r of the purchase-rate distribution.</summary>
    public double R { get; }

    /// <summary>Rate α of the purchase-rate distribution.</summary>
    public double Alpha { get; }

    /// <summary>Shape s of the dropout-rate distribution.</summary>
    public double S { get; }

    /// <summary>Rate β of the dropout-rate distribution.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public static bool operator ==(ParetoNbdParameters left, ParetoNbdParameters right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(ParetoNbdParameters left, ParetoNbdParameters right) => !left.Equals(right);

    /// <summary>The log-likelihood of one customer's summary.</summary>
    /// <param name="customer">The customer.</param>
    public double LogLikelihood(in CustomerSummary customer)
    {
        Span<double> unused = stackalloc double[4];
        var logQ = ParetoNbdMath.LogQ(R, Alpha, S, Beta, customer.Frequency, customer.Recency, customer.Age, unused, out _);
        return LogMath.LogRisingFactorial(R, customer.Frequency) + (R * Math.Log(Alpha)) + (S * Math.Log(Beta)) + logQ;
    }

    /// <inheritdoc />
    public double ProbabilityAlive(in CustomerSummary customer)
    {
        Span<double> unused = stackalloc double[4];
        var logQ = ParetoNbdMath.LogQ(R, Alpha, S, Beta, customer.Frequency, customer.Recency, customer.Age, unused, out var logE);
        return Math.Clamp(Math.Exp(logE - logQ), 0, 1);
    }

    /// <inheritdoc />
    public double ExpectedTransactions(in CustomerSummary customer, double t)
    {
        ThrowHelper.IfNegative(t, "t");
        if (t == 0)
        {
            return 0;
        }

        var betaT = Beta + customer.Age;
        var rate = (R + customer.Frequency) / (Alpha + customer.Age);
        return rate * betaT * ParetoNbdMath.LifetimeFactor(S - 1, t / betaT) * ProbabilityAlive(customer);
    }

    /// <inheritdoc />
    public double ExpectedTransactions(double t)
    {
        ThrowHelper.IfNegative(t, "t");
        return t == 0 ? 0 : R / Alpha * Beta * ParetoNbdMath.LifetimeFactor(S - 1, t / Beta);
    }

    /// <summary>P(X(t) = n): the probability that a new customer makes exactly n transactions in (0, t] (Fader and Hardie 2006).</summary>
    /// <param name="n">The count (≥ 0).</param>
    /// <param name="t">The period length (≥ 0), in the model's time unit.</param>
    /// <returns>A probability in [0, 1]; over n = 0, 1, … they sum to 1.</returns>
    public double ProbabilityOfTransactions(int n, double t)
    {
        if (n < 0)
        {
            ThrowHelper.InvalidModelInput("n", n, "must be >= 0");
        }

        ThrowHelper.IfNegative(t, "t");
        if (t == 0)
        {
            return n == 0 ? 1.0 : 0.0;
        }

        double r = R, alpha = Alpha, s = S, beta = Beta;
        var first = Math.Exp(LogMath.LogRisingFactorial(r, n) - SpecialFunctions.GammaLn(n + 1.0) + (r * Math.Log(alpha / (alpha + t))) + (n * Math.Log(t / (alpha + t))) + (s * Math.Log(beta / (beta + t))));
        var alphaLarger = alpha >= beta;
        var m = alphaLarger ? alpha : beta;
        var b = alphaLarger ? s + 1 : r + n;
        var c = r + s + n + 1;
        var diff = Math.Abs(alpha - beta);
        var logB1 = Hypergeometric.Log2F1(r + s, b, c, diff / m, out _) - ((r + s) * Math.Log(m));
        var sum = 0.0;
        var logCoefficient = 0.0; // log Γ(r+s+i)/(Γ(r+s) i!) + i log t
        for (var i = 0; i <= n; i++)
        {
            if (i > 0)
            {
                logCoefficient += Math.Log((r + s + i - 1) / i * t);
            }

            var logB2 = Hypergeometric.Log2F1(r + s + i, b, c, diff / (m + t), out _) - ((r + s + i) * Math.Log(m + t));
            sum += Math.Exp(logCoefficient + logB2 - logB1);
        }

        var logScale = (r * Math.Log(alpha)) + (s * Math.Log(beta)) + SpecialFunctions.BetaLn(r + n, s + 1) - SpecialFunctions.BetaLn(r, s) + logB1;
        var second = Math.Exp(logScale) * (1 - sum);
        return Math.Clamp(first + second, 0, 1);
    }

    /// <summary>P(alive) for many customers, without allocating.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="destination">Receives one probability per customer.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void ProbabilityAlive(ReadOnlySpan<CustomerSummary> customers, Span<double> destination)
        => RepeatTransactionBatch.ProbabilityAlive(this, customers, destination);

    /// <summary>Expected transactions in (T, T + t] for many customers, without allocating.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="t">The future period (≥ 0), in the model's time unit.</param>
    /// <param name="destination">Receives one value per customer.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void ExpectedTransactions(ReadOnlySpan<CustomerSummary> customers, double t, Span<double> destination)
        => RepeatTransactionBatch.ExpectedTransactions(this, customers, t, destination);

    /// <inheritdoc />
    public bool Equals(ParetoNbdParameters other) => R.Equals(other.R) && Alpha.Equals(other.Alpha) && S.Equals(other.S) && Beta.Equals(other.Beta);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ParetoNbdParameters other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(R, Alpha, S, Beta);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Pareto/NBD(r = {R:G6}, alpha = {Alpha:G6}, s = {S:G6}, beta = {Beta:G6})");
}

/// <summary>Maximum-likelihood fitting of the Pareto/NBD model.</summary>
public static class ParetoNbdModel
{
    /// <summary>Fits r, α, s, β by maximum likelihood with the analytic gradient (₂F₁ and its derivatives summed together).</summary>
    /// <param name="customers">One summary per customer (at least one with a repeat transaction).</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for <see cref="FitOptions.Default"/>.</param>
    /// <returns>The fit with standard errors.</returns>
    /// <exception cref="InvalidModelInputException">A summary is invalid (the error names its row) or there are no customers.</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised.</exception>
    /// <remarks>The likelihood is often flat in β (and s): the log-likelihood is well determined, those parameters less so (see the standard errors).</remarks>
    public static ModelFit<ParetoNbdParameters> Fit(ReadOnlySpan<CustomerSummary> customers, FitOptions? options = null)
    {
        var objective = new ParetoNbdObjective(customers);
        var outcome = Fitting.Run(ref objective, objective.StartingPoint(), options, "Pareto/NBD");
        var theta = outcome.Theta;
        return new ModelFit<ParetoNbdParameters>(new ParetoNbdParameters(theta[0], theta[1], theta[2], theta[3]), [.. ParetoNbdParameters.Names], theta, outcome.StandardErrors, outcome.LogLikelihood, customers.Length, outcome.Iterations, outcome.Converged);
    }

    /// <summary>The total log-likelihood of the customers under the parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="customers">The customers.</param>
    public static double LogLikelihood(in ParetoNbdParameters parameters, ReadOnlySpan<CustomerSummary> customers)
    {
        var sum = 0.0;
        for (var i = 0; i < customers.Length; i++)
        {
            sum += parameters.LogLikelihood(customers[i]);
        }

        return sum;
    }
}

/// <summary>The Pareto/NBD likelihood pieces shared by the fit and the predictions.</summary>
internal static class ParetoNbdMath
{
    /// <summary>16-point Gauss-Legendre rule on [−1, 1].</summary>
    private static class GaussLegendre16
    {
        private static readonly (double[] Nodes, double[] Weights) Rule = GaussLegendre.Rule(16);

        public static readonly double[] Nodes = Rule.Nodes;

        public static readonly double[] Weights = Rule.Weights;
    }

    /// <summary>[1 − (1 + u)^(−c)] / c, with its limit log(1 + u) at c = 0.</summary>
    public static double LifetimeFactor(double c, double u)
    {
        var log1pu = LogMath.Log1P(u);
        return Math.Abs(c) < 1e-10 ? log1pu : -LogMath.ExpM1(-c * log1pu) / c;
    }

    /// <summary>
    /// log Q with Q = E + s/(r+s+x) · (K1 − K2), where the customer's likelihood is Γ(r+x) α^r β^s / Γ(r) · Q,
    /// E = (α+T)^−(r+x) (β+T)^−s is the "still alive at T" part and K1 − K2 = A0 the "died in (t_x, T]" part.
    /// Writes d log Q / d(r, α, s, β) to <paramref name="gradient"/>.
    /// </summary>
    public static double LogQ(double r, double alpha, double s, double beta, int x, double tx, double age, Span<double> gradient, out double logE)
        => LogQ(r, alpha, s, beta, x, tx, age, gradient, out logE, forceQuadrature: false);

    /// <summary>
    /// As above. The "died in (t_x, T]" part is s · I with I = ∫ (α+y)^−(r+x) (β+y)^−(s+1) dy over (t_x, T], which
    /// equals s/(r+s+x) · A0. It is taken from the ₂F₁ series when that converges quickly, and by Gauss-Legendre
    /// quadrature of the integral itself when the series' argument nears 1 (one rate far above the other, where the
    /// series would need up to millions of terms).
    /// </summary>
    internal static double LogQ(double r, double alpha, double s, double beta, int x, double tx, double age, Span<double> gradient, out double logE, bool forceQuadrature)
    {
        var a = r + s + x;
        var alphaLarger = alpha >= beta;
        var m = alphaLarger ? alpha : beta;
        var b = alphaLarger ? s + 1 : r + x;
        var diff = alphaLarger ? alpha - beta : beta - alpha;

        var logAlphaT = Math.Log(alpha + age);
        var logBetaT = Math.Log(beta + age);
        logE = (-(r + x) * logAlphaT) - (s * logBetaT);

        Span<double> dD = stackalloc double[4];
        double logD;
        var z = diff / (m + tx);
        if (forceQuadrature || (b + 30) * z / (1 - z) > 400)
        {
            logD = LogDiedByQuadrature(r, alpha, s, beta, x, tx, age, dD);
        }
        else
        {
            Span<double> dK1 = stackalloc double[4];
            Span<double> dK2 = stackalloc double[4];
            var logK1 = LogK(a, b, m, diff, tx, alphaLarger, alpha, beta, dK1);
            var logK2 = LogK(a, b, m, diff, age, alphaLarger, alpha, beta, dK2);

            // D = (s/a)(K1 − K2); d log D from d(s/a)/dr = −s/a², d(s/a)/ds = 1/a − s/a².
            var k2Share = Math.Exp(logK2 - logK1);
            var difference = 1 - k2Share;
            if (!(difference > 0))
            {
                logD = double.NegativeInfinity;
                dD.Clear();
            }
            else
            {
                logD = Math.Log(s / a) + logK1 + Math.Log(difference);
                for (var i = 0; i < 4; i++)
                {
                    dD[i] = (dK1[i] - (k2Share * dK2[i])) / difference;
                }

                dD[0] -= 1.0 / a;
                dD[2] += (1.0 / s) - (1.0 / a);
            }
        }

        // log Q = log(E + D) with d log Q = (E d log E + D d log D) / (E + D), weights computed in log space.
        var logQ = LogMath.LogAddExp(logE, logD);
        var wE = Math.Exp(logE - logQ);
        var wD = double.IsNegativeInfinity(logD) ? 0 : Math.Exp(logD - logQ);
        gradient[0] = (wE * -logAlphaT) + (wD * dD[0]);
        gradient[1] = (wE * (-(r + x) / (alpha + age))) + (wD * dD[1]);
        gradient[2] = (wE * -logBetaT) + (wD * dD[2]);
        gradient[3] = (wE * (-s / (beta + age))) + (wD * dD[3]);
        return logQ;
    }

    // log(s · I) and d log(s · I) / d(r, α, s, β) by composite Gauss-Legendre in u = log(m + y), m = min(α, β): the
    // substitution makes one factor a plain exponential and keeps the other's singularity π away from the real axis.
    private static double LogDiedByQuadrature(double r, double alpha, double s, double beta, int x, double tx, double age, Span<double> d)
    {
        if (age <= tx)
        {
            d.Clear();
            return double.NegativeInfinity;
        }

        var m = Math.Min(alpha, beta);
        var shiftAlpha = alpha - m;
        var shiftBeta = beta - m;
        var lower = Math.Log(m + tx);
        var upper = Math.Log(m + age);
        var length = upper - lower;
        var rx = r + x;
        var s1 = s + 1;
        var panels = (int)Math.Clamp(Math.Ceiling(Math.Max(length / 2, (rx + s1) * length / 8)), 1, 400);
        var h = length / panels;
        var nodes = GaussLegendre16.Nodes;
        var weights = GaussLegendre16.Weights;

        // First pass: the largest log-integrand, so the sums below cannot overflow or underflow.
        var max = double.NegativeInfinity;
        for (var p = 0; p < panels; p++)
        {
            var centre = lower + ((p + 0.5) * h);
            for (var k = 0; k < nodes.Length; k++)
            {
                var u = centre + (0.5 * h * nodes[k]);
                var eu = Math.Exp(u);
                var g = u - (rx * Math.Log(eu + shiftAlpha)) - (s1 * Math.Log(eu + shiftBeta));
                max = Math.Max(max, g);
            }
        }

        double sum = 0, dr = 0, dAlpha = 0, ds = 0, dBeta = 0;
        for (var p = 0; p < panels; p++)
        {
            var centre = lower + ((p + 0.5) * h);
            for (var k = 0; k < nodes.Length; k++)
            {
                var u = centre + (0.5 * h * nodes[k]);
                var eu = Math.Exp(u);
                var alphaY = eu + shiftAlpha;
                var betaY = eu + shiftBeta;
                var logAlphaY = Math.Log(alphaY);
                var logBetaY = Math.Log(betaY);
                var f = weights[k] * Math.Exp(u - (rx * logAlphaY) - (s1 * logBetaY) - max);
                sum += f;
                dr -= f * logAlphaY;
                dAlpha -= f * rx / alphaY;
                ds -= f * logBetaY;
                dBeta -= f * s1 / betaY;
            }
        }

        // D = s · I: d log D / dθ = d log I / dθ, plus 1/s for s.
        d[0] = dr / sum;
        d[1] = dAlpha / sum;
        d[2] = (ds / sum) + (1.0 / s);
        d[3] = dBeta / sum;
        return Math.Log(s) + max + Math.Log(sum * 0.5 * h);
    }

    // log K = log 2F1(a, b; a+1; diff/(m+t)) − a log(m+t), and its derivatives in (r, α, s, β).
    private static double LogK(double a, double b, double m, double diff, double t, bool alphaLarger, double alpha, double beta, Span<double> d)
    {
        var denominator = m + t;
        var logD = Math.Log(denominator);
        var z = diff / denominator;
        Hypergeometric.ParetoSeries(a, b, z, out var f, out var fa, out var fb, out var fz, out var logScale);
        var la = fa / f;
        var lb = fb / f;
        var lz = fz / f;
        if (alphaLarger)
        {
            // b = s + 1, z = (α − β)/(α + t): dz/dα = (β + t)/(α + t)², dz/dβ = −1/(α + t).
            d[0] = la - logD;
            d[1] = (lz * (beta + t) / (denominator * denominator)) - (a / denominator);
            d[2] = la + lb - logD;
            d[3] = -lz / denominator;
        }
        else
        {
            // b = r + x, z = (β − α)/(β + t): dz/dβ = (α + t)/(β + t)², dz/dα = −1/(β + t).
            d[0] = la + lb - logD;
            d[1] = -lz / denominator;
            d[2] = la - logD;
            d[3] = (lz * (alpha + t) / (denominator * denominator)) - (a / denominator);
        }

        return Math.Log(f) + logScale - (a * logD);
    }
}

/// <summary>The Pareto/NBD negative log-likelihood over log-parameters, with its analytic gradient.</summary>
internal struct ParetoNbdObjective : IObjective
{
    private readonly int[] _x;
    private readonly double[] _recency;
    private readonly double[] _age;
    private readonly int _maxX;
    private readonly double[] _cache;

    public ParetoNbdObjective(ReadOnlySpan<CustomerSummary> customers)
    {
        if (customers.IsEmpty)
        {
            throw new InvalidModelInputException("The Pareto/NBD fit needs at least one customer.");
        }

        _x = new int[customers.Length];
        _recency = new double[customers.Length];
        _age = new double[customers.Length];
        var max = 0;
        for (var i = 0; i < customers.Length; i++)
        {
            customers[i].Validate(i);
            _x[i] = customers[i].Frequency;
            _recency[i] = customers[i].Recency;
            _age[i] = customers[i].Age;
            max = Math.Max(max, _x[i]);
        }

        if (max == 0)
        {
            throw new InvalidModelInputException("The Pareto/NBD fit needs at least one customer with a repeat transaction (every frequency is 0).");
        }

        _maxX = max;
        _cache = new double[(max + 1) * 2];
    }

    public readonly int Dimension => 4;

    public readonly double[] StartingPoint()
    {
        double sumX = 0, sumT = 0;
        for (var i = 0; i < _x.Length; i++)
        {
            sumX += _x[i];
            sumT += _age[i];
        }

        var meanAge = Math.Max(sumT / _x.Length, 1e-9);
        var meanRate = Math.Max(sumX, 1) / Math.Max(sumT, 1e-9);
        return [1.0, 1.0 / meanRate, 1.0, meanAge];
    }

    public readonly double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        var r = Math.Exp(u[0]);
        var alpha = Math.Exp(u[1]);
        var s = Math.Exp(u[2]);
        var beta = Math.Exp(u[3]);
        if (!(r > 0 && alpha > 0 && s > 0 && beta > 0 && double.IsFinite(r + alpha + s + beta)))
        {
            return double.NaN;
        }

        // log Γ(r+x)/Γ(r) and its r-derivative for x = 0..max(x), once per evaluation.
        var cache = _cache;
        double lr = 0, dr = 0;
        for (var x = 0; x <= _maxX; x++)
        {
            cache[2 * x] = lr;
            cache[(2 * x) + 1] = dr;
            lr += Math.Log(r + x);
            dr += 1.0 / (r + x);
        }

        Span<double> g = stackalloc double[4];
        double ll = 0, gr = 0, gAlpha = 0, gs = 0, gBeta = 0;
        var xs = _x;
        for (var i = 0; i < xs.Length; i++)
        {
            var x = xs[i];
            ll += cache[2 * x] + ParetoNbdMath.LogQ(r, alpha, s, beta, x, _recency[i], _age[i], g, out _);
            gr += cache[(2 * x) + 1] + g[0];
            gAlpha += g[1];
            gs += g[2];
            gBeta += g[3];
        }

        var n = xs.Length;
        ll += n * ((r * Math.Log(alpha)) + (s * Math.Log(beta)));
        gr += n * Math.Log(alpha);
        gAlpha += n * r / alpha;
        gs += n * Math.Log(beta);
        gBeta += n * s / beta;

        gradient[0] = -gr * r;
        gradient[1] = -gAlpha * alpha;
        gradient[2] = -gs * s;
        gradient[3] = -gBeta * beta;
        return -ll;
    }
}
