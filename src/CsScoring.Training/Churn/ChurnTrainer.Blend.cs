using System.Diagnostics;
using System.Globalization;
using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Churn;

/// <summary>
/// A blend's recipe: a linear and a tree learner, and the weights of their margins (from the out-of-fold margins of
/// the cross-validation it was judged on; refitting re-chooses them on the refit's own out-of-fold margins).
/// </summary>
internal sealed record BlendSpec(TrainerSpec Linear, TrainerSpec Tree, BlendWeights Weights)
{
    /// <summary>The components in the order of the portable scorer: linear first, then trees.</summary>
    public IReadOnlyList<TrainerSpec> Components => [Linear, Tree];

    public IReadOnlyDictionary<string, double> Hyperparameters
    {
        get
        {
            var result = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["weight_" + Linear.Name] = Weights.Weights[0],
                ["weight_" + Tree.Name] = Weights.Weights[1],
                ["bias"] = Weights.Bias,
            };
            foreach (var component in Components)
            {
                foreach (var (name, value) in component.Hyperparameters)
                {
                    result[component.Name + "." + name] = value;
                }
            }

            return result;
        }
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"blend of {Linear.Describe()} × {Weights.Weights[0]:0.###} and {Tree.Describe()} × {Weights.Weights[1]:0.###}, bias {Weights.Bias:0.###}");
}

/// <summary>The cross-validation of a blend: its components' outcomes and the weights fitted on their margins.</summary>
internal sealed record BlendCv(CvOutcome Linear, CvOutcome Tree, BlendWeights Weights);

/// <summary>A fitted blend: its components' ML.NET learners and weights (the blend has no single ML.NET model).</summary>
internal sealed record BlendLearners(ITransformer Linear, ITransformer Tree, BlendWeights Weights)
{
    public IReadOnlyList<ITransformer> Components => [Linear, Tree];
}

/// <content>
/// The blend of a linear and a tree model: chosen out of fold and judged with the same cross-validation, calibration
/// and metrics as every other candidate.
/// </content>
internal sealed partial class ChurnTrainer
{
    private const string BlendLinearColumn = "BlendLinearScore";
    private const string BlendTreeColumn = "BlendTreeScore";

    /// <summary>
    /// After the search: blends the best linear and the best tree candidate evaluated on every repeat (by
    /// <see cref="SelectionLoss"/>), adds the blend to <paramref name="candidates"/>, and returns it when it is to be
    /// used: always for <c>--trainer blend</c>, and for <c>--trainer auto</c> when its loss beats the best single
    /// candidate's. The share is chosen by that same loss with the components themselves as the grid's endpoints
    /// (<see cref="BlendOutcome"/>), and the blend is calibrated after blending as every candidate is, so it is never
    /// worse out of fold than its better component; when a component alone is best, no blend is made.
    /// </summary>
    internal (TrainerSpec Spec, CvOutcome Cv, CalibratedCv Calibrated)? ConsiderBlend(
        IReadOnlyList<EvaluatedCandidate> evaluated, List<CandidateResult> candidates, EvaluatedCandidate bestSingle)
    {
        if (_options.Trainer is not (TrainerChoice.Auto or TrainerChoice.Blend))
        {
            return null;
        }

        var full = evaluated.Max(e => e.Repeats);
        var ranked = evaluated.Where(e => e.Repeats == full).OrderBy(e => e.Loss).ThenBy(e => e.Index).ToList();
        var linear = ranked.FirstOrDefault(e => e.Spec.Kind == ModelKind.LogisticRegression);
        var tree = ranked.FirstOrDefault(e => e.Spec.Kind is ModelKind.FastTree or ModelKind.LightGbm);
        if (linear is null || tree is null)
        {
            return null;
        }

        var clock = Stopwatch.StartNew();
        var required = _options.Trainer == TrainerChoice.Blend;
        if (BlendOutcome(linear.Spec, linear.Cv, tree.Spec, tree.Cv, linear.Loss, tree.Loss, endpointsAllowed: !required) is not { } blend)
        {
            var kept = linear.Loss < tree.Loss ? linear : tree;
            _note(string.Create(CultureInfo.InvariantCulture,
                $"blend not used: no share of {linear.Spec.Name} and {tree.Spec.Name} beats {kept.Spec.Name} alone by out-of-fold Brier ({kept.Loss:0.#####})"));
            return null;
        }

        var calibrated = blend.Calibrated;
        var loss = SelectionLoss(calibrated);
        var logLoss = calibrated.FoldMetrics.Average(m => m.LogLoss);
        var auc = calibrated.FoldMetrics.Average(m => m.Auc);
        candidates.Add(new CandidateResult(blend.Spec, logLoss, auc, loss, clock.Elapsed.TotalSeconds, false) { Repeats = full });
        var wins = loss < bestSingle.Loss;
        _note(string.Create(CultureInfo.InvariantCulture,
            $"blend out of fold: AUC {auc:0.####}, Brier {loss:0.#####}, log loss {logLoss:0.#####} against {linear.Spec.Name} {linear.Calibrated.FoldMetrics.Average(m => m.Auc):0.####} / {linear.Loss:0.#####} / {linear.LogLoss:0.#####} and {tree.Spec.Name} {tree.Calibrated.FoldMetrics.Average(m => m.Auc):0.####} / {tree.Loss:0.#####} / {tree.LogLoss:0.#####}; {(wins ? "the blend wins" : "the blend does not beat the best single model")} (by out-of-fold Brier)"));
        return wins || required ? (blend.Spec, blend.Cv, calibrated) : null;
    }

