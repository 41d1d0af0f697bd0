namespace CsScoring.Churn;

/// <summary>The trainer behind a churn model (the manifest's <c>model_kind</c>).</summary>
public enum ChurnModelKind
{
    /// <summary>ML.NET FastTree gradient-boosted trees (<c>fast_tree</c>).</summary>
    FastTree,

    /// <summary>LightGBM gradient-boosted trees through ML.NET (<c>light_gbm</c>).</summary>
    LightGbm,

    /// <summary>L-BFGS logistic regression (<c>logistic_regression</c>): weights and a bias.</summary>
    LogisticRegression,
}
