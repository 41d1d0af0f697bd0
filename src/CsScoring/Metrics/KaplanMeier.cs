namespace CsScoring.Metrics;

/// <summary>How the pointwise confidence band of a Kaplan-Meier curve is built from Greenwood's variance.</summary>
public enum SurvivalBand
{
    /// <summary>
    /// Log-log (Kalbfleisch and Prentice): S^exp(±z·se), se = sqrt(Σ d/(n(n-d))) / |ln S|. Stays inside [0, 1] and
    /// behaves well in the tails. The default.
    /// </summary>
    LogLog,

    /// <summary>Plain (linear): S ± z·S·sqrt(Σ d/(n(n-d))), clipped to [0, 1]; poor in the tails.</summary>
    Plain,
}

/// <summary>One observed lifetime: how long, and whether it ended in the event (churn) or was censored (still active).</summary>
/// <param name="Time">The duration (months for ledger lifetimes), &gt;= 0.</param>
/// <param name="Event">True when the lifetime ended in the event, false when right-censored.</param>
public readonly record struct SurvivalObservation(double Time, bool Event);

/// <summary>One step of a Kaplan-Meier curve, at a time with at least one event.</summary>
/// <param name="Time">The event time.</param>
/// <param name="AtRisk">Lifetimes still running just before the time (time &gt;= this).</param>
/// <param name="Events">Events at the time.</param>
/// <param name="Censored">Lifetimes censored at the time (counted at risk at it, removed after).</param>
/// <param name="Survival">S(t), the estimate just after the time.</param>
/// <param name="StdError">Greenwood's standard error of S(t).</param>
/// <param name="Lower">Lower end of the pointwise band.</param>
/// <param name="Upper">Upper end of the pointwise band.</param>
public readonly record struct KaplanMeierStep(double Time, int AtRisk, int Events, int Censored, double Survival, double StdError, double Lower, double Upper);

/// <summary>
/// A Kaplan-Meier survival curve with Greenwood confidence bands (Kaplan and Meier 1958; Greenwood 1926).
/// Ties: events at a time happen before censorings at the same time (the usual convention).
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class KaplanMeierCurve
{
    private KaplanMeierCurve(KaplanMeierStep[] steps, int n, int events, double confidence, SurvivalBand band)
    {
        Steps = steps;
        Count = n;
        EventCount = events;
        Confidence = confidence;
        Band = band;
        Median = FirstAtOrBelowHalf(s => s.Survival);
        MedianLower = FirstAtOrBelowHalf(s => s.Lower);
        MedianUpper = FirstAtOrBelowHalf(s => s.Upper);
    }

    /// <summary>The steps, by time (event times only; S = 1 before the first).</summary>
    public IReadOnlyList<KaplanMeierStep> Steps { get; }

    /// <summary>The number of lifetimes.</summary>
    public int Count { get; }

    /// <summary>The number of events; the rest were censored.</summary>
    public int EventCount { get; }

    /// <summary>The confidence level of the band.</summary>
    public double Confidence { get; }

    /// <summary>How the band was built.</summary>
    public SurvivalBand Band { get; }

    /// <summary>The median lifetime: the first time S(t) &lt;= 0.5; <see langword="null"/> when the curve never gets there.</summary>
    public double? Median { get; }

    /// <summary>The lower confidence limit of the median: the first time the band's lower end is &lt;= 0.5 (Brookmeyer-Crowley style reading of the band); <see langword="null"/> when never.</summary>
    public double? MedianLower { get; }

    /// <summary>The upper confidence limit of the median: the first time the band's upper end is &lt;= 0.5; <see langword="null"/> when never (unbounded).</summary>
    public double? MedianUpper { get; }

    /// <summary>S(t): the estimate at a time (1 before the first event).</summary>
    /// <param name="time">The time.</param>
    public double SurvivalAt(double time)
    {
        var s = 1.0;
        foreach (var step in Steps)
        {
            if (step.Time > time)
            {
                break;
            }

            s = step.Survival;
        }

        return s;
    }

    /// <summary>Estimates the curve.</summary>
    /// <param name="observations">The lifetimes.</param>
    /// <param name="confidence">The band's confidence level in (0, 1); 0.95 by default.</param>
    /// <param name="band">How the band is built; log-log by default.</param>
    /// <exception cref="ArgumentException">A time is negative or not finite, or the confidence is outside (0, 1).</exception>
    public static KaplanMeierCurve Estimate(IEnumerable<SurvivalObservation> observations, double confidence = 0.95, SurvivalBand band = SurvivalBand.LogLog)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentException($"The confidence must be in (0, 1), not {confidence}.", nameof(confidence));
        }

        var data = observations.ToArray();
        foreach (var o in data)
        {
            if (!(o.Time >= 0) || double.IsInfinity(o.Time))
            {
                throw new ArgumentException($"A lifetime must be a finite number >= 0, not {o.Time}.", nameof(observations));
            }
        }

        Array.Sort(data, (a, b) => a.Time.CompareTo(b.Time));
        var z = Distributions.NormalQuantile(0.5 + (confidence / 2));
        var steps = new List<KaplanMeierStep>();
        var atRisk = data.Length;
        double s = 1, greenwood = 0;
        var totalEvents = 0;
        for (var i = 0; i < data.Length;)
        {
            var t = data[i].Time;
            int events = 0, censored = 0;
            while (i < data.Length && data[i].Time == t)
            {
                if (data[i].Event)
                {
                    events++;
                }
                else
                {
                    censored++;
                }

                i++;
            }

            if (events > 0)
            {
                s *= 1 - ((double)events / atRisk);
                greenwood += atRisk == events ? double.PositiveInfinity : events / ((double)atRisk * (atRisk - events));
                var se = s * Math.Sqrt(greenwood);
                var (lower, upper) = Bounds(s, greenwood, z, band);
                steps.Add(new KaplanMeierStep(t, atRisk, events, censored, s, s == 0 ? 0 : se, lower, upper));
                totalEvents += events;
            }

            atRisk -= events + censored;
        }

        return new KaplanMeierCurve([.. steps], data.Length, totalEvents, confidence, band);
    }

    private static (double Lower, double Upper) Bounds(double s, double greenwood, double z, SurvivalBand band)
    {
        if (s <= 0 || double.IsInfinity(greenwood))
        {
            // All at risk had the event: S = 0 exactly and Greenwood's variance is undefined there.
            return (0, 0);
        }

        if (band == SurvivalBand.Plain)
        {
            var half = z * s * Math.Sqrt(greenwood);
            return (Math.Max(0, s - half), Math.Min(1, s + half));
        }

        if (s >= 1)
        {
            return (1, 1);
        }

        var se = Math.Sqrt(greenwood) / Math.Abs(Math.Log(s));
        return (Math.Pow(s, Math.Exp(z * se)), Math.Pow(s, Math.Exp(-z * se)));
    }

    private double? FirstAtOrBelowHalf(Func<KaplanMeierStep, double> value)
    {
        foreach (var step in Steps)
        {
            if (value(step) <= 0.5)
            {
                return step.Time;
            }
        }

        return null;
    }
}

