namespace CsScoring.Churn.Manifest;

/// <summary>
/// <c>scorer.json</c> of a churn model directory: the model's trees (or weights) and calibrator in a portable,
/// versioned form that <see cref="ChurnModel"/> compiles without ML.NET, plus self-test rows whose scores the trainer
/// took from ML.NET itself. <c>docs/model-format.md</c> describes every field.
/// </summary>
/// <remarks>
/// <para>
/// A tree model is a list of binary trees in one node array. A split node sends a row left when its feature value is
/// at most <see cref="PortableTrees.Thresholds"/> (ML.NET's rule: <c>value &lt;= threshold</c>); a NaN value is first
/// replaced by the node's <see cref="PortableTrees.MissingValues"/> entry (NaN when the node has none, which sends NaN
/// right). A child index <c>c &gt;= 0</c> is a split node; <c>c &lt; 0</c> is leaf <c>~c</c>. A categorical split
/// (negative <see cref="PortableTrees.SplitFeatures"/> entry <c>~k</c>) goes right when any of the features
/// <c>CategoricalFeatures[CategoricalStarts[k] .. CategoricalStarts[k + 1])</c> is above 0 (a NaN there takes the
/// node's missing value first). The raw score
/// is the sum of the leaf values reached, summed in double in tree order and rounded to float.
/// </para>
/// <para>
/// A linear model's raw score is <c>bias + Σ weights[i] × features[i]</c>. A blend's raw score is
/// <c>bias + Σ weight[k] × score[k]</c> over its components' raw scores (see <see cref="PortableBlend"/>). The
/// calibrator turns the raw score into the probability (see <see cref="PortableCalibration"/>); a blend has one
/// calibrator, applied after blending. Immutable; thread-safe.
/// </para>
/// </remarks>
public sealed record PortableScorer
{
    /// <summary>The file name in a model directory.</summary>
    public const string FileName = "scorer.json";

    /// <summary>
    /// The newest format version this library reads: 2 added blends (<see cref="Blend"/>). Version 1 files still
    /// load, and a single learner is still written as version 1 (<see cref="SingleLearnerFormatVersion"/>) so that
    /// older readers keep reading it; only a blend needs version 2.
    /// </summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The format version of a scorer with one learner (trees or weights): 1, readable by every release.</summary>
    public const int SingleLearnerFormatVersion = 1;

    /// <summary>The format version: <see cref="SingleLearnerFormatVersion"/> for one learner, <see cref="CurrentFormatVersion"/> for a blend.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The learner.</summary>
    public required ModelKind ModelKind { get; init; }

    /// <summary>The length of the feature vector the model reads.</summary>
    public required int FeatureCount { get; init; }

    /// <summary>The trees, for <see cref="ModelKind.FastTree"/> and <see cref="ModelKind.LightGbm"/>; otherwise <see langword="null"/>.</summary>
    public PortableTrees? Trees { get; init; }

    /// <summary>The weights, for <see cref="ModelKind.LogisticRegression"/>; otherwise <see langword="null"/>.</summary>
    public PortableLinear? Linear { get; init; }

    /// <summary>The components and their weights, for <see cref="ModelKind.Blend"/>; otherwise <see langword="null"/>.</summary>
    public PortableBlend? Blend { get; init; }

    /// <summary>The calibrator from raw score to probability (for a blend: from the blended score).</summary>
    public required PortableCalibration Calibration { get; init; }

    /// <summary>
    /// Rows with the raw scores and probabilities the training library computed for them (NaN, infinities, values
    /// on and beside split thresholds); loading re-scores them and refuses a model that disagrees. May be empty.
    /// </summary>
    public PortableSelfTest? SelfTest { get; init; }
}

/// <summary>The trees of a tree ensemble, as parallel arrays over all split nodes of all trees.</summary>
/// <param name="Roots">Per tree, the index of its root: a split node (<c>&gt;= 0</c>), or <c>~leaf</c> for a single-leaf tree.</param>
/// <param name="SplitFeatures">Per split node, the feature it tests (<c>&gt;= 0</c>), or <c>~k</c> for categorical split <c>k</c>.</param>
/// <param name="Thresholds">Per split node, the threshold (<c>value &lt;= threshold</c> goes left); 0 for categorical splits.</param>
/// <param name="LeftChildren">Per split node, its left child (split node index, or <c>~leaf</c>).</param>
/// <param name="RightChildren">Per split node, its right child.</param>
/// <param name="MissingValues">Per split node, the value a NaN feature takes there, or NaN for none (NaN then goes right).</param>
/// <param name="LeafValues">Per leaf, its output (added to the raw score).</param>
/// <param name="CategoricalStarts">Offsets into <paramref name="CategoricalFeatures"/>, one more than there are categorical splits (starts with 0).</param>
/// <param name="CategoricalFeatures">The features of each categorical split, concatenated.</param>
public sealed record PortableTrees(
    IReadOnlyList<int> Roots,
    IReadOnlyList<int> SplitFeatures,
    IReadOnlyList<float> Thresholds,
    IReadOnlyList<int> LeftChildren,
    IReadOnlyList<int> RightChildren,
    IReadOnlyList<float> MissingValues,
    IReadOnlyList<double> LeafValues,
    IReadOnlyList<int> CategoricalStarts,
    IReadOnlyList<int> CategoricalFeatures);

