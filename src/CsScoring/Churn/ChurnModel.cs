using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Features;
using CsScoring.Churn.Manifest;
using CsScoring.Churn.Trees;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

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
public sealed class ChurnModel
{
    private const int StackRows = 256;
    private readonly ChurnScorer _scorer;
    private readonly TreeShap? _shap;
    private readonly double[]? _means;
    private readonly double _linearExpected;
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

        if (means is not null)
        {
            _means = means;
            _linearExpected = scorer.Bias;
            for (var i = 0; i < means.Length; i++)
            {
                _linearExpected += scorer.Weights[i] * means[i];
            }
        }
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

    /// <summary>The compiled trees, or <see langword="null"/> for a logistic-regression model.</summary>
    public TreeEnsemble? Trees => _scorer.Trees;

    /// <summary>The SHA-256 (lower-case hex) of the model file, as verified at load.</summary>
    public string ModelSha256 => Manifest.ModelSha256;

    /// <summary>
    /// Whether <see cref="Explain(ReadOnlySpan{float}, Span{float})"/> is available: it needs the background
    /// distribution of the features (node covers for trees, feature means for a linear model). A model directory
    /// written by <c>csscoring train</c> carries the one of its training rows (<c>background.json</c>), so a loaded
    /// model can explain at once; an older directory without it needs
    /// <see cref="WithBackground(ReadOnlySpan{float}, int)"/> first.
    /// </summary>
    public bool CanExplain => _shap is not null || _means is not null;

    /// <summary>
    /// The background the explanations are relative to, in its saveable form, or <see langword="null"/> when the
    /// model cannot explain (<see cref="CanExplain"/> is false).
    /// </summary>
    /// <remarks>Builds a new object (copies of the covers or means) on every call.</remarks>
    public ExplanationBackground? Background
    {
        get
        {
            if (_shap is not null)
            {
                var trees = _shap.Ensemble;
                return new ExplanationBackground
                {
                    FormatVersion = ExplanationBackground.CurrentFormatVersion,
                    ModelSha256 = ModelSha256,
                    Rows = _backgroundRows,
                    Population = _population,
                    ExpectedValue = _shap.ExpectedValue,
                    NodeCovers = [.. trees.NodeCovers!],
                    LeafCovers = [.. trees.LeafCovers!],
                };
            }

            if (_means is not null)
            {
                return new ExplanationBackground
                {
                    FormatVersion = ExplanationBackground.CurrentFormatVersion,
                    ModelSha256 = ModelSha256,
                    Rows = _backgroundRows,
                    Population = _population,
                    ExpectedValue = _linearExpected,
                    FeatureMeans = [.. _means],
                };
            }

            return null;
        }
    }

    /// <summary>Loads, verifies and compiles the model in a directory written by <c>csscoring train</c>.</summary>
    /// <param name="directory">The directory holding <c>manifest.json</c> and the model file it names.</param>
    /// <returns>
    /// The model, ready to serve; when the manifest names an explanation background (<c>background.json</c>, learnt
    /// from the training rows), it is verified (SHA-256, model hash, consistency with the trees) and applied, so the
    /// model can explain at once.
    /// </returns>
    /// <exception cref="ChurnModelException">
    /// The manifest is missing or invalid, the model file is missing, damaged (hash mismatch) or unreadable, the model
    /// is of an unsupported kind, its trees fail validation, or it disagrees with the manifest; or the background file
    /// the manifest names is missing, damaged or does not fit the model.
    /// </exception>
    public static ChurnModel Load(string directory) => Load(directory, ChurnModelLoadOptions.Default);

