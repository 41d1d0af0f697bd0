using CsScoring.Churn.Manifest;
using CsScoring.Metrics;
using CsScoring.Training.Churn;

namespace CsScoring.Training.Tests.Churn;

public sealed class ChurnTrainerSearchTests
{
    private static BinaryMetricSet Fold(double brier, double logLoss, double auc = 0.8) => new()
    {
        Rows = 100,
        Positives = 20,
        Auc = auc,
        PrAuc = 0.5,
        LogLoss = logLoss,
        Brier = brier,
        Ece = 0,
        Threshold = 0.5,
        Accuracy = 0.8,
        Precision = 0.5,
        Recall = 0.5,
        F1 = 0.5,
        LiftAt10 = 2,
        Ks = 0.4,
    };

    // A candidate evaluated on `repeats` repeats of 2 folds, with the given per-fold Brier and log loss.
    private static EvaluatedCandidate Candidate(ModelKind kind, int index, double brier, int repeats = 1, double logLoss = 0.3)
    {
        var spec = kind == ModelKind.LogisticRegression ? new TrainerSpec(kind, L2: index + 1) : new TrainerSpec(kind, Trees: 10 + index);
        var rows = new[] { 0, 1, 2, 3 };
        var cv = new CvOutcome(rows, [.. Enumerable.Repeat(new[] { 0, 1, 0, 1 }, repeats)], [.. Enumerable.Range(0, repeats).Select(_ => new float[4])]);
        var calibrated = new CalibratedCv(CalibrationMethod.Platt, new Dictionary<CalibrationMethod, double>(), [],
            [.. Enumerable.Range(0, 2 * repeats).Select(_ => Fold(brier, logLoss))], 0.5);
        return new EvaluatedCandidate(spec, index, cv, calibrated);
    }

    [Fact]
    public void HalvingRungs_FiveRepeats_AllOnTheFirst_HalfOnTheSecond_TheBestOnTheRest()
    {
        var rungs = ChurnTrainer.HalvingRungs(5);

        Assert.Equal(new[] { (0, 1), (1, 2), (2, 5) }, rungs.Select(r => (r.From, r.To)));
        Assert.Equal(5, rungs[0].KeepTrees(5));
        Assert.Equal(3, rungs[1].KeepTrees(5));
        Assert.Equal(2, rungs[1].KeepTrees(4));
        Assert.Equal(1, rungs[1].KeepTrees(1));
        Assert.Equal(1, rungs[2].KeepTrees(3));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(20, 3)]
    public void HalvingRungs_CoverEveryRepeatOnceInOrder(int repeats, int count)
    {
        var rungs = ChurnTrainer.HalvingRungs(repeats);

        Assert.Equal(count, rungs.Count);
        Assert.Equal(0, rungs[0].From);
        Assert.Equal(repeats, rungs[^1].To);
        for (var k = 1; k < rungs.Count; k++)
        {
            Assert.Equal(rungs[k - 1].To, rungs[k].From);
        }
    }

    [Fact]
    public void Survivors_KeepEveryLinearCandidate_AndHalveTheTrees_ByBrierThenSearchOrder()
    {
        List<EvaluatedCandidate> evaluated =
        [
            Candidate(ModelKind.LogisticRegression, 0, 0.120),
            Candidate(ModelKind.LightGbm, 1, 0.100),
            Candidate(ModelKind.LogisticRegression, 2, 0.110),
            Candidate(ModelKind.FastTree, 3, 0.090),
            Candidate(ModelKind.LogisticRegression, 4, 0.110),
            Candidate(ModelKind.LightGbm, 5, 0.095),
            Candidate(ModelKind.FastTree, 6, 0.130),
        ];

        var survivors = ChurnTrainer.Survivors(evaluated, ChurnTrainer.HalvingRungs(5)[1].KeepTrees);

        // Linear: all 3 (cheap, and near-equal on one repeat); trees: 4 -> 2, the two best. Every tree here is better
        // than every linear candidate, yet linear ones go on, so a blend always has one of each family.
        Assert.Equal(new[] { 0, 2, 3, 4, 5 }, survivors.Select(e => e.Index));
    }

    [Fact]
    public void Survivors_TreeTie_GoesToTheEarlierCandidate()
    {
        List<EvaluatedCandidate> evaluated =
        [
            Candidate(ModelKind.FastTree, 0, 0.110),
            Candidate(ModelKind.LightGbm, 1, 0.100),
            Candidate(ModelKind.LightGbm, 2, 0.100),
        ];

        var survivors = ChurnTrainer.Survivors(evaluated, _ => 1);

        Assert.Equal(new[] { 1 }, survivors.Select(e => e.Index));
    }

    [Fact]
    public void Survivors_OnlyThoseThatReachedTheLatestRungGoOn()
    {
        List<EvaluatedCandidate> evaluated =
        [
            Candidate(ModelKind.LogisticRegression, 0, 0.110, repeats: 2),
            Candidate(ModelKind.LogisticRegression, 1, 0.090, repeats: 1),
            Candidate(ModelKind.LightGbm, 2, 0.120, repeats: 2),
            Candidate(ModelKind.LightGbm, 3, 0.100, repeats: 2),
        ];

        var survivors = ChurnTrainer.Survivors(evaluated, ChurnTrainer.HalvingRungs(5)[2].KeepTrees);

        Assert.Equal(new[] { 0, 3 }, survivors.Select(e => e.Index));
        Assert.DoesNotContain(survivors, e => e.Index == 1);
    }

    [Fact]
    public void ChooseFinal_RanksByBrier_NotByALogLossASaturatedCalibratorInflates()
    {
        // The second candidate has the better Brier score and a log loss inflated by an isotonic calibrator that put a
        // positive at probability 0: it is the better model and is chosen.
        List<EvaluatedCandidate> evaluated =
        [
            Candidate(ModelKind.LogisticRegression, 0, 0.097, repeats: 5, logLoss: 0.330),
            Candidate(ModelKind.LightGbm, 1, 0.094, repeats: 5, logLoss: 0.395),
            Candidate(ModelKind.LightGbm, 2, 0.090, repeats: 1, logLoss: 0.300),
        ];

        var chosen = ChurnTrainer.ChooseFinal(evaluated);

        // The candidate with one repeat is left out: only those evaluated on every repeat compete.
        Assert.Equal(1, chosen.Index);
    }

    [Fact]
    public void ChooseFinal_Tie_GoesToTheEarlierCandidate()
    {
        List<EvaluatedCandidate> evaluated =
        [
            Candidate(ModelKind.LightGbm, 0, 0.1, repeats: 3),
            Candidate(ModelKind.LogisticRegression, 1, 0.1, repeats: 3),
        ];

        Assert.Equal(0, ChurnTrainer.ChooseFinal(evaluated).Index);
        Assert.Equal(0, ChurnTrainer.ChooseFinal([.. evaluated.AsEnumerable().Reverse()]).Index);
    }

    [Fact]
    public void SelectionLoss_IsTheMeanPerFoldBrier()
    {
        var calibrated = new CalibratedCv(CalibrationMethod.Isotonic, new Dictionary<CalibrationMethod, double>(), [],
            [Fold(0.1, 0.3), Fold(0.2, 9.0), Fold(0.3, 0.3)], 0.5);

        Assert.Equal(0.2, ChurnTrainer.SelectionLoss(calibrated), 12);
    }
}
