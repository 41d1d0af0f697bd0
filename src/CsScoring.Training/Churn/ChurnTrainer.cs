using System.Diagnostics;
using System.Globalization;
using CsScoring.Churn.Manifest;
using CsScoring.Data;
using CsScoring.Training.Churn.MlNet;
using CsScoring.Training.Cli;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Churn;

/// <summary>One candidate of the search with its cross-validated figures (over its <see cref="Repeats"/> repeats).</summary>
internal sealed record CandidateResult(TrainerSpec Spec, double CvLogLoss, double CvAuc, double CvBrier, double Seconds, bool Chosen)
{
    /// <summary>The cross-validation repeats the candidate was evaluated on.</summary>
    public int Repeats { get; init; } = 1;

    /// <summary>Its out-of-fold raw scores (margins) per evaluated repeat, for blending.</summary>
    public CvOutcome? Cv { get; init; }
}

/// <summary>A driver: how much a column matters to the model.</summary>
internal sealed record DriverImportance(string Column, double PermutationLogLoss, double PermutationAuc, double? MeanAbsShap);

/// <summary>Cross-validation of one spec on a set of rows: the out-of-fold raw scores per repeat.</summary>
internal sealed record CvOutcome(int[] Rows, int[][] Folds, float[][] Scores)
{
    /// <summary>For a blend: its components' outcomes and weights (the scores above are the blended margins).</summary>
    public BlendCv? Blend { get; init; }
}

/// <summary>Calibration of a CV outcome: the chosen method, each method's cross-fitted Brier, per-fold metrics.</summary>
internal sealed record CalibratedCv(
    CalibrationMethod Method,
    IReadOnlyDictionary<CalibrationMethod, double> Brier,
    double[][] Probabilities,
    IReadOnlyList<MetricSet> FoldMetrics,
    double F1Threshold);

/// <summary>A learner fitted on a set of rows, with its calibrator from out-of-fold scores.</summary>
internal sealed record FittedModel(
    TrainerSpec Spec,
    ITransformer Learner,
    FittedCalibrator Calibrator,
    ITransformer Chain,
    CvOutcome Cv,
    CalibratedCv Calibrated)
{
    /// <summary>For a blend: the components' learners and weights (<see cref="Learner"/> is then the tree component).</summary>
    public BlendLearners? Blend { get; init; }
}

/// <summary>Everything a training run produced.</summary>
internal sealed class ChurnTrainingResult
{
    public required ChurnTrainingOptions Options { get; init; }

    public required ChurnDataset Data { get; init; }

    public required MLContext Context { get; init; }

    public required string SplitDescription { get; init; }

    public required int[] TrainRows { get; init; }

    public required int[] ValidationRows { get; init; }

    public required IReadOnlyList<CandidateResult> Candidates { get; init; }

    public required FittedModel ValidationModel { get; init; }

    public required FittedModel FinalModel { get; init; }

    public required double[] ValidationProbabilities { get; init; }

    public required MetricSet Validation { get; init; }

    public required IReadOnlyDictionary<string, MetricSummary> Cv { get; init; }

    public required ManifestThresholds Thresholds { get; init; }

    public required double CostValue { get; init; }

    public required IReadOnlyList<DriverImportance> Drivers { get; set; }

    /// <summary>ML.NET's scores of <see cref="FinalModel"/>'s learner on the rows it learnt from, started while the
    /// other fits ran (one fixed learner only); else <see langword="null"/> and the parity proof scores them itself.</summary>
    public LearnerScores? FinalLearnerScores { get; init; }

    /// <summary>The manifest's drift reference (<see cref="Drift.Reference"/>), when started during the fits; else
    /// <see langword="null"/> and the artifacts compute it.</summary>
    public Task<IReadOnlyDictionary<string, FeatureDistribution>>? DriftReference { get; init; }

    /// <summary>The report's plots being drawn on a spare core since the validation figures were known (see
    /// <see cref="ChurnReportPlots.Start"/>); else <see langword="null"/> and they are drawn on first use.</summary>
    public Task<ChurnReportPlots>? PlotsDrawing { get; init; }

    private ChurnReportPlots? _reportPlots;

