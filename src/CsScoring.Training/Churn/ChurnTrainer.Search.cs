using System.Globalization;
using Microsoft.ML;

namespace CsScoring.Training.Churn;

/// <summary>A candidate evaluated by the search: its out-of-fold raw scores (margins) and calibrated figures.</summary>
/// <param name="Spec">The learner and its settings.</param>
/// <param name="Index">Its place in the search order (the tie-breaker).</param>
/// <param name="Cv">Out-of-fold raw scores per evaluated repeat: the log-odds margins a blend is formed from.</param>
/// <param name="Calibrated">Cross-fitted calibration of those scores and the per-fold metrics.</param>
internal sealed record EvaluatedCandidate(TrainerSpec Spec, int Index, CvOutcome Cv, CalibratedCv Calibrated)
{
    public double LogLoss => Calibrated.FoldMetrics.Average(m => m.LogLoss);

    /// <summary>The cross-validation repeats it was evaluated on (successive halving gives survivors all of them).</summary>
    public int Repeats => Cv.Scores.Length;
}

internal sealed partial class ChurnTrainer
{
    /// <summary>
    /// The search: every candidate (up to the budget) on the first cross-validation repeat, then the most promising
    /// on every repeat (successive halving). Its cost is counted in candidates, folds and boosting rounds, never in
    /// seconds, so the same data and seed choose the same model on any machine, busy or idle, with any number of cores.
    /// </summary>
    internal IReadOnlyList<EvaluatedCandidate> Search(IReadOnlyList<TrainerSpec> specs, int[] rows, IProgress<double>? progress)
    {
        if (specs.Count > _options.Budget)
        {
            _note(string.Create(CultureInfo.InvariantCulture, $"the search tries the first {_options.Budget} of its {specs.Count} candidates (--budget)"));
            specs = [.. specs.Take(_options.Budget)];
        }

        // Rung 0: every candidate on one repeat (K fits each).
        var firstRepeat = Math.Min(1, _repeats);
        var outcomes = CrossValidateMany(specs, rows, 0, firstRepeat);
        var evaluated = specs.Select((s, i) => new EvaluatedCandidate(s, i, outcomes[i], Calibrate(outcomes[i]))).ToList();
        progress?.Report(0.3);
        if (_repeats == 1)
        {
            return evaluated;
        }

        // Rung 1: the survivors on the other repeats. Every linear candidate and the best tree learners survive, so a
        // blend of the best linear and the best tree learner has every repeat's out-of-fold margins.
        var survivors = Survivors(evaluated);
        var rest = CrossValidateMany([.. survivors.Select(e => e.Spec)], rows, firstRepeat, _repeats);
        for (var s = 0; s < survivors.Count; s++)
        {
            var e = survivors[s];
            var merged = new CvOutcome(rows, [.. e.Cv.Folds, .. rest[s].Folds], [.. e.Cv.Scores, .. rest[s].Scores]);
            evaluated[e.Index] = e with { Cv = merged, Calibrated = Calibrate(merged) };
        }

        progress?.Report(0.5);
        return evaluated;
    }

    /// <summary>
    /// Picks the saved learner among the evaluated candidates: the lowest calibrated out-of-fold log loss over every
    /// repeat, the earlier candidate on a tie. This is the one place a final candidate is chosen; a combination of
    /// candidates (a blend of the best linear and tree learners) is formed from <paramref name="evaluated"/> here.
    /// </summary>
    internal static EvaluatedCandidate ChooseFinal(IReadOnlyList<EvaluatedCandidate> evaluated)
    {
        var full = evaluated.Max(e => e.Repeats);
        return evaluated.Where(e => e.Repeats == full).OrderBy(e => e.LogLoss).ThenBy(e => e.Index).First();
    }

    private static List<EvaluatedCandidate> Survivors(List<EvaluatedCandidate> evaluated)
    {
        // Linear candidates cost little next to trees, and one repeat ranks near-equal penalties by noise: they all
        // go on. Of the trees, the best quarter (at least one) does.
        var trees = evaluated.Where(e => e.Spec.Kind != CsScoring.Churn.Manifest.ModelKind.LogisticRegression)
            .OrderBy(e => e.LogLoss).ThenBy(e => e.Index).ToList();
        var keepTrees = trees.Take(Math.Max(1, (trees.Count + 3) / 4));
        return [.. evaluated.Where(e => e.Spec.Kind == CsScoring.Churn.Manifest.ModelKind.LogisticRegression).Concat(keepTrees).OrderBy(e => e.Index)];
    }

    /// <summary>
    /// Cross-validates several specs on repeats [<paramref name="fromRepeat"/>, <paramref name="toRepeat"/>): every
    /// (spec, repeat, fold) fit is an independent job with its own seeded ML.NET context and its own output slots, so
    /// the results are the same whatever the degree of parallelism and the order the jobs finish in.
    /// </summary>
    internal CvOutcome[] CrossValidateMany(IReadOnlyList<TrainerSpec> specs, int[] rows, int fromRepeat, int toRepeat)
    {
        var repeats = toRepeat - fromRepeat;
        var folds = new int[repeats][];
        var fitRows = new int[repeats][][];
        var testPositions = new int[repeats][][];
        for (var r = 0; r < repeats; r++)
        {
            folds[r] = FoldAssignment(rows, fromRepeat + r);
            fitRows[r] = new int[_folds][];
            testPositions[r] = new int[_folds][];
            for (var f = 0; f < _folds; f++)
            {
                var fold = f;
                var assignment = folds[r];
                fitRows[r][f] = [.. rows.Where((_, i) => assignment[i] != fold)];
                testPositions[r][f] = [.. Enumerable.Range(0, rows.Length).Where(i => assignment[i] == fold)];
            }
        }

        var scores = specs.Select(_ => Enumerable.Range(0, repeats).Select(_ => new float[rows.Length]).ToArray()).ToArray();
        var jobs = specs.Count * repeats * _folds;
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism }, job =>
        {
            var s = job / (repeats * _folds);
            var r = job / _folds % repeats;
            var f = job % _folds;
            var test = testPositions[r][f];
            if (test.Length == 0)
            {
                return;
            }

            var ml = new MLContext(seed: _options.Seed);
            var learner = specs[s].Fit(ml, View(fitRows[r][f]), _options.Seed);
            var testScores = Scores(learner, [.. test.Select(i => rows[i])]);
            for (var i = 0; i < test.Length; i++)
            {
                scores[s][r][test[i]] = testScores[i];
            }
        });

        return [.. scores.Select(perRepeat => new CvOutcome(rows, folds, perRepeat))];
    }

    /// <summary>Repeat <paramref name="repeat"/>'s fold of each row: from the fold columns when given, else seeded stratified group folds.</summary>
    private int[] FoldAssignment(int[] rows, int repeat)
        => _fixedFolds is { } given
            ? [.. rows.Select(r => given[repeat][r])]
            : Splits.StratifiedGroupKFold(rows, _data.Labels, _data.Groups, _folds, _options.Seed + repeat);
}
