using System.ComponentModel;
using System.Globalization;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Churn;

internal sealed class TrainSettings : PseudonymisingReadSettings
{
    [CommandOption("--data <FILE>")]
    [Description("The training data: CSV (delimiter detected) or Parquet, one row per account or per account snapshot.")]
    public string? Data { get; init; }

    [CommandOption("--label <COLUMN>")]
    [Description("The churn label column (e.g. 1/0, Yes/No, true/false). Rows whose label is blank are left out and counted.")]
    public string? Label { get; init; }

    [CommandOption("--positive <VALUE>")]
    [Description("The label value that means churn (inferred when obvious: 1, yes, true, churned).")]
    public string? Positive { get; init; }

    [CommandOption("--id <COLUMN>")]
    [Description("The account identifier: all rows of an account stay on one side of every split.")]
    public string? Id { get; init; }

    [CommandOption("--time <COLUMN>")]
    [Description("The snapshot date: validation becomes out-of-time (train on earlier snapshots, validate on the last window).")]
    public string? Time { get; init; }

    [CommandOption("--exclude <COLUMN>")]
    [Description("A column never to use as a feature (repeatable).")]
    public string[] Exclude { get; init; } = [];

    [CommandOption("--schema <FILE>")]
    [Description("A JSON schema file overriding inference: {\"columns\": {\"plan\": \"categorical\", \"notes\": \"ignore\", \"logins_30d\": {\"role\": \"signal\", \"signal\": \"usage\"}}}; kinds numeric, boolean, categorical, date, ignore; roles signal (usage, support, sentiment, billing) or context, recorded in the model for its reasons.")]
    public string? Schema { get; init; }

    [CommandOption("--trainer <NAME>")]
    [Description("lightgbm (default), fasttree, logistic, auto (search by cross-validated Brier score over --budget candidates with successive halving, then a linear + tree blend when it wins out of fold), or blend (logistic regression and lightgbm blended in margin space, weights chosen out of fold).")]
    [DefaultValue("lightgbm")]
    public string Trainer { get; init; } = "lightgbm";

    [CommandOption("--trees <N>")]
    [Description("Trees (boosting rounds) for fasttree/lightgbm (default: 200).")]
    [ImplicitDefault(typeof(TrainerSpec), nameof(TrainerSpec.DefaultTrees))]
    public int? Trees { get; init; }

    [CommandOption("--leaves <N>")]
    [Description("Leaves per tree (default: 8).")]
    [ImplicitDefault(typeof(TrainerSpec), nameof(TrainerSpec.DefaultLeaves))]
    public int? Leaves { get; init; }

    [CommandOption("--min-leaf <N>")]
    [Description("Minimum rows per leaf; by default 1% of the training rows, at least 2 and at most 50.")]
    public int? MinLeaf { get; init; }

    [CommandOption("--learning-rate <RATE>")]
    [Description("Learning rate, or shrinkage (default: 0.05).")]
    [ImplicitDefault(typeof(TrainerSpec), nameof(TrainerSpec.DefaultLearningRate))]
    public double? LearningRate { get; init; }

    [CommandOption("--budget <CANDIDATES>")]
    [Description("The auto search's budget: how many candidates of its fixed order it tries (default: 9). The default tries all of them. Each is cross-validated on the first repeat; the linear ones and the best quarter of the tree ones on every repeat.")]
    [ImplicitDefault(typeof(ChurnTrainingOptions), nameof(ChurnTrainingOptions.DefaultBudget))]
    public int? Budget { get; init; }

    [CommandOption("--time-budget <SECONDS>")]
    [Description("Removed: the search is bounded by --budget in candidates, so the same data and seed give the same model on any machine. Passing it is an error.")]
    public int? TimeBudget { get; init; }

    [CommandOption("--parallelism <N>")]
    [Description("Cross-validation fits run at once; unset, the number of cores (at most 8). The model does not depend on it.")]
    public int? Parallelism { get; init; }

    [CommandOption("--fold-column <COLUMN>")]
    [Description("A column holding each row's cross-validation fold (integers); repeat it for repeated cross-validation. Replaces the seeded folds and --folds/--repeats, so another tool can run the very same folds. The column is not a feature.")]
    public string[] FoldColumn { get; init; } = [];

    [CommandOption("--folds <K>")]
    [Description("Cross-validation folds; by default chosen by the labelled rows: 5 below 100,000, 3 below 500,000, 2 above (so from 100,000 rows on, every fold holds out at least 33,000).")]
    public int? Folds { get; init; }

    [CommandOption("--repeats <R>")]
    [Description("Cross-validation repeats (each with its own seeded folds).")]
    [DefaultValue(1)]
    public int Repeats { get; init; } = 1;

