using System.Globalization;
using System.Security.Cryptography;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Features;
using CsScoring.Churn.Trees;

namespace CsScoring.Churn;

/// <content>Explanations: backgrounds, exact TreeSHAP contributions and reasons.</content>
public sealed partial class ChurnModel
{
    /// <summary>
    /// The background the explanations are relative to, in its saveable form, or <see langword="null"/> when the
    /// model cannot explain (<see cref="CanExplain"/> is false).
    /// </summary>
    /// <remarks>Builds a new object (copies of the covers or means) on every call.</remarks>
    public ExplanationBackground? Background
    {
        get
        {
            if (_componentShap is not null)
            {
                var components = _scorer.Components;
                var parts = new ExplanationBackgroundComponent[components.Length];
                for (var k = 0; k < parts.Length; k++)
                {
                    parts[k] = _componentShap[k] is { } shap
                        ? new ExplanationBackgroundComponent { ExpectedValue = shap.ExpectedValue, NodeCovers = [.. shap.Ensemble.NodeCovers!], LeafCovers = [.. shap.Ensemble.LeafCovers!] }
                        : new ExplanationBackgroundComponent { ExpectedValue = _componentExpected![k], FeatureMeans = [.. _means!] };
                }

                return new ExplanationBackground
                {
                    FormatVersion = ExplanationBackground.CurrentFormatVersion,
                    ModelSha256 = ModelSha256,
                    Rows = _backgroundRows,
                    Population = _population,
                    ExpectedValue = _blendExpected,
                    Components = parts,
                };
            }

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
        int[] all = [.. Enumerable.Range(0, rows)];
        background.Add(rowMajor, all);
        return background.Build();
    }

    /// <summary>
    /// A copy of this model that explains relative to chosen rows of a feature matrix (for example every training
    /// row), learnt on the processor's cores at once. The rows are split into a fixed number of parts whose
    /// backgrounds are added in order, so the model is the same on any machine: tree covers equal those of
    /// <see cref="WithBackground(ReadOnlySpan{float}, int)"/> over the same rows; a linear model's means may differ from
    /// it in the last bits, as its sums are added part by part.
    /// </summary>
    /// <param name="rowMajor">Feature vectors, one after another (<see cref="FeatureCount"/> values each).</param>
    /// <param name="rows">The indices of the background rows in <paramref name="rowMajor"/> (at least one).</param>
    /// <returns>The same model with explanations enabled.</returns>
    /// <exception cref="ArgumentException">The matrix is not whole rows, or there are no rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is not a row of the matrix.</exception>
    public ChurnModel WithBackground(ReadOnlyMemory<float> rowMajor, ReadOnlyMemory<int> rows)
    {
        const int Parts = 8;
        var width = FeatureCount;
        if (rowMajor.Length % width != 0)
        {
            ThrowHelper.WrongLength(nameof(rowMajor), (long)(rowMajor.Length / width) * width, rowMajor.Length, "whole rows of FeatureCount values");
        }

        if (rows.IsEmpty)
        {
            throw new ArgumentException("At least one background row is needed.", nameof(rows));
        }

        // Checked up front: an exception inside the parallel loop would arrive wrapped.
        var matrixRows = rowMajor.Length / width;
        var all = rows.Span;
        for (var i = 0; i < all.Length; i++)
        {
            if ((uint)all[i] >= (uint)matrixRows)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), all[i], $"rows[{i}] is not a row of the {matrixRows}-row matrix.");
            }
        }

        var parts = new ChurnBackground[Parts];
        Parallel.For(0, Parts, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, Parts) }, part =>
        {
            var builder = CreateBackground();
            var indices = rows.Span;
            var start = (int)((long)indices.Length * part / Parts);
            var end = (int)((long)indices.Length * (part + 1) / Parts);
            builder.Add(rowMajor.Span, indices[start..end]);
            parts[part] = builder;
        });
        for (var part = 1; part < Parts; part++)
        {
            parts[0].Add(parts[part]);
        }

        return parts[0].Build();
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

    internal ChurnModel WithTrees(TreeEnsemble trees, long rows, string? population = null)
        => new(Manifest, _scorer.WithTrees(trees), Source, null, rows, population);

    internal ChurnModel WithMeans(double[] means, long rows, string? population = null)
        => new(Manifest, _scorer, Source, means, rows, population);

    /// <summary>A blend with covers on its tree components (in component order) and, when it has a linear component, the feature means.</summary>
    internal ChurnModel WithBlendBackground(IReadOnlyList<TreeEnsemble> coveredTrees, double[]? means, long rows, string? population = null)
        => new(Manifest, _scorer.WithComponentTrees(coveredTrees), Source, means, rows, population);

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

        if (!_scorer.IsBlend && background.Components is not null)
        {
            ExplanationBackground.Fail("it holds blend components but the model is not a blend", path);
        }

        ChurnModel explained;
        if (_scorer.IsBlend)
        {
            explained = ApplyBlendBackground(background, path);
        }
        else if (Trees is { } trees)
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

        var expectedValue = explained._componentShap is not null ? explained._blendExpected : explained._shap?.ExpectedValue ?? explained._linearExpected;
        if (!(Math.Abs(expectedValue - background.ExpectedValue) <= 1e-9 * Math.Max(1, Math.Abs(expectedValue))))
        {
            ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                $"its expected_value {background.ExpectedValue:R} is not the {expectedValue:R} its covers or means give"), path);
        }

        return explained;
    }

    private ChurnModel ApplyBlendBackground(ExplanationBackground background, string? path)
    {
        var components = _scorer.Components;
        var parts = background.Components;
        if (parts is null || parts.Count != components.Length)
        {
            ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                $"the model is a blend of {components.Length} components but the background has {parts?.Count ?? 0}"), path);
        }

        var covered = new List<TreeEnsemble>();
        double[]? means = null;
        for (var k = 0; k < components.Length; k++)
        {
            var part = parts[k];
            if (components[k].Trees is { } trees)
            {
                if (part.NodeCovers is null || part.LeafCovers is null)
                {
                    ExplanationBackground.Fail($"blend component {k} is a tree ensemble but its background holds feature means", path);
                }

                if (part.NodeCovers.Count != trees.NodeCount || part.LeafCovers.Count != trees.LeafCount)
                {
                    ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                        $"blend component {k} has {part.NodeCovers.Count} node and {part.LeafCovers.Count} leaf covers but its trees have {trees.NodeCount} nodes and {trees.LeafCount} leaves"), path);
                }

                double[] nodes = [.. part.NodeCovers];
                double[] leaves = [.. part.LeafCovers];
                CheckCovers(trees, nodes, leaves, background.Rows, path);
                covered.Add(trees.WithCovers(nodes, leaves));
            }
            else
            {
                if (part.FeatureMeans is null || part.FeatureMeans.Count != FeatureCount)
                {
                    ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                        $"blend component {k} is linear and needs {FeatureCount} feature means, not {part.FeatureMeans?.Count ?? 0}"), path);
                }

                // The linear components share one background: the means of the same rows.
                double[] own = [.. part.FeatureMeans];
                if (means is not null && !own.AsSpan().SequenceEqual(means))
                {
                    ExplanationBackground.Fail($"blend component {k} has other feature means than an earlier linear component", path);
                }

                means = own;
            }
        }

        var explained = WithBlendBackground(covered, means, background.Rows, background.Population);
        for (var k = 0; k < components.Length; k++)
        {
            var expected = explained._componentExpected![k];
            if (!(Math.Abs(expected - parts[k].ExpectedValue) <= 1e-9 * Math.Max(1, Math.Abs(expected))))
            {
                ExplanationBackground.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"blend component {k}'s expected_value {parts[k].ExpectedValue:R} is not the {expected:R} its covers or means give"), path);
            }
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

    /// <summary>
    /// Each feature's contribution to the raw (log-odds) score: exact TreeSHAP for trees, <c>w·(x − mean)</c> for a
    /// linear model, and for a blend the weighted sum of its components' contributions in margin space
    /// (<c>Σ weight[k] × contributions[k]</c>, in double, rounded once), whose expected value is
    /// <c>bias + Σ weight[k] × expected[k]</c>. <c>sum(contributions) + expected value</c> equals the raw score.
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

        if (_componentShap is not null)
        {
            return ExplainBlend(features, contributions);
        }

        if (_means is null)
        {
            throw new InvalidOperationException("This model has no background distribution for explanations; call WithBackground(rows) first.");
        }

        return ExplainLinear(features, contributions);
    }

    /// <summary>
    /// <see cref="Explain(ReadOnlySpan{float}, Span{float})"/> for several rows at once, with the same numbers: tree
    /// models are explained tree by tree over blocks of rows, which keeps each tree's tables in cache.
    /// </summary>
    /// <param name="rows">The feature vectors, one after another, <see cref="FeatureCount"/> values each.</param>
    /// <param name="contributions">Receives <see cref="FeatureCount"/> contributions per row, in the rows' order.</param>
    /// <returns>The expected value.</returns>
    /// <exception cref="InvalidOperationException">The model has no background (<see cref="CanExplain"/> is false).</exception>
    /// <exception cref="ArgumentException">The rows are not whole, or the contributions not as long as the rows.</exception>
    /// <remarks>Allocation-free after the first call, and thread-safe.</remarks>
    public double ExplainBatch(ReadOnlySpan<float> rows, Span<float> contributions)
    {
        if (_shap is not null)
        {
            return _shap.ExplainBatch(rows, contributions);
        }

        if (FeatureCount == 0 || rows.Length % FeatureCount != 0 || contributions.Length != rows.Length)
        {
            throw new ArgumentException($"Expected whole rows of {FeatureCount} features and as many contributions, got {rows.Length} values and {contributions.Length} contributions.", nameof(rows));
        }

        if (_componentShap is null && _means is null)
        {
            throw new InvalidOperationException("This model has no background distribution for explanations; call WithBackground(rows) first.");
        }

        for (var start = 0; start < rows.Length; start += FeatureCount)
        {
            Explain(rows.Slice(start, FeatureCount), contributions.Slice(start, FeatureCount));
        }

        return _componentShap is not null ? _blendExpected : _linearExpected;
    }

    private double ExplainLinear(ReadOnlySpan<float> features, Span<float> contributions)
    {

        if (features.Length != FeatureCount || contributions.Length != FeatureCount)
        {
            ThrowFeatureCount(features.Length != FeatureCount ? features.Length : contributions.Length, features.Length != FeatureCount ? nameof(features) : nameof(contributions));
        }

        var weights = _scorer.Weights;
        var means = _means!;
        for (var i = 0; i < FeatureCount; i++)
        {
            contributions[i] = (float)(weights[i] * (features[i] - means[i]));
        }

        return _linearExpected;
    }

    // SHAP values are linear in the model: the blend's are its components' weighted in margin space, accumulated in
    // double (each component's own contributions in double too) and rounded once.
    private double ExplainBlend(ReadOnlySpan<float> features, Span<float> contributions)
    {
        if (features.Length != FeatureCount || contributions.Length != FeatureCount)
        {
            ThrowFeatureCount(features.Length != FeatureCount ? features.Length : contributions.Length, features.Length != FeatureCount ? nameof(features) : nameof(contributions));
        }

        const int StackFeatures = 512;
        using var ownOwner = FeatureCount <= StackFeatures ? default : ScratchBuffer<double>.Rent(FeatureCount);
        using var sumOwner = FeatureCount <= StackFeatures ? default : ScratchBuffer<double>.Rent(FeatureCount);
        var own = ownOwner.IsRented ? ownOwner.Span : stackalloc double[FeatureCount];
        var sum = sumOwner.IsRented ? sumOwner.Span : stackalloc double[FeatureCount];
        sum.Clear();
        var components = _scorer.Components;
        for (var k = 0; k < components.Length; k++)
        {
            if (_componentShap![k] is { } shap)
            {
                shap.Explain(features, own);
            }
            else
            {
                var weights = components[k].Weights;
                for (var i = 0; i < own.Length; i++)
                {
                    own[i] = weights[i] * (features[i] - _means![i]);
                }
            }

            var weight = _scorer.ComponentWeights[k];
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += weight * own[i];
            }
        }

        for (var i = 0; i < sum.Length; i++)
        {
            contributions[i] = (float)sum[i];
        }

        return _blendExpected;
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
}
