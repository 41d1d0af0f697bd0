using CsScoring.Value;
using CsScoring.Value.Numerics;

namespace CsScoring.Tests.Value.Numerics;

/// <summary>The Pareto/NBD likelihood's two evaluation paths (2F1 series, quadrature near z = 1) agree.</summary>
public sealed class ParetoQuadratureTests
{
    [Theory]
    [InlineData(0.55, 10.6, 0.6, 11.7, 0, 0.0, 38.9)]
    [InlineData(0.55, 10.6, 0.6, 11.7, 3, 20.1, 38.9)]
    [InlineData(0.55, 4.0, 0.6, 30.0, 12, 35.0, 38.9)]
    [InlineData(2.5, 30.0, 1.4, 3.0, 25, 10.0, 52.0)]
    public void LogQ_QuadratureAgreesWithTheSeries(double r, double alpha, double s, double beta, int x, double tx, double age)
    {
        Span<double> series = stackalloc double[4];
        Span<double> quadrature = stackalloc double[4];
        var a = ParetoNbdMath.LogQ(r, alpha, s, beta, x, tx, age, series, out _, forceQuadrature: false);
        var b = ParetoNbdMath.LogQ(r, alpha, s, beta, x, tx, age, quadrature, out _, forceQuadrature: true);

        Assert.Equal(a, b, 11);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(series[i], quadrature[i], 9);
        }
    }

    [Fact]
    public void Fit_DataWithoutDropout_EndsQuicklyWithAnAnswerOrATypedError()
    {
        // Everyone buys until the end: the dropout rate's MLE is on the boundary (β → ∞). The fit must not crawl.
        var customers = CustomerSimulator.ParetoNbd(new ParetoNbdParameters(2, 10, 0.01, 1e6), 400, 30, 40, 2);
        try
        {
            var fit = ParetoNbdModel.Fit(customers);
            Assert.True(fit.Parameters.S / fit.Parameters.Beta < 1e-3);
        }
        catch (ModelFitException)
        {
            // Divergence towards the boundary is reported as such.
        }
    }
}
