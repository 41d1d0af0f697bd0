using System.Globalization;
using System.Text.Json;
using CsScoring.Churn.Manifest;

namespace CsScoring.Training.Churn.Onnx;

/// <summary>
/// Builds the ONNX graph of a model from its portable scorer, so the graph computes exactly what the library's
/// compiled scorer does: trees as one <c>ai.onnx.ml.TreeEnsembleRegressor</c> evaluated in double (leaf values kept
/// in double, summed and rounded to float once), a linear model as float products summed in double, then Platt in
/// double or the isotonic interpolation in float built from standard operators. Inputs are one float tensor
/// [N, 1] per feature, named as the features are; outputs are <c>probability</c> and <c>score</c>, float [N, 1].
/// </summary>
/// <remarks>
/// Generating the graph (rather than converting ML.NET's pipeline) is what lets every learner and both calibrators
/// export, with no training-only inputs and no 0.5 decision output; the trainer proves the result against the
/// compiled scorer with ONNX Runtime before writing it.
/// </remarks>
internal static class OnnxScorerGraph
{
    public const string ProbabilityOutput = "probability";
    public const string ScoreOutput = "score";
    public const string BatchDimension = "N";

    private const string Internal = "csscoring/";

    /// <summary>The graph input for a feature: its name, unless that would collide with an output or an internal name.</summary>
    public static string InputName(string featureName)
        => featureName is ProbabilityOutput or ScoreOutput || featureName.StartsWith(Internal, StringComparison.Ordinal) || featureName.StartsWith("feature/", StringComparison.Ordinal)
            ? "feature/" + featureName
            : featureName;

    public static OnnxModel Build(PortableScorer scorer, IReadOnlyList<string> featureNames, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        if (featureNames.Count != scorer.FeatureCount)
        {
            throw new ArgumentException($"the scorer reads {scorer.FeatureCount} features but {featureNames.Count} names were given", nameof(featureNames));
        }

        var graph = new GraphBuilder();
        var inputs = featureNames.Select(name => new OnnxValueInfo(InputName(name), OnnxType.Float, [BatchDimension, 1L], $"feature '{name}'")).ToList();
        if (inputs.Select(i => i.Name).Distinct(StringComparer.Ordinal).Count() != inputs.Count)
        {
            throw new ArgumentException("feature names must be distinct to name the ONNX inputs", nameof(featureNames));
        }

        var features = graph.Node("Concat", [.. inputs.Select(i => i.Name)], "features", OnnxAttribute.Of("axis", 1L));
        var score = scorer switch
        {
            { Trees: { } trees } => TreeScore(graph, trees, features, string.Empty),
            { Linear: { } linear } => LinearScore(graph, linear, features, string.Empty),
            { Blend: { } blend } => BlendScore(graph, blend, features),
            _ => throw new ArgumentException("the scorer has neither trees nor weights nor blend components", nameof(scorer)),
        };
        graph.Add(new OnnxNode("Identity", [score], [ScoreOutput], Internal + "score_out"));
        var probability = scorer.Calibration.Method switch
        {
            CalibrationMethod.Platt => Platt(graph, scorer.Calibration, score),
            CalibrationMethod.Isotonic => Isotonic(graph, scorer.Calibration, score),
            _ => throw new ArgumentException($"calibration {scorer.Calibration.Method} has no ONNX form", nameof(scorer)),
        };
        graph.Add(new OnnxNode("Identity", [probability], [ProbabilityOutput], Internal + "probability_out"));

        var outputs = new List<OnnxValueInfo>
        {
            new(ProbabilityOutput, OnnxType.Float, [BatchDimension, 1L], "the calibrated churn probability (what csscoring predict reports)"),
            new(ScoreOutput, OnnxType.Float, [BatchDimension, 1L], "the raw model score before calibration"),
        };
        var doc = "CsScoring churn model: one float input [N, 1] per feature (see metadata csscoring.feature_names and docs/model-format.md for the mapping from a raw row), outputs probability and score.";
        return new OnnxModel("csscoring_churn", graph.Nodes, graph.Initializers, inputs, outputs, metadata, doc);
    }

