using System.Globalization;
using CsScoring.Churn.Manifest;

namespace CsScoring.Training.Churn;

/// <summary>A figure with its approximate 95% interval.</summary>
internal sealed record Interval(double Value, double Lower, double Upper)
{
    public string Describe(string format = "0.000")
        => string.Create(CultureInfo.InvariantCulture, $"{Value.ToString(format, CultureInfo.InvariantCulture)} (95% interval {Lower.ToString(format, CultureInfo.InvariantCulture)}-{Upper.ToString(format, CultureInfo.InvariantCulture)})");
}

/// <summary>
/// The honest headline of a training run: the repeated cross-validation AUC with its interval (many test folds,
/// every row tested), and the holdout AUC as a check with its own, wider interval (one split of the accounts).
/// </summary>
internal static class Headline
{
    private const double Z95 = 1.959963984540054;

    /// <summary>
    /// The cross-validated mean with <c>mean ± 1.96 sd / sqrt(K)</c>: the standard error of a K-fold mean whose folds
    /// are independent test sets. Repeats reuse the same rows, so they narrow the mean's noise from the fold
    /// assignment but add no independent data; counting K, not K x R, folds keeps the interval from being overstated.
    /// </summary>
    public static Interval CrossValidated(MetricSummary summary, int folds)
    {
        var half = Z95 * summary.Sd / Math.Sqrt(Math.Max(1, folds));
        return new Interval(summary.Mean, Math.Max(0, summary.Mean - half), Math.Min(1, summary.Mean + half));
    }

    /// <summary>
    /// An AUC's interval from Hanley and McNeil's standard error (1982), from the AUC and the numbers of positives
    /// and negatives it was measured on.
    /// </summary>
    public static Interval HoldoutAuc(double auc, int positives, int negatives)
    {
        if (double.IsNaN(auc) || positives == 0 || negatives == 0)
        {
            return new Interval(auc, double.NaN, double.NaN);
        }

        var q1 = auc / (2 - auc);
        var q2 = 2 * auc * auc / (1 + auc);
        var variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / ((double)positives * negatives);
        var half = Z95 * Math.Sqrt(Math.Max(0, variance));
        return new Interval(auc, Math.Max(0, auc - half), Math.Min(1, auc + half));
    }
}
