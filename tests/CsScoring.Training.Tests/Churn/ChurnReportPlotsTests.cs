using CsScoring.Metrics;
using CsScoring.Training.Churn;

namespace CsScoring.Training.Tests.Churn;

public sealed class ChurnReportPlotsTests
{
    // The plots started early (curves at once, the drivers' plot when the drivers are known) are the bytes the
    // one-call render draws.
    [Fact]
    public async Task Start_DrawsTheSameBytesAsRender()
    {
        var (validation, probabilities, labels, drivers) = Figures(3_000);
        var known = new TaskCompletionSource<IReadOnlyList<DriverImportance>>();

        var started = ChurnReportPlots.Start(validation, probabilities, labels, known.Task);
        known.SetResult(drivers);
        var early = await started;
        var rendered = ChurnReportPlots.Render(validation, probabilities, labels, drivers);

        Assert.NotEmpty(early.Drivers);
        Assert.Equal(rendered.Roc, early.Roc);
        Assert.Equal(rendered.PrecisionRecall, early.PrecisionRecall);
        Assert.Equal(rendered.Reliability, early.Reliability);
        Assert.Equal(rendered.ReliabilityBins, early.ReliabilityBins);
        Assert.Equal(rendered.Gains, early.Gains);
        Assert.Equal(rendered.Lift, early.Lift);
        Assert.Equal(rendered.ScoreDistribution, early.ScoreDistribution);
        Assert.Equal(rendered.Drivers, early.Drivers);
    }

    // The plots are not complete until the drivers are: the drivers' plot is drawn from them, not from a guess.
    [Fact]
    public async Task Start_WaitsForTheDrivers()
    {
        var (validation, probabilities, labels, drivers) = Figures(500);
        var known = new TaskCompletionSource<IReadOnlyList<DriverImportance>>();

        var started = ChurnReportPlots.Start(validation, probabilities, labels, known.Task);
        var finished = await Task.WhenAny(started, Task.Delay(TimeSpan.FromMilliseconds(300)));

        Assert.NotSame(started, finished);
        known.SetResult(drivers);
        Assert.NotEmpty((await started).Drivers);
    }

    // A failure to compute the drivers fails the plots with it, rather than leaving them waiting.
    [Fact]
    public async Task Start_FailsWhenTheDriversFail()
    {
        var (validation, probabilities, labels, _) = Figures(500);
        var known = new TaskCompletionSource<IReadOnlyList<DriverImportance>>();

        var started = ChurnReportPlots.Start(validation, probabilities, labels, known.Task);
        known.SetException(new InvalidOperationException("importance failed"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => started);
        Assert.Equal("importance failed", error.Message);
    }

    private static (BinaryMetricSet Validation, double[] Probabilities, bool[] Labels, IReadOnlyList<DriverImportance> Drivers) Figures(int rows)
    {
        var random = new Random(rows);
        var labels = new bool[rows];
        var probabilities = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            labels[i] = random.NextDouble() < 0.2;
            probabilities[i] = Math.Clamp((labels[i] ? 0.35 : 0.15) + ((random.NextDouble() - 0.5) * 0.3), 0.001, 0.999);
        }

        IReadOnlyList<DriverImportance> drivers =
        [
            new("usage_trend", 0.031, 0.05, null),
            new("days_to_renewal", 0.012, 0.02, null),
            new("tickets_90d", 0.004, 0.01, null),
        ];
        return (BinaryMetrics.Compute(probabilities, labels, 0.25), probabilities, labels, drivers);
    }
}