    /// <summary>The metadata a model carries: the feature order and what the scorer is.</summary>
    public static List<KeyValuePair<string, string>> Metadata(PortableScorer scorer, string scorerSha256, IReadOnlyList<string> featureNames, ManifestThresholds thresholds)
    {
        var names = featureNames.Select(InputName).ToArray();
        return
        [
            new("csscoring.model_kind", scorer.ModelKind switch { ModelKind.FastTree => "fast_tree", ModelKind.LightGbm => "light_gbm", ModelKind.Blend => "blend", _ => "logistic_regression" }),
            new("csscoring.calibration", scorer.Calibration.Method == CalibrationMethod.Platt ? "platt" : "isotonic"),
            new("csscoring.scorer_sha256", scorerSha256),
            new("csscoring.feature_names", JsonSerializer.Serialize(names, OnnxJson.Default.StringArray)),
            new("csscoring.threshold_f1", thresholds.F1.ToString("R", CultureInfo.InvariantCulture)),
            new("csscoring.threshold_cost", thresholds.Cost.ToString("R", CultureInfo.InvariantCulture)),
            new("csscoring.band_high", thresholds.Bands.High.ToString("R", CultureInfo.InvariantCulture)),
            new("csscoring.band_medium", thresholds.Bands.Medium.ToString("R", CultureInfo.InvariantCulture)),
        ];
    }

    private static string BlendScore(GraphBuilder graph, PortableBlend blend, string features)
    {
        // Each component's float score, cast to double and weighted; the products added in component order, the
        // bias last, rounded to float once: the compiled scorer's arithmetic step for step.
        string? sum = null;
        for (var k = 0; k < blend.Components.Count; k++)
        {
            var component = blend.Components[k];
            var prefix = string.Create(CultureInfo.InvariantCulture, $"blend{k}_");
            var score = component switch
            {
                { Trees: { } trees } => TreeScore(graph, trees, features, prefix),
                { Linear: { } linear } => LinearScore(graph, linear, features, prefix),
                _ => throw new ArgumentException($"blend component {k} has neither trees nor weights", nameof(blend)),
            };
            var asDouble = graph.Node("Cast", [score], prefix + "score_double", OnnxAttribute.Of("to", (long)OnnxType.Double));
            var weighted = graph.Node("Mul", [asDouble, graph.Constant(OnnxTensor.Doubles(prefix + "weight", [component.Weight]))], prefix + "weighted");
            sum = sum is null ? weighted : graph.Node("Add", [sum, weighted], prefix + "sum");
        }

        var withBias = graph.Node("Add", [sum!, graph.Constant(OnnxTensor.Doubles("blend_bias", [blend.Bias]))], "blend_score_double");
        return graph.Node("Cast", [withBias], "blend_score", OnnxAttribute.Of("to", (long)OnnxType.Float));
    }

