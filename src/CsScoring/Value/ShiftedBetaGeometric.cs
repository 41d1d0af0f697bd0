using System.Globalization;
using CsScoring.Value.Numerics;

namespace CsScoring.Value;

/// <summary>
/// The shifted-beta-geometric (sBG) model of contractual retention (Fader and Hardie 2007, "How to project customer
/// retention"; 2010, "Customer-base valuation in a contractual setting"): each customer renews every period with a
/// constant probability 1 − θ, θ ~ Beta(α, β) across customers, so the cohort's retention rate rises over time as
/// the customers likely to churn leave first.
/// </summary>
/// <remarks>
/// Periods are whole contract periods (months, years) counted from acquisition: period 1 is the first renewal
/// decision. Immutable and thread-safe; projections allocate nothing.
/// </remarks>
public readonly struct SbgParameters : IEquatable<SbgParameters>
{
    /// <summary>Creates the parameters; each must be finite and &gt; 0.</summary>
    /// <param name="alpha">First shape of the churn-probability distribution.</param>
    /// <param name="beta">Second shape of the churn-probability distribution.</param>
    /// <exception cref="InvalidModelInputException">A parameter is not a finite number &gt; 0.</exception>
    public SbgParameters(double alpha, double beta)
    {
        ThrowHelper.IfNotPositive(alpha, "alpha");
        ThrowHelper.IfNotPositive(beta, "beta");
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>The parameter names, in the order the fit reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["alpha", "beta"];

    /// <summary>First shape α of the churn-probability distribution.</summary>
    public double Alpha { get; }

    /// <summary>Second shape β of the churn-probability distribution.</summary>
    public double Beta { get; }

    /// <summary>The mean churn probability per period across new customers, α / (α + β).</summary>
    public double MeanChurn => Alpha / (Alpha + Beta);

    /// <inheritdoc />
    public static bool operator ==(SbgParameters left, SbgParameters right) => left.Equals(right);

    /// <inheritdoc />
    public static bool operator !=(SbgParameters left, SbgParameters right) => !left.Equals(right);

    /// <summary>S(t): the share of a new cohort still a customer after <paramref name="period"/> periods.</summary>
    /// <param name="period">Periods since acquisition (≥ 0; S(0) = 1).</param>
    /// <returns>A value in (0, 1], non-increasing in <paramref name="period"/>.</returns>
    public double Survival(int period)
    {
        if (period < 0)
        {
            ThrowHelper.InvalidModelInput("period", period, "must be >= 0");
        }

        var log = 0.0;
        for (var i = 1; i <= period; i++)
        {
            log += Math.Log((Beta + i - 1) / (Alpha + Beta + i - 1));
        }

        return Math.Exp(log);
    }

    /// <summary>r(t) = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1): the retention rate of period t, rising in t.</summary>
    /// <param name="period">The period (≥ 1).</param>
    public double RetentionRate(int period)
    {
        if (period < 1)
        {
            ThrowHelper.InvalidModelInput("period", period, "must be >= 1");
        }

        return (Beta + period - 1) / (Alpha + Beta + period - 1);
    }

    /// <summary>P(T = t): the probability that a new customer churns at period t.</summary>
    /// <param name="period">The period (≥ 1).</param>
    public double ChurnProbability(int period)
    {
        if (period < 1)
        {
            ThrowHelper.InvalidModelInput("period", period, "must be >= 1");
        }

        return Survival(period - 1) * Alpha / (Alpha + Beta + period - 1);
    }

    /// <summary>Projects the survival curve S(0), S(1), …, without allocating.</summary>
    /// <param name="destination">Receives S(t) for t = 0 .. length − 1.</param>
    public void SurvivalCurve(Span<double> destination)
    {
        var s = 1.0;
        for (var t = 0; t < destination.Length; t++)
        {
            if (t > 0)
            {
                s *= (Beta + t - 1) / (Alpha + Beta + t - 1);
            }

            destination[t] = s;
        }
    }

    /// <summary>
    /// DEL: the discounted expected lifetime of a customer about to make the first payment, counting that payment:
    /// Σ_{t≥0} S(t) / (1 + d)^t = ₂F₁(1, β; α + β; 1 / (1 + d)).
    /// </summary>
    /// <param name="discount">The discount rate per period (≥ 0).</param>
    /// <returns>The lifetime in periods of payment (multiply by the payment for a value).</returns>
    /// <exception cref="InvalidModelInputException">The discount is negative, or 0 with α ≤ 1 (the expected lifetime is infinite).</exception>
    public double DiscountedExpectedLifetime(double discount)
        => 1 + (DiscountedExpectedResidualLifetime(discount, 0) / (1 + discount));

    /// <summary>
    /// DERL (Fader and Hardie 2010, eq. 6): the discounted expected residual lifetime of a customer who has just made
    /// renewal number <paramref name="renewals"/> (0 = has paid the first period, not yet renewed), counting the next
    /// payment undiscounted: (β + n) / (α + β + n) · ₂F₁(1, β + n + 1; α + β + n + 1; 1 / (1 + d)).
    /// </summary>
    /// <param name="discount">The discount rate per period d (≥ 0).</param>
    /// <param name="renewals">Renewals made so far n (≥ 0).</param>
    /// <returns>The residual lifetime in periods of payment; decreasing in d, increasing in n.</returns>
    /// <exception cref="InvalidModelInputException">An input is out of range, or d = 0 with α ≤ 1 (infinite).</exception>
    public double DiscountedExpectedResidualLifetime(double discount, int renewals)
    {
        ThrowHelper.IfNegative(discount, "discount");
        if (renewals < 0)
        {
            ThrowHelper.InvalidModelInput("renewals", renewals, "must be >= 0");
        }

        var b = Beta + renewals;
        var head = b / (Alpha + b);
        if (discount == 0)
        {
            // Gauss's sum: 2F1(1, b + 1; c; 1) = (c − 1)/(c − b − 2) with c = α + b + 1, finite for α > 1.
            if (!(Alpha > 1))
            {
                ThrowHelper.InvalidModelInput("discount", discount, string.Create(CultureInfo.InvariantCulture, $"gives an infinite expected lifetime when alpha = {Alpha} <= 1; use a discount rate > 0"));
            }

            return head * (Alpha + b) / (Alpha - 1);
        }

        return head * Hypergeometric.Value(1, b + 1, Alpha + b + 1, 1 / (1 + discount));
    }

    /// <inheritdoc />
    public bool Equals(SbgParameters other) => Alpha.Equals(other.Alpha) && Beta.Equals(other.Beta);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SbgParameters other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Alpha, Beta);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"sBG(alpha = {Alpha:G6}, beta = {Beta:G6})");
}

