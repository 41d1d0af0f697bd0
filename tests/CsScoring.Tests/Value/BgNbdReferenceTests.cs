using CsScoring.Value;

namespace CsScoring.Tests.Value;

public sealed class BgNbdReferenceTests
{
    [ClvDataFact]
    public void Fit_Cdnow_MatchesPublishedEstimates()
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
}

public sealed class ParetoNbdReferenceTests
{
    [ClvDataFact]
    public void Fit_Cdnow_MatchesPublishedEstimates()
    {
        var fit = ParetoNbdModel.Fit(ClvReferenceData.CdnowSummaries());

        Approx.Relative(-9594.98, fit.LogLikelihood, 1e-3, "log-likelihood");
        Approx.Relative(0.5532, fit.Parameters.R, 1e-2, "r");
        Approx.Relative(10.578, fit.Parameters.Alpha, 1e-2, "alpha");
        Approx.Relative(0.6062, fit.Parameters.S, 1e-2, "s");
        Approx.Relative(11.669, fit.Parameters.Beta, 1e-2, "beta");
    }
}
