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
    /// <remarks>
    /// The customers are first reduced to their distinct (x, t_x, T) rows (<see cref="CustomerSummaryTable"/>). The likelihood
    /// is often flat in β (and s): the log-likelihood is well determined, those parameters less so (see the standard errors).
    /// </remarks>
    public static ModelFit<ParetoNbdParameters> Fit(ReadOnlySpan<CustomerSummary> customers, FitOptions? options = null)
    {
        if (customers.IsEmpty)
        {
            throw new InvalidModelInputException("The Pareto/NBD fit needs at least one customer.");
        }

        return FitTable(CustomerSummaryTable.From(customers), options);
    }

    /// <summary>
    /// Fits r, α, s, β on customers reduced to their distinct (x, t_x, T) rows: the same optimum as the fit on the
    /// customers, in time and memory that follow the rows (see <see cref="CustomerSummaryTable"/>).
    /// </summary>
    /// <param name="customers">The weighted rows (at least one with a repeat transaction).</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for <see cref="FitOptions.Default"/>.</param>
    /// <returns>The fit with standard errors; <see cref="ModelFit{TParameters}.Observations"/> counts customers, not rows.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="customers"/> is null.</exception>
    /// <exception cref="InvalidModelInputException">Every frequency is 0.</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised.</exception>
    public static ModelFit<ParetoNbdParameters> FitTable(CustomerSummaryTable customers, FitOptions? options = null)
    {
        var objective = new ParetoNbdObjective(customers);
        var outcome = Fitting.Run(ref objective, objective.StartingPoint(), options, "Pareto/NBD");
        var theta = outcome.Theta;
        return new ModelFit<ParetoNbdParameters>(new ParetoNbdParameters(theta[0], theta[1], theta[2], theta[3]), [.. ParetoNbdParameters.Names], theta, outcome.StandardErrors, outcome.LogLikelihood, customers.Customers, outcome.Iterations, outcome.Converged);
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

/// <summary>
/// The Pareto/NBD negative log-likelihood over log-parameters, with its analytic gradient, summed over the weighted
/// distinct rows of a <see cref="CustomerSummaryTable"/>.
/// </summary>
/// <remarks>
/// Three things make an evaluation cheap. Logarithms of α + t and β + t are taken once per distinct time value.
/// The ₂F₁(a, b; a + 1; z) series' coefficients depend on a customer only through x (a = r + s + x, b = s + 1 or
/// r + x), so they are built once per distinct x, scaled to that group's largest z, and each row then evaluates four
/// polynomials (F and its a-, b- and z-derivatives) at two points by Horner's rule: multiplications and additions
/// only, where the plain series spends several divisions per term. Rows whose series would need very many terms
/// (z near 1) take the quadrature path of <see cref="ParetoNbdMath.LogQ(double, double, double, double, int, double, double, Span{double}, out double)"/>.
/// </remarks>
internal struct ParetoNbdObjective : IObjective
{
    private readonly CustomerSummaryTable _table;
    private readonly double[] _weightByX;
    private readonly int[] _groupStart;
    private readonly double[] _timeScratch;
    private readonly Scratch _scratch;

    public ParetoNbdObjective(ReadOnlySpan<CustomerSummary> customers)
        : this(customers.IsEmpty ? throw new InvalidModelInputException("The Pareto/NBD fit needs at least one customer.") : CustomerSummaryTable.From(customers))
    {
    }

    public ParetoNbdObjective(CustomerSummaryTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.MaxFrequency == 0)
        {
            throw new InvalidModelInputException("The Pareto/NBD fit needs at least one customer with a repeat transaction (every frequency is 0).");
        }

        _table = table;
        _weightByX = new double[table.MaxFrequency + 1];
        var xs = table.FrequencyColumn;
        var starts = new List<int>();
        for (var i = 0; i < xs.Length; i++)
        {
            _weightByX[xs[i]] += table.WeightColumn[i];
            if (i == 0 || xs[i] != xs[i - 1])
            {
                starts.Add(i);
            }
        }

        starts.Add(xs.Length);
        _groupStart = [.. starts];
        _timeScratch = new double[table.Grid.Times.Length * 4];
        _scratch = new Scratch();
    }

    public readonly int Dimension => 4;

    public readonly double[] StartingPoint()
    {
        double sumX = 0, sumT = 0, n = 0;
        var table = _table;
        for (var i = 0; i < table.Count; i++)
        {
            var w = table.WeightColumn[i];
            sumX += w * table.FrequencyColumn[i];
            sumT += w * table.AgeColumn[i];
            n += w;
        }

        var meanAge = Math.Max(sumT / n, 1e-9);
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

        var table = _table;
        double ll = 0, gr = 0, gAlpha = 0, gs = 0, gBeta = 0;

        // Σ_x W_x log Γ(r+x)/Γ(r) and its r-derivative.
        double lr = 0, dr = 0;
        for (var x = 0; x < _weightByX.Length; x++)
        {
            ll += _weightByX[x] * lr;
            gr += _weightByX[x] * dr;
            lr += Math.Log(r + x);
            dr += 1.0 / (r + x);
        }

        // Per distinct time t: log(α+t), log(β+t), 1/(α+t), 1/(β+t), and the series' log(m+t), 1/(m+t).
        var alphaLarger = alpha >= beta;
        var m = alphaLarger ? alpha : beta;
        var diff = alphaLarger ? alpha - beta : beta - alpha;
        var grid = table.Grid;
        var times = grid.Times;
        var nt = times.Length;
        var logA = _timeScratch.AsSpan(0, nt);
        var logB = _timeScratch.AsSpan(nt, nt);
        var invA = _timeScratch.AsSpan(2 * nt, nt);
        var invB = _timeScratch.AsSpan(3 * nt, nt);
        for (var k = 0; k < nt; k++)
        {
            logA[k] = Math.Log(alpha + times[k]);
            logB[k] = Math.Log(beta + times[k]);
            invA[k] = 1.0 / (alpha + times[k]);
            invB[k] = 1.0 / (beta + times[k]);
        }

        var logM = alphaLarger ? logA : logB;
        var invM = alphaLarger ? invA : invB;
        var frequency = table.FrequencyColumn;
        var recencyIndex = grid.RecencyIndex;
        var ageIndex = grid.AgeIndex;
        var weights = table.WeightColumn;
        Span<double> quadratureGradient = stackalloc double[4];
        Span<double> dK1 = stackalloc double[4];
        Span<double> dK2 = stackalloc double[4];
        var groups = _groupStart;
        for (var g = 0; g + 1 < groups.Length; g++)
        {
            var first = groups[g];
            var end = groups[g + 1];
            var x = frequency[first];
            var a = r + s + x;
            var b = alphaLarger ? s + 1 : r + x;
            var rx = r + x;

            // The group's largest series argument; rows past the quadrature threshold are left out.
            var zMax = 0.0;
            for (var i = first; i < end; i++)
            {
                var z = diff * invM[recencyIndex[i]];
                if (!NeedsQuadrature(b, z))
                {
                    zMax = Math.Max(zMax, z);
                }
            }

            var zScale = zMax > 0 ? zMax : 1.0;
            var terms = BuildCoefficients(a, b, zMax, _scratch, out var logNorm);
            var coefficients = _scratch.Coefficients;
            var logSOverA = Math.Log(s / a);
            for (var i = first; i < end; i++)
            {
                var w = weights[i];
                var i1 = recencyIndex[i];
                var i2 = ageIndex[i];
                var z1 = diff * invM[i1];
                double logQ, q0, q1, q2, q3;
                if (NeedsQuadrature(b, z1))
                {
                    logQ = ParetoNbdMath.LogQ(r, alpha, s, beta, x, times[i1], times[i2], quadratureGradient, out _);
                    q0 = quadratureGradient[0];
                    q1 = quadratureGradient[1];
                    q2 = quadratureGradient[2];
                    q3 = quadratureGradient[3];
                }
                else
                {
                    var w1 = z1 / zScale;
                    var w2 = diff * invM[i2] / zScale;
                    Horner(coefficients, terms, w1, w2, out var f1, out var fa1, out var fb1, out var fz1, out var f2, out var fa2, out var fb2, out var fz2);

                    // d log K / dθ at both ends (log K = log 2F1(z_t) − a log(m + t)).
                    KDerivatives(alphaLarger, alpha, beta, a, times[i1], invM[i1], logM[i1], fa1 / f1, fb1 / f1, fz1 / (zScale * f1), dK1);
                    KDerivatives(alphaLarger, alpha, beta, a, times[i2], invM[i2], logM[i2], fa2 / f2, fb2 / f2, fz2 / (zScale * f2), dK2);

                    // D = (s/a)(K1 − K2); K2/K1 = (F2/F1)(m+t_x)^a/(m+T)^a.
                    var k2Share = f2 / f1 * Math.Exp(-a * (logM[i2] - logM[i1]));
                    var difference = 1 - k2Share;
                    var logE = (-rx * logA[i2]) - (s * logB[i2]);
                    double e0 = -logA[i2], e1 = -rx * invA[i2], e2 = -logB[i2], e3 = -s * invB[i2];
                    if (!(difference > 0))
                    {
                        logQ = logE;
                        q0 = e0;
                        q1 = e1;
                        q2 = e2;
                        q3 = e3;
                    }
                    else
                    {
                        var logD = logSOverA + logNorm - (a * logM[i1]) + Math.Log(f1 * difference);
                        var d0 = ((dK1[0] - (k2Share * dK2[0])) / difference) - (1.0 / a);
                        var d1 = (dK1[1] - (k2Share * dK2[1])) / difference;
                        var d2 = ((dK1[2] - (k2Share * dK2[2])) / difference) + (1.0 / s) - (1.0 / a);
                        var d3 = (dK1[3] - (k2Share * dK2[3])) / difference;

                        // log Q = log(E + D), d log Q = (E d log E + D d log D) / (E + D).
                        var eLarger = logE >= logD;
                        var ratio = Math.Exp(eLarger ? logD - logE : logE - logD);
                        var larger = 1.0 / (1.0 + ratio);
                        var smaller = ratio * larger;
                        logQ = (eLarger ? logE : logD) + Math.Log(1.0 + ratio);
                        var wE = eLarger ? larger : smaller;
                        var wD = eLarger ? smaller : larger;
                        q0 = (wE * e0) + (wD * d0);
                        q1 = (wE * e1) + (wD * d1);
                        q2 = (wE * e2) + (wD * d2);
                        q3 = (wE * e3) + (wD * d3);
                    }
                }

                ll += w * logQ;
                gr += w * q0;
                gAlpha += w * q1;
                gs += w * q2;
                gBeta += w * q3;
            }
        }

        var n = (double)table.Customers;
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

    /// <summary>The same switch as <see cref="ParetoNbdMath"/>: past it the series needs too many terms.</summary>
    private static bool NeedsQuadrature(double b, double z) => (b + 30) * z / (1 - z) > 400;

    /// <summary>
    /// Writes the series coefficients of ₂F₁(a, b; a + 1; z) evaluated at z = zMax, divided by their sum, so that
    /// F(z) = e^logNorm Σ T_j w^j with w = z / zMax ≤ 1; with them A_j (a-derivative), B_j (b-derivative) and
    /// Z_j = j T_j (zMax times the z-derivative, in powers w^(j−1)). Returns the index of the last term. The stopping
    /// rule is the plain series' at the group's largest z, so every row of the group is summed at least as accurately.
    /// </summary>
    private static int BuildCoefficients(double a, double b, double zMax, Scratch scratch, out double logNorm)
    {
        var z = zMax > 0 ? zMax : 1.0;
        var c = scratch.Reserve(2);
        c[0] = 1;
        c[1] = 0;
        c[2] = 0;
        c[3] = 0;
        var sum = 1.0;
        var inner = 1.0; // (b)_j / j! · z^j
        var harmonic = 0.0;
        var j = 1;
        for (; ; j++)
        {
            harmonic += 1.0 / (b + j - 1);
            var growth = (b + j - 1) / j;
            var previousInner = inner;
            inner *= growth * z;
            var weight = a / (a + j);
            var term = weight * inner;
            c = scratch.Reserve(j + 1);
            var k = 4 * j;
            c[k] = term;
            c[k + 1] = term * ((1.0 / a) - (1.0 / (a + j)));
            c[k + 2] = term * harmonic;
            c[k + 3] = term * j;
            sum += term;
            if (zMax == 0)
            {
                // Every row has z = 0: F = 1 and only the first-order term's z-derivative counts.
                break;
            }

            var q = growth * z;
            if (term == 0 && j > b)
            {
                break;
            }

            if (q < 1 && j > (b - 1) * z && weight * ((inner * (1 + harmonic)) + (previousInner * growth * j)) * q / (1 - q) <= 1e-17 * sum)
            {
                break;
            }

            if (j >= Scratch.MaxTerms)
            {
                throw new CsScoringException(string.Create(CultureInfo.InvariantCulture, $"The hypergeometric series 2F1({a}, {b}; {a + 1}; {zMax}) did not converge in {Scratch.MaxTerms} terms."));
            }
        }

        var norm = zMax > 0 ? sum : 1.0;
        var scale = 1.0 / norm;
        for (var i = 0; i < 4 * (j + 1); i++)
        {
            c[i] *= scale;
        }

        logNorm = Math.Log(norm);
        return j;
    }

    /// <summary>Σ T_j w^j, Σ A_j w^j, Σ B_j w^j and Σ_{j≥1} Z_j w^(j−1) at two points: eight independent chains.</summary>
    private static void Horner(double[] c, int last, double w1, double w2, out double f1, out double fa1, out double fb1, out double fz1, out double f2, out double fa2, out double fb2, out double fz2)
    {
        double t1 = 0, a1 = 0, b1 = 0, z1 = 0, t2 = 0, a2 = 0, b2 = 0, z2 = 0;
        for (var j = last; j >= 1; j--)
        {
            var k = 4 * j;
            t1 = (t1 * w1) + c[k];
            a1 = (a1 * w1) + c[k + 1];
            b1 = (b1 * w1) + c[k + 2];
            z1 = (z1 * w1) + c[k + 3];
            t2 = (t2 * w2) + c[k];
            a2 = (a2 * w2) + c[k + 1];
            b2 = (b2 * w2) + c[k + 2];
            z2 = (z2 * w2) + c[k + 3];
        }

        // The constant terms: T_0 = 1/norm, A_0 = B_0 = 0; the Z sums end at w^0.
        f1 = (t1 * w1) + c[0];
        fa1 = a1 * w1;
        fb1 = b1 * w1;
        fz1 = z1;
        f2 = (t2 * w2) + c[0];
        fa2 = a2 * w2;
        fb2 = b2 * w2;
        fz2 = z2;
    }

    // d log K / d(r, α, s, β) for log K = log 2F1(a, b; a+1; diff/(m+t)) − a log(m+t), from F's logarithmic
    // derivatives la, lb, lz (in a, b, z).
    private static void KDerivatives(bool alphaLarger, double alpha, double beta, double a, double t, double inverse, double logDenominator, double la, double lb, double lz, Span<double> d)
    {
        if (alphaLarger)
        {
            // b = s + 1, z = (α − β)/(α + t): dz/dα = (β + t)/(α + t)², dz/dβ = −1/(α + t).
            d[0] = la - logDenominator;
            d[1] = (lz * (beta + t) * inverse * inverse) - (a * inverse);
            d[2] = la + lb - logDenominator;
            d[3] = -lz * inverse;
        }
        else
        {
            // b = r + x, z = (β − α)/(β + t): dz/dβ = (α + t)/(β + t)², dz/dα = −1/(β + t).
            d[0] = la + lb - logDenominator;
            d[1] = -lz * inverse;
            d[2] = la - logDenominator;
            d[3] = (lz * (alpha + t) * inverse * inverse) - (a * inverse);
        }
    }

    /// <summary>The coefficient buffer, grown as a group's series needs more terms and reused across evaluations.</summary>
    private sealed class Scratch
    {
        public const int MaxTerms = 10_000_000;

        private double[] _coefficients = new double[4 * 256];

        public double[] Coefficients => _coefficients;

        public double[] Reserve(int terms)
        {
            if (4 * terms > _coefficients.Length)
            {
                Array.Resize(ref _coefficients, Math.Max(4 * terms, 2 * _coefficients.Length));
            }

            return _coefficients;
        }
    }
}
