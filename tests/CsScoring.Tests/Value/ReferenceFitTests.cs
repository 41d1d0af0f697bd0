using CsScoring.Value;

namespace CsScoring.Tests.Value;

/// <summary>Published reference fits (Fader and Hardie 2007; lifetimes' CDNOW and donations examples).</summary>
public sealed class ReferenceFitTests
{
    [ClvDataFact]
    public void BgNbdFit_Cdnow_MatchesPublishedEstimates()
    {
        var fit = BgNbdModel.Fit(ClvReferenceData.CdnowSummaries());

        Approx.Relative(0.2426, fit.Parameters.R, 1e-3, "r");
        Approx.Relative(4.4136, fit.Parameters.Alpha, 1e-3, "alpha");
        Approx.Relative(0.7929, fit.Parameters.A, 1e-3, "a");
        Approx.Relative(2.4259, fit.Parameters.B, 1e-3, "b");
        Approx.Relative(-9582.43, fit.LogLikelihood, 1e-3, "log-likelihood");
        Assert.True(fit.Converged);
        Assert.All(fit.StandardErrors, se => Assert.True(se > 0 && double.IsFinite(se)));
    }

    [ClvDataFact]
    public void ParetoNbdFit_Cdnow_MatchesPublishedEstimates()
    {
        var fit = ParetoNbdModel.Fit(ClvReferenceData.CdnowSummaries());

        Approx.Relative(-9594.98, fit.LogLikelihood, 1e-3, "log-likelihood");
        Approx.Relative(0.5532, fit.Parameters.R, 1e-2, "r");
        Approx.Relative(10.578, fit.Parameters.Alpha, 1e-2, "alpha");
        Approx.Relative(0.6062, fit.Parameters.S, 1e-2, "s");
        Approx.Relative(11.669, fit.Parameters.Beta, 1e-2, "beta");
    }

    [Fact]
    public void SbgFit_RegularCohort_MatchesFaderHardie2007()
    {
        var fit = SbgModel.Fit([1000, 631, 468, 382, 326, 289, 262, 241]);

        Assert.Equal(0.704, Math.Round(fit.Parameters.Alpha, 3));
        Assert.Equal(1.182, Math.Round(fit.Parameters.Beta, 3));
        Assert.True(fit.Converged);
        Assert.All(fit.StandardErrors, se => Assert.True(se > 0 && se < 0.5));
    }

    [Fact]
    public void SbgFit_HighEndCohort_MatchesFaderHardie2007()
    {
        var fit = SbgModel.Fit([1000, 869, 743, 653, 593, 551, 517, 491]);

        Assert.Equal(0.668, Math.Round(fit.Parameters.Alpha, 3));
        Assert.Equal(3.806, Math.Round(fit.Parameters.Beta, 3));
    }

    [ClvDataFact]
    public void SbgFit_PaperCustomerRecords_MatchesSurvivorCountFit()
    {
        // The per-customer file (churn year, 13 = still active) rebuilt into survivor counts for years 0..7.
        foreach (var (cohort, alpha, beta) in new[] { ("regular", 0.704, 1.182), ("highend", 0.668, 3.806) })
        {
            var survivors = new int[8];
            foreach (var line in File.ReadLines(ClvReferenceData.File("sbg_paper.csv")).Skip(1))
            {
                var f = line.Split(',');
                if (f[3] != cohort)
                {
                    continue;
                }

                var churnYear = int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture);
                for (var t = 0; t < 8; t++)
                {
                    survivors[t] += churnYear > t ? 1 : 0;
                }
            }

            var fit = SbgModel.Fit(survivors);
            Assert.Equal(alpha, Math.Round(fit.Parameters.Alpha, 3));
            Assert.Equal(beta, Math.Round(fit.Parameters.Beta, 3));
        }
    }

    [ClvDataFact]
    public void GammaGammaFit_CdnowRepeatSpend_MatchesPublishedEstimates()
    {
        var fit = GammaGammaModel.Fit(ClvReferenceData.CdnowSummaries());

        // The published p and q have three significant digits (the MLE is q = 3.7446): match them to that
        // precision (half a unit of the last digit), and gamma to a relative 1e-3.
        Assert.InRange(fit.Parameters.P, 6.245, 6.255);
        Assert.InRange(fit.Parameters.Q, 3.735, 3.745);
        Approx.Relative(15.44, fit.Parameters.Gamma, 1e-3, "gamma");
        Assert.Equal(946, fit.Observations);
    }

    [ClvDataFact]
    public void BgBbFit_Donations_MatchesPublishedEstimates()
    {
        var fit = BgBbModel.Fit(ClvReferenceData.Donations());

        Approx.Relative(1.204, fit.Parameters.Alpha, 1e-3, "alpha");
        Approx.Relative(0.750, fit.Parameters.Beta, 1e-3, "beta");
        Approx.Relative(0.657, fit.Parameters.Gamma, 1e-3, "gamma");
        Approx.Relative(2.783, fit.Parameters.Delta, 1e-3, "delta");
        Approx.Relative(-33225.58, fit.LogLikelihood, 1e-3, "log-likelihood");
        Assert.Equal(11104, fit.Observations);
    }
}
