using CsScoring.Metrics;
using CsScoring.Training.Churn;

namespace CsScoring.Training.Tests.Churn;

public sealed class BlendFitterTests
{
    // Two margins that each carry part of the signal: the true log-odds is 0.3 + 1.2 × first + 0.8 × second.
    private static (float[] First, float[] Second, bool[] Labels) Known(int rows, int seed, double firstWeight = 1.2, double secondWeight = 0.8)
    {
        var random = new Random(seed);
        var first = new float[rows];
        var second = new float[rows];
        var labels = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            first[i] = (float)Normal(random);
            second[i] = (float)Normal(random);
            var logit = 0.3 + (firstWeight * first[i]) + (secondWeight * second[i]);
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
        }

        return (first, second, labels);
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Fit_KnownLogit_RecoversItsWeightsAndBias()
    {
        var (first, second, labels) = Known(40_000, 1);

        var weights = BlendFitter.Fit(first, second, labels)!;

        Assert.Equal(0.6, weights.Mix, 0.03);
        Assert.Equal(1.2, weights.Weights[0], 0.08);
        Assert.Equal(0.8, weights.Weights[1], 0.08);
        Assert.Equal(0.3, weights.Bias, 0.05);
    }

    [Fact]
    public void Fit_SameInput_GivesTheSameBits()
    {
        var (first, second, labels) = Known(5_000, 2);

        var a = BlendFitter.Fit(first, second, labels)!;
        var b = BlendFitter.Fit(first, second, labels)!;

        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.Bias, b.Bias);
        Assert.Equal(a.Mix, b.Mix);
    }

    [Fact]
    public void Fit_RowWeights_CountLikeRepeatedRows()
    {
        var (first, second, labels) = Known(3_000, 3);
        var weights = Enumerable.Range(0, labels.Length).Select(i => i % 3 == 0 ? 2f : 1f).ToArray();
        var repeated = Enumerable.Range(0, labels.Length).SelectMany(i => i % 3 == 0 ? new[] { i, i } : [i]).ToArray();

        var weighted = BlendFitter.Fit(first, second, labels, weights)!;
        var copied = BlendFitter.Fit([.. repeated.Select(i => first[i])], [.. repeated.Select(i => second[i])], [.. repeated.Select(i => labels[i])])!;

        Assert.Equal(copied.Mix, weighted.Mix);
        Assert.Equal(copied.Weights[0], weighted.Weights[0], 1e-6);
        Assert.Equal(copied.Bias, weighted.Bias, 1e-6);
    }

    [Fact]
    public void Margin_IsTheScorersArithmetic()
    {
        var weights = new BlendWeights([0.7, -1.3], 0.25, 0.35, 0.5);
        foreach (var (a, b) in new[] { (0.5f, -2f), (float.NaN, 1f), (float.PositiveInfinity, 3f), (1e7f, 1e-7f) })
        {
            var expected = (float)(0.0 + (0.7 * a) + (-1.3 * b) + 0.25);
            Assert.Equal(expected, weights.Margin(a, b));
        }
    }

    [Fact]
    public void CrossFit_EachFoldIsBlendedWithWeightsFittedOnTheOtherFolds()
    {
        var (first, second, labels) = Known(2_000, 4);
        var folds = Enumerable.Range(0, labels.Length).Select(i => i % 4).ToArray();

        var (final, margins) = BlendFitter.CrossFit([first], [second], [folds], labels, null)!.Value;

        for (var f = 0; f < 4; f++)
        {
            var fit = Enumerable.Range(0, labels.Length).Where(i => folds[i] != f).ToArray();
            var foldWeights = BlendFitter.Fit([.. fit.Select(i => first[i])], [.. fit.Select(i => second[i])], [.. fit.Select(i => labels[i])])!;
            foreach (var i in Enumerable.Range(0, labels.Length).Where(i => folds[i] == f))
            {
                Assert.Equal(foldWeights.Margin(first[i], second[i]), margins[0][i]);
            }
        }

        Assert.Equal(BlendFitter.Fit(first, second, labels)!.Weights, final.Weights);
    }

    [Fact]
    public void CrossFit_BothComponentsCarrySignal_BlendOutranksEachOutOfFold()
    {
        var (first, second, labels) = Known(6_000, 5, 1.0, 1.0);
        var folds = Enumerable.Range(0, labels.Length).Select(i => i % 5).ToArray();

        var (_, margins) = BlendFitter.CrossFit([first], [second], [folds], labels, null)!.Value;

        var blended = BinaryMetrics.Auc([.. margins[0].Select(m => (double)m)], labels);
        Assert.True(blended > BinaryMetrics.Auc([.. first.Select(m => (double)m)], labels) + 0.03, $"blend AUC {blended}");
        Assert.True(blended > BinaryMetrics.Auc([.. second.Select(m => (double)m)], labels) + 0.03, $"blend AUC {blended}");
    }

    [Fact]
    public void Fit_OneComponentIsNoise_LeansOnTheOther()
    {
        var (first, _, labels) = Known(20_000, 6, 1.5, 0);
        var noise = Known(20_000, 7).First;

        var weights = BlendFitter.Fit(first, noise, labels)!;

        Assert.True(weights.Mix >= 0.9, $"mix {weights.Mix}");
        Assert.True(Math.Abs(weights.Weights[1]) < 0.1 * Math.Abs(weights.Weights[0]));
    }

    [Fact]
    public void Fit_MarginsOfVeryDifferentSpread_ChooseTheSameShare()
    {
        // A linear model on unscaled features can have margins far wider than the trees'; the share must not care.
        var (first, second, labels) = Known(10_000, 8);
        var wide = first.Select(m => m * 1000f).ToArray();

        var plain = BlendFitter.Fit(first, second, labels)!;
        var widened = BlendFitter.Fit(wide, second, labels)!;

        Assert.Equal(plain.Mix, widened.Mix);
        Assert.Equal(plain.Weights[0] / 1000, widened.Weights[0], 1e-6);
        Assert.Equal(plain.Weights[1], widened.Weights[1], 1e-4);
    }

    [Fact]
    public void Fit_LengthsDiffer_Throws()
        => Assert.Throws<ArgumentException>(() => BlendFitter.Fit(new float[3], new float[2], new bool[3]));
}
