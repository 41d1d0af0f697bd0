namespace CsScoring.Training.Churn;

/// <summary>
/// The weights of a blend in margin space: <c>margin = Σ weights[k] × margin[k] + bias</c>, summed in double in
/// component order with the bias last and rounded to float once (the portable scorer's rule).
/// </summary>
/// <param name="Weights">Per component, its weight (never 0).</param>
/// <param name="Bias">The intercept.</param>
/// <param name="Mix">The share of the first component's standardised margin (<c>weights = scale × (mix / sd1, (1 − mix) / sd2)</c>).</param>
/// <param name="LogLoss">The (weighted) log loss of <c>sigmoid(margin)</c> on the rows the weights were fitted on.</param>
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
/// divided by its standard deviation, and for each share <c>w</c> on a grid over (0, 1) (steps of 0.1, then of 0.01
/// around the best) a logistic fit of <c>bias + scale × (w × m1 / sd1 + (1 − w) × m2 / sd2)</c> to the labels by
/// Newton's method; the share with the lowest log loss wins (the first on ties). Deterministic: no randomness, a
/// fixed order of work.
/// </summary>
/// <remarks>
/// Standardising first makes the share mean the same on margins of any spread (a linear model on unscaled features
/// can have margins hundreds of times wider than boosted trees'). Fitting the intercept and scale with the share
/// makes the blended margin a log-odds on its own; the calibrator fitted after blending corrects what is left.
/// Margins that are not finite are left out of the fit.
/// </remarks>
internal static class BlendFitter
{
    private const int NewtonIterations = 30;

    /// <summary>Fits the weights on pooled margins.</summary>
    /// <param name="first">Out-of-fold margins of the first component (the linear model).</param>
    /// <param name="second">Out-of-fold margins of the second component (the tree model), row for row.</param>
    /// <param name="labels">The labels.</param>
    /// <param name="rowWeights">Row weights, or empty for 1 each.</param>
    /// <returns>The weights, or <see langword="null"/> when no share gives two non-zero weights (a degenerate fit).</returns>
    public static BlendWeights? Fit(ReadOnlySpan<float> first, ReadOnlySpan<float> second, ReadOnlySpan<bool> labels, ReadOnlySpan<float> rowWeights = default)
    {
        if (first.Length != second.Length || first.Length != labels.Length || (!rowWeights.IsEmpty && rowWeights.Length != labels.Length))
        {
            throw new ArgumentException("the margins, labels and row weights must have one length");
        }

        var spreadA = Spread(first, second, rowWeights, 0);
        var spreadB = Spread(first, second, rowWeights, 1);
        (double Mix, double Bias, double Scale, double LogLoss)? best = null;
        void Try(double mix, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<bool> y, ReadOnlySpan<float> w)
        {
            var (bias, scale, logLoss) = FitLogistic(mix / spreadA, (1 - mix) / spreadB, a, b, y, w);
            if (best is null || logLoss < best.Value.LogLoss)
            {
                best = (mix, bias, scale, logLoss);
            }
        }

        for (var step = 1; step <= 9; step++)
        {
            Try(step / 10.0, first, second, labels, rowWeights);
        }

        var coarse = (int)Math.Round(best!.Value.Mix * 100);
        for (var step = Math.Max(1, coarse - 9); step <= Math.Min(99, coarse + 9); step++)
        {
            if (step % 10 != 0)
            {
                Try(step / 100.0, first, second, labels, rowWeights);
            }
        }

        var chosen = best.Value;
        double[] weights = [chosen.Scale * chosen.Mix / spreadA, chosen.Scale * (1 - chosen.Mix) / spreadB];
        return weights.All(w => double.IsFinite(w) && w != 0) && double.IsFinite(chosen.Bias)
            ? new BlendWeights(weights, chosen.Bias, chosen.Mix, chosen.LogLoss)
            : null;
    }

    /// <summary>
    /// Cross-fits the blend on the out-of-fold margins of repeated cross-validation: in each repeat, the margins of
    /// fold <c>f</c> are blended with weights fitted on the other folds, so the blend's out-of-fold figures are as
    /// honest as its components'. The final weights are fitted on every repeat's margins pooled.
    /// </summary>
    /// <returns>The final weights and the cross-fitted margins per repeat, or <see langword="null"/> when a fit is degenerate.</returns>
    public static (BlendWeights Final, float[][] Margins)? CrossFit(float[][] first, float[][] second, int[][] folds, bool[] labels, float[]? rowWeights)
    {
        var margins = new float[first.Length][];
        for (var r = 0; r < first.Length; r++)
        {
            margins[r] = new float[labels.Length];
            var foldCount = folds[r].Max() + 1;
            for (var f = 0; f < foldCount; f++)
            {
                var fit = Enumerable.Range(0, labels.Length).Where(i => folds[r][i] != f).ToArray();
                var weights = Fit([.. fit.Select(i => first[r][i])], [.. fit.Select(i => second[r][i])], [.. fit.Select(i => labels[i])],
                    rowWeights is null ? default : [.. fit.Select(i => rowWeights[i])]);
                if (weights is null)
                {
                    return null;
                }

                for (var i = 0; i < labels.Length; i++)
                {
                    if (folds[r][i] == f)
                    {
                        margins[r][i] = weights.Margin(first[r][i], second[r][i]);
                    }
                }
            }
        }

        var final = FitPooled(first, second, labels, rowWeights);
        return final is null ? null : (final, margins);
    }

    /// <summary>Fits the weights on every repeat's margins pooled (each row once per repeat).</summary>
    public static BlendWeights? FitPooled(float[][] first, float[][] second, bool[] labels, float[]? rowWeights)
        => Fit([.. first.SelectMany(m => m)], [.. second.SelectMany(m => m)], [.. Enumerable.Repeat(labels, first.Length).SelectMany(l => l)],
            rowWeights is null ? default : [.. Enumerable.Repeat(rowWeights, first.Length).SelectMany(w => w)]);

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

    // Newton's method for the intercept and scale of a one-input logistic regression on z = ca × a + cb × b, with a
    // tiny ridge so a separable or constant z still converges.
    private static (double Bias, double Scale, double LogLoss) FitLogistic(double ca, double cb, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<bool> y, ReadOnlySpan<float> w)
    {
        const double Ridge = 1e-9;
        double bias = 0, scale = 1;
        for (var iteration = 0; iteration < NewtonIterations; iteration++)
        {
            double g0 = 0, g1 = 0, h00 = Ridge, h01 = 0, h11 = Ridge;
            for (var i = 0; i < y.Length; i++)
            {
                var z = (ca * a[i]) + (cb * b[i]);
                if (!double.IsFinite(z))
                {
                    continue;
                }

                var weight = w.IsEmpty ? 1.0 : w[i];
                var p = Sigmoid(bias + (scale * z));
                var residual = weight * (p - (y[i] ? 1 : 0));
                var curvature = weight * Math.Max(p * (1 - p), 1e-12);
                g0 += residual;
                g1 += residual * z;
                h00 += curvature;
                h01 += curvature * z;
                h11 += curvature * z * z;
            }

            var determinant = (h00 * h11) - (h01 * h01);
            if (!(determinant > 0))
            {
                break;
            }

            var stepBias = ((h11 * g0) - (h01 * g1)) / determinant;
            var stepScale = ((h00 * g1) - (h01 * g0)) / determinant;
            bias -= stepBias;
            scale -= stepScale;
            if (Math.Abs(stepBias) + Math.Abs(stepScale) < 1e-10)
            {
                break;
            }
        }

        return (bias, scale, LogLoss(ca, cb, bias, scale, a, b, y, w));
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
