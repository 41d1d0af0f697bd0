using CsScoring.Churn.Trees;
using CsScoring.Training.Churn.MlNet;
using Microsoft.ML;

namespace CsScoring.Training.Churn;

/// <summary>
/// Scores rows of the training matrix for cross-validation, validation and permutation importance. Tree learners are
/// scored through the library's compiled trees, whose raw scores equal ML.NET's bit for bit (the exporter proves it
/// on every training row before a model is written), at a fraction of ML.NET's per-row cost. Linear learners stay on
/// ML.NET: its SIMD dot product sums in another order than any scalar loop, and the figures must not move.
/// </summary>
/// <remarks>Not thread-safe (one block buffer); create one per thread.</remarks>
internal sealed class CompiledScorer
{
    private const int Block = 4096;
    private readonly TreeEnsemble? _trees;
    private readonly ITransformer _learner;
    private readonly int _width;
    private float[]? _buffer;

    private CompiledScorer(ITransformer learner, TreeEnsemble? trees, int width)
    {
        _learner = learner;
        _trees = trees;
        _width = width;
    }

    /// <summary>Whether the compiled trees score (else ML.NET does).</summary>
    public bool IsCompiled => _trees is not null;

    /// <summary>A scorer for an ML.NET learner (a calibrated binary predictor) over rows of <paramref name="width"/> features.</summary>
    public static CompiledScorer For(ITransformer learner, int width)
    {
        var portable = MlNetModelReader.Read(learner, MatrixDataView.CreateSchema(width), null);
        return new CompiledScorer(learner, portable.Trees is { } trees ? TreeEnsemble.FromPortable(trees, width) : null, width);
    }

    /// <summary>Raw scores (the learner's <c>Score</c> column) of the given rows of a row-major matrix.</summary>
    public void RawScores(float[] features, ReadOnlySpan<int> rows, Span<float> scores)
    {
        if (_trees is null)
        {
            MlNetScores(features, rows.ToArray(), scores);
            return;
        }

        _buffer ??= new float[Block * _width];
        for (var start = 0; start < rows.Length; start += Block)
        {
            var count = Math.Min(Block, rows.Length - start);
            for (var i = 0; i < count; i++)
            {
                features.AsSpan(rows[start + i] * _width, _width).CopyTo(_buffer.AsSpan(i * _width, _width));
            }

            _trees.ScoreBatch(_buffer.AsSpan(0, count * _width), count, scores.Slice(start, count));
        }
    }

    /// <summary>Raw scores of every row of a contiguous row-major matrix (no copy for trees).</summary>
    public void RawScores(float[] features, Span<float> scores)
    {
        var rows = features.Length / _width;
        if (_trees is null)
        {
            MlNetScores(features, [.. Enumerable.Range(0, rows)], scores);
            return;
        }

        _trees.ScoreBatch(features, rows, scores);
    }

    private void MlNetScores(float[] features, int[] rows, Span<float> scores)
    {
        var output = _learner.Transform(new MatrixDataView(features, _width, new bool[features.Length / _width], rows));
        var column = output.Schema["Score"];
        using var cursor = output.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        var value = 0f;
        for (var i = 0; cursor.MoveNext(); i++)
        {
            getter(ref value);
            scores[i] = value;
        }
    }
}

/// <summary>
/// A fitted model's calibrated probabilities computed as ML.NET's chain computes them: the learner's raw score (for
/// a blend, both components' scores blended by the model's rule), then ML.NET's own calibrator, whose float
/// probability is widened exactly as the chain's <c>Probability</c> column is read. Same bits, without the chain.
/// </summary>
/// <remarks>Not thread-safe; create one per thread.</remarks>
internal sealed class FittedModelScorer
{
    private readonly CompiledScorer _primary;
    private readonly CompiledScorer? _linear;
    private readonly BlendWeights? _weights;
    private readonly FittedCalibrator _calibrator;
    private float[] _scores = [];
    private float[] _linearScores = [];

    public FittedModelScorer(FittedModel model, int width)
    {
        _calibrator = model.Calibrator;
        if (model.Blend is { } blend)
        {
            _primary = CompiledScorer.For(blend.Tree, width);
            _linear = CompiledScorer.For(blend.Linear, width);
            _weights = blend.Weights;
        }
        else
        {
            _primary = CompiledScorer.For(model.Learner, width);
        }
    }

    /// <summary>Probabilities of the given rows of a row-major matrix.</summary>
    public void Probabilities(float[] features, ReadOnlySpan<int> rows, Span<double> probabilities)
    {
        var scores = Scratch(ref _scores, rows.Length);
        _primary.RawScores(features, rows, scores);
        if (_linear is not null)
        {
            var linear = Scratch(ref _linearScores, rows.Length);
            _linear.RawScores(features, rows, linear);
            Blend(linear, scores);
        }

        Calibrate(scores, probabilities);
    }

    /// <summary>Probabilities of every row of a contiguous row-major matrix.</summary>
    public void Probabilities(float[] features, Span<double> probabilities)
    {
        var scores = Scratch(ref _scores, probabilities.Length);
        _primary.RawScores(features, scores);
        if (_linear is not null)
        {
            var linear = Scratch(ref _linearScores, probabilities.Length);
            _linear.RawScores(features, linear);
            Blend(linear, scores);
        }

        Calibrate(scores, probabilities);
    }

    private static Span<float> Scratch(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer.AsSpan(0, length);
    }

    private void Blend(ReadOnlySpan<float> linear, Span<float> tree)
    {
        for (var i = 0; i < tree.Length; i++)
        {
            tree[i] = _weights!.Margin(linear[i], tree[i]);
        }
    }

    private void Calibrate(ReadOnlySpan<float> scores, Span<double> probabilities)
    {
        for (var i = 0; i < scores.Length; i++)
        {
            probabilities[i] = _calibrator.Predict(scores[i]);
        }
    }
}
