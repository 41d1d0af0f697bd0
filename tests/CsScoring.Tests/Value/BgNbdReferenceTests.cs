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
