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

    /// <summary>The selection loss: the mean per-fold Brier score of the calibrated out-of-fold probabilities (see <see cref="ChurnTrainer.SelectionLoss"/>).</summary>
    public double Loss => ChurnTrainer.SelectionLoss(Calibrated);

    /// <summary>The cross-validation repeats it was evaluated on (successive halving gives survivors all of them).</summary>
    public int Repeats => Cv.Scores.Length;

    /// <summary>Linear candidates all go on and tree candidates are halved, so a blend always has one of each on every repeat.</summary>
    public bool IsLinear => Spec.Kind == CsScoring.Churn.Manifest.ModelKind.LogisticRegression;
}

/// <summary>One rung of the successive halving: the repeats [<paramref name="From"/>, <paramref name="To"/>) and how many tree candidates go on to it.</summary>
/// <param name="From">The first repeat it adds.</param>
/// <param name="To">One past the last repeat it adds.</param>
/// <param name="KeepTrees">Of the n tree candidates that reached the previous rung, how many go on to this one.</param>
internal sealed record Rung(int From, int To, Func<int, int> KeepTrees);

internal sealed partial class ChurnTrainer
{
    /// <summary>
    /// The loss every choice is made by: the mean per-fold Brier score of cross-fitted calibrated out-of-fold
    /// probabilities. Brier is a proper score like log loss but bounded: isotonic calibration puts a few out-of-fold
    /// rows at exactly 0 or 1, and one positive there costs log loss about 34 / n (the 1e-15 clamp) and can rank a
    /// better model (higher AUC, lower Brier) below a worse one. Calibration methods are chosen by Brier too.
    /// </summary>
    internal static double SelectionLoss(CalibratedCv calibrated) => calibrated.FoldMetrics.Average(m => m.Brier);

    /// <summary>
    /// The successive-halving schedule over <paramref name="repeats"/> cross-validation repeats: rung 0 evaluates
    /// every candidate on the first repeat; rung 1 the better half of the tree candidates on the second; rung 2 the
    /// best tree candidate on the rest (linear candidates all go on: see <see cref="Survivors"/>). Costs are counted
    /// in fits, never in seconds.
    /// </summary>
    internal static IReadOnlyList<Rung> HalvingRungs(int repeats) => repeats switch
    {
        1 => [new Rung(0, 1, n => n)],
        2 => [new Rung(0, 1, n => n), new Rung(1, 2, n => (n + 1) / 2)],
        _ => [new Rung(0, 1, n => n), new Rung(1, 2, n => (n + 1) / 2), new Rung(2, repeats, _ => 1)],
    };

    /// <summary>
    /// The search: successive halving of the tree candidates over the cross-validation repeats (see
    /// <see cref="HalvingRungs"/>), ranked by <see cref="SelectionLoss"/> over the repeats each was evaluated on, the
    /// earlier candidate on a tie. Its cost is counted in candidates, folds and boosting rounds, never in seconds, so the same data and seed
    /// choose the same model on any machine, busy or idle, with any number of cores.
    /// </summary>
    internal IReadOnlyList<EvaluatedCandidate> Search(IReadOnlyList<TrainerSpec> specs, int[] rows, IProgress<double>? progress)
    {
        if (specs.Count > _options.Budget)
        {
            _note(string.Create(CultureInfo.InvariantCulture, $"the search tries the first {_options.Budget} of its {specs.Count} candidates (--budget)"));
            specs = [.. specs.Take(_options.Budget)];
        }

        // With at most one tree candidate nothing is halved: every repeat in one go (one parallel batch).
        var halving = specs.Count(s => s.Kind != CsScoring.Churn.Manifest.ModelKind.LogisticRegression) > 1;
        var rungs = halving ? HalvingRungs(_repeats) : [new Rung(0, _repeats, n => n)];
        var first = CrossValidateMany(specs, rows, rungs[0].From, rungs[0].To);
        var evaluated = specs.Select((s, i) => new EvaluatedCandidate(s, i, first[i], Calibrate(first[i]))).ToList();
        progress?.Report(0.1 + (0.4 / rungs.Count));
        for (var k = 1; k < rungs.Count; k++)
        {
            var rung = rungs[k];
            var going = Survivors(evaluated, rung.KeepTrees);
            var outcomes = CrossValidateMany([.. going.Select(e => e.Spec)], rows, rung.From, rung.To);
            for (var s = 0; s < going.Count; s++)
            {
                var e = going[s];
                var merged = new CvOutcome(rows, [.. e.Cv.Folds, .. outcomes[s].Folds], [.. e.Cv.Scores, .. outcomes[s].Scores]);
                evaluated[e.Index] = e with { Cv = merged, Calibrated = Calibrate(merged) };
            }

            progress?.Report(0.1 + (0.4 * (k + 1) / rungs.Count));
        }

        return evaluated;
    }

    /// <summary>
    /// Picks the saved single learner among the evaluated candidates: the lowest <see cref="SelectionLoss"/> over
    /// every repeat, the earlier candidate on a tie. A blend of the best linear and tree learners is weighed against
    /// it afterwards (<see cref="ConsiderBlend"/>).
    /// </summary>
    internal static EvaluatedCandidate ChooseFinal(IReadOnlyList<EvaluatedCandidate> evaluated)
    {
        var full = evaluated.Max(e => e.Repeats);
        return evaluated.Where(e => e.Repeats == full).OrderBy(e => e.Loss).ThenBy(e => e.Index).First();
    }

    /// <summary>
    /// The candidates that go on to the next rung: every linear one (a linear fit costs little next to a boosted
    /// ensemble, and one repeat ranks near-equal penalties by noise) and of the tree ones the <paramref name="keep"/>(n)
    /// best of the n that reached the current rung, ranked by <see cref="SelectionLoss"/> over the repeats they have,
    /// then by search order; returned in search order.
    /// </summary>
    internal static List<EvaluatedCandidate> Survivors(IReadOnlyList<EvaluatedCandidate> evaluated, Func<int, int> keep)
    {
        var reached = evaluated.Max(e => e.Repeats);
        return
        [
            .. evaluated.Where(e => e.Repeats == reached)
                .GroupBy(e => e.IsLinear)
                .SelectMany(family => family.OrderBy(e => e.Loss).ThenBy(e => e.Index).Take(family.Key ? family.Count() : Math.Max(1, keep(family.Count()))))
                .OrderBy(e => e.Index),
        ];
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
