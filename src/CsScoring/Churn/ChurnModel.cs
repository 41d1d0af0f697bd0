using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Churn.Trees;

namespace CsScoring.Churn;

/// <summary>
/// A trained churn model, loaded, verified and compiled for serving: maps raw account data to features exactly as
/// training did, predicts calibrated churn probabilities with risk bands, and explains them with exact TreeSHAP.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Load(string)"/> reads <c>manifest.json</c>, checks the SHA-256 of
/// <c>model.zip</c> against it, loads the ML.NET model, compiles its trees (FastTree, LightGBM) or weights (logistic
/// regression) and calibrator into flat arrays, validates them, checks them against the manifest, and (by default)
/// proves on probe rows that the compiled model and ML.NET agree. A model that fails any check raises
/// <see cref="ChurnModelException"/> and is never scored.
/// </para>
/// <para>
/// Thread safety: an instance is immutable; any number of threads may call every member at once.
/// <see cref="Predict(ReadOnlySpan{float})"/>, <see cref="PredictBatch(ReadOnlySpan{float}, int, Span{float})"/>
/// and <see cref="Explain(ReadOnlySpan{float}, Span{float})"/> allocate nothing.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var model = ChurnModel.Load("models/churn");
/// Span&lt;float&gt; features = stackalloc float[model.FeatureCount];
/// model.MapFeatures(new Dictionary&lt;string, string?&gt; { ["seats"] = "12", ["plan"] = "pro" }, features);
/// ChurnPrediction prediction = model.Predict(features);
/// </code>
/// </example>
public sealed partial class ChurnModel
{
    private const int StackRows = 256;
    private readonly ChurnScorer _scorer;
    private readonly TreeShap? _shap;
    private readonly double[]? _means;
    private readonly double _linearExpected;
    private readonly TreeShap?[]? _componentShap;
    private readonly double[]? _componentExpected;
    private readonly double _blendExpected;
    private readonly long _backgroundRows;
    private readonly string? _population;
    private readonly float _high;
    private readonly float _medium;
    private readonly ConcurrentDictionary<Type, object> _recordMappers = new();

    private ChurnModel(ModelManifest manifest, ChurnScorer scorer, string? source, double[]? means, long backgroundRows = 0, string? population = null)
    {
        Manifest = manifest;
        _backgroundRows = backgroundRows;
        _population = population;
        _scorer = scorer;
        Source = source;
        Mapper = new FeatureMapper(manifest.Features);
        _high = (float)manifest.Thresholds.Bands.High;
        _medium = (float)manifest.Thresholds.Bands.Medium;
        if (scorer.Trees is { HasCovers: true } trees)
        {
            _shap = new TreeShap(trees);
        }

        if (scorer.IsBlend)
        {
            // A blend explains once every tree component has covers and, when it has a linear component, the means.
            var components = scorer.Components;
            var shap = new TreeShap?[components.Length];
            var expected = new double[components.Length];
            var ready = true;
            for (var k = 0; k < components.Length && ready; k++)
            {
                if (components[k].Trees is { } componentTrees)
                {
                    ready = componentTrees.HasCovers;
                    shap[k] = ready ? new TreeShap(componentTrees) : null;
                    expected[k] = shap[k]?.ExpectedValue ?? 0;
                }
                else
                {
                    ready = means is not null;
                    expected[k] = means is null ? 0 : LinearExpected(components[k], means);
                }
            }

            if (ready)
            {
                _componentShap = shap;
                _componentExpected = expected;
                _means = means;
                _blendExpected = scorer.BlendBias;
                for (var k = 0; k < components.Length; k++)
                {
                    _blendExpected += scorer.ComponentWeights[k] * expected[k];
                }
            }

            return;
        }

        if (means is not null)
        {
            _means = means;
            _linearExpected = LinearExpected(scorer, means);
        }
    }

    private static double LinearExpected(ChurnScorer linear, double[] means)
    {
        double expected = linear.Bias;
        for (var i = 0; i < means.Length; i++)
        {
            expected += linear.Weights[i] * means[i];
        }

        return expected;
    }

    /// <summary>The name of the manifest file in a model directory.</summary>
    public const string ManifestFileName = ModelManifest.FileName;

    /// <summary>The model's manifest: feature schema, label, trainer, calibration, thresholds, metrics.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The directory or stream the model was loaded from (for messages and logs), when known.</summary>
    public string? Source { get; }

    /// <summary>The learner behind the model.</summary>
    public ModelKind Kind => _scorer.Kind;

    /// <summary>The feature mapping the model was trained with.</summary>
    public FeatureMapper Mapper { get; }

    /// <summary>The length of the feature vector.</summary>
    public int FeatureCount => _scorer.FeatureCount;