    private static string TreeScore(GraphBuilder graph, PortableTrees trees, string features, string prefix)
    {
        var ensemble = new TreeAttributes();
        for (var t = 0; t < trees.Roots.Count; t++)
        {
            var next = 0;
            ensemble.AddSubtree(trees, t, trees.Roots[t], ref next);
        }

        // Double input makes ONNX Runtime compare and accumulate in double, as the compiled scorer does.
        var asDouble = graph.Node("Cast", [features], prefix + "features_double", OnnxAttribute.Of("to", (long)OnnxType.Double));
        return graph.Node("TreeEnsembleRegressor", [asDouble], prefix + "tree_score", OnnxModel.MlDomain,
            OnnxAttribute.Of("n_targets", 1L),
            OnnxAttribute.Of("aggregate_function", "SUM"),
            OnnxAttribute.Of("post_transform", "NONE"),
            OnnxAttribute.Of("nodes_treeids", ensemble.TreeIds),
            OnnxAttribute.Of("nodes_nodeids", ensemble.NodeIds),
            OnnxAttribute.Of("nodes_featureids", ensemble.FeatureIds),
            OnnxAttribute.Of("nodes_modes", ensemble.Modes),
            OnnxAttribute.Of("nodes_values", ensemble.Values),
            OnnxAttribute.Of("nodes_truenodeids", ensemble.TrueIds),
            OnnxAttribute.Of("nodes_falsenodeids", ensemble.FalseIds),
            OnnxAttribute.Of("nodes_missing_value_tracks_true", ensemble.MissingTracksTrue),
            OnnxAttribute.Of("target_treeids", ensemble.TargetTreeIds),
            OnnxAttribute.Of("target_nodeids", ensemble.TargetNodeIds),
            OnnxAttribute.Of("target_ids", ensemble.TargetIds),
            OnnxAttribute.Of("target_weights_as_tensor", OnnxTensor.Doubles(string.Empty, ensemble.TargetWeights)));
    }

    private static string LinearScore(GraphBuilder graph, PortableLinear linear, string features, string prefix)
    {
        // Float products, summed in double, the bias added in double and the sum rounded to float once.
        var weights = graph.Constant(OnnxTensor.Floats(prefix + "weights", linear.Weights, 1, linear.Weights.Count));
        var products = graph.Node("Mul", [features, weights], prefix + "products");
        var productsDouble = graph.Node("Cast", [products], prefix + "products_double", OnnxAttribute.Of("to", (long)OnnxType.Double));
        var axes = graph.Constant(OnnxTensor.Int64s("sum_axes", [1L]));
        var sum = graph.Node("ReduceSum", [productsDouble, axes], prefix + "product_sum", OnnxAttribute.Of("keepdims", 1L));
        var bias = graph.Constant(OnnxTensor.Doubles(prefix + "bias", [linear.Bias]));
        var withBias = graph.Node("Add", [sum, bias], prefix + "linear_score_double");
        return graph.Node("Cast", [withBias], prefix + "linear_score", OnnxAttribute.Of("to", (long)OnnxType.Float));
    }

    private static string Platt(GraphBuilder graph, PortableCalibration calibration, string score)
    {
        // p = 1 / (1 + exp(slope × score + offset)) in double, rounded to float; NaN stays NaN.
        var asDouble = graph.Node("Cast", [score], "score_double", OnnxAttribute.Of("to", (long)OnnxType.Double));
        var scaled = graph.Node("Mul", [asDouble, graph.Constant(OnnxTensor.Doubles("platt_slope", [calibration.Slope!.Value]))], "platt_scaled");
        var shifted = graph.Node("Add", [scaled, graph.Constant(OnnxTensor.Doubles("platt_offset", [calibration.Offset!.Value]))], "platt_shifted");
        var exp = graph.Node("Exp", [shifted], "platt_exp");
        var denominator = graph.Node("Add", [exp, graph.Constant(OnnxTensor.Doubles("one", [1.0]))], "platt_denominator");
        var probability = graph.Node("Reciprocal", [denominator], "platt_probability");
        return graph.Node("Cast", [probability], "probability_platt", OnnxAttribute.Of("to", (long)OnnxType.Float));
    }

