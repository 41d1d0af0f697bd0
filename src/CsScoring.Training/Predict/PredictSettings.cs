using System.ComponentModel;
using CsScoring.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Predict;

internal sealed class PredictSettings : PseudonymisingReadSettings
{
    [CommandOption("--signing-key-file <FILE>")]
    [Description("Require the model directory's signature (signature.json) to verify with the key in FILE; without it the CSSCORING_SIGNING_KEY environment variable is used when set.")]
    public string? SigningKeyFile { get; init; }

    [CommandOption("--model <DIR>")]
    [Description("The model directory written by 'csscoring train' (manifest.json and model.zip).")]
    public string? Model { get; init; }

    [CommandOption("--data <FILE>")]
    [Description("The accounts to score: a CSV or Parquet file, or a folder of Parquet part files, with the columns the model was trained on (streamed, so any size works).")]
    public string? Data { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("The predictions to write (atomically; CSV, or Parquet when the name ends in .parquet): id, as-of, churn_probability, risk_band, raw_score and the reasons.")]
    public string? Out { get; init; }

    [CommandOption("--features-out <FILE>")]
    [Description("Also write the model's input matrix (CSV, or Parquet when the name ends in .parquet): the id and as-of columns, one column per model feature named as model.onnx's inputs, then probability and score at full precision. For scoring with model.onnx elsewhere and checking it against predict.")]
    public string? FeaturesOut { get; init; }

    [CommandOption("--explain <K>")]
    [Description("How many reasons (exact TreeSHAP drivers) to give per row; 0 for none. They are relative to the training rows stored with the model (background.json), or to the scored rows for a model directory without one.")]
    [DefaultValue(3)]
    public int Explain { get; init; } = 3;

    [CommandOption("--top <N>")]
    [Description("How many of the highest-risk accounts to list in the result.")]
    [DefaultValue(10)]
    public int Top { get; init; } = 10;

    [CommandOption("--force")]
    [Description("Replace an existing output file.")]
    public bool Force { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
        {
            return ValidationResult.Error("--model is required: the model directory to score with.");
        }

        if (string.IsNullOrWhiteSpace(Data))
        {
            return ValidationResult.Error("--data is required: the CSV of accounts to score.");
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return ValidationResult.Error("--out is required: the predictions CSV to write.");
        }

        if (TableOutputName.Check(Out, "--out") is { Successful: false } badName)
        {
            return badName;
        }

        if (FeaturesOut is not null && (string.IsNullOrWhiteSpace(FeaturesOut) ? ValidationResult.Error("--features-out must not be blank.") : TableOutputName.Check(FeaturesOut, "--features-out")) is { Successful: false } badFeatures)
        {
            return badFeatures;
        }

        if (FeaturesOut is not null && string.Equals(Path.GetFullPath(FeaturesOut), Path.GetFullPath(Out), StringComparison.Ordinal))
        {
            return ValidationResult.Error($"--features-out '{FeaturesOut}' is the same file as --out.");
        }

        if (Explain is < 0 or > 100)
        {
            return ValidationResult.Error($"--explain must be between 0 and 100 reasons per row, not {Explain}.");
        }

        if (Top < 0)
        {
            return ValidationResult.Error($"--top must be >= 0, not {Top}.");
        }

        return ValidationResult.Success();
    }
}