/// <summary>Maximum-likelihood fitting of the sBG model from cohort survivor counts.</summary>
/// <example>
/// <code>
/// var fit = SbgModel.Fit([1000, 631, 468, 382, 326, 289, 262, 241]);   // alpha ≈ 0.704, beta ≈ 1.182
/// double fiveYears = fit.Parameters.Survival(5);
/// </code>
/// </example>
public static class SbgModel
{
    /// <summary>Fits α, β to one cohort's survivor counts.</summary>
    /// <param name="survivors">Customers active at the start (index 0, the cohort size) and after each period; non-increasing.</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The fit with standard errors.</returns>
    /// <exception cref="InvalidModelInputException">The counts are empty, negative or increase (the error names the period and value).</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised (e.g. nobody ever churned).</exception>
    public static ModelFit<SbgParameters> Fit(ReadOnlySpan<int> survivors, FitOptions? options = null)
    {
        var objective = new SbgObjective();
        objective.Add(survivors, 0);
        return Fit(ref objective, options);
    }

    /// <summary>
    /// Fits α, β to several cohorts of different ages at once (Fader and Hardie 2010): each cohort contributes its
    /// churners per period and its survivors, who are censored at the cohort's age.
    /// </summary>
    /// <param name="cohorts">Each cohort's survivor counts, starting with its size.</param>
    /// <param name="options">Optimizer settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The fit with standard errors.</returns>
    /// <exception cref="InvalidModelInputException">A cohort's counts are invalid (the error names the cohort as its row).</exception>
    /// <exception cref="ModelFitException">The likelihood could not be maximised.</exception>
    public static ModelFit<SbgParameters> FitCohorts(IReadOnlyList<int[]> cohorts, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cohorts);
        var objective = new SbgObjective();
        for (var c = 0; c < cohorts.Count; c++)
        {
            objective.Add(cohorts[c] ?? throw new InvalidModelInputException($"Cohort {c} is null."), c);
        }