    /// <summary>The report's plots, drawn once per model (the model's report and the main job's page both show them).</summary>
    public ChurnReportPlots ReportPlots => _reportPlots ??= PlotsDrawing?.GetAwaiter().GetResult() ?? ChurnReportPlots.Render(this);

    /// <summary>Mean |SHAP| per feature of the saved model (log-odds), once computed; else <see langword="null"/>.</summary>
    public IReadOnlyList<(string Feature, double MeanAbsShap)>? FeatureShap { get; set; }

    public bool[] ValidationLabels => [.. ValidationRows.Select(r => Data.Labels[r])];

    /// <summary>Folds (K) of the cross-validation behind <see cref="Cv"/>.</summary>
    public int CvFolds { get; init; }

    /// <summary>Repeats (R) of the cross-validation behind <see cref="Cv"/>.</summary>
    public int CvRepeats { get; init; }

    /// <summary>The headline: the cross-validated AUC with its interval.</summary>
    public Interval CvAuc => Headline.CrossValidated(Cv["auc"], CvFolds);

    /// <summary>The check: the holdout AUC with its own interval.</summary>
    public Interval HoldoutAuc => Headline.HoldoutAuc(Validation.Auc, Validation.Positives, Validation.Rows - Validation.Positives);

    /// <summary>One sentence with both, for consoles and reports.</summary>
    public string DescribeHeadline()
        => string.Create(CultureInfo.InvariantCulture,
            $"cross-validated AUC {CvAuc.Describe()} over {CvFolds} folds x {CvRepeats} repeats of {FinalModel.Cv.Rows.Length} rows; holdout check: AUC {HoldoutAuc.Describe()} on {Validation.Rows} rows ({Validation.Positives} positive)");
}

/// <summary>
/// The training pipeline: leakage-safe split, cross-validation (stratified, grouped, repeated), optional search,
/// calibration on out-of-fold scores, validation metrics, thresholds, drivers and the final refit.
/// </summary>
internal sealed partial class ChurnTrainer
{
    private ChurnTrainingOptions _options;
    private readonly MLContext _ml;
    private readonly Action<string> _note;
    private ChurnDataset _data = null!;
    private float[]? _weights;
    private int[][]? _fixedFolds;
    private int _folds;
    private int _repeats;

    public ChurnTrainer(ChurnTrainingOptions options, Action<string>? note = null)
    {
        options.Validate();
        _options = options;
        _ml = new MLContext(seed: options.Seed);
        _note = note ?? (_ => { });
        _repeats = options.Repeats;
    }

    public ChurnTrainingResult Train(IProgress<double>? progress = null)
        => Train(ChurnDataset.Load(_options.Data), progress);

