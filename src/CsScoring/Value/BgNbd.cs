using System.Globalization;
using System.Runtime.Intrinsics;
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
    /// <remarks>The customers are first reduced to their distinct (x, t_x, T) rows; each likelihood evaluation then costs about one exponential and one logarithm per distinct row.</remarks>
    public static ModelFit<BgNbdParameters> Fit(ReadOnlySpan<CustomerSummary> customers, FitOptions? options = null)
    {
        if (customers.IsEmpty)
        {
            throw new InvalidModelInputException("The BG/NBD fit needs at least one customer.");
        }

        return FitTable(CustomerSummaryTable.From(customers), options);
    }

    /// <summary>
    /// Fits r, α, a, b on customers reduced to their distinct (x, t_x, T) rows: the same optimum as the fit on the
    /// customers, in time and memory that follow the rows (see <see cref="CustomerSummaryTable"/>).
    /// </summary>
    /// <param name="customers">The weighted rows (at least one with a repeat transaction).</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for <see cref="FitOptions.Default"/>.</param>
    /// <returns>The fit with standard errors; <see cref="ModelFit{TParameters}.Observations"/> counts customers, not rows.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="customers"/> is null.</exception>
    /// <exception cref="InvalidModelInputException">Every frequency is 0.</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised.</exception>
    public static ModelFit<BgNbdParameters> FitTable(CustomerSummaryTable customers, FitOptions? options = null)
    {
        var objective = new BgNbdObjective(customers);
        var initial = objective.StartingPoint();
        var outcome = Fitting.Run(ref objective, initial, options, "BG/NBD");
        var theta = outcome.Theta;
        return new ModelFit<BgNbdParameters>(new BgNbdParameters(theta[0], theta[1], theta[2], theta[3]), [.. Names], theta, outcome.StandardErrors, outcome.LogLikelihood, customers.Customers, outcome.Iterations, outcome.Converged);
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
/// The BG/NBD negative log-likelihood and its gradient over the weighted distinct rows of a
/// <see cref="CustomerSummaryTable"/>. The gamma-function terms depend on a row only through x, so they are summed
/// once per x with the rows' total weight; the customers with x = 0 then cost one logarithm and the others three
/// logarithms and one exponential, four rows per vector.
/// </summary>
internal struct BgNbdObjective : IObjective
{
    private readonly CustomerSummaryTable _table;
    private readonly double[] _weightByX;
    private readonly int _firstRepeatRow;
    private readonly double[] _frequency;
    private readonly double[] _logB;
    private readonly double[] _invB;

    public BgNbdObjective(ReadOnlySpan<CustomerSummary> customers)
        : this(customers.IsEmpty ? throw new InvalidModelInputException("The BG/NBD fit needs at least one customer.") : CustomerSummaryTable.From(customers))
    {
    }

    public BgNbdObjective(CustomerSummaryTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.MaxFrequency == 0)
        {
            throw new InvalidModelInputException("The BG/NBD fit needs at least one customer with a repeat transaction (every frequency is 0).");
        }

        _table = table;
        _weightByX = new double[table.MaxFrequency + 1];
        _frequency = new double[table.Count];
        var first = table.Count;
        for (var i = table.Count - 1; i >= 0; i--)
        {
            var x = table.FrequencyColumn[i];
            _weightByX[x] += table.WeightColumn[i];
            _frequency[i] = x;
            if (x > 0)
            {
                first = i;
            }
        }

        // Rows are grouped by ascending x: the ones with x = 0 come first.
        _firstRepeatRow = first;
        _logB = new double[table.MaxFrequency + 1];
        _invB = new double[table.MaxFrequency + 1];
    }

    public readonly int Dimension => 4;

    public readonly double[] StartingPoint()
    {
        double sumX = 0, sumT = 0;
        var table = _table;
        for (var i = 0; i < table.Count; i++)
        {
            var w = table.WeightColumn[i];
            sumX += w * table.FrequencyColumn[i];
            sumT += w * table.AgeColumn[i];
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

        // Per x, weighted by the rows' total: G = log Γ(r+x)/Γ(r) − log Γ(a+b+x)/Γ(a+b) + log Γ(b+x−1)/Γ(b) (x > 0)
        // and its derivatives; log(b+x−1) and 1/(b+x−1) for the rows.
        var logB = _logB;
        var invB = _invB;
        double ll = 0, gr = 0, gAlpha = 0, ga = 0, gb = 0;
        double lr = 0, dr = 0, lab = 0, dab = 0, lb = 0, db = 0;
        for (var x = 0; x < _weightByX.Length; x++)
        {
            var w = _weightByX[x];
            if (x > 0)
            {
                ll += w * (lr - lab + lb);
                gr += w * dr;
                ga -= w * dab;
                gb += w * (db - dab);
                logB[x] = Math.Log(b + x - 1);
                invB[x] = 1.0 / (b + x - 1);
                lb += logB[x];
                db += invB[x];
            }
            else
            {
                ll += w * lr;
                gr += w * dr;
            }

            lr += Math.Log(r + x);
            dr += 1.0 / (r + x);
            lab += Math.Log(a + b + x);
            dab += 1.0 / (a + b + x);
        }

        // x = 0: the likelihood is (α/(α+T))^r.
        var table = _table;
        var weights = table.WeightColumn;
        var ages = table.AgeColumn;
        for (var i = 0; i < _firstRepeatRow; i++)
        {
            var w = weights[i];
            var alphaT = alpha + ages[i];
            var logT = Math.Log(alphaT);
            ll -= w * r * logT;
            gr -= w * logT;
            gAlpha -= w * r / alphaT;
        }

        var sums = RepeatRows(r, alpha, Math.Log(a), _firstRepeatRow, _frequency, weights, ages, table.RecencyColumn, logB, invB);
        ll += sums.LogLikelihood;
        gr += sums.R;
        gAlpha += sums.Alpha;
        ga += sums.PiV / a;
        gb += sums.PiUOverB;

        var n = (double)table.Customers;
        ll += n * r * Math.Log(alpha);
        gr += n * Math.Log(alpha);
        gAlpha += n * r / alpha;

        // Minimise −LL over log-parameters: d/du = θ · d/dθ.
        gradient[0] = -gr * r;
        gradient[1] = -gAlpha * alpha;
        gradient[2] = -ga * a;
        gradient[3] = -gb * b;
        return -ll;
    }

    // For x > 0: log[(b+x−1)(α+T)^−(r+x) + a(α+t_x)^−(r+x)] = log(e^lu + e^lv), with the weights π_u, π_v of its two
    // parts for the gradient.
    private static RowSums RepeatRows(double r, double alpha, double logA, int first, double[] frequency, double[] weights, double[] ages, double[] recency, double[] logB, double[] invB)
    {
        double ll = 0, gr = 0, gAlpha = 0, piVSum = 0, piUOverB = 0;
        var i = first;
        var count = frequency.Length;
        if (Vector256.IsHardwareAccelerated && count - i >= Vector256<double>.Count)
        {
            var vll = Vector256<double>.Zero;
            var vgr = Vector256<double>.Zero;
            var vgAlpha = Vector256<double>.Zero;
            var vpiV = Vector256<double>.Zero;
            var vpiUOverB = Vector256<double>.Zero;
            var vr = Vector256.Create(r);
            var valpha = Vector256.Create(alpha);
            var vlogA = Vector256.Create(logA);
            var one = Vector256.Create(1.0);
            for (; i <= count - 4; i += 4)
            {
                var x = Vector256.LoadUnsafe(ref frequency[i]);
                var w = Vector256.LoadUnsafe(ref weights[i]);
                var alphaT = valpha + Vector256.LoadUnsafe(ref ages[i]);
                var alphaTx = valpha + Vector256.LoadUnsafe(ref recency[i]);
                var logT = Vector256.Log(alphaT);
                var logTx = Vector256.Log(alphaTx);
                int x0 = (int)frequency[i], x1 = (int)frequency[i + 1], x2 = (int)frequency[i + 2], x3 = (int)frequency[i + 3];
                var lbx = Vector256.Create(logB[x0], logB[x1], logB[x2], logB[x3]);
                var ibx = Vector256.Create(invB[x0], invB[x1], invB[x2], invB[x3]);
                var rx = vr + x;
                var lu = lbx - (rx * logT);
                var lv = vlogA - (rx * logTx);
                var uLarger = Vector256.GreaterThanOrEqual(lu, lv);
                var larger = Vector256.Max(lu, lv);
                var ratio = Vector256.Exp(Vector256.Min(lu, lv) - larger);
                var onePlus = one + ratio;
                var pLarger = one / onePlus;
                var pSmaller = ratio * pLarger;
                var piU = Vector256.ConditionalSelect(uLarger, pLarger, pSmaller);
                var piV = Vector256.ConditionalSelect(uLarger, pSmaller, pLarger);
                vll += w * (larger + Vector256.Log(onePlus));
                vgr -= w * ((piU * logT) + (piV * logTx));
                vgAlpha -= w * rx * ((piU / alphaT) + (piV / alphaTx));
                vpiV += w * piV;
                vpiUOverB += w * piU * ibx;
            }

            ll = Vector256.Sum(vll);
            gr = Vector256.Sum(vgr);
            gAlpha = Vector256.Sum(vgAlpha);
            piVSum = Vector256.Sum(vpiV);
            piUOverB = Vector256.Sum(vpiUOverB);
        }

        for (; i < count; i++)
        {
            var x = (int)frequency[i];
            var w = weights[i];
            var alphaT = alpha + ages[i];
            var alphaTx = alpha + recency[i];
            var logT = Math.Log(alphaT);
            var logTx = Math.Log(alphaTx);
            var rx = r + x;
            var lu = logB[x] - (rx * logT);
            var lv = logA - (rx * logTx);
            var uLarger = lu >= lv;
            var ratio = Math.Exp(uLarger ? lv - lu : lu - lv);
            var pLarger = 1.0 / (1.0 + ratio);
            var pSmaller = ratio * pLarger;
            var piU = uLarger ? pLarger : pSmaller;
            var piV = uLarger ? pSmaller : pLarger;
            ll += w * ((uLarger ? lu : lv) + Math.Log(1.0 + ratio));
            gr -= w * ((piU * logT) + (piV * logTx));
            gAlpha -= w * rx * ((piU / alphaT) + (piV / alphaTx));
            piVSum += w * piV;
            piUOverB += w * piU * invB[x];
        }

        return new RowSums(ll, gr, gAlpha, piVSum, piUOverB);
    }

    private readonly record struct RowSums(double LogLikelihood, double R, double Alpha, double PiV, double PiUOverB);
}
