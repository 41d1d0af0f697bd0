using BenchmarkDotNet.Attributes;
using CsScoring.Benchmarks.Guards;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace CsScoring.Benchmarks.Churn;

/// <summary>
/// Single-row scoring of 10,000 distinct rows, one call per row (times are per row), with a 100-tree × 20-leaf
/// FastTree model. Baseline: ML.NET <c>PredictionEngine.Predict(input, ref output)</c>. TreeSHAP per row is reported
/// in the same table. Each instruction-set level (AVX-512, AVX2, SSE) is its own job, the baseline measured in each.
/// </summary>
[MemoryDiagnoser]
[Guarded]
[IsaJobs]
public class ChurnSingleRowBenchmarks
{
    private const int Rows = ChurnBenchmarkModel.Rows;
    private ChurnBenchmarkModel _model = null!;
    private PredictionEngine<ChurnBenchmarkModel.Input, ChurnBenchmarkModel.Output> _engine = null!;
    private ChurnBenchmarkModel.Input[] _inputs = null!;
    private ChurnBenchmarkModel.Output _output = null!;
    private float[] _contributions = null!;
    private float[] _onnxRow = null!;
    private OrtValue _onnxInput = null!;
    private string[] _onnxInputNames = null!;
    private string[] _onnxOutputNames = null!;
    private static readonly RunOptions s_runOptions = new();

    [GlobalSetup]
    public void Setup()
    {
        _model = ChurnBenchmarkModel.Instance;
        _engine = _model.Context.Model.CreatePredictionEngine<ChurnBenchmarkModel.Input, ChurnBenchmarkModel.Output>(_model.MlNetModel);
        _inputs = _model.Inputs.Select(f => new ChurnBenchmarkModel.Input { Features = f }).ToArray();
        _output = new ChurnBenchmarkModel.Output();
        _contributions = new float[ChurnBenchmarkModel.Features];
        _onnxRow = new float[ChurnBenchmarkModel.Features];
        _onnxInput = OrtValue.CreateTensorValueFromMemory(_onnxRow, [1, ChurnBenchmarkModel.Features]);
        _onnxInputNames = [.. _model.Onnx.InputNames];
        _onnxOutputNames = [_model.Onnx.OutputNames.First(n => n.StartsWith("Probability", StringComparison.Ordinal))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnxInput.Dispose();
        _engine.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "ML.NET PredictionEngine")]
    public float MlNetPredictionEngine()
    {
        var sum = 0f;
        foreach (var input in _inputs)
        {
            _engine.Predict(input, ref _output);
            sum += _output.Probability;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "CsScoring Predict")]
    [SpeedupGuard(4, WithoutAvx512 = 4, WithoutAvx2 = 2.5)]
    [ZeroAllocationGuard]
    public float CsScoringPredict()
    {
        var model = _model.Model;
        var rows = _model.Inputs;
        var sum = 0f;
        for (var i = 0; i < rows.Length; i++)
        {
            sum += model.Predict(rows[i]).Probability;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "ONNX Runtime single row (reference)")]
    public float OnnxSingleRow()
    {
        var sum = 0f;
        foreach (var row in _model.Inputs)
        {
            row.CopyTo(_onnxRow, 0);
            using var outputs = _model.Onnx.Run(s_runOptions, _onnxInputNames, [_onnxInput], _onnxOutputNames);
            sum += outputs[0].GetTensorDataAsSpan<float>()[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "CsScoring TreeSHAP (exact)")]
    [ZeroAllocationGuard]
    public double CsScoringTreeShap()
    {
        var model = _model.Explained;
        var rows = _model.Inputs;
        var sum = 0.0;
        for (var i = 0; i < rows.Length; i++)
        {
            sum += model.Explain(rows[i], _contributions);
        }

        return sum + _contributions[0];
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "CsScoring Predict (blend: linear + trees)")]
    [ZeroAllocationGuard]
    public float CsScoringPredictBlend()
    {
        var model = _model.Blend;
        var rows = _model.Inputs;
        var sum = 0f;
        for (var i = 0; i < rows.Length; i++)
        {
            sum += model.Predict(rows[i]).Probability;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "CsScoring blend explanation (exact)")]
    [ZeroAllocationGuard]
    public double CsScoringBlendExplain()
    {
        var model = _model.Blend;
        var rows = _model.Inputs;
        var sum = 0.0;
        for (var i = 0; i < rows.Length; i++)
        {
            sum += model.Explain(rows[i], _contributions);
        }

        return sum + _contributions[0];
    }
}
