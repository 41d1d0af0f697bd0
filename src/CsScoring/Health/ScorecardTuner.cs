using CsScoring.Value.Numerics;

namespace CsScoring.Health;

/// <summary>
/// Learns non-negative metric and group weights from churn history: a logistic model of churn on the score,
/// <c>P(churn) = σ(a + c·(50 − score)/10)</c> with <c>c ≥ 0</c>, whose score is the scorecard's own nested weighted
/// mean (missing data redistributed as in scoring), fitted by bounded (projected) BFGS with an L2 pull towards
/// the starting weights. The scalings, bands and policies stay as they are.
/// </summary>
/// <remarks>
/// Deterministic: the same data give the same weights. Evaluate the tuned scorecard on a later time window than the
/// one it was fitted on (see <see cref="HealthBacktest"/>); an in-sample gain says little.
/// </remarks>
public static class ScorecardTuner
{
    private const double MinimumWeight = 1e-4;

    /// <summary>Fits the weights.</summary>
    /// <param name="scorecard">The starting scorecard.</param>
    /// <param name="columns">Column-major values (as for batch scoring) of the fitting window.</param>
    /// <param name="churned">Whether each account churned within the horizon.</param>
    /// <param name="options">Regularisation and iteration limit; <see langword="null"/> for the defaults.</param>
    /// <returns>The tuned scorecard and the fit before and after.</returns>
    /// <exception cref="ArgumentException">The inputs are misaligned, or the window has no churned or no retained account.</exception>
    public static ScorecardTuningResult Fit(CompiledScorecard scorecard, ReadOnlySpan<double> columns, ReadOnlySpan<bool> churned, ScorecardTuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        options ??= ScorecardTuningOptions.Default;
        var n = churned.Length;
        var metricCount = scorecard.MetricCount;
        if ((long)columns.Length != (long)metricCount * n)
        {
            ThrowHelper.WrongLength(nameof(columns), (long)metricCount * n, columns.Length, "one column per metric, in column-major order");
        }

        var problem = new Problem(scorecard, columns, churned);
        if (problem.Positives == 0 || problem.Positives == problem.Count)
        {
            throw new ArgumentException($"Tuning needs churned and retained accounts; the window has {problem.Positives} churned of {problem.Count} usable accounts.", nameof(churned));
        }

        // Start: the current weights, normalised within each set of siblings.
        var start = problem.NormalisedStart();
        var baseRate = (double)problem.Positives / problem.Count;
        var intercept = Math.Log(baseRate / (1 - baseRate));

        // Before: only the calibration (a, c) is fitted, on the current weights.
        double[] calibration = [intercept, 0.5];
        var calibrationObjective = new CalibrationObjective(problem, start);
        var calibrationFit = BoundedBfgs.Minimize(
            ref calibrationObjective,
            calibration,
            [double.NegativeInfinity, double.NegativeInfinity],
            [double.PositiveInfinity, double.PositiveInfinity],
            options.MaxIterations,
            1e-8,
            1e-10,
            1e-12);
        ThrowIfNotDone(calibrationFit, options.MaxIterations);
        var lossBefore = problem.CalibrationLoss(start, calibration, default);

        var parameters = start.Length;
        var initial = new double[parameters + 2];
        start.CopyTo(initial, 0);
        initial[parameters] = calibration[0];
        initial[parameters + 1] = Math.Clamp(calibration[1], 1e-3, 20);
        var lower = new double[parameters + 2];
        var upper = new double[parameters + 2];
        for (var j = 0; j < parameters; j++)
        {
            lower[j] = MinimumWeight;
            upper[j] = 10;
            initial[j] = Math.Clamp(initial[j], MinimumWeight, 10);
        }

        lower[parameters] = -30;
        upper[parameters] = 30;
        lower[parameters + 1] = 0;
        upper[parameters + 1] = 50;

        // The weights are bounded below (>= 1e-4) and the slope at 0, as a projected BFGS enforces exactly: a weight
        // the data do not support lands on its bound rather than approaching it asymptotically.
        var theta = initial;
        var fullObjective = new FullObjective(problem, start, options.L2);
        var fitted = BoundedBfgs.Minimize(ref fullObjective, theta, lower, upper, options.MaxIterations, 1e-7, 1e-10, 1e-12);
        ThrowIfNotDone(fitted, options.MaxIterations);
        var (metricWeights, groupWeights) = problem.Normalised(theta);
        var tuned = scorecard.WithWeights(metricWeights, groupWeights);
        var lossAfter = problem.FullLoss(theta, start, 0, default);

        var weights = new List<TunedWeight>();
        var (beforeMetrics, beforeGroups) = problem.Normalised([.. start, 0, 0]);
        for (var g = 1; g < scorecard.GroupCount; g++)
        {
            weights.Add(new TunedWeight(TunedWeightKind.Group, scorecard.GroupNames[g], beforeGroups[g], groupWeights[g]));
        }

        for (var m = 0; m < metricCount; m++)
        {
            weights.Add(new TunedWeight(TunedWeightKind.Metric, scorecard.Metrics[m].Name, beforeMetrics[m], metricWeights[m]));
        }

        return new ScorecardTuningResult(tuned, lossBefore, lossAfter, fitted.Iterations, fitted.Exit.ToString(), theta[parameters], theta[parameters + 1], problem.Count, weights);
    }

