using System.Text.Json;
using CsScoring.Data;

namespace CsScoring.Churn.Explain;

/// <summary>
/// The background distribution a churn model's explanations are relative to, in a form that can be saved beside the
/// model (<c>background.json</c>): for trees the number of background rows through every split node and leaf
/// (TreeSHAP's covers), for a linear model the features' means. <c>csscoring train</c> writes it from the training
/// rows, so a loaded model explains at once, relative to the data it learnt from.
/// </summary>
/// <remarks>
/// <para>
/// Obtain one from a model that can explain (<see cref="ChurnModel.Background"/>, after
/// <see cref="ChurnModel.CreateBackground"/> or <see cref="ChurnModel.WithBackground(ReadOnlySpan{float}, int)"/>)
/// and apply it with <see cref="ChurnModel.WithBackground(ExplanationBackground)"/>, which checks that it belongs to
/// the model (<see cref="ModelSha256"/>) and is consistent with its trees. Applying a saved background gives exactly
/// the explanations of the rows it was learnt from: covers are counts and the means round-trip through JSON.
/// </para>
/// <para>JSON in CsScoringJson style (snake_case; unknown fields rejected). Immutable and thread-safe.</para>
/// </remarks>
public sealed record ExplanationBackground
{
    /// <summary>The background's file name in a model directory.</summary>
    public const string FileName = "background.json";

    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The format (<see cref="CurrentFormatVersion"/>).</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The SHA-256 (lower-case hex) of the model file the background belongs to.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The number of background rows (at least 1).</summary>
    public required long Rows { get; init; }

    /// <summary>What the rows were, for messages (e.g. <c>"training rows"</c>), or <see langword="null"/>.</summary>
    public string? Population { get; init; }

    /// <summary>
    /// The model's mean raw (log-odds) score over the background: the base every explanation starts from. Recomputed
    /// and compared when the background is applied.
    /// </summary>
    public required double ExpectedValue { get; init; }

    /// <summary>Trees: per split node (in the compiled ensemble's node order), the background rows that reach it.</summary>
    public IReadOnlyList<double>? NodeCovers { get; init; }

    /// <summary>Trees: per leaf (in the compiled ensemble's leaf order), the background rows that end in it.</summary>
    public IReadOnlyList<double>? LeafCovers { get; init; }

    /// <summary>Linear model: per feature, its mean over the background rows (finite values only).</summary>
    public IReadOnlyList<double>? FeatureMeans { get; init; }

    /// <summary>
    /// Blend: per component, in the order of <c>scorer.json</c>'s <c>blend.components</c>, its own background (covers
    /// for trees, feature means for a linear component, all of the same rows) and expected value; the top-level
    /// <see cref="ExpectedValue"/> is then <c>bias + Σ weight[k] × expected[k]</c>. <see langword="null"/> for a single learner.
    /// </summary>
    public IReadOnlyList<ExplanationBackgroundComponent>? Components { get; init; }

    /// <summary>Reads a background (JSON, UTF-8) and checks its shape.</summary>
    /// <param name="stream">The JSON.</param>
    /// <returns>The background.</returns>
    /// <exception cref="ChurnModelException">
    /// The JSON is malformed or has unknown fields, the format version is not supported, or the fields are
    /// inconsistent (<see cref="ChurnModelError.InvalidBackground"/>).
    /// </exception>
    public static ExplanationBackground Read(Stream stream) => Read(stream, null);

