using System.Globalization;
using CsScoring.Value.Numerics;

namespace CsScoring.Value;

/// <summary>
/// The BG/NBD model's parameters (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): while alive,
/// a customer buys as a Poisson process with rate λ ~ Gamma(r, α) (α a rate, in the model's time unit); after each
/// repeat purchase the customer drops out with probability p ~ Beta(a, b).
/// </summary>
/// <remarks>Immutable and thread-safe; predictions are closed-form and allocate nothing.</remarks>
public readonly struct BgNbdParameters : IEquatable<BgNbdParameters>, IRepeatTransactionModel
{
    /// <summary>Creates the parameters; each must be finite and &gt; 0.</summary>
    /// <param name="r">Shape of the purchase-rate distribution.</param>
    /// <param name="alpha">Rate (scale⁻¹) of the purchase-rate distribution, in 1 / time unit.</param>
    /// <param name="a">First shape of the dropout-probability distribution.</param>
    /// <param name="b">Second shape of the dropout-probability distribution.</param>
    /// <exception cref="InvalidModelInputException">A parameter is not a finite number &gt; 0.</exception>
    public BgNbdParameters(double r, double alpha, double a, double b)
    {
        ThrowHelper.IfNotPositive(r, "r");
        ThrowHelper.IfNotPositive(alpha, "alpha");
        ThrowHelper.IfNotPositive(a, "a");
        ThrowHelper.IfNotPositive(b, "b");
        R = r;
        Alpha = alpha;
        A = a;
        B = b;
    }

    /// <summary>The parameter names, in the order the fit reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["r", "alpha", "a", "b"];

    /// <summary>Shape r of the purchase-rate distribution.</summary>
    public double R { get; }

    /// <summary>Rate α of the purchase-rate distribution.</summary>
    public double Alpha { get; }

    /// <summary>Shape a of the dropout-probability distribution.</summary>
    public double A { get; }

    /// <summary>Shape b of the dropout-probability distribution.</summary>
    public double B { get; }

    /// <inheritdoc />
    public static bool operator ==(BgNbdParameters left, BgNbdParameters right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(BgNbdParameters left, BgNbdParameters right) => !left.Equals(right);

    /// <summary>The log-likelihood of one customer's summary.</summary>
    /// <param name="customer">The customer.</param>
    public double LogLikelihood(in CustomerSummary customer)
    {
        var x = customer.Frequency;
        var r = R;
        var alpha = Alpha;
        var head = LogMath.LogRisingFactorial(r, x) + (r * Math.Log(alpha));
        if (x == 0)
        {
            return head - (r * Math.Log(alpha + customer.Age));
        }

        var gammas = -LogMath.LogRisingFactorial(A + B, x) + LogMath.LogRisingFactorial(B, x - 1);
        var lu = Math.Log(B + x - 1) - ((r + x) * Math.Log(alpha + customer.Age));
        var lv = Math.Log(A) - ((r + x) * Math.Log(alpha + customer.Recency));
        return head + gammas + LogMath.LogAddExp(lu, lv);
    }

    /// <inheritdoc />
    public double ProbabilityAlive(in CustomerSummary customer)
    {
        var x = customer.Frequency;
        if (x == 0)
        {
            return 1.0;
        }

        var logOdds = Math.Log(A / (B + x - 1)) + ((R + x) * Math.Log((Alpha + customer.Age) / (Alpha + customer.Recency)));
        return 1.0 / (1.0 + Math.Exp(logOdds));
    }

    /// <inheritdoc />
    public double ExpectedTransactions(in CustomerSummary customer, double t)
    {
        ThrowHelper.IfNegative(t, "t");
        if (t == 0)
        {
            return 0;
        }

        if (Math.Abs(A - 1) < 1e-7)
        {
            // The closed form is 0/0 at a = 1; the function is smooth there, so average the two sides.
            var below = new BgNbdParameters(R, Alpha, 1 - 1e-6, B).ExpectedTransactions(customer, t);
            var above = new BgNbdParameters(R, Alpha, 1 + 1e-6, B).ExpectedTransactions(customer, t);
            return 0.5 * (below + above);
        }

        var x = customer.Frequency;
        var ageRate = Alpha + customer.Age;
        var z = t / (ageRate + t);
        var logF = Hypergeometric.Log2F1(R + x, B + x, A + B + x - 1, z, out var sign);
        var power = (R + x) * Math.Log(ageRate / (ageRate + t));
        var bracket = -LogMath.ExpM1(power + logF); // 1 − ((α+T)/(α+T+t))^(r+x) · 2F1, for sign > 0
        if (sign < 0)
        {
            bracket = 1 + Math.Exp(power + logF);
        }

        var numerator = (A + B + x - 1) / (A - 1) * bracket;
        var denominator = 1.0;
        if (x > 0)
        {
            denominator += A / (B + x - 1) * Math.Exp((R + x) * Math.Log(ageRate / (Alpha + customer.Recency)));
        }

        return Math.Max(0, numerator / denominator);
    }

    /// <inheritdoc />
    public double ExpectedTransactions(double t) => ExpectedTransactions(default, t);

    /// <summary>P(X(t) = n): the probability that a new customer makes exactly n repeat transactions in (0, t].</summary>
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

        var logBetaRatio0 = SpecialFunctions.BetaLn(A, B + n) - SpecialFunctions.BetaLn(A, B);
        var logP = Math.Log(Alpha / (Alpha + t));
        var logQ = Math.Log(t / (Alpha + t));
        var first = Math.Exp(logBetaRatio0 + LogMath.LogRisingFactorial(R, n) - SpecialFunctions.GammaLn(n + 1.0) + (R * logP) + (n * logQ));
        if (n == 0)
        {
            return first;
        }

        // Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j, by recursion on the terms.
        var sum = 0.0;
        var term = 1.0;
        var q = Math.Exp(logQ);
        for (var j = 0; j < n; j++)
        {
            sum += term;
            term *= (R + j) / (j + 1) * q;
        }

        var second = Math.Exp(SpecialFunctions.BetaLn(A + 1, B + n - 1) - SpecialFunctions.BetaLn(A, B)) * (1 - (Math.Exp(R * logP) * sum));
        return Math.Clamp(first + second, 0, 1);
    }

    /// <summary>
    /// P(X(T, T + t] = n | x, t_x, T): the probability that a customer with this history makes exactly n transactions
    /// in the next t time units (the dead customers' mass is at n = 0).
    /// </summary>
    /// <param name="customer">The customer's calibration summary.</param>
    /// <param name="n">The count (≥ 0).</param>
    /// <param name="t">The future period (≥ 0), in the model's time unit.</param>
    /// <returns>A probability in [0, 1]; over n = 0, 1, … they sum to 1 and their mean is <see cref="ExpectedTransactions(in CustomerSummary, double)"/>.</returns>
    public double ProbabilityOfTransactions(in CustomerSummary customer, int n, double t)
    {
        if (n < 0)
        {
            ThrowHelper.InvalidModelInput("n", n, "must be >= 0");
        }

        ThrowHelper.IfNegative(t, "t");
        var alive = ProbabilityAlive(customer);
        if (t == 0)
        {
            return n == 0 ? 1.0 : 0.0;
        }

        var x = customer.Frequency;
        var rx = R + x;
        var ageRate = Alpha + customer.Age;
        var logP = Math.Log(ageRate / (ageRate + t));
        var logQ = Math.Log(t / (ageRate + t));
        var logBetaBase = SpecialFunctions.BetaLn(A, B + x);
        var first = Math.Exp(SpecialFunctions.BetaLn(A, B + x + n) - logBetaBase + LogMath.LogRisingFactorial(rx, n) - SpecialFunctions.GammaLn(n + 1.0) + (rx * logP) + (n * logQ));
        var second = 0.0;
        if (n > 0)
        {
            var sum = 0.0;
            var term = 1.0;
            var q = Math.Exp(logQ);
            for (var j = 0; j < n; j++)
            {
                sum += term;
                term *= (rx + j) / (j + 1) * q;
            }

            second = Math.Exp(SpecialFunctions.BetaLn(A + 1, B + x + n - 1) - logBetaBase) * (1 - (Math.Exp(rx * logP) * sum));
        }

        // (first + second) is the probability given alive; dead customers make no transactions.
        var probability = (alive * (first + second)) + (n == 0 ? 1 - alive : 0);
        return Math.Clamp(probability, 0, 1);
    }

    /// <summary>P(alive) for many customers, without allocating.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="destination">Receives one probability per customer; at least as long as <paramref name="customers"/>.</param>
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
    public bool Equals(BgNbdParameters other) => R.Equals(other.R) && Alpha.Equals(other.Alpha) && A.Equals(other.A) && B.Equals(other.B);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BgNbdParameters other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(R, Alpha, A, B);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"BG/NBD(r = {R:G6}, alpha = {Alpha:G6}, a = {A:G6}, b = {B:G6})");
}

