using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Metrics;

/// <summary>
/// Net Promoter Score of a set of 0-10 answers: % promoters (9-10) minus % detractors (0-6), on -100..100, with a
/// confidence interval.
/// </summary>
/// <remarks>
/// The Wald interval treats (promoter, passive, detractor) as a multinomial: the variance of p - d is
/// (p + d - (p - d)²) / n, so the interval is NPS ± z·100·sqrt((p + d - (p - d)²) / n), clipped to [-100, 100].
/// With few answers it is too narrow (zero width when every answer is a promoter); <see cref="Adjusted"/> then
/// gives the adjusted-Wald variant (Rocks 2016, "Interval estimation for the net promoter score", The American
/// Statistician 70(4)): 3/4 of a pseudo-answer is added to the promoters, 3/4 to the detractors and 3/2 to the
/// passives (n + 3 in all) before the same formula; its centre is the adjusted estimate, pulled towards 0.
/// </remarks>
/// <param name="N">Answers.</param>
/// <param name="Promoters">Answers of 9 or 10.</param>
/// <param name="Passives">Answers of 7 or 8.</param>
/// <param name="Detractors">Answers of 0 to 6.</param>
/// <param name="Score">The NPS, -100..100; NaN without answers.</param>
/// <param name="StdError">Standard error of the score (same units); NaN without answers.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
/// <param name="Confidence">The interval's confidence level.</param>
public sealed record NpsEstimate(int N, int Promoters, int Passives, int Detractors, double Score, double StdError, double Low, double High, double Confidence)
{
    /// <summary>The Wald estimate from counts.</summary>
    /// <param name="promoters">Answers of 9-10, &gt;= 0.</param>
    /// <param name="passives">Answers of 7-8, &gt;= 0.</param>
    /// <param name="detractors">Answers of 0-6, &gt;= 0.</param>
    /// <param name="confidence">The confidence level in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or the confidence is outside (0, 1).</exception>
    public static NpsEstimate FromCounts(int promoters, int passives, int detractors, double confidence = 0.95)
        => Build(promoters, passives, detractors, promoters, passives, detractors, confidence);

    /// <summary>The adjusted-Wald estimate (see the remarks) of the same answers.</summary>
    public NpsEstimate Adjusted => Build(Promoters, Passives, Detractors, Promoters + 0.75, Passives + 1.5, Detractors + 0.75, Confidence);

    /// <summary>
    /// Tests whether two independent NPS differ: z = (NPS₁ - NPS₂) / sqrt(SE₁² + SE₂²), two-sided p-value from the
    /// normal distribution, with the Wald interval of the difference.
    /// </summary>
    /// <param name="first">The first group.</param>
    /// <param name="second">The second group.</param>
    public static NpsComparison Compare(NpsEstimate first, NpsEstimate second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var difference = first.Score - second.Score;
        var se = Math.Sqrt((first.StdError * first.StdError) + (second.StdError * second.StdError));
        var z = se > 0 ? difference / se : double.NaN;
        var p = se > 0 ? 2 * (1 - Distributions.NormalCdf(Math.Abs(z))) : double.NaN;
        var q = Distributions.NormalQuantile(0.5 + (first.Confidence / 2));
        return new NpsComparison(difference, se, z, p, difference - (q * se), difference + (q * se));
    }

    private static NpsEstimate Build(int promoters, int passives, int detractors, double p, double m, double d, double confidence)
    {
        if (promoters < 0 || passives < 0 || detractors < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(promoters), "Answer counts must be >= 0.");
        }

        var z = SurveyStatistics.Z(confidence);
        var n = promoters + passives + detractors;
        var total = p + m + d;
        if (n == 0 && total == 0)
        {
            return new NpsEstimate(0, 0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, confidence);
        }

