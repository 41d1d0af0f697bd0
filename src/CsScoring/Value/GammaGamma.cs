using System.Globalization;
using CsScoring.Value.Numerics;

namespace CsScoring.Value;

/// <summary>
/// The Gamma-Gamma model of spend per transaction (Fader, Hardie and Lee 2005, "RFM and CLV"): a customer's
/// transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; spend is independent of the
/// transaction process.
/// </summary>
/// <remarks>Immutable and thread-safe. Money is in the currency of the fitted mean values.</remarks>
public readonly struct GammaGammaParameters : IEquatable<GammaGammaParameters>
{
    /// <summary>Creates the parameters; each must be finite and &gt; 0.</summary>
    /// <param name="p">Shape of the transaction-value distribution.</param>
    /// <param name="q">Shape of the distribution of ν across customers.</param>
    /// <param name="gamma">Rate of the distribution of ν across customers.</param>
    /// <exception cref="InvalidModelInputException">A parameter is not a finite number &gt; 0.</exception>
    public GammaGammaParameters(double p, double q, double gamma)
    {
        ThrowHelper.IfNotPositive(p, "p");
        ThrowHelper.IfNotPositive(q, "q");
        ThrowHelper.IfNotPositive(gamma, "gamma");
        P = p;
        Q = q;
        Gamma = gamma;
    }

    /// <summary>The parameter names, in the order the fit reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["p", "q", "gamma"];

    /// <summary>Shape p of the transaction-value distribution.</summary>
    public double P { get; }

    /// <summary>Shape q of the distribution of ν.</summary>
    public double Q { get; }

    /// <summary>Rate γ of the distribution of ν.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public static bool operator ==(GammaGammaParameters left, GammaGammaParameters right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(GammaGammaParameters left, GammaGammaParameters right) => !left.Equals(right);

    /// <summary>The population's mean spend per transaction, p γ / (q − 1).</summary>
    /// <exception cref="InvalidModelInputException">q ≤ 1: the mean is infinite.</exception>
    public double MeanSpend()
    {
        if (!(Q > 1))
        {
            ThrowHelper.InvalidModelInput("q", Q, "must be > 1 for the population mean spend to be finite");
        }

        return P * Gamma / (Q - 1);
    }

    /// <summary>
    /// The expected spend per transaction of a customer with <paramref name="frequency"/> repeat transactions of mean
    /// value <paramref name="monetaryValue"/>: (p γ + p x m̄) / (p x + q − 1), a weighted mean of the population mean and
    /// the customer's own; the population mean when x = 0.
    /// </summary>
    /// <param name="frequency">Repeat transactions x (≥ 0).</param>
    /// <param name="monetaryValue">Their mean value m̄ (≥ 0).</param>
    /// <exception cref="InvalidModelInputException">An input is negative, or x = 0 and q ≤ 1.</exception>
    public double ExpectedSpend(int frequency, double monetaryValue)
    {
        if (frequency < 0)
        {
            ThrowHelper.InvalidModelInput("frequency", frequency, "must be >= 0");
        }

        ThrowHelper.IfNegative(monetaryValue, "monetary_value");
        if (frequency == 0)
        {
            return MeanSpend();
        }

        var px = P * frequency;
        var denominator = px + Q - 1;
        if (!(denominator > 0))
        {
            ThrowHelper.InvalidModelInput("q", Q, string.Create(CultureInfo.InvariantCulture, $"gives p x + q - 1 = {denominator} <= 0 for x = {frequency}: the expected spend is infinite"));
        }

        return (P * (Gamma + (frequency * monetaryValue))) / denominator;
    }

    /// <summary>Expected spend per transaction for many customers, without allocating.</summary>
    /// <param name="customers">The customers (frequency and monetary value are used).</param>
    /// <param name="destination">Receives one value per customer.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void ExpectedSpend(ReadOnlySpan<CustomerSummary> customers, Span<double> destination)
    {
        if (destination.Length < customers.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(destination), customers.Length, destination.Length);
        }

        for (var i = 0; i < customers.Length; i++)
        {
            destination[i] = ExpectedSpend(customers[i].Frequency, customers[i].MonetaryValue);
        }
    }

    /// <summary>The log-likelihood of a customer's mean repeat-transaction value (x &gt; 0, m̄ &gt; 0).</summary>
    /// <param name="frequency">Repeat transactions x (&gt; 0).</param>
    /// <param name="monetaryValue">Their mean value m̄ (&gt; 0).</param>
    public double LogLikelihood(int frequency, double monetaryValue)
    {
        if (frequency <= 0)
        {
            ThrowHelper.InvalidModelInput("frequency", frequency, "must be > 0 (a mean spend needs at least one repeat transaction)");
        }

        ThrowHelper.IfNotPositive(monetaryValue, "monetary_value");
        var px = P * frequency;
        return SpecialFunctions.GammaLn(px + Q) - SpecialFunctions.GammaLn(px) - SpecialFunctions.GammaLn(Q) + (Q * Math.Log(Gamma))
            + ((px - 1) * Math.Log(monetaryValue)) + (px * Math.Log(frequency)) - ((px + Q) * Math.Log(Gamma + (monetaryValue * frequency)));
    }

    /// <inheritdoc />
    public bool Equals(GammaGammaParameters other) => P.Equals(other.P) && Q.Equals(other.Q) && Gamma.Equals(other.Gamma);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GammaGammaParameters other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(P, Q, Gamma);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Gamma-Gamma(p = {P:G6}, q = {Q:G6}, gamma = {Gamma:G6})");
}

