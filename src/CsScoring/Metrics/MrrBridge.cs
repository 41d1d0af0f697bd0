namespace CsScoring.Metrics;

/// <summary>
/// What a customer who paid at the start of a window, stopped within it and paid again by its end counts as.
/// Practice differs; both keep the bridge reconciling and GRR within [0, 1].
/// </summary>
public enum InterruptedCustomers
{
    /// <summary>Retained: only the window's two ends are compared (its change is expansion or contraction). The default, and what a single month always does.</summary>
    Retained,

    /// <summary>Churned (its opening MRR) and reactivated (its closing MRR): a gap inside the window is a lost and won-back customer.</summary>
    ChurnedAndReactivated,
}

/// <summary>Whether a quick ratio could be computed.</summary>
public enum QuickRatioStatus
{
    /// <summary>Something was lost: the ratio is defined.</summary>
    Defined,

    /// <summary>Nothing was lost (churn and contraction 0) but something was gained: the ratio would be infinite.</summary>
    NoLosses,

    /// <summary>Nothing was lost or gained.</summary>
    NoMovement,
}

/// <summary>How <see cref="MrrBridge"/> classifies movements.</summary>
public sealed class MrrBridgeOptions
{
    /// <summary>The default options.</summary>
    public static MrrBridgeOptions Default { get; } = new();

    /// <summary>See <see cref="Metrics.InterruptedCustomers"/>; <see cref="InterruptedCustomers.Retained"/> by default.</summary>
    public InterruptedCustomers InterruptedCustomers { get; init; } = InterruptedCustomers.Retained;
}