        var (pp, dd) = (p / total, d / total);
        var score = pp - dd;
        var se = Math.Sqrt(Math.Max(0, pp + dd - (score * score)) / total);
        return new NpsEstimate(
            n, promoters, passives, detractors, 100 * score, 100 * se,
            100 * Math.Max(-1, score - (z * se)), 100 * Math.Min(1, score + (z * se)), confidence);
    }
}

/// <summary>The difference of two NPS and its test.</summary>
/// <param name="Difference">NPS₁ - NPS₂, in points.</param>
/// <param name="StdError">Its standard error.</param>
/// <param name="Z">The z statistic; NaN when the standard error is 0.</param>
/// <param name="PValue">Two-sided p-value; NaN when the standard error is 0.</param>
/// <param name="Low">Lower end of the difference's Wald interval.</param>
/// <param name="High">Upper end.</param>
public sealed record NpsComparison(double Difference, double StdError, double Z, double PValue, double Low, double High);

/// <summary>
/// CSAT: the percentage of answers of 4 or 5 on a 1-5 scale, with the Wilson score interval (Wilson 1927; method 3
/// of Newcombe 1998), which stays inside [0, 100] and keeps its coverage for small n and shares near 0 or 100%.
/// </summary>
/// <param name="N">Answers.</param>
/// <param name="Satisfied">Answers of 4 or 5.</param>
/// <param name="Score">Satisfied / N x 100; NaN without answers.</param>
/// <param name="Low">Lower end of the interval, in percent.</param>
/// <param name="High">Upper end, in percent.</param>
/// <param name="Confidence">The confidence level.</param>
public sealed record CsatEstimate(int N, int Satisfied, double Score, double Low, double High, double Confidence)
{
    /// <summary>The estimate from counts.</summary>
    /// <param name="satisfied">Answers of 4-5, in [0, <paramref name="n"/>].</param>
    /// <param name="n">Answers, &gt;= 0.</param>
    /// <param name="confidence">The confidence level in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">The counts are inconsistent or the confidence is outside (0, 1).</exception>
    public static CsatEstimate FromCounts(int satisfied, int n, double confidence = 0.95)
    {
        if (n < 0 || satisfied < 0 || satisfied > n)
        {
            throw new ArgumentOutOfRangeException(nameof(satisfied), "Need 0 <= satisfied <= n.");
        }

        var z = SurveyStatistics.Z(confidence);
        if (n == 0)
        {
            return new CsatEstimate(0, 0, double.NaN, double.NaN, double.NaN, confidence);
        }

        var (low, high) = Wilson(satisfied, n, z);
        return new CsatEstimate(n, satisfied, 100.0 * satisfied / n, 100 * low, 100 * high, confidence);
    }

    /// <summary>The Wilson score interval of a proportion.</summary>
    /// <param name="successes">Successes.</param>
    /// <param name="n">Trials, &gt; 0.</param>
    /// <param name="z">The normal quantile (1.96 for 95%).</param>
    /// <returns>The interval's ends, in [0, 1].</returns>
    public static (double Low, double High) Wilson(int successes, int n, double z)
    {
        var p = (double)successes / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2.0 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / denominator;
        // At 0 or n successes one end is exactly 0 or 1; rounding must not push it past.
        return (successes == 0 ? 0 : Math.Max(0, centre - half), successes == n ? 1 : Math.Min(1, centre + half));
    }
}

