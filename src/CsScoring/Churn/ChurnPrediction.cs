using System.Globalization;

namespace CsScoring.Churn;

/// <summary>A churn risk band: how urgently an account needs attention.</summary>
public enum RiskBand
{
    /// <summary>Probability below the manifest's medium threshold.</summary>
    Low,

    /// <summary>Probability at or above the medium threshold and below the high one.</summary>
    Medium,

    /// <summary>Probability at or above the manifest's high threshold.</summary>
    High,
}

/// <summary>One account's churn prediction: calibrated probability, raw score and risk band.</summary>
/// <remarks>
/// <see cref="Probability"/> is in [0, 1] (NaN only when the raw score is NaN, which happens for a linear model fed
/// NaN features; tree models always give a number). <see cref="RawScore"/> is the model's uncalibrated score on the
/// log-odds scale of its trees. Immutable and thread-safe.
/// </remarks>
public readonly struct ChurnPrediction : IEquatable<ChurnPrediction>
{
    /// <summary>Creates a prediction.</summary>
    /// <param name="probability">The calibrated probability of churn.</param>
    /// <param name="rawScore">The uncalibrated score.</param>
    /// <param name="band">The risk band of <paramref name="probability"/>.</param>
    public ChurnPrediction(float probability, float rawScore, RiskBand band)
    {
        Probability = probability;
        RawScore = rawScore;
        Band = band;
    }

    /// <summary>The calibrated probability of churn within the label's horizon, in [0, 1].</summary>
    public float Probability { get; }

    /// <summary>The model's raw score (ML.NET's <c>Score</c>), before calibration.</summary>
    public float RawScore { get; }

    /// <summary>The risk band of <see cref="Probability"/>.</summary>
    public RiskBand Band { get; }

    /// <summary>Whether two predictions are equal in every field (bitwise for the numbers, so NaN equals NaN).</summary>
    /// <param name="left">The first prediction.</param>
    /// <param name="right">The second prediction.</param>
    public static bool operator ==(ChurnPrediction left, ChurnPrediction right) => left.Equals(right);

    /// <summary>Whether two predictions differ in any field.</summary>
    /// <param name="left">The first prediction.</param>
    /// <param name="right">The second prediction.</param>
    public static bool operator !=(ChurnPrediction left, ChurnPrediction right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(ChurnPrediction other)
        => Probability.Equals(other.Probability) && RawScore.Equals(other.RawScore) && Band == other.Band;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ChurnPrediction other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Probability, RawScore, Band);

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"p={Probability:0.####} ({Band}), score={RawScore:0.####}");
}