/// <summary>
/// The MRR bridge and the retention rates of one window: from the opening month (the last month before the window)
/// to the closing month (its last month), comparing each account's MRR at the two ends.
/// </summary>
/// <remarks>
/// <para>Classification, per account (a month without an entry, or with MRR 0, is "not paying"):
/// paying at both ends: expansion (up) or contraction (down), or see <see cref="Metrics.InterruptedCustomers"/>;
/// paying at the opening only: churned (its opening MRR);
/// paying at the closing only: reactivated if it paid in any month up to the opening, else new;
/// a customer who starts and stops inside the window is invisible (it was never paying at an end).</para>
/// <para>Reconciliation, exact in decimal: closing = opening + new + expansion + reactivated - contraction -
/// churned; customers at end = at start + new + reactivated - churned.</para>
/// <para>Rates: GRR and NRR count starting customers only (new and reactivated customers are never in them), so
/// 0 &lt;= GRR &lt;= 1 and NRR &gt;= GRR. Every rate is NaN when its denominator is 0. Annual contracts enter the
/// ledger as their monthly equivalent: the bridge sees MRR, not invoices.</para>
/// </remarks>
/// <param name="Period">The label: <c>yyyy-MM</c>, <c>yyyy-Qn</c>, or <c>yyyy-MM..yyyy-MM</c> for another window.</param>
/// <param name="OpeningMonth">The month the opening MRR is taken from (first day).</param>
/// <param name="ClosingMonth">The month the closing MRR is taken from (first day).</param>
/// <param name="Partial">Whether the window is cut short by the end of the ledger (closing month before the window's last month).</param>
/// <param name="OpeningMrr">MRR at the opening month.</param>
/// <param name="NewMrr">Closing MRR of accounts paying for the first time.</param>
/// <param name="ExpansionMrr">Increases of starting customers still paying.</param>
/// <param name="ContractionMrr">Decreases of starting customers still paying (positive).</param>
/// <param name="ChurnedMrr">Opening MRR of starting customers lost (positive).</param>
/// <param name="ReactivatedMrr">Closing MRR of accounts paying again after a gap.</param>
/// <param name="ClosingMrr">MRR at the closing month.</param>
/// <param name="CustomersStart">Accounts paying at the opening month.</param>
/// <param name="CustomersEnd">Accounts paying at the closing month.</param>
/// <param name="NewCustomers">Accounts paying for the first time.</param>
/// <param name="ChurnedCustomers">Starting customers lost.</param>
/// <param name="ReactivatedCustomers">Accounts paying again after a gap.</param>
public sealed record MrrBridgePeriod(
    string Period,
    DateOnly OpeningMonth,
    DateOnly ClosingMonth,
    bool Partial,
    decimal OpeningMrr,
    decimal NewMrr,
    decimal ExpansionMrr,
    decimal ContractionMrr,
    decimal ChurnedMrr,
    decimal ReactivatedMrr,
    decimal ClosingMrr,
    int CustomersStart,
    int CustomersEnd,
    int NewCustomers,
    int ChurnedCustomers,
    int ReactivatedCustomers)
{
    /// <summary>Annual recurring revenue at the close: closing MRR x 12.</summary>
    public decimal Arr => ClosingMrr * 12;

    /// <summary>Average revenue per account at the close (closing MRR / customers at end); <see langword="null"/> with no customers.</summary>
    public decimal? Arpa => CustomersEnd == 0 ? null : ClosingMrr / CustomersEnd;

    /// <summary>Logo churn: churned customers / customers at start; NaN with no starting customers.</summary>
    public double LogoChurn => CustomersStart == 0 ? double.NaN : (double)ChurnedCustomers / CustomersStart;

    /// <summary>Gross MRR churn: (churned + contraction) / opening; NaN when opening is 0.</summary>
    public double GrossMrrChurn => Ratio(ChurnedMrr + ContractionMrr, OpeningMrr);

    /// <summary>Net MRR churn: (churned + contraction - expansion) / opening, negative when expansion outgrows losses; NaN when opening is 0.</summary>
    public double NetMrrChurn => Ratio(ChurnedMrr + ContractionMrr - ExpansionMrr, OpeningMrr);

    /// <summary>Gross revenue retention: (opening - churned - contraction) / opening, in [0, 1]; NaN when opening is 0.</summary>
    public double Grr => Ratio(OpeningMrr - ChurnedMrr - ContractionMrr, OpeningMrr);

    /// <summary>Net revenue retention: (opening - churned - contraction + expansion) / opening, &gt;= GRR; NaN when opening is 0.</summary>
    public double Nrr => Ratio(OpeningMrr - ChurnedMrr - ContractionMrr + ExpansionMrr, OpeningMrr);

    /// <summary>Whether <see cref="QuickRatio"/> is defined.</summary>
    public QuickRatioStatus QuickRatioStatus => ChurnedMrr + ContractionMrr > 0
        ? QuickRatioStatus.Defined
        : NewMrr + ExpansionMrr + ReactivatedMrr > 0 ? QuickRatioStatus.NoLosses : QuickRatioStatus.NoMovement;

    /// <summary>Quick ratio: (new + expansion + reactivated) / (churned + contraction); NaN unless <see cref="QuickRatioStatus"/> is <see cref="QuickRatioStatus.Defined"/>.</summary>
    public double QuickRatio => QuickRatioStatus == QuickRatioStatus.Defined ? Ratio(NewMrr + ExpansionMrr + ReactivatedMrr, ChurnedMrr + ContractionMrr) : double.NaN;

    /// <summary>Whether the bridge reconciles exactly (MRR and customers); always true for a bridge this library built.</summary>
    public bool Reconciles
        => OpeningMrr + NewMrr + ExpansionMrr + ReactivatedMrr - ContractionMrr - ChurnedMrr == ClosingMrr
            && CustomersStart + NewCustomers + ReactivatedCustomers - ChurnedCustomers == CustomersEnd;

    private static double Ratio(decimal numerator, decimal denominator) => denominator == 0 ? double.NaN : (double)(numerator / denominator);
}