    /// <summary>The features' names, in vector order (the manifest's <c>feature_names</c>).</summary>
    public IReadOnlyList<string> FeatureNames => Manifest.Features.FeatureNames;

    /// <summary>The compiled trees, or <see langword="null"/> for a logistic-regression model or a blend.</summary>
    public TreeEnsemble? Trees => _scorer.Trees;

    /// <summary>The compiled scorer (for a blend, its components are in <see cref="ChurnScorer.Components"/>).</summary>
    internal ChurnScorer Scorer => _scorer;

    /// <summary>The model's identity: the SHA-256 (lower-case hex) of its portable scorer (<c>scorer.json</c>), as verified at load.</summary>
    public string ModelSha256 => Manifest.ScorerSha256;

    /// <summary>
    /// Whether <see cref="Explain(ReadOnlySpan{float}, Span{float})"/> is available: it needs the background
    /// distribution of the features (node covers for trees, feature means for a linear model, and each component's for
    /// a blend). A model directory
    /// written by <c>csscoring train</c> carries the one of its training rows (<c>background.json</c>), so a loaded
    /// model can explain at once; an older directory without it needs
    /// <see cref="WithBackground(ReadOnlySpan{float}, int)"/> first.
    /// </summary>
    public bool CanExplain => _shap is not null || _componentShap is not null || (_means is not null && !_scorer.IsBlend);