    private static string Isotonic(GraphBuilder graph, PortableCalibration calibration, string score)
    {
        var mins = calibration.Mins!;
        var maxes = calibration.Maxes!;
        var values = calibration.Values!;
        var pieces = mins.Count;

        // position = the number of pieces whose upper end lies below the score (the compiled scorer's binary search).
        // Segment i (0..pieces) runs from the end of piece i-1 (lowX, lowV) to the start of piece i (highX, highV):
        // at or beyond highX the value is highV, before it lowV + t × (highV − lowV) with t = (s − lowX) / (highX − lowX),
        // in float as the compiled scorer computes it. The ends are flat (lowV = highV).
        var lowX = new float[pieces + 1];
        var highX = new float[pieces + 1];
        var lowV = new float[pieces + 1];
        var highV = new float[pieces + 1];
        for (var i = 0; i <= pieces; i++)
        {
            lowX[i] = i == 0 ? mins[0] : maxes[i - 1];
            lowV[i] = i == 0 ? values[0] : values[i - 1];
            highX[i] = i == pieces ? float.PositiveInfinity : mins[i];
            highV[i] = i == pieces ? values[pieces - 1] : values[i];
        }

        var width = lowX.Select((x, i) => highX[i] - x).ToArray();
        var rise = lowV.Select((v, i) => highV[i] - v).ToArray();
        var below = graph.Node("Less", [graph.Constant(OnnxTensor.Floats("isotonic_maxes", maxes, 1, pieces)), score], "isotonic_below");
        var belowCount = graph.Node("Cast", [below], "isotonic_below_count", OnnxAttribute.Of("to", (long)OnnxType.Int64));
        var position = graph.Node("ReduceSum", [belowCount, graph.Constant(OnnxTensor.Int64s("isotonic_axes", [1L]))], "isotonic_position", OnnxAttribute.Of("keepdims", 1L));
        string At(string name, float[] table)
            => graph.Node("Gather", [graph.Constant(OnnxTensor.Floats("isotonic_" + name, table)), position], "isotonic_" + name + "_at", OnnxAttribute.Of("axis", 0L));

        var lowXAt = At("low_x", lowX);
        var highXAt = At("high_x", highX);
        var lowVAt = At("low_v", lowV);
        var highVAt = At("high_v", highV);
        var widthAt = At("width", width);
        var riseAt = At("rise", rise);
        var t = graph.Node("Div", [graph.Node("Sub", [score, lowXAt], "isotonic_offset"), widthAt], "isotonic_t");
        var interpolated = graph.Node("Add", [lowVAt, graph.Node("Mul", [t, riseAt], "isotonic_step")], "isotonic_interpolated");
        var zero = graph.Constant(OnnxTensor.Floats("zero", [0f]));
        var flat = graph.Node("Or", [graph.Node("GreaterOrEqual", [score, highXAt], "isotonic_inside"), graph.Node("Equal", [riseAt, zero], "isotonic_flat")], "isotonic_constant");
        var value = graph.Node("Where", [flat, highVAt, interpolated], "isotonic_value");
        const float MinToReturn = 1e-15f;
        var clipped = graph.Node("Clip", [value, graph.Constant(OnnxTensor.Floats("isotonic_min", [MinToReturn]).AsScalar()), graph.Constant(OnnxTensor.Floats("isotonic_max", [1 - MinToReturn]).AsScalar())], "isotonic_clipped");
        var isNaN = graph.Node("IsNaN", [score], "score_is_nan");
        return graph.Node("Where", [isNaN, score, clipped], "probability_isotonic");
    }

    /// <summary>The TreeEnsembleRegressor's parallel attribute arrays, one tree at a time.</summary>
    private sealed class TreeAttributes
    {
        public List<long> TreeIds { get; } = [];
        public List<long> NodeIds { get; } = [];
        public List<long> FeatureIds { get; } = [];
        public List<string> Modes { get; } = [];
        public List<float> Values { get; } = [];
        public List<long> TrueIds { get; } = [];
        public List<long> FalseIds { get; } = [];
        public List<long> MissingTracksTrue { get; } = [];
        public List<long> TargetTreeIds { get; } = [];
        public List<long> TargetNodeIds { get; } = [];
        public List<long> TargetIds { get; } = [];
        public List<double> TargetWeights { get; } = [];