/// <summary>Maximum-likelihood fitting of the BG/NBD model.</summary>
/// <example>
/// <code>
/// var fit = BgNbdModel.Fit(summaries);                       // times in weeks
/// double alive = fit.Parameters.ProbabilityAlive(summaries[0]);
/// double next52 = fit.Parameters.ExpectedTransactions(summaries[0], 52);
/// </code>
/// </example>
public static class BgNbdModel
{
    /// <summary>Fits r, α, a, b by maximum likelihood with the analytic gradient.</summary>
    /// <param name="customers">One summary per customer (at least one with a repeat transaction).</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for <see cref="FitOptions.Default"/>.</param>
    /// <returns>The fit with standard errors.</returns>
    /// <exception cref="InvalidModelInputException">A summary is invalid (the error names its row) or there are no customers.</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised.</exception>
    /// <remarks>Time and memory are linear in the number of customers; the work per likelihood evaluation is a few logarithms per customer.</remarks>
    public static ModelFit<BgNbdParameters> Fit(ReadOnlySpan<CustomerSummary> customers, FitOptions? options = null)
    {
        var objective = new BgNbdObjective(customers);
        var initial = objective.StartingPoint();
        var outcome = Fitting.Run(ref objective, initial, options, "BG/NBD");
        var theta = outcome.Theta;
        return new ModelFit<BgNbdParameters>(new BgNbdParameters(theta[0], theta[1], theta[2], theta[3]), [.. Names], theta, outcome.StandardErrors, outcome.LogLikelihood, customers.Length, outcome.Iterations, outcome.Converged);
    }

