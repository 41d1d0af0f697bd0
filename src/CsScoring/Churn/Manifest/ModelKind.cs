namespace CsScoring.Churn.Manifest;

/// <summary>The learner inside a churn model's <c>model.zip</c>.</summary>
public enum ModelKind
{
    /// <summary>ML.NET FastTree gradient-boosted trees (JSON <c>fast_tree</c>).</summary>
    FastTree,

    /// <summary>LightGBM gradient-boosted trees (JSON <c>light_gbm</c>).</summary>
    LightGbm,

    /// <summary>L-BFGS logistic regression (JSON <c>logistic_regression</c>).</summary>
    LogisticRegression,

    /// <summary>
    /// A weighted blend of the learners above in margin space, calibrated after blending (JSON <c>blend</c>); the
    /// components are in <see cref="PortableScorer.Blend"/>.
    /// </summary>
    Blend,
}

/// <summary>How a model's raw score becomes a probability.</summary>
public enum CalibrationMethod
{
    /// <summary>Platt scaling: <c>p = 1 / (1 + exp(slope × score + offset))</c> (ML.NET's convention).</summary>
    Platt,

    /// <summary>Isotonic regression: a non-decreasing step function of the score (ML.NET's isotonic calibrator).</summary>
    Isotonic,
}