    /// <summary>The components' default settings for <c>--trainer blend</c> (with the tree overrides of the command line).</summary>
    internal IReadOnlyList<TrainerSpec> BlendCandidateSpecs(int rows)
    {
        var tree = TrainerSpec.Default(ModelKind.LightGbm, rows);
        tree = tree with
        {
            Trees = _options.Trees ?? tree.Trees,
            Leaves = _options.Leaves ?? tree.Leaves,
            MinLeaf = _options.MinLeaf ?? tree.MinLeaf,
            LearningRate = _options.LearningRate ?? tree.LearningRate,
        };
        tree.Validate();
        return [TrainerSpec.Default(ModelKind.LogisticRegression, rows), tree];
    }

    /// <summary>Cross-validates both components of a blend on <paramref name="rows"/> and re-chooses the share on their out-of-fold margins.</summary>
    private CvOutcome CrossValidateBlend(BlendSpec blend, int[] rows)
        => BlendOutcome(blend.Linear, CrossValidate(blend.Linear, rows), blend.Tree, CrossValidate(blend.Tree, rows), double.NaN, double.NaN, endpointsAllowed: false)!.Value.Cv;

    /// <summary>
    /// Chooses the blend's share by the final choice's own loss: for each interior share on the grid, the
    /// components' out-of-fold margins are blended, calibrated after blending exactly as a single candidate's scores
    /// are (<see cref="Calibrate"/>), and scored by <see cref="SelectionLoss"/>; the endpoints are the components
    /// themselves with their own losses (<see cref="BlendFitter.ChooseMix"/>).
    /// </summary>
    /// <returns>The blend, or <see langword="null"/> when an endpoint wins (the single model is kept).</returns>
    private (TrainerSpec Spec, CvOutcome Cv, CalibratedCv Calibrated)? BlendOutcome(
        TrainerSpec linear, CvOutcome linearCv, TrainerSpec tree, CvOutcome treeCv, double linearLoss, double treeLoss, bool endpointsAllowed)
    {
        var labels = linearCv.Rows.Select(r => _data.Labels[r]).ToArray();
        float[]? rowWeights = _weights is null ? null : [.. linearCv.Rows.Select(r => _weights[r])];
        var tried = new Dictionary<double, (BlendWeights Weights, CvOutcome Cv, CalibratedCv Calibrated)>();
        var (mix, _) = BlendFitter.ChooseMix(
            share =>
            {
                var weights = BlendFitter.AtMix(linearCv.Scores, treeCv.Scores, labels, rowWeights, share);
                var margins = new float[linearCv.Scores.Length][];
                for (var r = 0; r < margins.Length; r++)
                {
                    margins[r] = new float[labels.Length];
                    for (var i = 0; i < labels.Length; i++)
                    {
                        margins[r][i] = weights.Margin(linearCv.Scores[r][i], treeCv.Scores[r][i]);
                    }
                }

                var cv = new CvOutcome(linearCv.Rows, linearCv.Folds, margins) { Blend = new BlendCv(linearCv, treeCv, weights) };
                var calibrated = Calibrate(cv);
                tried[share] = (weights, cv, calibrated);
                return SelectionLoss(calibrated);
            },
            linearLoss,
            treeLoss,
            endpointsAllowed);
        if (!tried.TryGetValue(mix, out var chosen))
        {
            return null;
        }

        var spec = new TrainerSpec(ModelKind.Blend) { Blend = new BlendSpec(linear, tree, chosen.Weights) };
        return (spec, chosen.Cv, chosen.Calibrated);
    }