    /// <summary>The total log-likelihood of the customers under the parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="customers">The customers.</param>
    public static double LogLikelihood(in BgNbdParameters parameters, ReadOnlySpan<CustomerSummary> customers)
    {
        var sum = 0.0;
        for (var i = 0; i < customers.Length; i++)
        {
            sum += parameters.LogLikelihood(customers[i]);
        }

        return sum;
    }

    private static IReadOnlyList<string> Names => BgNbdParameters.Names;
}

/// <summary>
/// The BG/NBD negative log-likelihood and its gradient. The gamma-function terms depend on a customer only through
/// x, so they are accumulated once per evaluation for x = 0..max(x); each customer then costs two logarithms, one
/// exponential and one log1p.
/// </summary>
internal struct BgNbdObjective : IObjective
{
    private readonly int[] _x;
    private readonly double[] _recency;
    private readonly double[] _age;
    private readonly int _maxX;
    private readonly double[] _cache;

    public BgNbdObjective(ReadOnlySpan<CustomerSummary> customers)
    {
        if (customers.IsEmpty)
        {
            throw new InvalidModelInputException("The BG/NBD fit needs at least one customer.");
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
            throw new InvalidModelInputException("The BG/NBD fit needs at least one customer with a repeat transaction (every frequency is 0).");
        }

        _maxX = max;
        _cache = new double[(max + 1) * 5];
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

        var meanRate = Math.Max(sumX, 1) / Math.Max(sumT, 1e-9);
        return [1.0, 1.0 / meanRate, 1.0, 1.0];
    }