/// <summary>Computes MRR bridges and rates per period and over any window from an <see cref="MrrHistory"/>.</summary>
/// <remarks>Pure functions of their inputs; thread-safe.</remarks>
public static class MrrBridge
{
    /// <summary>
    /// The bridge of every period after the ledger's first: a period's opening is the last month of the period
    /// before, its closing its own last month (or the ledger's last month, marked partial). The ledger's first
    /// period is the baseline, not reported: every account in it would otherwise count as new.
    /// </summary>
    /// <param name="history">The ledger.</param>
    /// <param name="length">Month or quarter.</param>
    /// <param name="options">Classification options; <see cref="MrrBridgeOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="segment">One segment, or <see langword="null"/> for all accounts.</param>
    public static IReadOnlyList<MrrBridgePeriod> Periods(MrrHistory history, PeriodLength length, MrrBridgeOptions? options = null, string? segment = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var first = ReportingPeriods.PeriodIndex(history.FirstMonthIndex, length);
        var last = ReportingPeriods.PeriodIndex(history.LastMonthIndex, length);
        var periods = new List<MrrBridgePeriod>();
        for (var p = first + 1; p <= last; p++)
        {
            var start = ReportingPeriods.FirstMonthOf(p, length);
            var end = Math.Min(start + (int)length - 1, history.LastMonthIndex);
            periods.Add(Compute(history, start - 1, end, ReportingPeriods.Label(p, length), end < start + (int)length - 1, options, segment));
        }

        return periods;
    }

    /// <summary>The bridge and rates between two months of the ledger (e.g. a year: opening 12 months before the closing).</summary>
    /// <param name="history">The ledger.</param>
    /// <param name="openingMonth">Any day of the opening month.</param>
    /// <param name="closingMonth">Any day of the closing month; after the opening.</param>
    /// <param name="options">Classification options.</param>
    /// <param name="segment">One segment, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The closing month is not after the opening month.</exception>
    public static MrrBridgePeriod Window(MrrHistory history, DateOnly openingMonth, DateOnly closingMonth, MrrBridgeOptions? options = null, string? segment = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var open = ReportingPeriods.MonthIndex(openingMonth);
        var close = ReportingPeriods.MonthIndex(closingMonth);
        if (close <= open)
        {
            throw new ArgumentException($"The closing month {closingMonth:yyyy-MM} must be after the opening month {openingMonth:yyyy-MM}.", nameof(closingMonth));
        }

        var label = $"{ReportingPeriods.Label(open + 1, PeriodLength.Month)}..{ReportingPeriods.Label(close, PeriodLength.Month)}";
        return Compute(history, open, close, label, false, options, segment);
    }

    /// <summary>
    /// The trailing twelve months to the ledger's last month: opening 12 months before it. <see langword="null"/>
    /// when the ledger spans fewer than 13 months.
    /// </summary>
    /// <param name="history">The ledger.</param>
    /// <param name="options">Classification options.</param>
    /// <param name="segment">One segment, or <see langword="null"/>.</param>
    public static MrrBridgePeriod? TrailingTwelveMonths(MrrHistory history, MrrBridgeOptions? options = null, string? segment = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var close = history.LastMonthIndex;
        var open = close - 12;
        return open < history.FirstMonthIndex
            ? null
            : Window(history, ReportingPeriods.MonthStart(open), ReportingPeriods.MonthStart(close), options, segment);
    }

    /// <summary>
    /// Trailing-twelve-month windows closing at each of the ledger's last <paramref name="months"/> months (oldest first),
    /// so NRR, GRR and logo churn can be followed as a trend without month-to-month noise. Only windows that open within
    /// the ledger are returned (none when it spans fewer than 13 months).
    /// </summary>
    /// <param name="history">The ledger.</param>
    /// <param name="months">How many closing months, at least 1.</param>
    /// <param name="options">Classification options.</param>
    /// <param name="segment">One segment, or <see langword="null"/>.</param>
    public static IReadOnlyList<MrrBridgePeriod> TrailingTwelveMonthTrend(MrrHistory history, int months, MrrBridgeOptions? options = null, string? segment = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        var windows = new List<MrrBridgePeriod>();
        for (var close = Math.Max(history.LastMonthIndex - months + 1, history.FirstMonthIndex + 12); close <= history.LastMonthIndex; close++)
        {
            windows.Add(Window(history, ReportingPeriods.MonthStart(close - 12), ReportingPeriods.MonthStart(close), options, segment));
        }

        return windows;
    }