/// <summary>The log-rank test of two survival curves (Mantel 1966; Peto and Peto 1972).</summary>
/// <param name="ChiSquare">The statistic (O₁ - E₁)² / V, chi-square with 1 degree of freedom under equal hazards.</param>
/// <param name="PValue">P(χ²₁ &gt; statistic); NaN when the variance is 0 (no events, or no overlap).</param>
/// <param name="ObservedFirst">Events observed in the first group.</param>
/// <param name="ExpectedFirst">Events expected in the first group under equal hazards.</param>
/// <param name="ObservedSecond">Events observed in the second group.</param>
/// <param name="ExpectedSecond">Events expected in the second group.</param>
/// <param name="Variance">The hypergeometric variance V summed over event times.</param>
public sealed record LogRankTest(double ChiSquare, double PValue, int ObservedFirst, double ExpectedFirst, int ObservedSecond, double ExpectedSecond, double Variance)
{
    /// <summary>Compares two groups of lifetimes.</summary>
    /// <param name="first">The first group.</param>
    /// <param name="second">The second group.</param>
    public static LogRankTest Compare(IEnumerable<SurvivalObservation> first, IEnumerable<SurvivalObservation> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var all = first.Select(o => (o.Time, o.Event, Group: 0)).Concat(second.Select(o => (o.Time, o.Event, Group: 1))).ToArray();
        Array.Sort(all, (a, b) => a.Time.CompareTo(b.Time));
        int n1 = all.Count(a => a.Group == 0), n2 = all.Length - n1;
        int o1 = 0, o2 = 0;
        double e1 = 0, v = 0;
        for (var i = 0; i < all.Length;)
        {
            var t = all[i].Time;
            int d1 = 0, d2 = 0, c1 = 0, c2 = 0;
            while (i < all.Length && all[i].Time == t)
            {
                var (_, happened, group) = all[i];
                if (group == 0)
                {
                    if (happened) { d1++; } else { c1++; }
                }
                else if (happened)
                {
                    d2++;
                }
                else
                {
                    c2++;
                }

                i++;
            }

            var d = d1 + d2;
            var n = n1 + n2;
            if (d > 0)
            {
                e1 += (double)d * n1 / n;
                if (n > 1)
                {
                    v += (double)n1 * n2 * d * (n - d) / ((double)n * n * (n - 1));
                }

                o1 += d1;
                o2 += d2;
            }

            n1 -= d1 + c1;
            n2 -= d2 + c2;
        }

        var e2 = o1 + o2 - e1;
        var chi = v > 0 ? (o1 - e1) * (o1 - e1) / v : double.NaN;
        return new LogRankTest(chi, v > 0 ? Distributions.ChiSquareSurvival(chi, 1) : double.NaN, o1, e1, o2, e2, v);
    }
}
