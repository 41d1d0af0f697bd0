using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CsScoring.Training.Churn.Onnx;

/// <summary>An ONNX model with its parity against the compiled scorer.</summary>
/// <param name="Bytes">The <c>model.onnx</c> bytes.</param>
/// <param name="Rows">Rows compared (training rows plus edge rows).</param>
/// <param name="EdgeRows">Of those, edge rows.</param>
/// <param name="MaxScoreDifference">The largest |raw score difference|.</param>
/// <param name="MaxProbabilityDifference">The largest |probability difference|.</param>
internal sealed record OnnxExportResult(byte[] Bytes, long Rows, long EdgeRows, double MaxScoreDifference, double MaxProbabilityDifference);

/// <summary>
/// Writes a model as ONNX (<see cref="OnnxScorerGraph"/>) and proves with ONNX Runtime, before anything is written,
/// that the graph reproduces the library's compiled scorer on the scorer's edge rows and on the given rows (up to
/// <see cref="MaxParityRows"/> of them, spread evenly): probabilities to 1e-6 (NaN where the scorer gives NaN).
/// </summary>
/// <remarks>
/// The compiled scorer itself is proved against ML.NET on every training row (<see cref="MlNet.PortableExport"/>).
/// The graph is a translation of that scorer whose every split is exercised on and one ulp either side of its
/// threshold, with NaN and infinities, by the edge rows; beyond a hundred thousand rows, more training rows add time
/// (ONNX Runtime's trees cost about 2.5 µs a row, half a minute of cores for ten million rows) and no new case.
/// </remarks>
internal static class OnnxExport
{
    public const string FileName = "model.onnx";

    /// <summary>The largest probability difference accepted.</summary>
    public const double ProbabilityTolerance = 1e-6;

    /// <summary>The most training rows scored by ONNX Runtime for the parity; more are thinned to this many, evenly.</summary>
    public const int MaxParityRows = 100_000;

    private const int Block = 8192;

    /// <exception cref="ChurnModelException">ONNX Runtime cannot run the graph or disagrees with the compiled scorer.</exception>
    public static OnnxExportResult Export(ChurnModel compiled, PortableScorer scorer, ModelManifest manifest, float[] features, int width, int[] rows)
    {
        var names = manifest.Features.FeatureNames;
        var metadata = OnnxScorerGraph.Metadata(scorer, manifest.ScorerSha256, names, manifest.Thresholds);
        var bytes = OnnxScorerGraph.Build(scorer, names, metadata).ToBytes(ChurnArtifacts.LibraryVersion());

        var edges = scorer.SelfTest?.Rows ?? [];
        var edgeFeatures = new float[edges.Count * width];
        for (var i = 0; i < edges.Count; i++)
        {
            for (var f = 0; f < width; f++)
            {
                edgeFeatures[(i * width) + f] = edges[i][f];
            }
        }

        rows = Spread(rows, MaxParityRows);
        var parity = new Parity();
        try
        {
            using var session = OpenSession(bytes);
            Compare(session, compiled, edgeFeatures, width, [.. Enumerable.Range(0, edges.Count)], parity, "edge row");
            Compare(session, compiled, features, width, rows, parity, "training row");
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ChurnModelException(ChurnModelError.UnsupportedModel, $"ONNX Runtime cannot run the generated {FileName} ({ex.Message}); the model is not written.", innerException: ex);
        }

        return new OnnxExportResult(bytes, rows.Length + edges.Count, edges.Count, parity.MaxScore, parity.MaxProbability);
    }

    /// <summary>At most <paramref name="count"/> of the rows, evenly spread over them in their order (all when fewer).</summary>
    internal static int[] Spread(int[] rows, int count)
    {
        if (rows.Length <= count)
        {
            return rows;
        }

        var spread = new int[count];
        for (var i = 0; i < count; i++)
        {
            spread[i] = rows[(int)((long)i * rows.Length / count)];
        }

        return spread;
    }

