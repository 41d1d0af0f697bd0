namespace CsScoring.Churn;

/// <summary>How <see cref="ChurnModel.Load(string, ChurnModelLoadOptions?)"/> loads a model. Immutable.</summary>
public sealed record ChurnModelLoadOptions
{
    /// <summary>The defaults.</summary>
    public static ChurnModelLoadOptions Default { get; } = new();

    /// <summary>
    /// Whether to re-score the self-test rows stored in <c>scorer.json</c> (split thresholds and their neighbours,
    /// NaN, ±Infinity, scored by ML.NET when the model was trained) and refuse the model unless the compiled scorer
    /// agrees (scores bit for bit for trees, probabilities to 1e-6): a guard against any drift between the
    /// training library's rules and this build's evaluation on this CPU.
    /// </summary>
    /// <value>The default value is <see langword="true"/>; the check costs well under a millisecond per load.</value>
    public bool VerifySelfTest { get; init; } = true;
}