    /// <summary>Writes the background as JSON (UTF-8).</summary>
    /// <param name="stream">The destination.</param>
    /// <exception cref="ChurnModelException">The fields are inconsistent.</exception>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Validate(null);
        JsonSerializer.Serialize(stream, this, CsScoringJson.TypeInfo<ExplanationBackground>());
    }

    /// <summary>The background as UTF-8 JSON bytes (the same bytes for the same background).</summary>
    /// <returns>The bytes.</returns>
    /// <exception cref="ChurnModelException">The fields are inconsistent.</exception>
    public byte[] ToUtf8Bytes()
    {
        Validate(null);
        return JsonSerializer.SerializeToUtf8Bytes(this, CsScoringJson.TypeInfo<ExplanationBackground>());
    }

    internal static ExplanationBackground Read(Stream stream, string? path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ExplanationBackground? background;
        try
        {
            background = JsonSerializer.Deserialize(stream, CsScoringJson.TypeInfo<ExplanationBackground>());
        }
        catch (JsonException ex)
        {
            throw new ChurnModelException(ChurnModelError.InvalidBackground, $"The explanation background is not valid: {ex.Message}", path, ex);
        }

        if (background is null)
        {
            throw new ChurnModelException(ChurnModelError.InvalidBackground, "The explanation background is null.", path);
        }

        background.Validate(path);
        return background;
    }

    internal void Validate(string? path)
    {
        if (FormatVersion != CurrentFormatVersion)
        {
            Fail($"format_version {FormatVersion} is not supported (this library reads {CurrentFormatVersion})", path);
        }

        if (ModelSha256 is null || ModelSha256.Length != 64 || !ModelSha256.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            Fail("model_sha256 must be 64 lower-case hex digits", path);
        }

        if (Rows < 1)
        {
            Fail("rows must be at least 1", path);
        }

        if (!double.IsFinite(ExpectedValue))
        {
            Fail("expected_value must be finite", path);
        }

        if (Components is not null)
        {
            if (NodeCovers is not null || LeafCovers is not null || FeatureMeans is not null || Components.Count < 2)
            {
                Fail("a blend's background has at least two components and no top-level node_covers, leaf_covers or feature_means", path);
            }

            for (var k = 0; k < Components.Count; k++)
            {
                var component = Components[k];
                if (component is null || !double.IsFinite(component.ExpectedValue))
                {
                    Fail($"blend component {k} needs a finite expected_value", path);
                }

                ValidateParts(component.NodeCovers, component.LeafCovers, component.FeatureMeans, Rows, $"blend component {k}: ", path);
            }

            return;
        }

        ValidateParts(NodeCovers, LeafCovers, FeatureMeans, Rows, string.Empty, path);
    }

    private static void ValidateParts(IReadOnlyList<double>? nodeCovers, IReadOnlyList<double>? leafCovers, IReadOnlyList<double>? featureMeans, long rows, string prefix, string? path)
    {
        var trees = nodeCovers is not null || leafCovers is not null;
        if (trees == (featureMeans is not null) || (trees && (nodeCovers is null || leafCovers is null)))
        {
            Fail(prefix + "a background has either node_covers and leaf_covers (trees) or feature_means (linear model)", path);
        }

        foreach (var cover in (nodeCovers ?? []).Concat(leafCovers ?? []))
        {
            if (!double.IsFinite(cover) || cover < 0 || cover > rows)
            {
                Fail($"{prefix}a cover is {cover.ToString(System.Globalization.CultureInfo.InvariantCulture)}; covers are finite and in [0, rows]", path);
            }
        }

        if (featureMeans is not null && featureMeans.Any(m => !double.IsFinite(m)))
        {
            Fail(prefix + "feature_means must be finite", path);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void Fail(string problem, string? path)
        => throw new ChurnModelException(ChurnModelError.InvalidBackground, $"Invalid explanation background: {problem}.", path);
}

/// <summary>The background of one component of a blend (see <see cref="ExplanationBackground.Components"/>).</summary>
public sealed record ExplanationBackgroundComponent
{
    /// <summary>The component's mean raw score over the background rows.</summary>
    public required double ExpectedValue { get; init; }

    /// <summary>Trees: per split node, the background rows that reach it.</summary>
    public IReadOnlyList<double>? NodeCovers { get; init; }

    /// <summary>Trees: per leaf, the background rows that end in it.</summary>
    public IReadOnlyList<double>? LeafCovers { get; init; }

    /// <summary>Linear component: per feature, its mean over the background rows.</summary>
    public IReadOnlyList<double>? FeatureMeans { get; init; }
}