    /// <summary>A single-threaded session, so runs are repeatable.</summary>
    public static InferenceSession OpenSession(byte[] onnx)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(onnx, options);
    }

    /// <summary>Scores row-major features with ONNX Runtime: the probability and score outputs.</summary>
    public static (float[] Probabilities, float[] Scores) Run(InferenceSession session, ReadOnlySpan<float> rowMajor, int rows, int width)
    {
        var inputNames = session.InputNames;
        if (inputNames.Count != width)
        {
            throw new ArgumentException($"the ONNX model has {inputNames.Count} inputs, not {width}", nameof(width));
        }

        var columns = new float[rows * width];
        Transpose(rowMajor[..(rows * width)].ToArray(), rows, width, columns);
        var probabilities = new float[rows];
        var scores = new float[rows];
        if (rows == 0)
        {
            return (probabilities, scores);
        }

        RunInto(session, inputNames, [OnnxScorerGraph.ProbabilityOutput, OnnxScorerGraph.ScoreOutput], columns, width, rows, probabilities, scores);
        return (probabilities, scores);
    }

    private static void Compare(InferenceSession session, ChurnModel compiled, float[] features, int width, int[] rows, Parity parity, string kind)
    {
        // Blocks are scored on the cores at once (ONNX Runtime's Run is thread-safe), then checked in row order, so
        // the first disagreement reported is the same either way. Each thread reuses its buffers: the block's rows
        // for the compiled scorer and the same rows feature by feature for the graph's [N, 1] inputs; the graph
        // writes its outputs straight into the block's slots.
        var inputNames = session.InputNames;
        if (inputNames.Count != width)
        {
            throw new ArgumentException($"the ONNX model has {inputNames.Count} inputs, not {width}", nameof(width));
        }

        string[] outputNames = [OnnxScorerGraph.ProbabilityOutput, OnnxScorerGraph.ScoreOutput];
        var predictions = new ChurnPrediction[rows.Length];
        var scores = new float[rows.Length];
        var probabilities = new float[rows.Length];
        var blocks = (rows.Length + Block - 1) / Block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 8) },
            () => (RowMajor: new float[Block * width], Columns: new float[Block * width]),
            (b, _, buffers) =>
            {
                var start = b * Block;
                var count = Math.Min(Block, rows.Length - start);
                var (rowMajor, columns) = buffers;
                for (var i = 0; i < count; i++)
                {
                    features.AsSpan(rows[start + i] * width, width).CopyTo(rowMajor.AsSpan(i * width, width));
                }

                compiled.PredictBatch(rowMajor.AsSpan(0, count * width), count, predictions.AsSpan(start, count));
                Transpose(rowMajor, count, width, columns);
                RunInto(session, inputNames, outputNames, columns, width, count, probabilities.AsMemory(start, count), scores.AsMemory(start, count));
                return buffers;
            },
            _ => { });

        for (var i = 0; i < rows.Length; i++)
        {
            parity.Check(predictions[i], scores[i], probabilities[i], kind, i);
        }
    }

    // Row-major rows to feature-major columns (feature f of row i at f * rows + i), 64 rows at a time so the rows
    // read stay in cache while each feature's run is written.
    private static void Transpose(float[] rowMajor, int rows, int width, float[] columns)
    {
        const int Tile = 64;
        for (var first = 0; first < rows; first += Tile)
        {
            var end = Math.Min(rows, first + Tile);
            for (var f = 0; f < width; f++)
            {
                var column = columns.AsSpan(f * rows, rows);
                for (var i = first; i < end; i++)
                {
                    column[i] = rowMajor[(i * width) + f];
                }
            }
        }
    }

    // One Run over feature-major columns (feature f at f * rows), its two outputs written into the given memory.
    private static void RunInto(InferenceSession session, IReadOnlyList<string> inputNames, string[] outputNames, float[] columns, int width, int rows, Memory<float> probabilities, Memory<float> scores)
    {
        long[] shape = [rows, 1];
        var values = new List<OrtValue>(width + 2);
        try
        {
            for (var f = 0; f < width; f++)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, columns.AsMemory(f * rows, rows), shape));
            }

            values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, probabilities, shape));
            values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, scores, shape));
            using var options = new RunOptions();
            session.Run(options, inputNames, values.GetRange(0, width), outputNames, values.GetRange(width, 2));
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private sealed class Parity
    {
        public double MaxScore { get; private set; }

        public double MaxProbability { get; private set; }

        public void Check(ChurnPrediction expected, float score, float probability, string kind, int index)
        {
            var probabilityDifference = Difference(probability, expected.Probability);
            if (!(probabilityDifference <= ProbabilityTolerance))
            {
                throw new ChurnModelException(ChurnModelError.UnsupportedModel, string.Create(CultureInfo.InvariantCulture,
                    $"{FileName} disagrees with the compiled scorer on {kind} {index}: probability {probability:R} vs {expected.Probability:R} (score {score:R} vs {expected.RawScore:R}); the model is not written."));
            }

            MaxProbability = Math.Max(MaxProbability, probabilityDifference);
            var scoreDifference = Difference(score, expected.RawScore);
            MaxScore = Math.Max(MaxScore, double.IsNaN(scoreDifference) ? double.PositiveInfinity : scoreDifference);
        }

        // Equal values (infinities and NaN included) differ by 0.
        private static double Difference(float actual, float expected)
            => actual.Equals(expected) ? 0 : Math.Abs((double)actual - expected);
    }
}
