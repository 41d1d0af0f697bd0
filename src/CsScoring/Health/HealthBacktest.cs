using System.Runtime.InteropServices;
using CsScoring.Metrics;

namespace CsScoring.Health;

/// <summary>
/// Checks a scorecard against real churn: given scores at an as-of date and whether each account churned within the
/// following horizon, reports the ROC-AUC of the score as a churn predictor (lower score = riskier), the churn rate
/// and account count per band, and the lift of the worst band.
/// </summary>
/// <remarks>Thread-safe (no state). Unscored accounts are counted apart and left out of the AUC and the bands.</remarks>
public static class HealthBacktest
{
    /// <summary>Runs the backtest.</summary>
    /// <param name="scores">The results at the as-of date.</param>
    /// <param name="churned">Whether each account churned within the horizon, aligned with <paramref name="scores"/>.</param>
    /// <param name="scorecard">The scorecard, for its bands.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static BacktestReport Run(ReadOnlySpan<HealthScore> scores, ReadOnlySpan<bool> churned, CompiledScorecard scorecard)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        if (scores.Length != churned.Length)
        {
            throw new ArgumentException($"Expected one churn outcome per score ({scores.Length}), got {churned.Length}.", nameof(churned));
        }

        var bandCount = scorecard.Bands.Count;
        var accounts = new int[bandCount];
        var churners = new int[bandCount];
        // The scored accounts' risk (the negated score, as Auc ranks it) and outcomes, in arrays of their exact size:
        // a backtest over every labelled snapshot of a large book holds millions of them.
        var scoredCount = 0;
        foreach (var score in scores)
        {
            scoredCount += score.IsScored && !double.IsNaN(score.Score) ? 1 : 0;
        }

        var risk = new double[scoredCount];
        var outcomes = new bool[scoredCount];
        var scored = 0;
        int unscored = 0, unscoredChurned = 0;
        var coverage = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            coverage += scores[i].Coverage;
            if (!scores[i].IsScored)
            {
                unscored++;
                unscoredChurned += churned[i] ? 1 : 0;
                continue;
            }

            var band = scores[i].Band;
            accounts[band]++;
            churners[band] += churned[i] ? 1 : 0;
            if (!double.IsNaN(scores[i].Score))
            {
                risk[scored] = -scores[i].Score;
                outcomes[scored++] = churned[i];
            }
        }

        var totalChurned = churners.Sum();
        var scoredAccounts = accounts.Sum();
        var overall = scoredAccounts > 0 ? (double)totalChurned / scoredAccounts : double.NaN;
        var bands = new BandOutcome[bandCount];
        for (var b = 0; b < bandCount; b++)
        {
            var rate = accounts[b] > 0 ? (double)churners[b] / accounts[b] : double.NaN;
            bands[b] = new BandOutcome(scorecard.Bands[b].Name, b, scorecard.Bands[b].From, accounts[b], churners[b], rate);
        }

        var worst = Array.Find(bands, b => b.Accounts > 0);
        var lift = worst is not null && overall > 0 ? worst.ChurnRate / overall : double.NaN;
        return new BacktestReport(
            RocAuc.Compute(risk, outcomes),
            scores.Length,
            scoredAccounts,
            unscored,
            unscoredChurned,
            overall,
            scores.Length > 0 ? coverage / scores.Length : double.NaN,
            bands,
            worst?.Name,
            lift);
    }

    /// <summary>
    /// The ROC-AUC of a score as a predictor of churn where a lower score means more risk: the probability that a
    /// churned account scores below a retained one (ties count half). NaN when either class is empty.
    /// </summary>
    /// <param name="scores">The scores (NaN entries are skipped).</param>
    /// <param name="churned">The outcomes, aligned with <paramref name="scores"/>.</param>
    /// <returns>The AUC in [0, 1], or NaN.</returns>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> churned)
    {
        if (scores.Length != churned.Length)
        {
            throw new ArgumentException($"Expected one churn outcome per score ({scores.Length}), got {churned.Length}.", nameof(churned));
        }

        // A lower score means more risk: negate so that the shared ROC-AUC ranks churned accounts first.
        var risk = new List<double>(scores.Length);
        var outcomes = new List<bool>(scores.Length);
        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsNaN(scores[i]))
            {
                risk.Add(-scores[i]);
                outcomes.Add(churned[i]);
            }
        }

        return RocAuc.Compute(CollectionsMarshal.AsSpan(risk), CollectionsMarshal.AsSpan(outcomes));
    }
}

/// <summary>The outcome of a <see cref="HealthBacktest"/>.</summary>
/// <param name="Auc">ROC-AUC of the score as a churn predictor (0.5 = no better than chance, 1 = perfect); NaN when a class is empty.</param>
/// <param name="Accounts">All accounts given.</param>
/// <param name="Scored">Accounts with a score.</param>
/// <param name="InsufficientData">Accounts without a score (too little data).</param>
/// <param name="InsufficientDataChurned">Of those, how many churned.</param>
/// <param name="ChurnRate">The churn rate of the scored accounts.</param>
/// <param name="CoverageMean">The mean coverage of all accounts (0-1).</param>
/// <param name="Bands">Per band, worst first: accounts, churned and churn rate.</param>
/// <param name="WorstBand">The lowest band with accounts, or <see langword="null"/>.</param>
/// <param name="WorstBandLift">That band's churn rate divided by the overall churn rate; NaN when undefined.</param>
public sealed record BacktestReport(
    double Auc,
    int Accounts,
    int Scored,
    int InsufficientData,
    int InsufficientDataChurned,
    double ChurnRate,
    double CoverageMean,
    IReadOnlyList<BandOutcome> Bands,
    string? WorstBand,
    double WorstBandLift);

/// <summary>One band's line of a backtest.</summary>
/// <param name="Name">The band's name.</param>
/// <param name="Index">The band index (0 = worst).</param>
/// <param name="From">The band's lowest score.</param>
/// <param name="Accounts">Scored accounts in the band.</param>
/// <param name="Churned">Of those, how many churned.</param>
/// <param name="ChurnRate">Churned / accounts; NaN for an empty band.</param>
public sealed record BandOutcome(string Name, int Index, double From, int Accounts, int Churned, double ChurnRate);