        /// <summary>Emits the subtree at <paramref name="node"/> (a split index, or <c>~leaf</c>); returns its node id.</summary>
        public long AddSubtree(PortableTrees trees, int tree, int node, ref int next)
        {
            if (node < 0)
            {
                var leafId = next++;
                AddNode(tree, leafId, 0, "LEAF", 0, 0, 0, 0);
                TargetTreeIds.Add(tree);
                TargetNodeIds.Add(leafId);
                TargetIds.Add(0);
                TargetWeights.Add(trees.LeafValues[~node]);
                return leafId;
            }

            var feature = trees.SplitFeatures[node];
            var missing = trees.MissingValues[node];
            if (feature >= 0)
            {
                // Left when value <= threshold; NaN takes the node's missing value first (none: NaN goes right).
                var id = next++;
                var slot = AddNode(tree, id, feature, "BRANCH_LEQ", trees.Thresholds[node], 0, 0, missing <= trees.Thresholds[node] ? 1 : 0);
                var left = AddSubtree(trees, tree, trees.LeftChildren[node], ref next);
                var right = AddSubtree(trees, tree, trees.RightChildren[node], ref next);
                TrueIds[slot] = left;
                FalseIds[slot] = right;
                return id;
            }

            // A categorical split goes right when any of its features is above 0: a chain of "feature <= 0" tests
            // that ends on the left subtree, each test's other branch a copy of the right subtree.
            var k = ~feature;
            var start = trees.CategoricalStarts[k];
            var end = trees.CategoricalStarts[k + 1];
            return AddCategoricalChain(trees, tree, node, start, end, missing, ref next);
        }

        private long AddCategoricalChain(PortableTrees trees, int tree, int node, int index, int end, float missing, ref int next)
        {
            if (index == end)
            {
                return AddSubtree(trees, tree, trees.LeftChildren[node], ref next);
            }

            var id = next++;
            var slot = AddNode(tree, id, trees.CategoricalFeatures[index], "BRANCH_LEQ", 0f, 0, 0, missing > 0 ? 0 : 1);
            var notAbove = AddCategoricalChain(trees, tree, node, index + 1, end, missing, ref next);
            var above = AddSubtree(trees, tree, trees.RightChildren[node], ref next);
            TrueIds[slot] = notAbove;
            FalseIds[slot] = above;
            return id;
        }

        private int AddNode(int tree, long id, long feature, string mode, float value, long trueId, long falseId, long missingTrue)
        {
            TreeIds.Add(tree);
            NodeIds.Add(id);
            FeatureIds.Add(feature);
            Modes.Add(mode);
            Values.Add(value);
            TrueIds.Add(trueId);
            FalseIds.Add(falseId);
            MissingTracksTrue.Add(missingTrue);
            return TreeIds.Count - 1;
        }
    }

    /// <summary>Nodes and constants in the order they are added; internal names carry a prefix features cannot take.</summary>
    private sealed class GraphBuilder
    {
        public List<OnnxNode> Nodes { get; } = [];

        public List<OnnxTensor> Initializers { get; } = [];

        public void Add(OnnxNode node) => Nodes.Add(node);

        public string Constant(OnnxTensor tensor)
        {
            var named = tensor with { Name = Internal + tensor.Name };
            if (!Initializers.Any(i => i.Name == named.Name))
            {
                Initializers.Add(named);
            }

            return named.Name;
        }

        public string Node(string op, IReadOnlyList<string> inputs, string output, params OnnxAttribute[] attributes)
            => Node(op, inputs, output, string.Empty, attributes);

        public string Node(string op, IReadOnlyList<string> inputs, string output, string domain, params OnnxAttribute[] attributes)
        {
            var name = Internal + output;
            Nodes.Add(new OnnxNode(op, inputs, [name], name, domain) { Attributes = attributes });
            return name;
        }
    }
}

/// <summary>JSON for the ONNX metadata (source-generated, as the rest of the console's JSON is trimming-safe).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class OnnxJson : System.Text.Json.Serialization.JsonSerializerContext;