    public ChurnTrainingResult Train(ChurnDataset data, IProgress<double>? progress = null)
    {
        _data = data;
        _options = TrainingScale.Resolve(_options, data.Labels);
        _folds = _options.Folds!.Value;
        progress?.Report(0.05);
        var source = data.SourceName;
        if (_options.FoldColumns.Count > 0)
        {
            _fixedFolds = FoldColumns.Read(_options.Data, _options.FoldColumns, data.Rows);
            _folds = _fixedFolds[0].Max() + 1;
            _repeats = _fixedFolds.Length;
        }

        CheckEnough(Enumerable.Range(0, data.Rows).ToArray(), "the file");

        // 1. The split that cannot leak.
        int[] train, validation;
        string split;
        if (data.Days is { } days)
        {
            var timeSplit = Splits.OutOfTime(days, data.Labels, data.Groups, _options.Data.IdColumn is not null,
                _options.ValidationFraction, _options.ValidationGroupShare, _options.HorizonDays, _options.Seed, source);
            (train, validation) = (timeSplit.Train, timeSplit.Validation);
            _weights = timeSplit.Weights;
            split = _options.Data.IdColumn is null
                ? $"out-of-time: validation is every snapshot from {timeSplit.Describe()} on; training is the snapshots before it"
                : string.Create(CultureInfo.InvariantCulture,
                    $"out-of-time and grouped: validation is the snapshots from {timeSplit.Describe()} on of {_options.ValidationGroupShare:P0} of the accounts (stratified); training is the other accounts' snapshots before it");
            if (_options.HorizonDays > 0)
            {
                split += string.Create(CultureInfo.InvariantCulture, $" whose {_options.HorizonDays}-day label window closed by then");
            }

            if (_weights is not null)
            {
                split += "; training accounts alive in the window are weighted up to stand for the held-out ones";
            }
        }
        else
        {
            (train, validation) = Splits.GroupHoldout(data.Rows, data.Labels, data.Groups, _options.ValidationFraction, _options.Seed);
            split = _options.Data.IdColumn is null
                ? string.Create(CultureInfo.InvariantCulture, $"stratified holdout of {_options.ValidationFraction:P0} of the rows")
                : string.Create(CultureInfo.InvariantCulture, $"stratified holdout of {_options.ValidationFraction:P0} of the rows, whole accounts on one side");
        }

        if (NegativeSampleRate < 1)
        {
            split += string.Create(CultureInfo.InvariantCulture,
                $"; each fit learns from every churned row and a seeded {NegativeSampleRate:P0} of the others, weighted by {1 / NegativeSampleRate:0.##} (every held-out row is still scored and calibrated on)");
        }

        CheckEnough(train, "the training split");
        if (validation.Length == 0 || !validation.Any(r => data.Labels[r]) || validation.All(r => data.Labels[r]))
        {
            throw new DataFormatException("the validation split has one class only; add data or change --validation-fraction", source, null, _options.Data.Label);
        }

        // 2. Search (or the chosen learner), picked by the cross-validated Brier score of calibrated out-of-fold predictions.
        var specs = CandidateSpecs(train.Length);
        var clock = Stopwatch.StartNew();
        // One learner fixed on the command line: its fits do not wait for a search, so they all run in one batch.
        var isFixed = specs.Count == 1 && specs[0].Blend is null && _options.Trainer is not (TrainerChoice.Auto or TrainerChoice.Blend);
        // The manifest's drift reference depends on the data alone: worked out on the core a LightGBM fit leaves free,
        // with the one-off set-up of the model files' JSON and of ONNX Runtime.
        var driftReference = isFixed ? Task.Run(() => { ChurnArtifacts.WarmUp(); return Drift.Reference(data); }) : null;
        var fixedFits = isFixed
            ? PhaseTimings.Measure("train: every fit (one parallel batch)",
                () => FitFixedLearner(specs[0], train, _options.Refit ? [.. Enumerable.Range(0, data.Rows)] : null))
            : null;
        if (fixedFits is not null && data.Rows >= PhaseMemory.LargeRows)
        {
            PhaseMemory.Release();
        }

        IReadOnlyList<EvaluatedCandidate> evaluated = fixedFits is not null
            ? [new EvaluatedCandidate(specs[0], 0, fixedFits.TrainCv, PhaseTimings.Measure("train: calibration", () => Calibrate(fixedFits.TrainCv)))]
            : PhaseTimings.Measure("train: search (cross-validation)", () => Search(specs, train, progress));
        var seconds = clock.Elapsed.TotalSeconds;
        var chosenCandidate = ChooseFinal(evaluated);
        var candidates = evaluated.Select(e => new CandidateResult(e.Spec, e.LogLoss, e.Calibrated.FoldMetrics.Average(m => m.Auc),
            e.Calibrated.FoldMetrics.Average(m => m.Brier), seconds * e.Repeats / Math.Max(1, evaluated.Sum(x => x.Repeats)), false)
        {
            Repeats = e.Repeats,
            Cv = e.Cv,
        }).ToList();
        var chosen = PhaseTimings.Measure("train: blend", () => ConsiderBlend(evaluated, candidates, chosenCandidate)) is { } blended
            ? blended
            : (chosenCandidate.Spec, chosenCandidate.Cv, chosenCandidate.Calibrated);
        candidates = [.. candidates.Select(c => c with { Chosen = ReferenceEquals(c.Spec, chosen.Spec) })];

        // 3. The learner on the training split, calibrated on its out-of-fold scores, judged on validation.
        var validationModel = PhaseTimings.Measure("train: fit on the training split", () => FitFinal(chosen.Spec, train, chosen.Cv, chosen.Calibrated, fixedFits?.TrainLearner));
        var validationProbabilities = PhaseTimings.Measure("train: validation scoring", () => Probabilities(validationModel, validation));
        var validationLabels = validation.Select(r => data.Labels[r]).ToArray();
        var oof = chosen.Calibrated.Probabilities[0];
        var oofLabels = chosen.Cv.Rows.Select(r => data.Labels[r]).ToArray();
        var thresholds = ChooseThresholds(oof, oofLabels, chosen.Calibrated.F1Threshold, out var costValue);
        var validationMetrics = BinaryMetrics.Compute(validationProbabilities, validationLabels, thresholds.F1);
        progress?.Report(0.6);
        // The report's plots need only the validation figures (and the drivers, for their own plot): they are drawn
        // on the core that permutation importance, calibration and the final fit leave idle, not after them.
        var driversKnown = new TaskCompletionSource<IReadOnlyList<DriverImportance>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var plots = ChurnReportPlots.Start(validationMetrics, validationProbabilities, validationLabels, driversKnown.Task);
        var drivers = PhaseTimings.Measure("train: permutation importance",
            () => PermutationImportance.Compute(data, new FittedModelScorer(validationModel, data.Width), validation, validationLabels, _options.Seed));
        driversKnown.SetResult(drivers);
        progress?.Report(0.7);

        // 4. The saved model: refit on every labelled row with the chosen settings (its own CV gives its calibrator).
        var final = validationModel;
        var cvSource = chosen.Calibrated;
        if (_options.Refit)
        {
            if (data.Rows >= PhaseMemory.LargeRows)
            {
                PhaseMemory.Release();
            }

            _weights = null;
            var all = Enumerable.Range(0, data.Rows).ToArray();
            var allCv = fixedFits?.AllCv ?? PhaseTimings.Measure("refit: cross-validation", () => CrossValidate(chosen.Spec, all));
            var allCalibrated = PhaseTimings.Measure("refit: calibration", () => Calibrate(allCv));
            final = PhaseTimings.Measure("refit: fit on every row", () => FitFinal(chosen.Spec, all, allCv, allCalibrated, fixedFits?.AllLearner));
            cvSource = allCalibrated;
            var allOof = allCalibrated.Probabilities[0];
            thresholds = ChooseThresholds(allOof, all.Select(r => data.Labels[r]).ToArray(), allCalibrated.F1Threshold, out costValue);
        }

        progress?.Report(0.95);
        return new ChurnTrainingResult
        {
            Options = _options,
            Data = data,
            Context = _ml,
            SplitDescription = split,
            TrainRows = train,
            ValidationRows = validation,
            Candidates = candidates,
            ValidationModel = validationModel,
            FinalModel = final,
            ValidationProbabilities = validationProbabilities,
            Validation = validationMetrics,
            Cv = Summarize(cvSource.FoldMetrics),
            CvFolds = _folds,
            CvRepeats = _repeats,
            Thresholds = thresholds,
            CostValue = costValue,
            Drivers = drivers,
            DriftReference = driftReference,
            PlotsDrawing = plots,
            FinalLearnerScores = fixedFits?.FinalScores is { } scores && ReferenceEquals(scores.Learner, final.Learner) ? scores : null,
        };
    }