    [CommandOption("--validation-fraction <SHARE>")]
    [Description("Share of rows for validation (with --time: the last window's share).")]
    [DefaultValue(0.25)]
    public double ValidationFraction { get; init; } = 0.25;

    [CommandOption("--validation-accounts <SHARE>")]
    [Description("With --time and --id: the share of accounts whose last-window snapshots are validation.")]
    [DefaultValue(0.4)]
    public double ValidationAccounts { get; init; } = 0.4;

    [CommandOption("--horizon-days <DAYS>")]
    [Description("With --time: days until a snapshot's label is known (e.g. 90 for churn within 90 days); training keeps only snapshots labelled before the validation window.")]
    [DefaultValue(0)]
    public int HorizonDays { get; init; }

    [CommandOption("--negative-sample <SHARE>")]
    [Description("With one learner: each fit learns from every churned row and this seeded share of the others, weighted up by its inverse (0.25 fits about three times as fast). Every held-out row is still scored and calibration is fitted on those scores, so probabilities stay calibrated. By default every row up to 250,000 non-churned ones, else about 250,000 of them; 1 keeps every row. auto and blend always keep every row.")]
    public double? NegativeSample { get; init; }

    [CommandOption("--no-refit")]
    [Description("Save the model validated on the training split instead of refitting on every labelled row.")]
    public bool NoRefit { get; init; }

    [CommandOption("--action-cost <AMOUNT>")]
    [Description("Cost of one retention action, for the cost-based threshold.")]
    [DefaultValue(100.0)]
    public double ActionCost { get; init; } = 100;

    [CommandOption("--success-rate <SHARE>")]
    [Description("Share of would-be churners a retention action saves.")]
    [DefaultValue(0.3)]
    public double SuccessRate { get; init; } = 0.3;

    [CommandOption("--account-value <AMOUNT>")]
    [Description("Value kept when a churn is prevented.")]
    [DefaultValue(1000.0)]
    public double AccountValue { get; init; } = 1000;

    [CommandOption("--calibration <METHOD>")]
    [Description("auto (Platt or isotonic, the better by out-of-fold Brier score), platt or isotonic. ONNX export needs platt.")]
    [DefaultValue("auto")]
    public string Calibration { get; init; } = "auto";

    [CommandOption("--signing-key-file <FILE>")]
    [Description("Sign the model directory (signature.json, HMAC-SHA256 over every file's SHA-256) with the key in FILE; without it the CSSCORING_SIGNING_KEY environment variable is used when set. Load it with the same key (predict --signing-key-file).")]
    public string? SigningKeyFile { get; init; }

    [CommandOption("--allow-personal <COLUMN>")]
    [Description("Learn from a column that looks like personal data (names, e-mails, phones, addresses, IPs), which is otherwise left out. Repeat per column. Its category values then become part of the model (manifest.json).")]
    public string[] AllowPersonal { get; init; } = [];

    [CommandOption("--seed <N>")]
    [Description("The seed of every random choice; the same data and seed give the same model file.")]
    [DefaultValue(42)]
    public int Seed { get; init; } = 42;

    [CommandOption("--out <DIR>")]
    [Description("The model directory (written atomically; an existing one is replaced only with --force, after success).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace an existing model directory.")]
    public bool Force { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Data))
        {
            return ValidationResult.Error("--data is required");
        }

        if (string.IsNullOrWhiteSpace(Label))
        {
            return ValidationResult.Error("--label is required");
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return ValidationResult.Error("--out is required");
        }

        if (ParseTrainer(Trainer) is null)
        {
            return ValidationResult.Error($"--trainer must be auto, fasttree, lightgbm, logistic or blend, not '{Trainer}'");
        }

        if (TimeBudget is not null)
        {
            return ValidationResult.Error("--time-budget was removed: the search now stops on a budget in candidates (--budget), never in seconds, so the same data and seed give the same model on any machine; drop --time-budget or use --budget <CANDIDATES>");
        }

        if (Calibration is not ("auto" or "platt" or "isotonic"))
        {
            return ValidationResult.Error($"--calibration must be auto, platt or isotonic, not '{Calibration}'");
        }

        return ValidationResult.Success();
    }

    public static TrainerChoice? ParseTrainer(string text) => text.Trim().ToLower(CultureInfo.InvariantCulture) switch
    {
        "auto" => TrainerChoice.Auto,
        "fasttree" or "fast_tree" => TrainerChoice.FastTree,
        "lightgbm" or "light_gbm" => TrainerChoice.LightGbm,
        "logistic" or "logistic_regression" or "lbfgs" => TrainerChoice.Logistic,
        "blend" => TrainerChoice.Blend,
        _ => null,
    };
}
