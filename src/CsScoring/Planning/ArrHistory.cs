using CsScoring.Metrics;

namespace CsScoring.Planning;

/// <summary>The book's ARR in one month.</summary>
/// <param name="Month">The month (first day).</param>
/// <param name="Arr">ARR that month (MRR x 12), &gt;= 0.</param>
public readonly record struct ArrPoint(DateOnly Month, decimal Arr);

/// <summary>A monthly ARR series and its trend: the input of the hiring plan.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ArrHistory
{
    /// <summary>The ledger's ARR (total MRR x 12) in every month from its first to its last, gaps included as 0.</summary>
    /// <param name="ledger">An MRR ledger.</param>
    public static IReadOnlyList<ArrPoint> FromLedger(MrrLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var points = new List<ArrPoint>();
        for (var month = ledger.FirstMonth; month <= ledger.LastMonth; month = month.AddMonths(1))
        {
            points.Add(new ArrPoint(month, ledger.TotalMrr(month) * 12m));
        }

        return points;
    }

    /// <summary>
    /// The compound monthly growth rate over the last <paramref name="months"/> months of the series (or all of it when
    /// shorter): (last / first)^(1 / months between them) - 1.
    /// </summary>
    /// <param name="history">Consecutive months, oldest first; at least two, the first of the window with ARR &gt; 0.</param>
    /// <param name="months">The trailing window, &gt;= 1. The default value is 12.</param>
    /// <exception cref="ArgumentException">Fewer than two months, months out of order, or ARR of 0 at the window's start.</exception>
    public static double MonthlyGrowthRate(IReadOnlyList<ArrPoint> history, int months = 12)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        if (history.Count < 2)
        {
            throw new ArgumentException($"An ARR trend needs at least two months of history, not {history.Count}.", nameof(history));
        }

        for (var i = 1; i < history.Count; i++)
        {
            if (history[i].Month <= history[i - 1].Month)
            {
                throw new ArgumentException($"ARR history must be in month order: {history[i].Month:yyyy-MM} follows {history[i - 1].Month:yyyy-MM}.", nameof(history));
            }
        }

        var last = history[^1];
        var first = history[Math.Max(0, history.Count - 1 - months)];
        if (first.Arr <= 0)
        {
            throw new ArgumentException($"ARR in {first.Month:yyyy-MM} is {first.Arr}: a growth rate needs ARR > 0 at the trend's start.", nameof(history));
        }

        var span = MonthsBetween(first.Month, last.Month);
        return Math.Pow((double)(last.Arr / first.Arr), 1.0 / span) - 1;
    }

    internal static int MonthsBetween(DateOnly from, DateOnly to) => ((to.Year - from.Year) * 12) + to.Month - from.Month;
}
