namespace CsScoring.Training.Churn;

/// <summary>
/// The weights of a blend in margin space: <c>margin = Σ weights[k] × margin[k] + bias</c>, summed in double in
/// component order with the bias last and rounded to float once (the portable scorer's rule).
/// </summary>
/// <param name="Weights">Per component, its weight (never 0).</param>
/// <param name="Bias">The intercept.</param>
/// <param name="Mix">The share of the first component's standardised margin (<c>weights = scale × (mix / sd1, (1 − mix) / sd2)</c>).</param>
/// <param name="LogLoss">The (weighted) log loss of <c>sigmoid(margin)</c> on the rows the weights were chosen on (before calibration; for the log).</param>
internal sealed record BlendWeights(double[] Weights, double Bias, double Mix, double LogLoss)
{
    /// <summary>The blended margin of one row, exactly as the compiled scorer forms it.</summary>
    public float Margin(float first, float second)
    {
        var sum = 0.0;
        sum += Weights[0] * first;
        sum += Weights[1] * second;
        return (float)(sum + Bias);
    }
}

/// <summary>
/// Chooses the weights of a two-component blend (a linear and a tree model) from out-of-fold margins: each margin is
/// divided by its standard deviation, and the share <c>w</c> of the linear one (<c>w × m1 / sd1 + (1 − w) × m2 / sd2</c>)
/// is chosen by the loss every other choice of the trainer is made by, the calibrated out-of-fold Brier score, over a
/// grid whose endpoints are the components alone (<see cref="ChooseMix"/>). Deterministic: no randomness, a fixed order
/// of work.
/// </summary>
/// <remarks>
/// Standardising first makes the share mean the same on margins of any spread (a linear model on unscaled features
/// can have margins hundreds of times wider than boosted trees'). The calibrator fitted after blending maps the
/// blended margin to a probability, so no intercept or scale is fitted here. Margins that are not finite are left out
/// of the spreads.
/// </remarks>
internal static class BlendFitter
{
    /// <summary>The shares of the first (linear) component's standardised margin tried between the endpoints.</summary>
    public static IReadOnlyList<double> InteriorMixes { get; } = [.. Enumerable.Range(1, 9).Select(step => step / 10.0)];

    /// <summary>
    /// Chooses the share of the linear component by the loss the final choice uses (the calibrated out-of-fold
    /// Brier score) over a grid that includes both endpoints: share 1 is the linear model alone, share 0 the tree
    /// model alone, each judged by its own <paramref name="linearLoss"/> and <paramref name="treeLoss"/>. An interior
    /// share must beat both endpoints strictly; ties go to the simpler model (an endpoint), and among interior shares
    /// to the first tried. So the blend chosen is never worse out of fold than its better component.
    /// </summary>
    /// <param name="lossAtMix">The selection loss of the blend at an interior share (calibrated after blending).</param>
    /// <param name="linearLoss">The selection loss of the linear component alone.</param>
    /// <param name="treeLoss">The selection loss of the tree component alone.</param>
    /// <param name="endpointsAllowed">False when a blend is required (<c>--trainer blend</c>): the best interior share is taken.</param>
    /// <returns>The chosen share and its loss; a share of 0 or 1 means the single model is kept.</returns>
    public static (double Mix, double Loss) ChooseMix(Func<double, double> lossAtMix, double linearLoss, double treeLoss, bool endpointsAllowed)
    {
        ArgumentNullException.ThrowIfNull(lossAtMix);
        (double Mix, double Loss)? interior = null;
        foreach (var mix in InteriorMixes)
        {
            var loss = lossAtMix(mix);
            if (!double.IsNaN(loss) && (interior is null || loss < interior.Value.Loss))
            {
                interior = (mix, loss);
            }
        }

        if (!endpointsAllowed)
        {
            return interior ?? throw new InvalidOperationException("no share of the blend has a finite loss");
        }

        // The endpoint with the lower loss; the tree model (share 0) on a tie, as the search's own tie rule is by order.
        var endpoint = linearLoss < treeLoss ? (Mix: 1.0, Loss: linearLoss) : (Mix: 0.0, Loss: treeLoss);
        return interior is { } best && best.Loss < endpoint.Loss ? best : endpoint;
    }

    /// <summary>
    /// The blend at a fixed share of standardised margins: <c>weights = (mix / sd1, (1 − mix) / sd2)</c>, bias 0
    /// (the calibrator fitted after blending maps the margin to a probability), the spreads taken over every repeat's
    /// margins pooled.
    /// </summary>
    public static BlendWeights AtMix(float[][] first, float[][] second, bool[] labels, float[]? rowWeights, double mix)
    {
        float[] a = [.. first.SelectMany(m => m)];
        float[] b = [.. second.SelectMany(m => m)];
        bool[] y = [.. Enumerable.Repeat(labels, first.Length).SelectMany(l => l)];
        float[] w = rowWeights is null ? [] : [.. Enumerable.Repeat(rowWeights, first.Length).SelectMany(x => x)];
        var spreadA = Spread(a, b, w, 0);
        var spreadB = Spread(a, b, w, 1);
        double[] weights = [mix / spreadA, (1 - mix) / spreadB];
        return new BlendWeights(weights, 0, mix, LogLoss(weights[0], weights[1], 0, 1, a, b, y, w));
    }

    // The (row-weighted) standard deviation of one component's margins over the rows where both are finite (1 when it is 0).
    private static double Spread(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> w, int which)
    {
        double sum = 0, squares = 0, total = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (float.IsFinite(a[i]) && float.IsFinite(b[i]))
            {
                double value = which == 0 ? a[i] : b[i];
                var weight = w.IsEmpty ? 1.0 : w[i];
                sum += weight * value;
                squares += weight * value * value;
                total += weight;
            }
        }

        if (!(total > 0))
        {
            return 1;
        }

        var mean = sum / total;
        var sd = Math.Sqrt(Math.Max(0, (squares / total) - (mean * mean)));
        return sd > 1e-12 && double.IsFinite(sd) ? sd : 1;
    }

    private static double LogLoss(double ca, double cb, double bias, double scale, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<bool> y, ReadOnlySpan<float> w)
    {
        double loss = 0, total = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var z = (ca * a[i]) + (cb * b[i]);
            if (!double.IsFinite(z))
            {
                continue;
            }

            var weight = w.IsEmpty ? 1.0 : w[i];
            var margin = bias + (scale * z);

            // log(1 + e^-m) for a positive, log(1 + e^m) for a negative, in a form that cannot overflow.
            var signed = y[i] ? margin : -margin;
            loss += weight * (Math.Max(-signed, 0) + Math.Log(1 + Math.Exp(-Math.Abs(signed))));
            total += weight;
        }

        return total > 0 ? loss / total : double.PositiveInfinity;
    }

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
}
