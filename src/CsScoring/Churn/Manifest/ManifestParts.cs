using System.Text.Json.Serialization;

namespace CsScoring.Churn.Manifest;

/// <summary>The label a model was trained on.</summary>
/// <param name="Column">The label column.</param>
/// <param name="Positive">The cell text (trimmed) that means "churned"; other non-blank values are negative.</param>
public sealed record ManifestLabel(string Column, string Positive);

/// <summary>The trainer and its settings.</summary>
/// <param name="Name">The trainer (<c>fast_tree</c>, <c>light_gbm</c>, <c>logistic_regression</c>).</param>
/// <param name="Hyperparameters">Its settings by name (snake_case), e.g. <c>number_of_trees</c>.</param>
public sealed record ManifestTrainer(string Name, IReadOnlyDictionary<string, double> Hyperparameters);

/// <summary>The calibrator after the learner (fitted on out-of-fold scores).</summary>
/// <remarks>
/// Platt: <c>p = 1 / (1 + exp(slope × score + offset))</c>. Isotonic: ML.NET's bins, where score <c>s</c> with
/// <c>mins[i] &lt;= s &lt;= maxes[i]</c> gives <c>values[i]</c>, scores between bins interpolate linearly between the
/// neighbouring values, and scores outside take the first or last value; <c>thresholds</c> repeats <c>maxes</c>.
/// </remarks>
public sealed record ManifestCalibration
{
    /// <summary>The method.</summary>
    public required CalibrationMethod Method { get; init; }

    /// <summary>Platt slope (negative when higher scores mean churn).</summary>
    public double? Slope { get; init; }

    /// <summary>Platt offset.</summary>
    public double? Offset { get; init; }

    /// <summary>Isotonic: the upper score bound of each bin.</summary>
    public IReadOnlyList<double>? Thresholds { get; init; }

    /// <summary>Isotonic: the probability of each bin.</summary>
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>Isotonic: the lower score bound of each bin.</summary>
    public IReadOnlyList<double>? Mins { get; init; }

    /// <summary>Isotonic: the upper score bound of each bin.</summary>
    public IReadOnlyList<double>? Maxes { get; init; }

    /// <summary>The Brier score of this calibrator on the out-of-fold scores it was chosen on.</summary>
    public double? OutOfFoldBrier { get; init; }
}

/// <summary>Probability cut-offs for risk bands.</summary>
/// <param name="High">A probability at or above it is <c>high</c> risk.</param>
/// <param name="Medium">At or above it (and below <paramref name="High"/>) is <c>medium</c>; below is <c>low</c>.</param>
public sealed record RiskBandThresholds(double High, double Medium);

/// <summary>Decision thresholds chosen in training on out-of-fold predictions.</summary>
/// <param name="F1">The probability threshold that maximised F1.</param>
/// <param name="Cost">The threshold that maximised the expected value of a retention action (see <see cref="CostModel"/>).</param>
/// <param name="Bands">Risk band cut-offs.</param>
public sealed record ManifestThresholds(double F1, double Cost, RiskBandThresholds Bands)
{
    /// <summary>The economics behind <see cref="Cost"/>, or <see langword="null"/>.</summary>
    public CostModel? CostModel { get; init; }
}

/// <summary>
/// The economics of acting on a churn prediction: acting on an account costs <see cref="ActionCost"/>; when the
/// account would have churned, the action saves it with probability <see cref="SuccessRate"/>, keeping
/// <see cref="AccountValue"/>. Expected value of acting on probability p: p × rate × value − cost.
/// </summary>
/// <param name="ActionCost">Cost of one retention action (currency units, ≥ 0).</param>
/// <param name="SuccessRate">Probability the action prevents a churn, in [0, 1].</param>
/// <param name="AccountValue">Value kept when a churn is prevented (currency units, &gt; 0).</param>
public sealed record CostModel(double ActionCost, double SuccessRate, double AccountValue);

/// <summary>A metric over cross-validation folds.</summary>
/// <param name="Mean">The mean over folds.</param>
/// <param name="Sd">The sample standard deviation over folds (0 with one fold).</param>
public readonly record struct MetricSummary(double Mean, double Sd);

/// <summary>Metrics recorded in the manifest.</summary>
public sealed record ManifestMetrics
{
    /// <summary>Validation metrics by name (<c>auc</c>, <c>pr_auc</c>, <c>log_loss</c>, <c>brier</c>, <c>ece</c>, ...).</summary>
    public required IReadOnlyDictionary<string, double> Validation { get; init; }

    /// <summary>Cross-validation metrics (mean and sd) by the same names, or <see langword="null"/>.</summary>
    [JsonPropertyName("cv")]
    public IReadOnlyDictionary<string, MetricSummary>? Cv { get; init; }
}
