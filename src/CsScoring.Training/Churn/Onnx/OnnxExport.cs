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
/// that the graph reproduces the library's compiled scorer on every given row and on the scorer's edge rows:
/// probabilities to 1e-6 (NaN where the scorer gives NaN).
/// </summary>
internal static class OnnxExport
{
    public const string FileName = "model.onnx";

    /// <summary>The largest probability difference accepted.</summary>
    public const double ProbabilityTolerance = 1e-6;

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

        var inputs = new List<NamedOnnxValue>(width);
        for (var f = 0; f < width; f++)
        {
            var column = new float[rows];
            for (var r = 0; r < rows; r++)
            {
                column[r] = rowMajor[(r * width) + f];
            }

            inputs.Add(NamedOnnxValue.CreateFromTensor(inputNames[f], new DenseTensor<float>(column, [rows, 1])));
        }

        using var results = session.Run(inputs, [OnnxScorerGraph.ProbabilityOutput, OnnxScorerGraph.ScoreOutput]);
        return ([.. results[0].AsEnumerable<float>()], [.. results[1].AsEnumerable<float>()]);
    }

    private static void Compare(InferenceSession session, ChurnModel compiled, float[] features, int width, int[] rows, Parity parity, string kind)
    {
        // Blocks are scored on the cores at once (ONNX Runtime's Run is thread-safe; each block has its own buffers
        // and output slots), then checked in row order, so the first disagreement reported is the same either way.
        var predictions = new ChurnPrediction[rows.Length];
        var scores = new float[rows.Length];
        var probabilities = new float[rows.Length];
        var blocks = (rows.Length + Block - 1) / Block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 8) }, b =>
        {
            var start = b * Block;
            var count = Math.Min(Block, rows.Length - start);
            var buffer = new float[count * width];
            for (var i = 0; i < count; i++)
            {
                features.AsSpan(rows[start + i] * width, width).CopyTo(buffer.AsSpan(i * width, width));
            }

            compiled.PredictBatch(buffer, count, predictions.AsSpan(start, count));
            var (blockProbabilities, blockScores) = Run(session, buffer, count, width);
            blockProbabilities.CopyTo(probabilities, start);
            blockScores.CopyTo(scores, start);
        });

        for (var i = 0; i < rows.Length; i++)
        {
            parity.Check(predictions[i], scores[i], probabilities[i], kind, i);
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