/// <summary>
/// CES: the mean answer on a stated scale (1-7 by default) with the Student-t interval mean ± t(n-1)·s/√n.
/// </summary>
/// <param name="N">Answers.</param>
/// <param name="Mean">The mean; NaN without answers.</param>
/// <param name="StdDev">The sample standard deviation (n - 1); NaN below 2 answers.</param>
/// <param name="Low">Lower end of the interval; NaN below 2 answers.</param>
/// <param name="High">Upper end; NaN below 2 answers.</param>
/// <param name="ScaleMin">The lowest answer on the scale.</param>
/// <param name="ScaleMax">The highest answer on the scale.</param>
/// <param name="Confidence">The confidence level.</param>
public sealed record CesEstimate(int N, double Mean, double StdDev, double Low, double High, int ScaleMin, int ScaleMax, double Confidence)
{
    /// <summary>The estimate from the answers' count, mean and sum of squared deviations from the mean.</summary>
    /// <param name="n">Answers.</param>
    /// <param name="mean">Their mean.</param>
    /// <param name="sumSquaredDeviations">Σ (x - mean)².</param>
    /// <param name="scaleMin">The scale's lowest answer.</param>
    /// <param name="scaleMax">The scale's highest answer.</param>
    /// <param name="confidence">The confidence level in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">The counts are negative or the confidence is outside (0, 1).</exception>
    public static CesEstimate FromMoments(int n, double mean, double sumSquaredDeviations, int scaleMin = 1, int scaleMax = 7, double confidence = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        SurveyStatistics.Z(confidence);
        if (n == 0)
        {
            return new CesEstimate(0, double.NaN, double.NaN, double.NaN, double.NaN, scaleMin, scaleMax, confidence);
        }

        if (n == 1)
        {
            return new CesEstimate(1, mean, double.NaN, double.NaN, double.NaN, scaleMin, scaleMax, confidence);
        }

        var sd = Math.Sqrt(Math.Max(0, sumSquaredDeviations) / (n - 1));
        var half = Distributions.StudentTQuantile(0.5 + (confidence / 2), n - 1) * sd / Math.Sqrt(n);
        return new CesEstimate(n, mean, sd, mean - half, mean + half, scaleMin, scaleMax, confidence);
    }

    /// <summary>The estimate from answers.</summary>
    /// <param name="answers">The answers.</param>
    /// <param name="scaleMin">The scale's lowest answer.</param>
    /// <param name="scaleMax">The scale's highest answer.</param>
    /// <param name="confidence">The confidence level.</param>
    public static CesEstimate FromAnswers(IEnumerable<double> answers, int scaleMin = 1, int scaleMax = 7, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var moments = new Moments();
        foreach (var a in answers)
        {
            moments.Add(a);
        }

        return FromMoments(moments.N, moments.Mean, moments.M2, scaleMin, scaleMax, confidence);
    }

    // Welford's running mean and squared deviations: exact enough, one pass, O(1) memory.
    internal struct Moments
    {
        public int N;
        public double Mean;
        public double M2;

        public void Add(double x)
        {
            N++;
            var delta = x - Mean;
            Mean += delta / N;
            M2 += delta * (x - Mean);
        }
    }
}

/// <summary>The survey kinds of <c>surveys.csv</c>.</summary>
public enum SurveyKind
{
    /// <summary>Net Promoter: 0-10.</summary>
    Nps,

    /// <summary>Customer satisfaction: 1-5.</summary>
    Csat,

    /// <summary>Customer effort: on the CES scale (1-7 by default).</summary>
    Ces,
}

/// <summary>How answers are grouped besides overall.</summary>
public enum SurveyGrouping
{
    /// <summary>Overall only.</summary>
    None,

    /// <summary>By the answer's period (month or quarter of its date).</summary>
    Period,

    /// <summary>By the account's segment.</summary>
    Segment,

    /// <summary>By account.</summary>
    Account,
}

/// <summary>How <see cref="SurveyReport.Read"/> reads and groups answers.</summary>
public sealed class SurveyOptions
{
    /// <summary>The grouping; none by default.</summary>
    public SurveyGrouping GroupBy { get; init; } = SurveyGrouping.None;

    /// <summary>The period length when grouping by period; month by default.</summary>
    public PeriodLength PeriodLength { get; init; } = PeriodLength.Month;

    /// <summary>Account id to segment, for grouping by segment (accounts absent are in <see cref="MrrHistory.NoSegment"/>).</summary>
    public IReadOnlyDictionary<string, string>? Segments { get; init; }

    /// <summary>The lowest CES answer; 1 by default.</summary>
    public int CesMin { get; init; } = 1;