/// <summary>Maximum-likelihood fitting of the Gamma-Gamma spend model.</summary>
public static class GammaGammaModel
{
    /// <summary>
    /// Fits p, q, γ by maximum likelihood from the customers with repeat transactions (x &gt; 0); customers with x = 0
    /// carry no spend information and are skipped.
    /// </summary>
    /// <param name="customers">Summaries with <see cref="CustomerSummary.MonetaryValue"/> &gt; 0 wherever x &gt; 0.</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The fit; <see cref="ModelFit{TParameters}.Observations"/> counts the customers used.</returns>
    /// <exception cref="InvalidModelInputException">A customer with x &gt; 0 has a mean value ≤ 0 (named by row), or none has x &gt; 0.</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised.</exception>
    public static ModelFit<GammaGammaParameters> Fit(ReadOnlySpan<CustomerSummary> customers, FitOptions? options = null)
    {
        var objective = new GammaGammaObjective(customers);
        var outcome = Fitting.Run(ref objective, objective.StartingPoint(), options, "Gamma-Gamma");
        var theta = outcome.Theta;
        return new ModelFit<GammaGammaParameters>(new GammaGammaParameters(theta[0], theta[1], theta[2]), [.. GammaGammaParameters.Names], theta, outcome.StandardErrors, outcome.LogLikelihood, objective.Count, outcome.Iterations, outcome.Converged);
    }
}

/// <summary>The Gamma-Gamma negative log-likelihood; the gamma-function terms are computed once per distinct x.</summary>
internal struct GammaGammaObjective : IObjective
{
    private readonly int[] _group;
    private readonly int[] _groupX;
    private readonly double[] _x;
    private readonly double[] _logX;
    private readonly double[] _m;
    private readonly double[] _logM;
    private readonly double[] _cache;

    public GammaGammaObjective(ReadOnlySpan<CustomerSummary> customers)
    {
        var count = 0;
        for (var i = 0; i < customers.Length; i++)
        {
            customers[i].Validate(i);
            if (customers[i].Frequency > 0)
            {
                if (!(customers[i].MonetaryValue > 0))
                {
                    ThrowHelper.InvalidModelInput("monetary_value", customers[i].MonetaryValue, "must be > 0 for a customer with repeat transactions", i);
                }

                count++;
            }
        }

        if (count == 0)
        {
            throw new InvalidModelInputException("The Gamma-Gamma fit needs customers with repeat transactions (frequency > 0) and their mean spend.");
        }

        _group = new int[count];
        _x = new double[count];
        _logX = new double[count];
        _m = new double[count];
        _logM = new double[count];
        var groups = new Dictionary<int, int>();
        var groupX = new List<int>();
        var j = 0;
        for (var i = 0; i < customers.Length; i++)
        {
            var x = customers[i].Frequency;
            if (x == 0)
            {
                continue;
            }

            if (!groups.TryGetValue(x, out var g))
            {
                g = groupX.Count;
                groups.Add(x, g);
                groupX.Add(x);
            }

            _group[j] = g;
            _x[j] = x;
            _logX[j] = Math.Log(x);
            _m[j] = customers[i].MonetaryValue;
            _logM[j] = Math.Log(customers[i].MonetaryValue);
            j++;
        }

        _groupX = [.. groupX];
        _cache = new double[_groupX.Length * 3];
    }

    public readonly int Count => _x.Length;

    public readonly int Dimension => 3;

    public readonly double[] StartingPoint()
    {
        var mean = 0.0;
        for (var i = 0; i < _m.Length; i++)
        {
            mean += _m[i];
        }

        return [1.0, 2.0, mean / _m.Length];
    }

    public readonly double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        var p = Math.Exp(u[0]);
        var q = Math.Exp(u[1]);
        var gamma = Math.Exp(u[2]);
        if (!(p > 0 && q > 0 && gamma > 0 && double.IsFinite(p + q + gamma)))
        {
            return double.NaN;
        }

        var lgq = SpecialFunctions.GammaLn(q);
        var psiQ = SpecialFunctions.DiGamma(q);
        var cache = _cache;
        for (var g = 0; g < _groupX.Length; g++)
        {
            var px = p * _groupX[g];
            var psiPxQ = SpecialFunctions.DiGamma(px + q);
            cache[3 * g] = SpecialFunctions.GammaLn(px + q) - SpecialFunctions.GammaLn(px) - lgq;
            cache[(3 * g) + 1] = _groupX[g] * (psiPxQ - SpecialFunctions.DiGamma(px));
            cache[(3 * g) + 2] = psiPxQ - psiQ;
        }

        var logGamma = Math.Log(gamma);
        double ll = 0, gp = 0, gq = 0, gg = 0;
        for (var i = 0; i < _x.Length; i++)
        {
            var k = 3 * _group[i];
            var x = _x[i];
            var px = p * x;
            var denominator = gamma + (_m[i] * x);
            var logDenominator = Math.Log(denominator);
            ll += cache[k] + (q * logGamma) + ((px - 1) * _logM[i]) + (px * _logX[i]) - ((px + q) * logDenominator);
            gp += cache[k + 1] + (x * (_logM[i] + _logX[i] - logDenominator));
            gq += cache[k + 2] + logGamma - logDenominator;
            gg += (q / gamma) - ((px + q) / denominator);
        }

        gradient[0] = -gp * p;
        gradient[1] = -gq * q;
        gradient[2] = -gg * gamma;
        return -ll;
    }
}
