using CsScoring.Value;
using FsCheck.Xunit;

namespace CsScoring.Tests.Value;

public sealed class SbgTests
{
    private static readonly SbgParameters Regular = new(0.704, 1.182);

    [Fact]
    public void FitCohorts_CohortsOfDifferentAges_RecoverParameters()
    {
        var truth = new SbgParameters(0.9, 2.5);
        var cohorts = Enumerable.Range(0, 12).Select(c => CustomerSimulator.SbgSurvivors(truth, 800, 12 - c, seed: 100 + c)).ToArray();

        var fit = SbgModel.FitCohorts(cohorts);

        BgNbdTests.AssertWithinErrors(fit, [truth.Alpha, truth.Beta]);
        Assert.Equal(9600, fit.Observations);
    }

    [Fact]
    public void Fit_RegularCohort_ProjectsThePapersSurvival()
    {
        // Fader and Hardie (2007) project the regular cohort to years 8-12 from years 0-7; the actual survivors were
        // 223, 207, 193, 183, 173 (per 1000). The sBG projection stays within 12 % of each, as in the paper's figure.
        var fit = SbgModel.Fit([1000, 631, 468, 382, 326, 289, 262, 241]);
        int[] actual = [223, 207, 193, 183, 173];
        for (var t = 8; t <= 12; t++)
        {
            Approx.Relative(actual[t - 8], 1000 * fit.Parameters.Survival(t), 0.12, $"year {t}");
        }
    }

    [Fact]
    public void Derl_MatchesDirectSummation()
    {
        const double d = 0.1;
        for (var n = 0; n < 5; n++)
        {
            double sum = 0, discount = 1;
            for (var t = n + 1; t < 5000; t++)
            {
                sum += Regular.Survival(t) / Regular.Survival(n) * discount;
                discount /= 1 + d;
            }

            Assert.Equal(sum, Regular.DiscountedExpectedResidualLifetime(d, n), 9);
        }
    }

    [Fact]
    public void Del_IsOnePlusDiscountedDerlOfANewCustomer()
    {
        double sum = 0, discount = 1;
        for (var t = 0; t < 5000; t++)
        {
            sum += Regular.Survival(t) * discount;
            discount /= 1.1;
        }

        Assert.Equal(sum, Regular.DiscountedExpectedLifetime(0.1), 9);
    }

    [Fact]
    public void Derl_ZeroDiscount_UsesGaussSumOrThrows()
    {
        var convergent = new SbgParameters(2.5, 3);
        Assert.Equal(convergent.DiscountedExpectedResidualLifetime(1e-9, 2), convergent.DiscountedExpectedResidualLifetime(0, 2), 4);
        var ex = Assert.Throws<InvalidModelInputException>(() => Regular.DiscountedExpectedResidualLifetime(0, 2));
        Assert.Equal("discount", ex.Field);
    }

    [Property(Arbitrary = [typeof(ValueArbitraries)], MaxTest = 200)]
    public void Model_Meets_Specification(SbgCase c)
    {
        // Survival is non-increasing and in (0, 1]; retention rises with tenure; DERL falls with the discount rate
        // and rises with renewals (for every α, β > 0, since the retention rate rises with tenure).
        var model = new SbgParameters(c.Alpha, c.Beta);
        Span<double> curve = stackalloc double[20];
        model.SurvivalCurve(curve);
        Assert.Equal(1.0, curve[0]);
        for (var t = 1; t < curve.Length; t++)
        {
            Assert.True(curve[t] <= curve[t - 1] && curve[t] > 0);
            Assert.Equal(model.Survival(t), curve[t], 1e-12 * curve[t]);
            if (t > 1)
            {
                Assert.True(model.RetentionRate(t) >= model.RetentionRate(t - 1));
            }
        }

        var derl = model.DiscountedExpectedResidualLifetime(c.Discount, c.Renewals);
        Assert.True(model.DiscountedExpectedResidualLifetime(c.Discount * 1.5, c.Renewals) < derl);
        Assert.True(model.DiscountedExpectedResidualLifetime(c.Discount, c.Renewals + 1) > derl);
        Assert.True(derl < (1 + c.Discount) / c.Discount);
    }

    [Fact]
    public void Fit_IncreasingSurvivors_ThrowsNamingPeriodAndValue()
    {
        var ex = Assert.Throws<InvalidModelInputException>(() => SbgModel.Fit([1000, 631, 640, 382]));
        Assert.Equal("survivors[2]", ex.Field);
        Assert.Equal(640, ex.Value);
        Assert.Contains("631", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FitCohorts_NegativeCount_NamesTheCohort()
    {
        var ex = Assert.Throws<InvalidModelInputException>(() => SbgModel.FitCohorts([[100, 80, 70], [50, -1]]));
        Assert.Equal(1, ex.Row);
    }

    [Fact]
    public void Fit_NobodyChurns_ThrowsModelFitException()
        => Assert.Throws<ModelFitException>(() => SbgModel.Fit([100, 100, 100]));
}