    /// <summary>Loads, verifies and compiles the model in a directory, with options.</summary>
    /// <param name="directory">The directory holding <c>manifest.json</c> and the model file it names.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(string directory, ChurnModelLoadOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingManifest,
                $"No {ManifestFileName} in the model directory (a model directory is written by 'csscoring train').", directory);
        }

        var manifestBytes = ReadBytes(manifestPath, ChurnModelError.InvalidManifest);
        var manifest = ReadManifest(manifestBytes, manifestPath);
        var modelPath = Path.Combine(directory, CheckModelFileName(manifest, manifestPath));
        if (!File.Exists(modelPath))
        {
            throw new ChurnModelException(ChurnModelError.MissingModel, $"The model file '{manifest.ModelFile}' named by the manifest does not exist.", directory);
        }

        var model = Create(manifest, ReadBytes(modelPath, ChurnModelError.UnreadableModel), modelPath, options ?? ChurnModelLoadOptions.Default, directory);
        if (manifest.BackgroundFile is not { } backgroundFile)
        {
            return model;
        }

        var backgroundPath = Path.Combine(directory, backgroundFile);
        if (!File.Exists(backgroundPath))
        {
            throw new ChurnModelException(ChurnModelError.InvalidBackground, $"The explanation background '{backgroundFile}' named by the manifest does not exist.", directory);
        }

        return model.ApplyStoredBackground(ReadBytes(backgroundPath, ChurnModelError.InvalidBackground), backgroundPath);
    }

    /// <summary>Loads, verifies and compiles a model from its manifest and model streams (for example from blob storage).</summary>
    /// <param name="manifest">The <c>manifest.json</c> content.</param>
    /// <param name="model">The model file's content (read to its end).</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(Stream manifest, Stream model) => Load(manifest, model, null, null);

    /// <summary>Loads a model from streams, with a source name for messages and options.</summary>
    /// <param name="manifest">The <c>manifest.json</c> content.</param>
    /// <param name="model">The model file's content (read to its end).</param>
    /// <param name="source">A name for messages (e.g. the storage URI), or <see langword="null"/>.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(Stream manifest, Stream model, string? source, ChurnModelLoadOptions? options)
        => Load(manifest, model, null, source, options);

    /// <summary>Loads a model from streams together with its explanation background (<c>background.json</c>).</summary>
    /// <param name="manifest">The <c>manifest.json</c> content.</param>
    /// <param name="model">The model file's content (read to its end).</param>
    /// <param name="background">
    /// The background file's content, or <see langword="null"/> to load without it (the model then explains only
    /// after <see cref="WithBackground(ReadOnlySpan{float}, int)"/>). When the manifest records
    /// <c>background_sha256</c> the content must match it.
    /// </param>
    /// <param name="source">A name for messages (e.g. the storage URI), or <see langword="null"/>.</param>
    /// <param name="options">Load options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The model, ready to serve (and to explain when a background was given).</returns>
    /// <exception cref="ChurnModelException">As for <see cref="Load(string)"/>.</exception>
    public static ChurnModel Load(Stream manifest, Stream model, Stream? background, string? source, ChurnModelLoadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(model);
        using var manifestCopy = new MemoryStream();
        manifest.CopyTo(manifestCopy);
        var parsed = ReadManifest(manifestCopy.ToArray(), source);
        using var modelCopy = new MemoryStream();
        model.CopyTo(modelCopy);
        var loaded = Create(parsed, modelCopy.ToArray(), source, options ?? ChurnModelLoadOptions.Default, source);
        if (background is null)
        {
            return loaded;
        }

        using var backgroundCopy = new MemoryStream();
        background.CopyTo(backgroundCopy);
        return loaded.ApplyStoredBackground(backgroundCopy.ToArray(), source);
    }

    /// <summary>
    /// A copy of this model that can explain predictions: it learns the background distribution (tree node covers,
    /// or feature means for a linear model) from representative rows, usually a sample of the training data or of
    /// the accounts being scored. TreeSHAP's expected value is the mean raw score over these rows.
    /// </summary>
    /// <param name="rowMajor">The rows' feature vectors, one after another.</param>
    /// <param name="rows">The number of rows (at least 1).</param>
    /// <returns>The same model with explanations enabled.</returns>
    /// <exception cref="ArgumentException">The lengths do not match or there are no rows.</exception>
    public ChurnModel WithBackground(ReadOnlySpan<float> rowMajor, int rows)
    {
        TreeEnsemble.CheckBatch(rowMajor, rows, rows, FeatureCount);
        if (rows == 0)
        {
            throw new ArgumentException("At least one background row is needed.", nameof(rows));
        }

        var background = CreateBackground();
        for (var r = 0; r < rows; r++)
        {
            background.Add(rowMajor.Slice(r * FeatureCount, FeatureCount));
        }

        return background.Build();
    }

    /// <summary>
    /// A copy of this model that explains relative to a saved background (for example another model directory's
    /// <c>background.json</c> read with <see cref="ExplanationBackground.Read(Stream)"/>, or
    /// <see cref="Background"/> of a model built with <see cref="WithBackground(ReadOnlySpan{float}, int)"/>). The
    /// explanations equal those of the model the background was taken from.
    /// </summary>
    /// <param name="background">The background; it must belong to this model.</param>
    /// <returns>The same model with explanations enabled.</returns>
    /// <exception cref="ChurnModelException">
    /// The background is of another model (its <c>model_sha256</c> differs), has the wrong shape for this model
    /// (covers for a linear model, means for trees, wrong counts), its covers are inconsistent with the trees (a
    /// root's cover differs from the rows, a node's from the sum of its children's), or its expected value is not the
    /// one its covers give (<see cref="ChurnModelError.InvalidBackground"/>).
    /// </exception>
    public ChurnModel WithBackground(ExplanationBackground background)
    {
        ArgumentNullException.ThrowIfNull(background);
        return ApplyBackground(background, Source);
    }

    /// <summary>Starts accumulating a background one row at a time (for data streamed from a file).</summary>
    /// <returns>A builder whose <see cref="ChurnBackground.Build"/> gives this model with explanations enabled.</returns>
    public ChurnBackground CreateBackground() => new(this);

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

    internal ChurnModel WithTrees(TreeEnsemble trees, long rows, string? population = null)
        => new(Manifest, _scorer.WithTrees(trees), Source, null, rows, population);

    internal ChurnModel WithMeans(double[] means, long rows, string? population = null)
        => new(Manifest, _scorer, Source, means, rows, population);

    private ChurnModel ApplyStoredBackground(byte[] bytes, string? path)
    {
        if (Manifest.BackgroundSha256 is { } expected)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed,
                    $"SHA-256 of the explanation background is {actual} but the manifest expects {expected}: the file is damaged or was replaced.", path);
            }
        }

        using var stream = new MemoryStream(bytes, writable: false);
        return ApplyBackground(ExplanationBackground.Read(stream, path), path);
    }

    private ChurnModel ApplyBackground(ExplanationBackground background, string? path)
    {
        background.Validate(path);
        if (!string.Equals(background.ModelSha256, ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            ExplanationBackground.Fail($"it belongs to the model with SHA-256 {background.ModelSha256}, not to this one ({ModelSha256})", path);
        }

        ChurnModel explained;
        if (Trees is { } trees)
        {
            var nodeList = background.NodeCovers;
            var leafList = background.LeafCovers;
            if (nodeList is null || leafList is null)
            {
                ExplanationBackground.Fail("it holds feature means but the model is a tree ensemble", path);
            }

            if (nodeList.Count != trees.NodeCount || leafList.Count != trees.LeafCount)
            {
                ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"it has {nodeList.Count} node and {leafList.Count} leaf covers but the trees have {trees.NodeCount} nodes and {trees.LeafCount} leaves"), path);
            }

            double[] nodes = [.. nodeList];
            double[] leaves = [.. leafList];
            CheckCovers(trees, nodes, leaves, background.Rows, path);
            explained = WithTrees(trees.WithCovers(nodes, leaves), background.Rows, background.Population);
        }
        else
        {
            var means = background.FeatureMeans;
            if (means is null)
            {
                ExplanationBackground.Fail("it holds tree covers but the model is linear", path);
            }

            if (means.Count != FeatureCount)
            {
                ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture, $"it has {means.Count} feature means but the model has {FeatureCount} features"), path);
            }

            explained = WithMeans([.. means], background.Rows, background.Population);
        }

        var expectedValue = explained._shap?.ExpectedValue ?? explained._linearExpected;
        if (!(Math.Abs(expectedValue - background.ExpectedValue) <= 1e-9 * Math.Max(1, Math.Abs(expectedValue))))
        {
            ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                $"its expected_value {background.ExpectedValue:R} is not the {expectedValue:R} its covers or means give"), path);
        }

        return explained;
    }

    // Covers of rows through trees: every root is reached by every row, and each node's rows go to exactly one child.
    private static void CheckCovers(TreeEnsemble trees, double[] nodes, double[] leaves, long rows, string? path)
    {
        double Cover(int child) => child >= 0 ? nodes[child] : leaves[~child];
        for (var t = 0; t < trees.TreeCount; t++)
        {
            if (Cover(trees.Roots[t]) != rows)
            {
                ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture, $"tree {t}'s root has cover {Cover(trees.Roots[t])}, not the {rows} rows"), path);
            }
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            var node = trees.Nodes[i];
            if (Cover(node.Left) + Cover(node.Right) != nodes[i])
            {
                ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"node {i} has cover {nodes[i]} but its children {Cover(node.Left) + Cover(node.Right)}"), path);
            }
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
    public ChurnPrediction PredictRecord<TRecord>(TRecord record)
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
    public void MapRecord<TRecord>(TRecord record, Span<float> destination)
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

    /// <summary>
    /// Each feature's contribution to the raw (log-odds) score: exact TreeSHAP for trees, <c>w·(x − mean)</c> for a
    /// linear model. <c>sum(contributions) + expected value</c> equals the raw score.
    /// </summary>
    /// <param name="features">The feature vector.</param>
    /// <param name="contributions">Receives <see cref="FeatureCount"/> contributions.</param>
    /// <returns>The expected value (the mean raw score over the background rows).</returns>
    /// <exception cref="InvalidOperationException">The model has no background (<see cref="CanExplain"/> is false).</exception>
    /// <exception cref="ArgumentException">A span does not have <see cref="FeatureCount"/> values.</exception>
    /// <remarks>Allocation-free and thread-safe.</remarks>
    public double Explain(ReadOnlySpan<float> features, Span<float> contributions)
    {
        if (_shap is not null)
        {
            return _shap.Explain(features, contributions);
        }

        if (_means is null)
        {
            throw new InvalidOperationException("This model has no background distribution for explanations; call WithBackground(rows) first.");
        }

        if (features.Length != FeatureCount || contributions.Length != FeatureCount)
        {
            ThrowFeatureCount(features.Length != FeatureCount ? features.Length : contributions.Length, features.Length != FeatureCount ? nameof(features) : nameof(contributions));
        }

        var weights = _scorer.Weights;
        for (var i = 0; i < FeatureCount; i++)
        {
            contributions[i] = (float)(weights[i] * (features[i] - _means[i]));
        }

        return _linearExpected;
    }

    /// <summary>The top reasons of one account: the features with the largest absolute contributions, largest first.</summary>
    /// <param name="features">The feature vector.</param>
    /// <param name="contributions">Its contributions from <see cref="Explain(ReadOnlySpan{float}, Span{float})"/>.</param>
    /// <param name="destination">Receives up to its length (k) reasons.</param>
    /// <returns>How many reasons were written.</returns>
    public int TopReasons(ReadOnlySpan<float> features, ReadOnlySpan<float> contributions, Span<ChurnReason> destination)
        => ChurnReason.Top(FeatureNames, features, contributions, destination);

    /// <summary>
    /// A reason as a sentence, worded by its column's kind in the model's feature schema (see
    /// <see cref="ChurnReason.Describe(FeatureSchema, IReadOnlyDictionary{string, string}?)"/>): dates as "in 152
    /// days" or "30 days ago", booleans as yes/no, missing flags as "is missing".
    /// </summary>
    /// <param name="reason">A reason of this model (from <see cref="TopReasons"/>).</param>
    /// <param name="labels">Readable names for columns, or <see langword="null"/>.</param>
    /// <returns>The sentence.</returns>
    public string DescribeReason(ChurnReason reason, IReadOnlyDictionary<string, string>? labels = null)
        => reason.Describe(Manifest.Features, labels);

    private static ChurnModel Create(ModelManifest manifest, byte[] modelBytes, string? modelPath, ChurnModelLoadOptions options, string? source)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(modelBytes));
        if (!string.Equals(actual, manifest.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChurnModelException(ChurnModelError.IntegrityCheckFailed,
                $"SHA-256 of the model file is {actual} but the manifest expects {manifest.ModelSha256}: the file is damaged or was replaced.", modelPath);
        }

        ZipIntegrity.Verify(modelBytes, modelPath);
        var context = new MLContext(seed: 0);

        // ML.NET finds model loaders among registered assemblies; in a fresh process the trainers' may not be loaded yet.
        context.ComponentCatalog.RegisterAssembly(typeof(FastTreeBinaryModelParameters).Assembly);
        context.ComponentCatalog.RegisterAssembly(typeof(LightGbmBinaryModelParameters).Assembly);
        ITransformer model;
        DataViewSchema schema;
        try
        {
            using var stream = new MemoryStream(modelBytes, writable: false);
            model = context.Model.Load(stream, out schema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ChurnModelException(ChurnModelError.UnreadableModel, $"ML.NET cannot read the model: {ex.Message}", modelPath, ex);
        }

        ChurnScorer scorer;
        try
        {
            scorer = MlNetModelReader.Read(model, schema, modelPath);
        }
        catch (ChurnModelException ex) when (ex.ModelPath is null)
        {
            throw new ChurnModelException(ex.Error, ex.Message, modelPath, ex);
        }

        CheckAgainstManifest(manifest, scorer, modelPath);
        if (options.VerifyAgainstMlNet)
        {
            MlNetModelReader.VerifyAgainstMlNet(context, model, scorer, modelPath);
        }

        return new ChurnModel(manifest, scorer, source, null);
    }

    private static void CheckAgainstManifest(ModelManifest manifest, ChurnScorer scorer, string? path)
    {
        if (manifest.ModelKind != scorer.Kind)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The manifest says the model is {JsonName(manifest.ModelKind)} but the model file holds {JsonName(scorer.Kind)}.", path);
        }

        if (manifest.Features.FeatureCount != scorer.FeatureCount)
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The manifest lists {manifest.Features.FeatureCount} features but the model reads {scorer.FeatureCount}.", path);
        }

        var method = JsonName(manifest.Calibration.Method);
        if (!string.Equals(method, scorer.Calibrator.Method, StringComparison.Ordinal))
        {
            throw new ChurnModelException(ChurnModelError.SchemaMismatch,
                $"The manifest says calibration is {method} but the model file calibrates with {scorer.Calibrator.Method}.", path);
        }
    }

    private static string JsonName<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => JsonSerializer.Serialize(value, Data.CsScoringJson.Options).Trim('"');

    private static ModelManifest ReadManifest(byte[] bytes, string? path)
    {
        try
        {
            using (var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("format_version", out var version)
                    && version.ValueKind == JsonValueKind.Number
                    && (!version.TryGetInt32(out var number) || number != ModelManifest.CurrentFormatVersion))
                {
                    throw new ChurnModelException(ChurnModelError.UnsupportedVersion,
                        $"Manifest format_version {version.GetRawText()} is not supported; this library reads version {ModelManifest.CurrentFormatVersion}.", path);
                }
            }

            using var stream = new MemoryStream(bytes, writable: false);
            return ModelManifest.Read(stream);
        }
        catch (JsonException ex)
        {
            throw new ChurnModelException(ChurnModelError.InvalidManifest, $"The manifest is not valid JSON: {ex.Message}", path, ex);
        }
        catch (ModelManifestException ex)
        {
            throw new ChurnModelException(ChurnModelError.InvalidManifest, ex.Message, path, ex);
        }
    }

    private static string CheckModelFileName(ModelManifest manifest, string manifestPath)
    {
        var name = manifest.ModelFile;
        if (string.IsNullOrWhiteSpace(name) || name != Path.GetFileName(name) || name is "." or "..")
        {
            throw new ChurnModelException(ChurnModelError.InvalidManifest, $"model_file '{name}' must be a file name inside the model directory.", manifestPath);
        }

        return name;
    }

    private static byte[] ReadBytes(string path, ChurnModelError error)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new ChurnModelException(error, $"Cannot read the file: {ex.Message}", path, ex);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowFeatureCount(int actual, string parameter)
        => throw new ArgumentException($"The model expects {FeatureCount} features but got {actual}.", parameter);
}
