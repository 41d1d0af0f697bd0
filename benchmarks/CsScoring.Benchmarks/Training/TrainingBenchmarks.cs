using BenchmarkDotNet.Attributes;
using CsScoring.Training.Churn;

namespace CsScoring.Benchmarks.Training;

/// <summary>
/// Churn training at scale over a generated export (30 feature columns, 42 features after one-hot): the baseline
/// streams the file twice (profile, then map into the feature matrix); <see cref="Train"/> adds the whole pipeline
/// (FastTree, 100 trees, 3-fold grouped stratified CV, calibration, validation, permutation importance; no refit).
/// Rows default to 100,000; set CSSCORING_TRAINING_ROWS=100000,1000000 for the large case (minutes per run).
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private string _path = string.Empty;

    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    public static IEnumerable<int> RowCounts()
        => (Environment.GetEnvironmentVariable("CSSCORING_TRAINING_ROWS") ?? "100000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse);

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"csscoring-training-bench-{Rows}.csv");
        TrainingData.Write(_path, Rows, seed: 11);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true)]
    public int LoadAndMap() => ChurnDataset.Load(Options().Data).Rows;

    [Benchmark]
    public double Train() => new ChurnTrainer(Options()).Train().Validation.Auc;

    private ChurnTrainingOptions Options() => new()
    {
        Data = new ChurnDataOptions { DataPath = _path, Label = "churn", IdColumn = "id", Exclude = ["as_of"], Seed = 11 },
        Trainer = TrainerChoice.FastTree,
        Trees = 100,
        Folds = 3,
        Refit = false,
    };
}
