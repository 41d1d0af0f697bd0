using CsScoring.Churn.Manifest;

namespace CsScoring.Training.Churn;

/// <summary>Which learner <c>train</c> uses.</summary>
internal enum TrainerChoice
{
    Auto,
    FastTree,
    LightGbm,
    Logistic,

    /// <summary>A margin-space blend of logistic regression and LightGBM, weighted out of fold.</summary>
    Blend,
}

/// <summary>Everything a training run needs besides the data; validated by <see cref="Validate"/>.</summary>
internal sealed record ChurnTrainingOptions
{
    public required ChurnDataOptions Data { get; init; }

    /// <summary>The learner; LightGBM by default (the AUC of FastTree with fits 2.4 times as fast and a thirtieth of the allocations).</summary>
    public TrainerChoice Trainer { get; init; } = TrainerChoice.LightGbm;

    public int? Trees { get; init; }

    public int? Leaves { get; init; }

    public int? MinLeaf { get; init; }

    public double? LearningRate { get; init; }

    /// <summary>Cross-validation folds (K), or <see langword="null"/> for <see cref="TrainingScale.FoldsFor"/> of the labelled rows.</summary>
    public int? Folds { get; init; }

    /// <summary>Cross-validation repeats (R), each with its own seeded fold assignment.</summary>
    public int Repeats { get; init; } = 1;

    /// <summary>Share of rows held out for validation (the time window with a time column).</summary>
    public double ValidationFraction { get; init; } = 0.25;

    /// <summary>With a time and an id column: the share of accounts whose last-window snapshots form validation.</summary>
    public double ValidationGroupShare { get; init; } = 0.4;

    /// <summary>Days after a snapshot until its label is known; training snapshots must be labelled before the validation window.</summary>
    public int HorizonDays { get; init; }

    /// <summary>
    /// The <c>auto</c> search's budget in candidates: the first this many of its fixed order are tried. A count, never
    /// seconds, so the chosen model does not depend on the machine's speed or load.
    /// </summary>
    public int Budget { get; init; } = DefaultBudget;

    /// <summary>The default <see cref="Budget"/>: the whole search space.</summary>
    public const int DefaultBudget = 9;

    /// <summary>Cross-validation fits run at once; the results do not depend on it.</summary>
    public int Parallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>Columns holding each row's fold, one per repeat; when given they replace the seeded folds (and --folds, --repeats).</summary>
    public IReadOnlyList<string> FoldColumns { get; init; } = [];

    /// <summary>
    /// The share of non-churned rows each fit of a fixed learner learns from (every churned row is kept, and the kept
    /// others are weighted by the inverse share); 1 keeps every row. Cross-validation still scores every held-out row
    /// and the calibrator is fitted on those scores, so probabilities keep the data's base rate.
    /// <see langword="null"/> chooses it from the data (<see cref="TrainingScale.NegativeSampleRateFor"/>) for one
    /// learner, and keeps every row for <c>auto</c> and <c>blend</c>.
    /// </summary>
    public double? NegativeSampleRate { get; init; }

    /// <summary>Whether the saved model is retrained on every labelled row once validation is done.</summary>
    public bool Refit { get; init; } = true;

    public CostModel Cost { get; init; } = new(100, 0.3, 1000);

    /// <summary>A forced calibration method, or <see langword="null"/> to keep the better by out-of-fold Brier score.</summary>
    public CalibrationMethod? Calibration { get; init; }

    public int Seed => Data.Seed;

    public void Validate()
    {
        if (Folds is < 2 or > 50)
        {
            throw new ArgumentException("--folds must be between 2 and 50");
        }

        if (Repeats < 1 || Repeats > 20)
        {
            throw new ArgumentException("--repeats must be between 1 and 20");
        }

        if (!(ValidationFraction is > 0.01 and < 0.9))
        {
            throw new ArgumentException("--validation-fraction must be in (0.01, 0.9)");
        }

        if (!(ValidationGroupShare is > 0.01 and < 0.9))
        {
            throw new ArgumentException("--validation-accounts must be in (0.01, 0.9)");
        }

        if (HorizonDays < 0)
        {
            throw new ArgumentException("--horizon-days must be >= 0");
        }

        if (!(Cost.ActionCost >= 0) || !(Cost.SuccessRate is >= 0 and <= 1) || !(Cost.AccountValue > 0))
        {
            throw new ArgumentException("--action-cost must be >= 0, --success-rate in [0, 1] and --account-value > 0");
        }

        if (Budget < 1)
        {
            throw new ArgumentException("--budget must be at least 1 candidate");
        }

        if (Parallelism < 1)
        {
            throw new ArgumentException("--parallelism must be at least 1");
        }

        if (NegativeSampleRate is { } rate && !(rate is > 0 and <= 1))
        {
            throw new ArgumentException("--negative-sample must be in (0, 1]");
        }

        if (NegativeSampleRate < 1 && Trainer is TrainerChoice.Auto or TrainerChoice.Blend)
        {
            throw new ArgumentException("--negative-sample needs one learner (fasttree, lightgbm or logistic), not auto or blend");
        }
    }
}
