namespace CsScoring.Churn;

/// <summary>How <see cref="ChurnModel.Load(string, ChurnModelLoadOptions?)"/> loads a model. Immutable.</summary>
public sealed record ChurnModelLoadOptions
{
    /// <summary>The defaults.</summary>
    public static ChurnModelLoadOptions Default { get; } = new();

    /// <summary>
    /// Whether to score probe rows (split thresholds and their neighbours, NaN, ±Infinity) with both ML.NET and the
    /// compiled model at load and refuse the model unless they agree (scores bit for bit for trees, probabilities
    /// to 1e-6).
    /// </summary>
    /// <value>The default value is <see langword="true"/>; the check costs a few milliseconds per load.</value>
    public bool VerifyAgainstMlNet { get; init; } = true;
}