    public readonly double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        var r = Math.Exp(u[0]);
        var alpha = Math.Exp(u[1]);
        var a = Math.Exp(u[2]);
        var b = Math.Exp(u[3]);
        if (!double.IsFinite(r) || !double.IsFinite(alpha) || !double.IsFinite(a) || !double.IsFinite(b) || r == 0 || alpha == 0 || a == 0 || b == 0)
        {
            return double.NaN;
        }

        // Per x: G = log Γ(r+x)/Γ(r) − log Γ(a+b+x)/Γ(a+b) + log Γ(b+x−1)/Γ(b), its derivatives, and log(b+x−1).
        var cache = _cache;
        double lr = 0, dr = 0, lab = 0, dab = 0, lb = 0, db = 0;
        for (var x = 0; x <= _maxX; x++)
        {
            var k = x * 5;
            cache[k] = lr - lab + lb;
            cache[k + 1] = dr;
            cache[k + 2] = -dab;
            cache[k + 3] = -dab + db;
            cache[k + 4] = x > 0 ? Math.Log(b + x - 1) : 0;
            lr += Math.Log(r + x);
            dr += 1.0 / (r + x);
            lab += Math.Log(a + b + x);
            dab += 1.0 / (a + b + x);
            if (x > 0)
            {
                lb += Math.Log(b + x - 1);
                db += 1.0 / (b + x - 1);
            }
        }

        var logAlpha = Math.Log(alpha);
        var logA = Math.Log(a);
        double ll = 0, gr = 0, gAlpha = 0, ga = 0, gb = 0;
        var xs = _x;
        var recency = _recency;
        var age = _age;
        for (var i = 0; i < xs.Length; i++)
        {
            var x = xs[i];
            var alphaT = alpha + age[i];
            var logT = Math.Log(alphaT);
            if (x == 0)
            {
                ll -= r * logT;
                gr -= logT;
                gAlpha -= r / alphaT;
                continue;
            }

            var k = x * 5;
            var alphaTx = alpha + recency[i];
            var logTx = Math.Log(alphaTx);
            var rx = r + x;
            var lu = cache[k + 4] - (rx * logT);
            var lv = logA - (rx * logTx);
            double piU, piV, d;
            if (lu >= lv)
            {
                var e = Math.Exp(lv - lu);
                d = lu + Math.Log(1 + e);
                piU = 1.0 / (1 + e);
                piV = e * piU;
            }
            else
            {
                var e = Math.Exp(lu - lv);
                d = lv + Math.Log(1 + e);
                piV = 1.0 / (1 + e);
                piU = e * piV;
            }

            ll += cache[k] + d;
            gr += cache[k + 1] - (piU * logT) - (piV * logTx);
            gAlpha -= rx * ((piU / alphaT) + (piV / alphaTx));
            ga += cache[k + 2] + (piV / a);
            gb += cache[k + 3] + (piU / (b + x - 1));
        }

        var n = xs.Length;
        ll += n * r * logAlpha;
        gr += n * logAlpha;
        gAlpha += n * r / alpha;

        // Minimise −LL over log-parameters: d/du = θ · d/dθ.
        gradient[0] = -gr * r;
        gradient[1] = -gAlpha * alpha;
        gradient[2] = -ga * a;
        gradient[3] = -gb * b;
        return -ll;
    }
}
