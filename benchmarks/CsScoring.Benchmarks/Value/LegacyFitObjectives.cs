using CsScoring.Value;
using CsScoring.Value.Numerics;

namespace CsScoring.Benchmarks.Value;

// The Pareto/NBD and BG/NBD objectives as they were before the fits moved to weighted distinct rows, per-frequency
// series coefficients and time tables: kept verbatim so the fit benchmarks measure the new fit against them in one run.
#pragma warning disable SA1402, SA1649, CA1822

/// <summary>The Pareto/NBD likelihood pieces shared by the fit and the predictions.</summary>
internal static class LegacyParetoNbdMath
{
    /// <summary>16-point Gauss-Legendre rule on [−1, 1].</summary>
    private static class GaussLegendre16
    {
        private static readonly (double[] Nodes, double[] Weights) Rule = GaussLegendre.Rule(16);

        public static readonly double[] Nodes = Rule.Nodes;

        public static readonly double[] Weights = Rule.Weights;
    }

    /// <summary>
    /// F = ₂F₁(a, b; a + 1; z) for a, b &gt; 0 and 0 ≤ z &lt; 1 (the Pareto/NBD form) together with its partial
    /// derivatives in a (with c = a + 1 tied to it), b and z, all scaled by exp(−<paramref name="logScale"/>) so
    /// log F = log(<paramref name="f"/>) + logScale.
    /// </summary>
    public static void ParetoSeries(double a, double b, double z, out double f, out double fa, out double fb, out double fz, out double logScale)
    {
        // t_j = a / (a + j) · (b)_j / j! · z^j; d log t_j / da = 1/a − 1/(a + j); d log t_j / db = Σ_{k<j} 1/(b + k);
        // d t_j / dz = j t_j / z, summed with the z factor left out of one power so z = 0 needs no special case.
        f = 1.0;
        fa = 0.0;
        fb = 0.0;
        fz = 0.0;
        logScale = 0.0;
        var inner = 1.0; // (b)_j / j! · z^j
        var harmonic = 0.0;
        var zPowerMinusOne = 1.0; // (b)_j / j! · z^(j-1) · j carried through the recursion below
        for (long j = 1; j < 50_000_000; j++)
        {
            harmonic += 1.0 / (b + j - 1);
            var growth = (b + j - 1) / j;
            var previousInner = inner;
            inner *= growth * z;
            zPowerMinusOne = previousInner * growth * j; // (b)_j/j! · j · z^(j-1)
            var weight = a / (a + j);
            var term = weight * inner;
            f += term;
            fa += term * ((1.0 / a) - (1.0 / (a + j)));
            fb += term * harmonic;
            fz += weight * zPowerMinusOne;
            if (f > 1e200)
            {
                f /= 1e200;
                fa /= 1e200;
                fb /= 1e200;
                fz /= 1e200;
                inner /= 1e200;
                logScale += Math.Log(1e200);
            }

            var q = growth * z;
            if (term == 0 && j > b)
            {
                return;
            }

            // Past the peak the tails of all four sums are bounded by the current term times q / (1 − q).
            if (q < 1 && j > (b - 1) * z && weight * (inner * (1 + harmonic) + zPowerMinusOne) * q / (1 - q) <= 1e-17 * f)
            {
                return;
            }
        }

        throw new CsScoringException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The hypergeometric series 2F1({a}, {b}; {a + 1}; {z}) did not converge in {50_000_000} terms."));
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
        LegacyParetoNbdMath.ParetoSeries(a, b, z, out var f, out var fa, out var fb, out var fz, out var logScale);
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
internal struct LegacyParetoNbdObjective : IObjective
{
    private readonly int[] _x;
    private readonly double[] _recency;
    private readonly double[] _age;
    private readonly int _maxX;
    private readonly double[] _cache;

    public LegacyParetoNbdObjective(ReadOnlySpan<CustomerSummary> customers)
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
            ll += cache[2 * x] + LegacyParetoNbdMath.LogQ(r, alpha, s, beta, x, _recency[i], _age[i], g, out _);
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

/// <summary>
/// The BG/NBD negative log-likelihood and its gradient. The gamma-function terms depend on a customer only through
/// x, so they are accumulated once per evaluation for x = 0..max(x); each customer then costs two logarithms, one
/// exponential and one log1p.
/// </summary>
internal struct LegacyBgNbdObjective : IObjective
{
    private readonly int[] _x;
    private readonly double[] _recency;
    private readonly double[] _age;
    private readonly int _maxX;
    private readonly double[] _cache;

    public LegacyBgNbdObjective(ReadOnlySpan<CustomerSummary> customers)
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
