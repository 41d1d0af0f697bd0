using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
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

    // The interior shares' losses as a function; every share it is asked for is recorded.
    private static Func<double, double> Losses(double[] byShare, List<double>? asked = null) => share =>
    {
        asked?.Add(share);
        return byShare[(int)Math.Round(share * 10) - 1];
    };

    [Property(MaxTest = 300)]
    public Property ChooseMix_NeverWorseThanTheBetterComponent()
    {
        // Nine interior losses, then the linear and the tree model's; coarse steps so ties are common.
        var losses = Gen.Choose(0, 100).Select(n => n / 1_000.0).ArrayOf(11);
        return Prop.ForAll(losses.ToArbitrary(), values =>
        {
            var interior = values[..9];
            var (linear, tree) = (values[9], values[10]);
            var (mix, chosen) = BlendFitter.ChooseMix(Losses(interior), linear, tree, endpointsAllowed: true);
            var best = Math.Min(linear, tree);

            // The loss reported is the loss of the share chosen, never above either component's, and an interior
            // share is taken only when it is strictly better than both (ties go to the single model).
            var expected = mix switch
            {
                1.0 => linear,
                0.0 => tree,
                _ => interior[(int)Math.Round(mix * 10) - 1],
            };
            return chosen == expected && chosen <= best && (mix is 0.0 or 1.0 || chosen < best);
        });
    }

    [Fact]
    public void ChooseMix_TriesEveryInteriorShareOnceInOrder()
    {
        var asked = new List<double>();

        BlendFitter.ChooseMix(Losses([.. Enumerable.Repeat(0.1, 9)], asked), 0.2, 0.2, endpointsAllowed: true);

        Assert.Equal(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 }, asked);
    }

    [Fact]
    public void ChooseMix_AnInteriorShareBeatsBoth_IsChosen_FirstOnTies()
    {
        double[] interior = [0.05, 0.049, 0.047, 0.046, 0.046, 0.048, 0.049, 0.05, 0.05];

        Assert.Equal((0.4, 0.046), BlendFitter.ChooseMix(Losses(interior), 0.0470, 0.0468, endpointsAllowed: true));
    }

    [Fact]
    public void ChooseMix_TheTreeModelAloneIsBest_KeepsIt()
    {
        // The case a log-loss weight fit got wrong: the blend's AUC was higher but its calibrated Brier worse.
        double[] interior = [0.04690, 0.04687, 0.04688, 0.04695, 0.047, 0.0471, 0.0472, 0.0473, 0.0474];

        Assert.Equal((0.0, 0.04672), BlendFitter.ChooseMix(Losses(interior), 0.0475, 0.04672, endpointsAllowed: true));
    }

    [Fact]
    public void ChooseMix_ATieWithAComponent_KeepsTheSingleModel()
    {
        double[] interior = [0.05, 0.05, 0.045, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05];

        Assert.Equal((1.0, 0.045), BlendFitter.ChooseMix(Losses(interior), 0.045, 0.046, endpointsAllowed: true));
    }

    [Fact]
    public void ChooseMix_BlendRequired_TakesTheBestInteriorShareEvenWhenAComponentIsBetter()
    {
        double[] interior = [0.05, 0.05, 0.048, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05];

        Assert.Equal((0.3, 0.048), BlendFitter.ChooseMix(Losses(interior), 0.04, 0.04, endpointsAllowed: false));
    }

    [Fact]
    public void AtMix_MarginsOfVeryDifferentSpread_GiveTheSameBlendUpToScale()
    {
        // A linear model on unscaled features can have margins far wider than the trees'; the share must not care.
        var (first, second, labels) = Known(10_000, 8);
        var wide = first.Select(m => m * 1000f).ToArray();

        var plain = BlendFitter.AtMix([first], [second], labels, null, 0.6);
        var widened = BlendFitter.AtMix([wide], [second], labels, null, 0.6);

        Assert.Equal(plain.Weights[0] / 1000, widened.Weights[0], 1e-9);
        Assert.Equal(plain.Weights[1], widened.Weights[1], 1e-12);
        Assert.Equal(0, plain.Bias);
        Assert.Equal(plain.Margin(first[3], second[3]), widened.Margin(wide[3], second[3]), 1e-4);
    }

    [Fact]
    public void AtMix_PoolsRepeats_AndHonoursRowWeights()
    {
        var (first, second, labels) = Known(2_000, 9);
        float[] weights = [.. Enumerable.Range(0, labels.Length).Select(i => i % 3 == 0 ? 2f : 1f)];
        int[] repeated = [.. Enumerable.Range(0, labels.Length).SelectMany(i => i % 3 == 0 ? new[] { i, i } : [i])];

        var weighted = BlendFitter.AtMix([first, first], [second, second], labels, weights, 0.3);
        var copied = BlendFitter.AtMix([[.. repeated.Select(i => first[i])]], [[.. repeated.Select(i => second[i])]], [.. repeated.Select(i => labels[i])], null, 0.3);

        Assert.Equal(copied.Weights[0], weighted.Weights[0], 1e-6);
        Assert.Equal(copied.Weights[1], weighted.Weights[1], 1e-6);
        Assert.Equal(copied.LogLoss, weighted.LogLoss, 1e-6);
    }
}
