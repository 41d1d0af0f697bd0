namespace CsScoring.Value.Numerics;

/// <summary>
/// A negative log-likelihood over log-transformed parameters, with its analytic gradient. Implemented by structs so
/// the optimizer's inner loop makes no virtual calls.
/// </summary>
internal interface IObjective
{
    int Dimension { get; }

    /// <summary>Returns the value at <paramref name="u"/> and writes the gradient; NaN or +inf means "outside the domain".</summary>
    double Evaluate(ReadOnlySpan<double> u, Span<double> gradient);
}
