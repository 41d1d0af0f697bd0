using CsScoring.Churn.Manifest;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;

namespace CsScoring.Training.Churn;

/// <content>
/// One learner chosen on the command line: every fit of the run is known before any starts, so they run as one batch.
/// </content>
internal sealed partial class ChurnTrainer
{
    /// <summary>
    /// Every fit a run with one fixed learner needs, run as one batch of independent jobs (at most
    /// <see cref="ChurnTrainingOptions.Parallelism"/> at once, the biggest first): the cross-validation fits on the
    /// training split, the fit on the training split, and with a refit the cross-validation fits on every row and the
    /// fit on every row. Run one stage after another, a two-core machine idles one core while the single big fit
    /// runs; in one batch it does not. Each job has its own seeded ML.NET context and its own output slots, as in
    /// <see cref="CrossValidateMany"/>, so the results are the same bits as stage by stage, whatever the parallelism.
    /// </summary>
    private FixedLearnerFits FitFixedLearner(TrainerSpec spec, int[] train, int[]? all)
    {
        var trainPlan = PlanCv(train);
        var allPlan = all is null ? null : PlanCv(all);
        var trainWeights = _weights;

        // The jobs: whole fits first (they take longest), then the folds.
        // The saved model's learner (on every row with a refit, else on the training split) is fitted first, and
        // ML.NET starts scoring the rows it was trained on in the background for the parity proof, on the core the
        // remaining fits leave free.
        var jobs = new List<Action>();
        ITransformer? trainLearner = null, allLearner = null;
        LearnerScores? finalScores = null;
        if (all is not null)
        {
            jobs.Add(() =>
            {
                allLearner = Fit(spec, all, null);
                finalScores = LearnerScores.Start(allLearner, _data.Features, _data.Width, all);
            });
        }

        jobs.Add(() =>
        {
            trainLearner = Fit(spec, train, trainWeights);
            if (all is null)
            {
                finalScores = LearnerScores.Start(trainLearner, _data.Features, _data.Width, [.. train.Order()]);
            }
        });
        if (allPlan is not null)
        {
            jobs.AddRange(allPlan.Jobs(this, spec, null));
        }

        jobs.AddRange(trainPlan.Jobs(this, spec, trainWeights));
        // ML.NET runs one LightGBM training at a time in a process (a lock around its native library): two at once only
        // hold two copies of the rows and take longer (17.9 s against 12.6 s for three fits of 100k accounts).
        var parallelism = spec.Kind == ModelKind.LightGbm ? 1 : _options.Parallelism;
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, j => jobs[j]());
        return new FixedLearnerFits(trainPlan.Outcome(), trainLearner!, allPlan?.Outcome(), allLearner, finalScores!);
    }

    /// <summary>The share of non-churned rows each fit learns from, as resolved for the data (1: every row).</summary>
    private double NegativeSampleRate => _options.NegativeSampleRate ?? 1;

    private ITransformer Fit(TrainerSpec spec, int[] rows, float[]? weights)
    {
        if (NegativeSampleRate < 1)
        {
            (rows, weights) = NegativeSample(rows, weights);
        }

        return spec.Fit(new MLContext(seed: _options.Seed), new MatrixDataView(_data.Features, _data.Width, _data.Labels, rows, weights), _options.Seed);
    }

    /// <summary>
    /// Every churned row and a seeded share of the others, the kept others weighted by the inverse share. A row is kept
    /// or not by a hash of the seed and its index, so it is the same choice in every fit of the run.
    /// </summary>
    internal (int[] Rows, float[] Weights) NegativeSample(int[] rows, float[]? weights)
    {
        var rate = NegativeSampleRate;
        var threshold = (ulong)(rate * ulong.MaxValue);
        var upweight = (float)(1 / rate);
        var kept = new List<int>(rows.Length);
        var sampled = new float[_data.Rows];
        foreach (var row in rows)
        {
            var weight = weights?[row] ?? 1f;
            if (_data.Labels[row])
            {
                sampled[row] = weight;
                kept.Add(row);
            }
            else if (Mix(((ulong)(uint)_options.Seed << 32) | (uint)row) < threshold)
            {
                sampled[row] = weight * upweight;
                kept.Add(row);
            }
        }

        return ([.. kept], sampled);
    }

    // SplitMix64's finaliser: a well-spread 64-bit hash of the seed and row.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private CvPlan PlanCv(int[] rows)
    {
        var folds = new int[_repeats][];
        for (var r = 0; r < _repeats; r++)
        {
            folds[r] = FoldAssignment(rows, r);
        }

        return new CvPlan(rows, folds, _folds);
    }

    /// <summary>The fits of a run with one fixed learner, and ML.NET's scores (under way) of the saved model's
    /// learner on the rows it learnt from.</summary>
    private sealed record FixedLearnerFits(CvOutcome TrainCv, ITransformer TrainLearner, CvOutcome? AllCv, ITransformer? AllLearner, LearnerScores FinalScores);

    /// <summary>The folds of one cross-validation and the slots its fold fits write their out-of-fold scores to.</summary>
    private sealed class CvPlan(int[] rows, int[][] folds, int foldCount)
    {
        private readonly float[][] _scores = [.. folds.Select(_ => new float[rows.Length])];

        public IEnumerable<Action> Jobs(ChurnTrainer trainer, TrainerSpec spec, float[]? weights)
        {
            for (var r = 0; r < folds.Length; r++)
            {
                for (var f = 0; f < foldCount; f++)
                {
                    var assignment = folds[r];
                    var fold = f;
                    var scores = _scores[r];
                    int[] test = [.. Enumerable.Range(0, rows.Length).Where(i => assignment[i] == fold)];
                    if (test.Length == 0)
                    {
                        continue;
                    }

                    int[] fit = [.. rows.Where((_, i) => assignment[i] != fold)];
                    yield return () =>
                    {
                        var learner = trainer.Fit(spec, fit, weights);
                        var testScores = trainer.Scores(learner, [.. test.Select(i => rows[i])]);
                        for (var i = 0; i < test.Length; i++)
                        {
                            scores[test[i]] = testScores[i];
                        }
                    };
                }
            }
        }

        public CvOutcome Outcome() => new(rows, folds, _scores);
    }
}