    public static IReadOnlyDictionary<string, MetricSummary> Summarize(IReadOnlyList<MetricSet> folds)
    {
        var result = new SortedDictionary<string, MetricSummary>(StringComparer.Ordinal);
        var dictionaries = folds.Select(f => f.ToDictionary()).ToList();
        foreach (var key in dictionaries[0].Keys)
        {
            var values = dictionaries.Select(d => d[key]).Where(v => !double.IsNaN(v)).ToArray();
            var mean = values.Length == 0 ? double.NaN : values.Average();
            var sd = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            result[key] = new MetricSummary(mean, sd);
        }

        return result;
    }

    internal IReadOnlyList<TrainerSpec> CandidateSpecs(int rows)
    {
        if (_options.Trainer == TrainerChoice.Auto)
        {
            return TrainerSpec.SearchSpace(rows);
        }

        if (_options.Trainer == TrainerChoice.Blend)
        {
            return BlendCandidateSpecs(rows);
        }

        var kind = _options.Trainer switch
        {
            TrainerChoice.LightGbm => ModelKind.LightGbm,
            TrainerChoice.Logistic => ModelKind.LogisticRegression,
            _ => ModelKind.FastTree,
        };
        var spec = TrainerSpec.Default(kind, rows);
        spec = spec with
        {
            Trees = _options.Trees ?? spec.Trees,
            Leaves = _options.Leaves ?? spec.Leaves,
            MinLeaf = _options.MinLeaf ?? spec.MinLeaf,
            LearningRate = _options.LearningRate ?? spec.LearningRate,
        };
        spec.Validate();
        return [spec];
    }

