using System.Globalization;
using BenchmarkDotNet.Attributes;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;

namespace CsScoring.Benchmarks.Churn;

/// <summary>
/// Exact TreeSHAP alone, per account, over a batch of distinct accounts (times are per account). Models: the
/// portfolio's (<c>csscoring train --trainer fasttree</c>, 200 trees × 8 leaves, on a generated sample; rows are the
/// sample's snapshots mapped as the portfolio maps them) and the single-row benchmark's FastTree 100 trees × 20 leaves
/// (whose trees are mostly too large to tabulate). <c>ExplainBatch</c> explains all the rows in one call, as the portfolio
/// does, tree by tree over blocks of 64 rows (eight at a time with AVX2). Baseline: the recursive Algorithm 2 the library used before its
/// per-tree tables, kept in <see cref="RecursiveTreeShapBaseline"/>, so the ratio is measured in the same run. Not part of
/// the CI guard: the 20-leaf model gains nothing (its trees exceed the tables' limits), and zero allocation is asserted
/// by the unit tests.
/// </summary>
[MemoryDiagnoser]
public class ExplanationBenchmarks
{
    private const int Rows = 10_000;
    private string _directory = string.Empty;
    private ChurnModel _model = null!;
    private RecursiveTreeShapBaseline _baseline = null!;
    private float[][] _rows = null!;
    private float[] _contributions = null!;
    private float[] _flatRows = null!;
    private float[] _batchContributions = null!;
    private ChurnReason[] _reasons = null!;

    /// <summary>Which model is explained.</summary>
    [Params("portfolio-200x8", "fasttree-100x20")]
    public string Model { get; set; } = "portfolio-200x8";

    [GlobalSetup]
    public void Setup()
    {
        if (Model == "fasttree-100x20")
        {
            var benchmark = ChurnBenchmarkModel.Instance;
            _model = benchmark.Explained;
            _rows = benchmark.Inputs;
        }
        else
        {
            (_model, _rows) = TrainPortfolioModel();
        }

        _baseline = new RecursiveTreeShapBaseline(_model.Trees!);
        _contributions = new float[_model.FeatureCount];
        _flatRows = [.. _rows.SelectMany(row => row)];
        _batchContributions = new float[_flatRows.Length];
        _reasons = new ChurnReason[3];
        CheckAgreement();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Recursive TreeSHAP (previous algorithm)")]
    public double Recursive()
    {
        var sum = 0.0;
        foreach (var row in _rows)
        {
            sum += _baseline.Explain(row, _contributions);
        }

        return sum + _contributions[0];
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "ChurnModel.Explain (tabulated TreeSHAP)")]
    public double Explain()
    {
        var sum = 0.0;
        foreach (var row in _rows)
        {
            sum += _model.Explain(row, _contributions);
        }

        return sum + _contributions[0];
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "ChurnModel.ExplainBatch (64-row blocks, tree by tree)")]
    public double ExplainBatch() => _model.ExplainBatch(_flatRows, _batchContributions) + _batchContributions[0];

    [Benchmark(OperationsPerInvoke = Rows, Description = "Explain + top 3 reasons")]
    public int ExplainTopThree()
    {
        var written = 0;
        foreach (var row in _rows)
        {
            _model.Explain(row, _contributions);
            written += _model.TopReasons(row, _contributions, _reasons);
        }

        return written;
    }

    // The tabulated contributions are the recursive ones up to the order of floating additions (per-tree subtotals).
    private void CheckAgreement()
    {
        var shap = new TreeShap(_model.Trees!);
        var tabulated = new double[_model.FeatureCount];
        var recursive = new double[_model.FeatureCount];
        var worst = 0.0;
        foreach (var row in _rows)
        {
            shap.Explain(row, tabulated);
            _baseline.Explain(row, recursive);
            for (var f = 0; f < tabulated.Length; f++)
            {
                worst = Math.Max(worst, Math.Abs(tabulated[f] - recursive[f]));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {Model}: {shap.TabulatedTrees} of {_model.Trees!.TreeCount} trees tabulated ({shap.TableBytes / 1024.0:F0} KiB); largest difference from the recursive algorithm {worst:E2}"));
        if (!(worst <= 1e-12))
        {
            throw new InvalidOperationException($"The tabulated contributions differ from the recursive ones by {worst}.");
        }
    }

    // The portfolio benchmark's model: the console's defaults on a generated sample, with the background it saves.
    private (ChurnModel Model, float[][] Rows) TrainPortfolioModel()
    {
        _directory = Directory.CreateTempSubdirectory("csscoring-explain-bench-").FullName;
        var sample = Directory.CreateDirectory(Path.Combine(_directory, "sample")).FullName;
        SampleGenerator.Generate(new SampleOptions { Accounts = 2_000, Months = 13, Seed = 7 }, sample);
        var accounts = Path.Combine(sample, "accounts.csv");
        var directory = Path.Combine(_directory, "model");
        var code = CliApp.Run(["train", "--data", accounts, "--label", "churned_within_90d", "--id", "account_id", "--time", "as_of", "--trainer", "fasttree", "--folds", "2", "--repeats", "1", "--out", directory, "--quiet"], TextWriter.Null, TextWriter.Null);
        if (code != 0)
        {
            throw new InvalidOperationException($"Training the benchmark model failed with exit code {code}.");
        }

        var model = ChurnModel.Load(directory);
        var rows = new List<float[]>(Rows);
        using var reader = TabularReader.Open(accounts);
        while (rows.Count < Rows && reader.Read())
        {
            var features = new float[model.FeatureCount];
            model.Mapper.Map(reader, features);
            rows.Add(features);
        }

        return (model, [.. rows]);
    }
}