    /// <summary>
    /// Fits the weights on one window and backtests the starting and the tuned scorecard on another (later) window,
    /// the honest measure of whether tuning helped.
    /// </summary>
    /// <param name="scorecard">The starting scorecard.</param>
    /// <param name="fitColumns">Column-major values of the fitting window.</param>
    /// <param name="fitChurned">Churn outcomes of the fitting window.</param>
    /// <param name="evaluationColumns">Column-major values of the evaluation window (later in time than the fitting window).</param>
    /// <param name="evaluationChurned">Churn outcomes of the evaluation window.</param>
    /// <param name="options">Regularisation and iteration limit; <see langword="null"/> for the defaults.</param>
    /// <param name="compileOptions">Reference populations for compiling the tuned scorecard; <see langword="null"/> for none.</param>
    /// <returns>The fit and both backtests.</returns>
    public static ScorecardTuningEvaluation FitAndEvaluate(
        CompiledScorecard scorecard,
        ReadOnlySpan<double> fitColumns,
        ReadOnlySpan<bool> fitChurned,
        ReadOnlySpan<double> evaluationColumns,
        ReadOnlySpan<bool> evaluationChurned,
        ScorecardTuningOptions? options = null,
        ScorecardCompileOptions? compileOptions = null)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        var fit = Fit(scorecard, fitColumns, fitChurned, options);
        var tuned = fit.Tuned.Compile(compileOptions);
        var before = new HealthScore[evaluationChurned.Length];
        var after = new HealthScore[evaluationChurned.Length];
        scorecard.ScoreBatch(evaluationColumns, before);
        tuned.ScoreBatch(evaluationColumns, after);
        return new ScorecardTuningEvaluation(fit, tuned, HealthBacktest.Run(before, evaluationChurned, scorecard), HealthBacktest.Run(after, evaluationChurned, tuned));
    }

    private static void ThrowIfNotDone(BoundedBfgsResult result, int maxIterations)
    {
        if (result.Exit == BoundedBfgsExit.ExceedIterations)
        {
            throw new CsScoringException($"Tuning did not converge within {maxIterations} iterations; raise the limit or the L2 penalty.");
        }

        if (result.Exit == BoundedBfgsExit.InvalidValues)
        {
            throw new CsScoringException("Tuning failed: the loss is not finite at the starting weights.");
        }
    }

    private readonly struct CalibrationObjective(Problem problem, double[] weights) : IObjective
    {
        public int Dimension => 2;

        public double Evaluate(ReadOnlySpan<double> u, Span<double> gradient) => problem.CalibrationLoss(weights, u, gradient);
    }

    private readonly struct FullObjective(Problem problem, double[] start, double l2) : IObjective
    {
        public int Dimension => start.Length + 2;

        public double Evaluate(ReadOnlySpan<double> u, Span<double> gradient) => problem.FullLoss(u, start, l2, gradient);
    }

    // Parameters: metric weights [0, M), group weights of groups 1..G-1 at [M, M + G - 1), then a and c.
    private sealed class Problem
    {
        private readonly CompiledScorecard _scorecard;
        private readonly double[] _points;
        private readonly double[] _active;
        private readonly bool[] _churned;
        private readonly int _m;
        private readonly int _g;

        public Problem(CompiledScorecard scorecard, ReadOnlySpan<double> columns, ReadOnlySpan<bool> churned)
        {
            _scorecard = scorecard;
            _m = scorecard.MetricCount;
            _g = scorecard.GroupCount;
            var n = churned.Length;
            var points = new List<double>(n * _m);
            var active = new List<double>(n * _m);
            var labels = new List<bool>(n);
            var values = new double[_m];
            var p = new double[_m];
            var a = new double[_m];
            for (var i = 0; i < n; i++)
            {
                for (var m = 0; m < _m; m++)
                {
                    values[m] = columns[(m * n) + i];
                }

                scorecard.Prepare(values, p, a);
                if (a.Sum() == 0)
                {
                    continue; // nothing to score: no information about the weights
                }

                points.AddRange(p);
                active.AddRange(a);
                labels.Add(churned[i]);
                Positives += churned[i] ? 1 : 0;
            }

            _points = [.. points];
            _active = [.. active];
            _churned = [.. labels];
        }

        public int Count => _churned.Length;

        public int Positives { get; }

        public double[] NormalisedStart()
        {
            var (metrics, groups) = Normalise(_scorecard.MetricWeights.ToArray(), _scorecard.GroupWeights.ToArray());
            return [.. metrics, .. groups.AsSpan(1)];
        }

        public (double[] Metrics, double[] Groups) Normalised(double[] theta)
        {
            var metrics = theta.AsSpan(0, _m).ToArray();
            var groups = new double[_g];
            groups[0] = 1;
            theta.AsSpan(_m, _g - 1).CopyTo(groups.AsSpan(1));
            var (m, g) = Normalise(metrics, groups);
            for (var i = 0; i < m.Length; i++)
            {
                m[i] = Math.Round(m[i], 4);
            }

            for (var i = 1; i < g.Length; i++)
            {
                g[i] = Math.Round(g[i], 4);
            }

            return (m, g);
        }

        private (double[] Metrics, double[] Groups) Normalise(double[] metrics, double[] groups)
        {
            var totals = new double[_g];
            var metricGroups = _scorecard.MetricGroups;
            var parents = _scorecard.GroupParents;
            for (var m = 0; m < _m; m++)
            {
                totals[metricGroups[m]] += metrics[m];
            }

            for (var g = 1; g < _g; g++)
            {
                totals[parents[g]] += groups[g];
            }

            var outMetrics = new double[_m];
            var outGroups = new double[_g];
            outGroups[0] = 1;
            for (var m = 0; m < _m; m++)
            {
                outMetrics[m] = metrics[m] / totals[metricGroups[m]];
            }

            for (var g = 1; g < _g; g++)
            {
                outGroups[g] = groups[g] / totals[parents[g]];
            }

            return (outMetrics, outGroups);
        }

        /// <summary>The loss with the weights fixed at <paramref name="weights"/>; writes the gradient in (a, c) unless it is empty.</summary>
        public double CalibrationLoss(double[] weights, ReadOnlySpan<double> ac, Span<double> gradient)
        {
            var theta = new double[weights.Length + 2];
            weights.CopyTo(theta, 0);
            theta[^2] = ac[0];
            theta[^1] = ac[1];
            var (loss, full) = Evaluate(theta, weightsGradient: false);
            if (!gradient.IsEmpty)
            {
                gradient[0] = full[^2];
                gradient[1] = full[^1];
            }

            return loss;
        }

        /// <summary>The penalised loss; writes the gradient unless it is empty.</summary>
        public double FullLoss(ReadOnlySpan<double> parameters, double[] start, double l2, Span<double> gradient)
        {
            var theta = parameters.ToArray();
            var (loss, full) = Evaluate(theta, weightsGradient: true);
            for (var j = 0; j < start.Length; j++)
            {
                var d = theta[j] - start[j];
                loss += l2 * d * d;
                full[j] += 2 * l2 * d;
            }

            if (!gradient.IsEmpty)
            {
                full.CopyTo(gradient);
            }

            return loss;
        }

        private (double Loss, double[] Gradient) Evaluate(double[] theta, bool weightsGradient)
        {
            var metricGroups = _scorecard.MetricGroups;
            var parents = _scorecard.GroupParents;
            var a = theta[^2];
            var c = theta[^1];
            var gradient = new double[theta.Length];
            var activeWeight = new double[_g];
            var numerator = new double[_g];
            var value = new double[_g];
            var path = new double[_g];
            var loss = 0.0;
            for (var i = 0; i < _churned.Length; i++)
            {
                var offset = i * _m;
                Array.Clear(activeWeight);
                Array.Clear(numerator);
                for (var m = 0; m < _m; m++)
                {
                    var w = theta[m] * _active[offset + m];
                    activeWeight[metricGroups[m]] += w;
                    numerator[metricGroups[m]] += w * _points[offset + m];
                }

                // Children come after parents, so a reverse sweep finishes each group before its parent needs it.
                for (var g = _g - 1; g >= 0; g--)
                {
                    value[g] = activeWeight[g] > 0 ? numerator[g] / activeWeight[g] : 0;
                    if (g > 0 && activeWeight[g] > 0)
                    {
                        var w = theta[_m + g - 1];
                        activeWeight[parents[g]] += w;
                        numerator[parents[g]] += w * value[g];
                    }
                }

                var score = value[0];
                var z = a + (c * (50 - score) / 10);
                var y = _churned[i] ? 1.0 : 0.0;
                loss += (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - (y * z);
                var p = 1 / (1 + Math.Exp(-z));
                var dz = p - y;
                gradient[^2] += dz;
                gradient[^1] += dz * (50 - score) / 10;
                if (!weightsGradient)
                {
                    continue;
                }

                var dScore = dz * -c / 10;
                path[0] = 1;
                for (var g = 1; g < _g; g++)
                {
                    var parent = parents[g];
                    var active = activeWeight[g] > 0 && activeWeight[parent] > 0;
                    path[g] = active ? path[parent] * theta[_m + g - 1] / activeWeight[parent] : 0;
                    if (active)
                    {
                        gradient[_m + g - 1] += dScore * path[parent] * (value[g] - value[parent]) / activeWeight[parent];
                    }
                }

                for (var m = 0; m < _m; m++)
                {
                    var g = metricGroups[m];
                    if (_active[offset + m] > 0 && activeWeight[g] > 0)
                    {
                        gradient[m] += dScore * path[g] * (_points[offset + m] - value[g]) / activeWeight[g];
                    }
                }
            }

            var count = _churned.Length;
            for (var j = 0; j < gradient.Length; j++)
            {
                gradient[j] /= count;
            }

            return (loss / count, gradient);
        }
    }
}