    /// <summary>Checks that a data source has every column the model's features are made from.</summary>
    /// <param name="columns">The data's column names.</param>
    /// <param name="source">The data's name for the message (e.g. the file), or <see langword="null"/>.</param>
    /// <exception cref="ChurnModelException">Columns are missing (<see cref="ChurnModelError.SchemaMismatch"/>); the message lists them.</exception>
    public void CheckColumns(IReadOnlyCollection<string> columns, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var present = new HashSet<string>(columns, StringComparer.Ordinal);
        var needed = Manifest.Features.Columns.Select(c => c.Name).ToList();
        if (Manifest.Features.TimeColumn is { } time && Manifest.Features.HasDates)
        {
            needed.Add(time);
        }

        var missing = needed.Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The data lacks {missing.Count} column(s) the model was trained on: {string.Join(", ", missing)}.", source);
        }
    }

    /// <summary>Predicts one account from its feature vector.</summary>
    /// <param name="features">The feature vector (<see cref="FeatureCount"/> values, as <see cref="MapFeatures(IReadOnlyDictionary{string, string?}, Span{float})"/> makes them).</param>
    /// <returns>The probability, raw score and risk band.</returns>
    /// <exception cref="ArgumentException"><paramref name="features"/> does not have <see cref="FeatureCount"/> values.</exception>
    /// <remarks>Allocation-free and thread-safe. NaN and infinite features are scored as ML.NET scores them.</remarks>
    public ChurnPrediction Predict(ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureCount)
        {
            ThrowFeatureCount(features.Length, nameof(features));
        }

        var score = _scorer.RawScore(features);
        var probability = _scorer.Calibrator.Apply(score);
        return new ChurnPrediction(probability, score, BandOf(probability));
    }

    /// <summary>Predicts one account from its raw column values (column name → cell text, as in the training file).</summary>
    /// <param name="row">The row; absent or <see langword="null"/> columns are missing values.</param>
    /// <returns>The prediction.</returns>
    public ChurnPrediction Predict(IReadOnlyDictionary<string, string?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        float[]? rented = null;
        var features = FeatureCount <= 1024 ? stackalloc float[FeatureCount] : (rented = ArrayPool<float>.Shared.Rent(FeatureCount)).AsSpan(0, FeatureCount);
        try
        {
            Mapper.Map(row, features);
            return Predict(features);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Predicts one account from a typed record whose properties are the input columns, matched by name ignoring
    /// case and underscores (<c>TicketsLast90d</c> ↔ <c>tickets_last_90d</c>); <see langword="null"/> is missing.
    /// </summary>
    /// <typeparam name="TRecord">The record type.</typeparam>
    /// <param name="record">The account.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ChurnModelException">The record type lacks a column the model needs (<see cref="ChurnModelError.SchemaMismatch"/>).</exception>
    public ChurnPrediction PredictRecord<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TRecord>(TRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        float[]? rented = null;
        var features = FeatureCount <= 1024 ? stackalloc float[FeatureCount] : (rented = ArrayPool<float>.Shared.Rent(FeatureCount)).AsSpan(0, FeatureCount);
        try
        {
            MapRecord(record, features);
            return Predict(features);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Maps raw column values to the feature vector, exactly as training did.</summary>
    /// <param name="row">Column name → cell text.</param>
    /// <param name="destination">Receives <see cref="FeatureCount"/> features.</param>
    public void MapFeatures(IReadOnlyDictionary<string, string?> row, Span<float> destination) => Mapper.Map(row, destination);

    /// <summary>Maps a typed record to the feature vector (see <see cref="PredictRecord{TRecord}(TRecord)"/> for the matching rules).</summary>
    /// <typeparam name="TRecord">The record type.</typeparam>
    /// <param name="record">The account.</param>
    /// <param name="destination">Receives <see cref="FeatureCount"/> features.</param>
    public void MapRecord<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TRecord>(TRecord record, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (destination.Length != FeatureCount)
        {
            ThrowFeatureCount(destination.Length, nameof(destination));
        }

        var mapper = (RecordMapper<TRecord>)_recordMappers.GetOrAdd(typeof(TRecord), static (_, m) => new RecordMapper<TRecord>(m), Mapper);
        mapper.Map(record, destination);
    }

    /// <summary>
    /// Predicts many accounts, then calibrates the scores: on processors with AVX-512 (trees of up to 32 leaves
    /// reading up to 32 features, no categorical splits or NaN defaults), two rows at a time against
    /// sixteen trees per register; otherwise tree by tree over blocks of rows (each tree stays in cache while a block
    /// walks it).
    /// </summary>
    /// <param name="rowMajor">The feature vectors one after another (<paramref name="rows"/> × <see cref="FeatureCount"/> values).</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="probabilities">Receives one probability per row.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    /// <remarks>Allocation-free; the results equal <see cref="Predict(ReadOnlySpan{float})"/> row by row.</remarks>
    public void PredictBatch(ReadOnlySpan<float> rowMajor, int rows, Span<float> probabilities)
    {
        TreeEnsemble.CheckBatch(rowMajor, rows, probabilities.Length, FeatureCount);
        var output = probabilities[..rows];
        _scorer.RawScores(rowMajor, rows, output);
        var calibrator = _scorer.Calibrator;
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = calibrator.Apply(output[i]);
        }
    }

    /// <summary>Predicts many accounts with their raw scores and bands.</summary>
    /// <param name="rowMajor">The feature vectors one after another.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="predictions">Receives one prediction per row.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void PredictBatch(ReadOnlySpan<float> rowMajor, int rows, Span<ChurnPrediction> predictions)
    {
        TreeEnsemble.CheckBatch(rowMajor, rows, predictions.Length, FeatureCount);
        Span<float> scores = stackalloc float[StackRows];
        for (var start = 0; start < rows; start += StackRows)
        {
            var count = Math.Min(StackRows, rows - start);
            var block = scores[..count];
            _scorer.RawScores(rowMajor.Slice(start * FeatureCount, count * FeatureCount), count, block);
            for (var i = 0; i < count; i++)
            {
                var probability = _scorer.Calibrator.Apply(block[i]);
                predictions[start + i] = new ChurnPrediction(probability, block[i], BandOf(probability));
            }
        }
    }

    /// <summary>
    /// Predicts many accounts on several threads: the rows are cut into chunks that are scored in parallel, each
    /// with the blocked batch path. The results equal the sequential ones exactly.
    /// </summary>
    /// <param name="rowMajor">The feature vectors one after another.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="probabilities">Receives one probability per row.</param>
    /// <param name="maxDegreeOfParallelism">The most threads to use; -1 (the default) lets the thread pool decide.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void PredictBatchParallel(ReadOnlyMemory<float> rowMajor, int rows, Memory<float> probabilities, int maxDegreeOfParallelism = -1)
    {
        TreeEnsemble.CheckBatch(rowMajor.Span, rows, probabilities.Length, FeatureCount);
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use -1 or a positive number of threads.");
        }

        const int Chunk = 4096;
        var chunks = (rows + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, chunk =>
        {
            var start = chunk * Chunk;
            var count = Math.Min(Chunk, rows - start);
            PredictBatch(rowMajor.Span.Slice(start * FeatureCount, count * FeatureCount), count, probabilities.Span.Slice(start, count));
        });
    }

    /// <summary>The risk band of a probability: <c>high</c> at or above the manifest's high threshold, <c>medium</c> at or above its medium one, else <c>low</c>.</summary>
    /// <param name="probability">The probability (NaN is <see cref="RiskBand.Low"/>).</param>
    /// <returns>The band.</returns>
    public RiskBand BandOf(float probability)
        => probability >= _high ? RiskBand.High : probability >= _medium ? RiskBand.Medium : RiskBand.Low;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowFeatureCount(int actual, string parameter)
        => throw new ArgumentException($"The model expects {FeatureCount} features but got {actual}.", parameter);
}