    private void CheckEnough(int[] rows, string what)
    {
        var positives = rows.Count(r => _data.Labels[r]);
        var negatives = rows.Length - positives;
        var groups = rows.Select(r => _data.Groups[r]).Distinct().Count();
        if (rows.Length < _folds || groups < _folds)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{what} has {rows.Length} labelled rows in {groups} groups: fewer than the {_folds} folds"),
                _data.SourceName, null, null);
        }

        if (positives < _folds || negatives < _folds)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{what} has {positives} positive and {negatives} negative rows: each class needs at least one per fold ({_folds})"),
                _data.SourceName, null, _options.Data.Label);
        }
    }

    internal CvOutcome CrossValidate(TrainerSpec spec, int[] rows)
        => spec.Blend is { } blend ? CrossValidateBlend(blend, rows) : CrossValidateMany([spec], rows, 0, _repeats)[0];

    /// <summary>
    /// Cross-fits Platt and isotonic calibration (each fold calibrated by a calibrator fitted on the other folds'
    /// out-of-fold scores), keeps the method with the lower Brier score, and computes per-fold metrics with it.
    /// </summary>
    internal CalibratedCv Calibrate(CvOutcome cv)
    {
        var labels = cv.Rows.Select(r => _data.Labels[r]).ToArray();
        var brier = new Dictionary<CalibrationMethod, double>();
        var probabilities = new Dictionary<CalibrationMethod, double[][]>();
        CalibrationMethod[] methods = [CalibrationMethod.Platt, CalibrationMethod.Isotonic];
        foreach (var method in methods)
        {
            probabilities[method] = [.. cv.Scores.Select(s => new double[s.Length])];
        }

        // Every (method, repeat, fold) calibrator is its own job writing its own rows, so they run on the cores and
        // give the same numbers in any order.
        var jobs = (from method in methods from r in Enumerable.Range(0, cv.Scores.Length) from f in Enumerable.Range(0, _folds) select (method, r, f)).ToArray();
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism }, j =>
        {
            var (method, r, f) = jobs[j];
            CrossFitFold(method, cv.Rows, cv.Scores[r], labels, cv.Folds[r], f, probabilities[method][r]);
        });

        foreach (var method in methods)
        {
            double sum = 0;
            foreach (var perRow in probabilities[method])
            {
                for (var i = 0; i < labels.Length; i++)
                {
                    var e = (labels[i] ? 1 : 0) - perRow[i];
                    sum += e * e;
                }
            }

            brier[method] = sum / (labels.Length * cv.Scores.Length);
        }

        var chosen = _options.Calibration ?? (brier[CalibrationMethod.Isotonic] < brier[CalibrationMethod.Platt] ? CalibrationMethod.Isotonic : CalibrationMethod.Platt);
        var p = probabilities[chosen];
        var threshold = BinaryMetrics.F1Threshold(p[0], labels);
        var foldMetrics = new List<MetricSet>();
        for (var r = 0; r < p.Length; r++)
        {
            for (var f = 0; f < _folds; f++)
            {
                var positions = Enumerable.Range(0, labels.Length).Where(i => cv.Folds[r][i] == f).ToArray();
                if (positions.Length == 0)
                {
                    continue;
                }

                foldMetrics.Add(BinaryMetrics.Compute(positions.Select(i => p[r][i]).ToArray(), positions.Select(i => labels[i]).ToArray(), threshold));
            }
        }

        return new CalibratedCv(chosen, brier, p, foldMetrics, threshold);
    }

    private float[]? Weights(int[] rows, int[] positions) => _weights is null ? null : [.. positions.Select(i => _weights[rows[i]])];

    /// <summary>Calibrates fold <paramref name="fold"/>'s rows by a calibrator fitted on the other folds' scores.</summary>
    private void CrossFitFold(CalibrationMethod method, int[] rows, float[] scores, bool[] labels, int[] folds, int fold, double[] result)
    {
        var fit = Enumerable.Range(0, scores.Length).Where(i => folds[i] != fold).ToArray();
        if (fit.Length == scores.Length)
        {
            return;
        }

        var calibrator = FittedCalibrator.Fit(new MLContext(seed: _options.Seed), method, fit.Select(i => scores[i]).ToArray(), fit.Select(i => labels[i]).ToArray(), Weights(rows, fit));
        for (var i = 0; i < scores.Length; i++)
        {
            if (folds[i] == fold)
            {
                result[i] = calibrator.Predict(scores[i]);
            }
        }
    }

    /// <summary>The learner on <paramref name="rows"/> with its calibrator from <paramref name="cv"/>'s out-of-fold scores.</summary>
    /// <param name="spec">The learner and its settings.</param>
    /// <param name="rows">The rows it is fitted on.</param>
    /// <param name="cv">Its cross-validation on those rows.</param>
    /// <param name="calibrated">The calibration chosen on that cross-validation.</param>
    /// <param name="learner">The learner already fitted on <paramref name="rows"/> (in the batch of a fixed learner's fits), else <see langword="null"/> to fit it here.</param>
    private FittedModel FitFinal(TrainerSpec spec, int[] rows, CvOutcome cv, CalibratedCv calibrated, ITransformer? learner = null)
    {
        if (spec.Blend is not null)
        {
            return FitBlendFinal(spec, rows, cv, calibrated);
        }

        learner ??= spec.Fit(_ml, View(rows), _options.Seed);
        var labels = cv.Rows.Select(r => _data.Labels[r]).ToArray();
        var pooledScores = cv.Scores.SelectMany(s => s).ToArray();
        var pooledLabels = Enumerable.Repeat(labels, cv.Scores.Length).SelectMany(l => l).ToArray();
        var pooledWeights = _weights is null ? null : Enumerable.Repeat(cv.Rows.Select(r => _weights[r]), cv.Scores.Length).SelectMany(w => w).ToArray();
        var calibrator = FittedCalibrator.Fit(_ml, calibrated.Method, pooledScores, pooledLabels, pooledWeights);
        var chain = new TransformerChain<ITransformer>(learner, calibrator.Transformer);
        return new FittedModel(spec, learner, calibrator, chain, cv, calibrated);
    }

    private ManifestThresholds ChooseThresholds(double[] oof, bool[] labels, double f1, out double costValue)
    {
        var cost = _options.Cost;
        var (costThreshold, value) = BinaryMetrics.CostThreshold(oof, labels, cost.ActionCost, cost.SuccessRate, cost.AccountValue);
        costValue = value;

        // Bands by rank: the top decile of out-of-fold risk is high, the next two deciles medium (a CSM team's capacity).
        var high = Math.Clamp(BinaryMetrics.Quantile(oof, 0.9), 0, 1);
        var medium = Math.Min(high, Math.Clamp(BinaryMetrics.Quantile(oof, 0.7), 0, 1));
        return new ManifestThresholds(Math.Clamp(f1, 0, 1), Math.Clamp(costThreshold, 0, 1), new RiskBandThresholds(high, medium)) { CostModel = cost };
    }

    internal MatrixDataView View(int[] rows) => new(_data.Features, _data.Width, _data.Labels, rows, _weights);

    /// <summary>The learner's raw scores of <paramref name="rows"/> (through the compiled trees for tree learners).</summary>
    internal float[] Scores(ITransformer learner, int[] rows)
    {
        var scores = new float[rows.Length];
        CompiledScorer.For(learner, _data.Width).RawScores(_data.Features, rows, scores);
        return scores;
    }

    /// <summary>The model's calibrated probabilities of <paramref name="rows"/>, the same bits as its ML.NET chain gives.</summary>
    internal double[] Probabilities(FittedModel model, int[] rows)
    {
        var probabilities = new double[rows.Length];
        new FittedModelScorer(model, _data.Width).Probabilities(_data.Features, rows, probabilities);
        return probabilities;
    }
}
