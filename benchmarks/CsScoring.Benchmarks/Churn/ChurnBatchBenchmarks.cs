using BenchmarkDotNet.Attributes;
using CsScoring.Benchmarks.Guards;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace CsScoring.Benchmarks.Churn;

/// <summary>
/// Batch scoring of 10,000 distinct rows with a 100-tree × 20-leaf FastTree model; times are per row. Baseline:
/// ML.NET <c>Transform</c> plus enumeration of the Probability column. Each instruction-set level (AVX-512, AVX2,
/// SSE) is its own job, the baseline measured in each.
/// </summary>
[MemoryDiagnoser]
[Guarded]
[IsaJobs]
public class ChurnBatchBenchmarks
{
    private const int Rows = ChurnBenchmarkModel.Rows;
    private ChurnBenchmarkModel _model = null!;
    private float[] _probabilities = null!;
    private OrtValue _onnxInput = null!;
    private string[] _onnxInputNames = null!;
    private string[] _onnxOutputNames = null!;
    private static readonly RunOptions s_runOptions = new();

    [GlobalSetup]
    public void Setup()
    {
        _model = ChurnBenchmarkModel.Instance;
        _probabilities = new float[Rows];
        _onnxInput = OrtValue.CreateTensorValueFromMemory(_model.RowMajor, [Rows, ChurnBenchmarkModel.Features]);
        _onnxInputNames = [.. _model.Onnx.InputNames];
        _onnxOutputNames = [_model.Onnx.OutputNames.First(n => n.StartsWith("Probability", StringComparison.Ordinal))];
    }

    [GlobalCleanup]
    public void Cleanup() => _onnxInput.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "ML.NET Transform + enumerate")]
    public float MlNetTransform()
    {
        var scored = _model.MlNetModel.Transform(_model.DataView);
        var column = scored.Schema["Probability"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        float probability = 0, sum = 0;
        while (cursor.MoveNext())
        {
            getter(ref probability);
            sum += probability;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "CsScoring PredictBatch")]
    [SpeedupGuard(5, WithoutAvx512 = 5, WithoutAvx2 = 2.5)]
    [ZeroAllocationGuard]
    public float CsScoringBatch()
    {
        _model.Model.PredictBatch(_model.RowMajor, Rows, _probabilities);
        return _probabilities[Rows - 1];
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "CsScoring PredictBatch (blend: linear + trees)")]
    [ZeroAllocationGuard]
    public float CsScoringBatchBlend()
    {
        _model.Blend.PredictBatch(_model.RowMajor, Rows, _probabilities);
        return _probabilities[Rows - 1];
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "CsScoring PredictBatchParallel")]
    public float CsScoringBatchParallel()
    {
        _model.Model.PredictBatchParallel(_model.RowMajor, Rows, _probabilities);
        return _probabilities[Rows - 1];
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "ONNX Runtime batch (reference)")]
    public float OnnxBatch()
    {
        using var outputs = _model.Onnx.Run(s_runOptions, _onnxInputNames, [_onnxInput], _onnxOutputNames);
        return outputs[0].GetTensorDataAsSpan<float>()[Rows - 1];
    }
}