    private static MrrBridgePeriod Compute(MrrHistory history, int open, int close, string label, bool partial, MrrBridgeOptions? options, string? segment)
    {
        var interrupted = (options ?? MrrBridgeOptions.Default).InterruptedCustomers == InterruptedCustomers.ChurnedAndReactivated;
        decimal opening = 0, added = 0, expansion = 0, contraction = 0, churned = 0, reactivated = 0, closing = 0;
        int start = 0, end = 0, newCustomers = 0, churnedCustomers = 0, reactivatedCustomers = 0;
        foreach (var account in history.Accounts)
        {
            if (segment is not null && account.Segment != segment)
            {
                continue;
            }

            var before = account.ValueAt(open);
            var now = account.ValueAt(close);
            opening += before;
            closing += now;
            start += before > 0 ? 1 : 0;
            end += now > 0 ? 1 : 0;
            if (before > 0 && now > 0)
            {
                if (interrupted && HasGap(account, open, close))
                {
                    churned += before;
                    churnedCustomers++;
                    reactivated += now;
                    reactivatedCustomers++;
                }
                else if (now > before)
                {
                    expansion += now - before;
                }
                else
                {
                    contraction += before - now;
                }
            }
            else if (before > 0)
            {
                churned += before;
                churnedCustomers++;
            }
            else if (now > 0)
            {
                if (account.FirstPaid <= open)
                {
                    reactivated += now;
                    reactivatedCustomers++;
                }
                else
                {
                    added += now;
                    newCustomers++;
                }
            }
        }

        return new MrrBridgePeriod(
            label, ReportingPeriods.MonthStart(open), ReportingPeriods.MonthStart(close), partial,
            opening, added, expansion, contraction, churned, reactivated, closing,
            start, end, newCustomers, churnedCustomers, reactivatedCustomers);
    }

    private static bool HasGap(MrrHistory.Account account, int open, int close)
    {
        for (var m = open + 1; m < close; m++)
        {
            if (account.ValueAt(m) <= 0)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Converts rates between period lengths, assuming a constant rate within the longer period.</summary>
public static class RateConversion
{
    /// <summary>
    /// A churn rate over <paramref name="fromMonths"/> months as a rate over <paramref name="toMonths"/> months:
    /// 1 - (1 - r)^(to / from); e.g. monthly 2% is annual 1 - 0.98^12 = 21.5%, and annual 21.5% is monthly 2%.
    /// </summary>
    /// <param name="rate">The churn rate in [0, 1].</param>
    /// <param name="fromMonths">The months the rate covers, &gt; 0.</param>
    /// <param name="toMonths">The months wanted, &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is outside [0, 1] or a length is not positive.</exception>
    public static double ChurnRate(double rate, double fromMonths, double toMonths)
        => 1 - RetentionRate(1 - Check(rate), fromMonths, toMonths);

    /// <summary>A retention rate over <paramref name="fromMonths"/> as one over <paramref name="toMonths"/>: r^(to / from).</summary>
    /// <param name="rate">The retention rate in [0, 1] (GRR or logo retention; NRR above 1 compounds the same way and is accepted).</param>
    /// <param name="fromMonths">The months the rate covers, &gt; 0.</param>
    /// <param name="toMonths">The months wanted, &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative or a length is not positive.</exception>
    public static double RetentionRate(double rate, double fromMonths, double toMonths)
    {
        if (!(rate >= 0) || double.IsInfinity(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The rate must be >= 0.");
        }

        if (!(fromMonths > 0) || !(toMonths > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(fromMonths), "Period lengths must be > 0.");
        }

        return Math.Pow(rate, toMonths / fromMonths);
    }

    private static double Check(double rate)
        => rate is >= 0 and <= 1 ? rate : throw new ArgumentOutOfRangeException(nameof(rate), rate, "A churn rate must be in [0, 1].");
}
