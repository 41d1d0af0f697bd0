using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Churn.MlNet;

/// <summary>
/// ML.NET's raw scores (the learner's <c>Score</c> column) of a fitted learner on rows of the feature matrix: the
/// costly half of the parity proof, started as soon as the saved model's learner is fitted. One background worker
/// scores chunks of the rows while the other fits run (a LightGBM fit holds one core; the other would idle), and
/// <see cref="Complete"/> scores whatever chunks are left on every core, so the proof never waits on one thread.
/// </summary>
/// <remarks>Each chunk is its own ML.NET view and cursor writing its own slots, so the scores are the same bits
/// however the chunks are shared out.</remarks>
internal sealed class LearnerScores
{
    /// <summary>Rows per chunk: big enough that ML.NET's per-view set-up is noise, small enough to share out.</summary>
    public const int DefaultChunkRows = 16_384;

    private readonly int _chunkRows;

    private readonly float[] _features;
    private readonly int _width;
    private readonly bool[] _labels;
    private readonly float[] _scores;
    private readonly int _chunks;
    private readonly Task? _background;
    private int _claimed;

    private LearnerScores(ITransformer learner, float[] features, int width, int[] rows, int chunkRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        _chunkRows = chunkRows;
        Learner = learner;
        Rows = rows;
        _features = features;
        _width = width;
        _labels = new bool[features.Length / Math.Max(1, width)];
        _scores = new float[rows.Length];
        _chunks = (rows.Length + chunkRows - 1) / chunkRows;
        if (_chunks > 0)
        {
            _background = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>The learner scored.</summary>
    public ITransformer Learner { get; }

    /// <summary>The rows scored, in the order of the scores.</summary>
    public int[] Rows { get; }

    /// <summary>Starts scoring in the background: one worker, so the fits still running keep the other cores.</summary>
    public static LearnerScores Start(ITransformer learner, float[] features, int width, int[] rows, int chunkRows = DefaultChunkRows)
        => new(learner, features, width, rows, chunkRows);

    /// <summary>The scores, one per row of <see cref="Rows"/>: the chunks not yet claimed are scored on every core,
    /// then the background worker's last chunk is awaited. An error in any chunk is thrown here.</summary>
    public float[] Complete()
    {
        Parallel.For(0, Math.Clamp(Environment.ProcessorCount, 1, 8), _ => Work());
        _background?.GetAwaiter().GetResult();
        return _scores;
    }

    private void Work()
    {
        for (var chunk = Interlocked.Increment(ref _claimed) - 1; chunk < _chunks; chunk = Interlocked.Increment(ref _claimed) - 1)
        {
            var start = chunk * _chunkRows;
            var end = Math.Min(Rows.Length, start + _chunkRows);
            var output = Learner.Transform(new MatrixDataView(_features, _width, _labels, Rows[start..end]));
            PortableExport.ReadColumn(output, "Score", _scores.AsSpan(start, end - start), start);
        }
    }
}