        return Fit(ref objective, options);
    }

    /// <summary>The log-likelihood of survivor counts under the parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="survivors">One cohort's survivor counts.</param>
    public static double LogLikelihood(in SbgParameters parameters, ReadOnlySpan<int> survivors)
    {
        var objective = new SbgObjective();
        objective.Add(survivors, 0);
        Span<double> g = stackalloc double[2];
        return -objective.Evaluate([Math.Log(parameters.Alpha), Math.Log(parameters.Beta)], g);
    }

    private static ModelFit<SbgParameters> Fit(ref SbgObjective objective, FitOptions? options)
    {
        if (objective.Customers == 0)
        {
            throw new InvalidModelInputException("The sBG fit needs at least one cohort with customers.");
        }

        if (!objective.HasChurn)
        {
            throw new ModelFitException("The sBG fit needs at least one churned customer: with none, the churn probability is not identified.");
        }

        if (!objective.HasSurvivors)
        {
            throw new ModelFitException("The sBG fit needs customers who survive at least one period: with none, every customer churns at period 1 and the heterogeneity is not identified.");
        }

        var outcome = Fitting.Run(ref objective, [1.0, 1.0], options, "sBG");
        var theta = outcome.Theta;
        return new ModelFit<SbgParameters>(new SbgParameters(theta[0], theta[1]), [.. SbgParameters.Names], theta, outcome.StandardErrors, outcome.LogLikelihood, objective.Customers, outcome.Iterations, outcome.Converged);
    }
}

/// <summary>
/// The sBG negative log-likelihood over pooled cohorts: churners per period and survivors censored per age are
/// sufficient statistics, so any number of cohorts costs O(max age) per evaluation.
/// </summary>
internal struct SbgObjective : IObjective
{
    private double[] _churned;
    private double[] _censored;

    public SbgObjective()
    {
        _churned = [];
        _censored = [];
    }

    public double Customers { get; private set; }

    public bool HasChurn { get; private set; }

    public bool HasSurvivors { get; private set; }

    public readonly int Dimension => 2;

    public void Add(ReadOnlySpan<int> survivors, long cohort)
    {
        if (survivors.IsEmpty)
        {
            ThrowHelper.InvalidModelInput("survivors.length", 0, "must be >= 1 (the cohort size first)", cohort);
        }

        for (var t = 0; t < survivors.Length; t++)
        {
            if (survivors[t] < 0)
            {
                ThrowHelper.InvalidModelInput(string.Create(CultureInfo.InvariantCulture, $"survivors[{t}]"), survivors[t], "must be >= 0", cohort);
            }

            if (t > 0 && survivors[t] > survivors[t - 1])
            {
                ThrowHelper.InvalidModelInput(string.Create(CultureInfo.InvariantCulture, $"survivors[{t}]"), survivors[t], string.Create(CultureInfo.InvariantCulture, $"exceeds survivors[{t - 1}] = {survivors[t - 1]}: survivor counts cannot increase"), cohort);
            }
        }

        var age = survivors.Length - 1;
        if (_censored.Length < age + 1)
        {
            Array.Resize(ref _churned, age + 1);
            Array.Resize(ref _censored, age + 1);
        }

        for (var t = 1; t <= age; t++)
        {
            var churned = survivors[t - 1] - survivors[t];
            _churned[t] += churned;
            HasChurn |= churned > 0;
            HasSurvivors |= survivors[t] > 0;
        }

        _censored[age] += survivors[age];
        Customers += survivors[0];
    }

    public readonly double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        var alpha = Math.Exp(u[0]);
        var beta = Math.Exp(u[1]);
        if (!(alpha > 0 && beta > 0 && double.IsFinite(alpha + beta)))
        {
            return double.NaN;
        }

        // log S(t) = Σ_{i≤t} log(β+i−1) − log(α+β+i−1); log P(t) = log S(t−1) + log α − log(α+β+t−1).
        double logS = 0, dsA = 0, dsB = 0;
        double ll = 0, ga = 0, gb = 0;
        var logAlpha = Math.Log(alpha);
        for (var t = 0; t < _censored.Length; t++)
        {
            if (t > 0)
            {
                var total = alpha + beta + t - 1;
                var churned = _churned[t];
                if (churned > 0)
                {
                    ll += churned * (logS + logAlpha - Math.Log(total));
                    ga += churned * (dsA + (1 / alpha) - (1 / total));
                    gb += churned * (dsB - (1 / total));
                }

                logS += Math.Log((beta + t - 1) / total);
                dsA -= 1 / total;
                dsB += (1 / (beta + t - 1)) - (1 / total);
            }

            var censored = _censored[t];
            if (censored > 0)
            {
                ll += censored * logS;
                ga += censored * dsA;
                gb += censored * dsB;
            }
        }

        gradient[0] = -ga * alpha;
        gradient[1] = -gb * beta;
        return -ll;
    }
}