    /// <summary>
    /// Fits both components on <paramref name="rows"/>, takes the weights of <paramref name="cv"/>, and fits the
    /// calibrator after blending on the components' pooled out-of-fold margins blended with those weights.
    /// </summary>
    private FittedModel FitBlendFinal(TrainerSpec spec, int[] rows, CvOutcome cv, CalibratedCv calibrated)
    {
        var blendCv = cv.Blend!;
        var weights = blendCv.Weights;
        var blend = spec.Blend! with { Weights = weights };
        var view = View(rows);
        var linearLearner = blend.Linear.Fit(_ml, view, _options.Seed);
        var treeLearner = blend.Tree.Fit(_ml, view, _options.Seed);

        var labels = cv.Rows.Select(r => _data.Labels[r]).ToArray();
        var pooled = new List<float>();
        for (var r = 0; r < blendCv.Linear.Scores.Length; r++)
        {
            for (var i = 0; i < labels.Length; i++)
            {
                pooled.Add(weights.Margin(blendCv.Linear.Scores[r][i], blendCv.Tree.Scores[r][i]));
            }
        }

        var pooledLabels = Enumerable.Repeat(labels, blendCv.Linear.Scores.Length).SelectMany(l => l).ToArray();
        var pooledWeights = _weights is null ? null : Enumerable.Repeat(cv.Rows.Select(r => _weights[r]), blendCv.Linear.Scores.Length).SelectMany(w => w).ToArray();
        var calibrator = FittedCalibrator.Fit(_ml, calibrated.Method, [.. pooled], pooledLabels, pooledWeights);
        var learners = new BlendLearners(linearLearner, treeLearner, weights);
        return new FittedModel(spec with { Blend = blend }, treeLearner, calibrator, BlendChain(learners, calibrator, view), cv, calibrated) { Blend = learners };
    }

    /// <summary>
    /// The blend as an in-memory ML.NET chain (for validation and permutation importance): each learner's score copied
    /// aside, blended by the portable scorer's rule, then the calibrator. It is never saved: a blend has no model.zip.
    /// </summary>
    private TransformerChain<ITransformer> BlendChain(BlendLearners learners, FittedCalibrator calibrator, IDataView view)
    {
        var weights = learners.Weights;
        var linearScored = learners.Linear.Transform(view);
        var copyLinear = _ml.Transforms.CopyColumns(BlendLinearColumn, "Score").Fit(linearScored);
        var treeScored = learners.Tree.Transform(copyLinear.Transform(linearScored));
        var copyTree = _ml.Transforms.CopyColumns(BlendTreeColumn, "Score").Fit(treeScored);
        var blend = _ml.Transforms.CustomMapping<BlendScores, BlendScore>(
            (input, output) => output.Score = weights.Margin(input.BlendLinearScore, input.BlendTreeScore), contractName: null)
            .Fit(copyTree.Transform(treeScored));
        return new TransformerChain<ITransformer>(learners.Linear, copyLinear, learners.Tree, copyTree, blend, calibrator.Transformer);
    }

    private sealed class BlendScores
    {
        public float BlendLinearScore { get; set; }

        public float BlendTreeScore { get; set; }
    }

    private sealed class BlendScore
    {
        public float Score { get; set; }
    }
}