/// <summary>A linear model: <c>score = bias + Σ weights[i] × features[i]</c> (products in float, summed in double).</summary>
/// <param name="Weights">One weight per feature.</param>
/// <param name="Bias">The intercept.</param>
public sealed record PortableLinear(IReadOnlyList<float> Weights, float Bias);

/// <summary>
/// A blend of learners in margin (raw score, log-odds) space: <c>score = (float)(Σ weight[k] × score[k] + bias)</c>,
/// each component's raw score computed as for a scorer of its own (a float), the products and the sum taken in
/// double in component order, the bias added last and the result rounded to float once. The scorer's calibrator is
/// applied to that score. Explanations add up the same way: a blend's contributions are
/// <c>Σ weight[k] × contributions[k]</c> and its expected value is <c>bias + Σ weight[k] × expected[k]</c>, so they
/// still sum to the blended score.
/// </summary>
/// <param name="Components">At least two components, each a tree ensemble or a linear model over the same features.</param>
/// <param name="Bias">Added to the weighted sum (finite).</param>
public sealed record PortableBlend(IReadOnlyList<PortableBlendComponent> Components, double Bias);

/// <summary>One learner of a <see cref="PortableBlend"/>: its kind, its weight, and its trees or weights (no calibrator of its own).</summary>
public sealed record PortableBlendComponent
{
    /// <summary>The learner: <see cref="ModelKind.FastTree"/>, <see cref="ModelKind.LightGbm"/> or <see cref="ModelKind.LogisticRegression"/>.</summary>
    public required ModelKind ModelKind { get; init; }

    /// <summary>The weight of the component's raw score in the blend (finite, not 0).</summary>
    public required double Weight { get; init; }

    /// <summary>The trees, for a tree learner; otherwise <see langword="null"/>.</summary>
    public PortableTrees? Trees { get; init; }

    /// <summary>The weights, for a logistic regression; otherwise <see langword="null"/>.</summary>
    public PortableLinear? Linear { get; init; }
}

/// <summary>
/// The calibrator. Platt: <c>p = 1 / (1 + exp(slope × score + offset))</c> in double, rounded to float. Isotonic: a
/// score inside piece <c>i</c> (<c>mins[i] &lt;= s &lt;= maxes[i]</c>) gives <c>values[i]</c>; between pieces the
/// value is interpolated linearly; beyond the ends it is the first or last value; the result is clamped to
/// [1e-15, 1 − 1e-15]. NaN scores stay NaN.
/// </summary>
public sealed record PortableCalibration
{
    /// <summary>The method.</summary>
    public required CalibrationMethod Method { get; init; }

    /// <summary>Platt slope.</summary>
    public double? Slope { get; init; }

    /// <summary>Platt offset.</summary>
    public double? Offset { get; init; }

    /// <summary>Isotonic: the lower score bound of each piece.</summary>
    public IReadOnlyList<float>? Mins { get; init; }

    /// <summary>Isotonic: the upper score bound of each piece.</summary>
    public IReadOnlyList<float>? Maxes { get; init; }

    /// <summary>Isotonic: the probability of each piece.</summary>
    public IReadOnlyList<float>? Values { get; init; }
}

/// <summary>Rows with their expected raw scores and probabilities, re-checked when the model loads.</summary>
/// <param name="Rows">The feature vectors.</param>
/// <param name="Scores">The expected raw score of each row.</param>
/// <param name="Probabilities">The expected probability of each row.</param>
public sealed record PortableSelfTest(IReadOnlyList<IReadOnlyList<float>> Rows, IReadOnlyList<float> Scores, IReadOnlyList<float> Probabilities);

/// <summary>How closely the portable scorer reproduced the training library's predictions when the model was written.</summary>
/// <param name="Rows">Rows compared: the training rows plus the edge rows.</param>
/// <param name="EdgeRows">Of those, edge rows (NaN, infinities, values on and beside every split threshold).</param>
/// <param name="MaxScoreDifference">The largest |raw score difference| (0 for trees: they agree bit for bit).</param>
/// <param name="MaxProbabilityDifference">The largest |probability difference|.</param>
public sealed record ManifestParity(long Rows, long EdgeRows, double MaxScoreDifference, double MaxProbabilityDifference);

/// <summary>
/// The model as an ONNX graph, and how closely ONNX Runtime reproduced the portable scorer on it when the model was
/// written. The graph takes one float input per feature (named as in <c>features.feature_names</c>, shape [N, 1])
/// and returns <c>probability</c> (calibrated) and <c>score</c> (raw), both float [N, 1].
/// </summary>
/// <param name="File">The file, relative to the manifest (normally <c>model.onnx</c>).</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Rows">Rows compared: the training rows plus the edge rows.</param>
/// <param name="EdgeRows">Of those, edge rows (NaN, infinities, values on and beside every split threshold).</param>
/// <param name="MaxScoreDifference">The largest |raw score difference| between ONNX Runtime and the portable scorer.</param>
/// <param name="MaxProbabilityDifference">The largest |probability difference| (the trainer refuses more than 1e-6).</param>
public sealed record ManifestOnnx(string File, string Sha256, long Rows, long EdgeRows, double MaxScoreDifference, double MaxProbabilityDifference);