/// <summary>Options of <see cref="ScorecardTuner"/>. Immutable; each property validates its value when set.</summary>
public sealed class ScorecardTuningOptions
{
    /// <summary>The defaults.</summary>
    public static ScorecardTuningOptions Default { get; } = new();

    /// <summary>The L2 penalty (>= 0) pulling each normalised weight towards its starting value; it keeps the fit stable.</summary>
    /// <value>The default is 0.01.</value>
    /// <exception cref="InvalidOptionException">The value is not a finite number ≥ 0.</exception>
    public double L2
    {
        get;
        init => field = OptionGuard.NonNegative(value, nameof(ScorecardTuningOptions));
    } = 0.01;

    /// <summary>The optimiser's iteration limit (>= 1).</summary>
    /// <value>The default is 500.</value>
    /// <exception cref="InvalidOptionException">The value is below 1.</exception>
    public int MaxIterations
    {
        get;
        init => field = OptionGuard.AtLeast(value, 1, nameof(ScorecardTuningOptions));
    } = 500;
}

/// <summary>The outcome of <see cref="ScorecardTuner.Fit"/>.</summary>
/// <param name="Tuned">The scorecard with the learned weights (normalised within each set of siblings, 4 decimals).</param>
/// <param name="LogLossBefore">Mean log-loss on the fitting window with the starting weights (calibration fitted).</param>
/// <param name="LogLossAfter">Mean log-loss on the fitting window with the learned weights.</param>
/// <param name="Iterations">Optimiser iterations.</param>
/// <param name="ExitCondition">Why the optimiser stopped: <c>RelativeGradient</c> (a stationary point within the bounds), <c>RelativePoints</c> or <c>LackOfProgress</c> (steps no longer change the weights or the loss), or <c>LineSearchFailed</c>.</param>
/// <param name="Intercept">The fitted intercept a.</param>
/// <param name="Slope">The fitted slope c (>= 0): churn log-odds per 10 points below 50.</param>
/// <param name="Accounts">Accounts used (those with any data).</param>
/// <param name="Weights">Each group and metric weight before and after, normalised within its siblings.</param>
public sealed record ScorecardTuningResult(
    Scorecard Tuned,
    double LogLossBefore,
    double LogLossAfter,
    int Iterations,
    string ExitCondition,
    double Intercept,
    double Slope,
    int Accounts,
    IReadOnlyList<TunedWeight> Weights);

/// <summary>The outcome of <see cref="ScorecardTuner.FitAndEvaluate"/>.</summary>
/// <param name="Fit">The fit on the first window.</param>
/// <param name="Tuned">The tuned scorecard, compiled.</param>
/// <param name="Before">The starting scorecard's backtest on the evaluation window.</param>
/// <param name="After">The tuned scorecard's backtest on the evaluation window.</param>
public sealed record ScorecardTuningEvaluation(ScorecardTuningResult Fit, CompiledScorecard Tuned, BacktestReport Before, BacktestReport After);

/// <summary>Whether a tuned weight belongs to a group or a metric.</summary>
public enum TunedWeightKind
{
    /// <summary>A group's weight.</summary>
    Group,

    /// <summary>A metric's weight.</summary>
    Metric,
}

/// <summary>A weight before and after tuning, normalised within its siblings.</summary>
/// <param name="Kind">Group or metric.</param>
/// <param name="Name">The group's or metric's name.</param>
/// <param name="Before">The starting weight.</param>
/// <param name="After">The learned weight.</param>
public sealed record TunedWeight(TunedWeightKind Kind, string Name, double Before, double After);