    /// <summary>The highest CES answer; 7 by default.</summary>
    public int CesMax { get; init; } = 7;

    /// <summary>The confidence level of every interval; 0.95 by default.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Known accounts: an answer of another account is a bad row. <see langword="null"/> accepts every account.</summary>
    public IReadOnlySet<string>? KnownAccounts { get; init; }

    /// <summary>Skip bad rows (counted, the first 20 reasons kept) instead of failing on the first; <see langword="false"/> by default.</summary>
    public bool SkipBadRows { get; init; }
}

/// <summary>NPS, CSAT and CES of one group of answers.</summary>
/// <param name="Key">The group: <c>overall</c>, a period label, a segment or an account id.</param>
/// <param name="Nps">The NPS with its Wald interval (<see cref="NpsEstimate.Adjusted"/> for the small-n variant).</param>
/// <param name="Csat">CSAT with its Wilson interval.</param>
/// <param name="Ces">CES with its t interval.</param>
public sealed record SurveyGroup(string Key, NpsEstimate Nps, CsatEstimate Csat, CesEstimate Ces);

/// <summary>
/// Survey results from a table with the columns <c>account_id</c>, <c>date</c>, <c>kind</c> (nps, csat, ces;
/// case-insensitive) and <c>score</c> (a whole number on the kind's scale); <c>user_id</c> may be present and is not
/// needed. Streamed: memory grows with the groups, not the answers.
/// </summary>
/// <param name="Overall">All answers.</param>
/// <param name="Groups">Per group (ordinal order of the key), empty without grouping.</param>
/// <param name="Rows">Data rows read.</param>
/// <param name="SkippedRows">Rows skipped under <see cref="SurveyOptions.SkipBadRows"/>.</param>
/// <param name="Warnings">The first 20 skipped rows' reasons.</param>
public sealed record SurveyReport(SurveyGroup Overall, IReadOnlyList<SurveyGroup> Groups, long Rows, long SkippedRows, IReadOnlyList<string> Warnings)
{
    /// <summary>Reads and summarises survey answers.</summary>
    /// <param name="reader">A reader positioned before the first row.</param>
    /// <param name="options">Grouping, scales and bad-row handling.</param>
    /// <exception cref="DataFormatException">
    /// A column is absent; or (unless skipping) a date does not parse, a kind is unknown, a score is blank, not a
    /// whole number or off its scale, or an account is unknown. File, row and column named.
    /// </exception>
    /// <exception cref="ArgumentException">The CES scale is empty or the confidence is outside (0, 1).</exception>
    public static SurveyReport Read(TabularReader reader, SurveyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new SurveyOptions();
        if (options.CesMin >= options.CesMax)
        {
            throw new ArgumentException($"The CES scale {options.CesMin}-{options.CesMax} is empty.", nameof(options));
        }

        SurveyStatistics.Z(options.Confidence);
        int account = reader.GetOrdinal("account_id"), date = reader.GetOrdinal("date"), kind = reader.GetOrdinal("kind"), score = reader.GetOrdinal("score");
        var overall = new Accumulator();
        var groups = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var warnings = new List<string>();
        long rows = 0, skipped = 0;
        while (reader.Read())
        {
            rows++;
            var (ordinal, problem, answer) = Parse(reader, options, account, date, kind, score);
            if (problem is not null)
            {
                var error = reader.Error(ordinal, problem);
                if (!options.SkipBadRows)
                {
                    throw error;
                }

                skipped++;
                if (warnings.Count < 20)
                {
                    warnings.Add(error.Message);
                }

                continue;
            }

            overall.Add(answer.Kind, answer.Score);
            var key = options.GroupBy switch
            {
                SurveyGrouping.Period => ReportingPeriods.Label(ReportingPeriods.PeriodIndex(ReportingPeriods.MonthIndex(answer.Date), options.PeriodLength), options.PeriodLength),
                SurveyGrouping.Segment => options.Segments is not null && options.Segments.TryGetValue(answer.Account, out var s) && !string.IsNullOrWhiteSpace(s) ? s : MrrHistory.NoSegment,
                SurveyGrouping.Account => answer.Account,
                _ => null,
            };
            if (key is not null)
            {
                if (!groups.TryGetValue(key, out var group))
                {
                    group = new Accumulator();
                    groups.Add(key, group);
                }

                group.Add(answer.Kind, answer.Score);
            }
        }

        return new SurveyReport(
            overall.ToGroup("overall", options),
            [.. groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Value.ToGroup(g.Key, options))],
            rows, skipped, warnings);
    }

    private static (int Ordinal, string? Problem, (string Account, DateOnly Date, SurveyKind Kind, int Score) Answer) Parse(
        TabularReader reader, SurveyOptions options, int account, int date, int kind, int score)
    {
        var id = reader.GetString(account).Trim();
        if (id.Length == 0)
        {
            return (account, "the account id is blank", default);
        }

        if (options.KnownAccounts is not null && !options.KnownAccounts.Contains(id))
        {
            return (account, $"account '{id}' is not a known account", default);
        }

        if (!reader.TryGetDate(date, out var day))
        {
            return (date, $"'{reader.GetString(date)}' is not a date (expected yyyy-MM-dd)", default);
        }

        var k = reader.GetSpan(kind).Trim();
        SurveyKind parsed;
        if (k.Equals("nps", StringComparison.OrdinalIgnoreCase))
        {
            parsed = SurveyKind.Nps;
        }
        else if (k.Equals("csat", StringComparison.OrdinalIgnoreCase))
        {
            parsed = SurveyKind.Csat;
        }
        else if (k.Equals("ces", StringComparison.OrdinalIgnoreCase))
        {
            parsed = SurveyKind.Ces;
        }
        else
        {
            return (kind, $"unknown survey kind '{k.ToString()}' (expected nps, csat or ces)", default);
        }

        var (min, max) = parsed switch
        {
            SurveyKind.Nps => (0, 10),
            SurveyKind.Csat => (1, 5),
            _ => (options.CesMin, options.CesMax),
        };
        var text = reader.GetSpan(score).Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value != Math.Floor(value))
        {
            return (score, text.IsEmpty ? "the score is blank" : $"score '{text.ToString()}' is not a whole number", default);
        }

        if (value < min || value > max)
        {
            return (score, string.Create(CultureInfo.InvariantCulture, $"{parsed.ToString().ToLowerInvariant()} score {value} is off its scale {min}-{max}"), default);
        }

        return (-1, null, (id, day, parsed, (int)value));
    }

    private sealed class Accumulator
    {
        private int _promoters, _passives, _detractors, _csat, _satisfied;
        private CesEstimate.Moments _ces;

        public void Add(SurveyKind kind, int score)
        {
            switch (kind)
            {
                case SurveyKind.Nps when score >= 9:
                    _promoters++;
                    break;
                case SurveyKind.Nps when score >= 7:
                    _passives++;
                    break;
                case SurveyKind.Nps:
                    _detractors++;
                    break;
                case SurveyKind.Csat:
                    _csat++;
                    _satisfied += score >= 4 ? 1 : 0;
                    break;
                default:
                    _ces.Add(score);
                    break;
            }
        }

        public SurveyGroup ToGroup(string key, SurveyOptions options) => new(
            key,
            NpsEstimate.FromCounts(_promoters, _passives, _detractors, options.Confidence),
            CsatEstimate.FromCounts(_satisfied, _csat, options.Confidence),
            CesEstimate.FromMoments(_ces.N, _ces.Mean, _ces.M2, options.CesMin, options.CesMax, options.Confidence));
    }
}

internal static class SurveyStatistics
{
    public static double Z(double confidence)
        => confidence is > 0 and < 1
            ? Distributions.NormalQuantile(0.5 + (confidence / 2))
            : throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be in (0, 1).");
}
