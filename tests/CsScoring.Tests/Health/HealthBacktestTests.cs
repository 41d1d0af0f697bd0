using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class HealthBacktestTests
{
    private static readonly CompiledScorecard Scorecard = HealthTestData.Mixed().Compile();

    private static HealthScore At(double score) => new(score, Scorecard.BandOf(score), 1, HealthStatus.Scored, Scorecard.Version);

    [Fact]
    public void Auc_PerfectSeparation_IsOne_AndReversedIsZero()
    {
        Assert.Equal(1.0, HealthBacktest.Auc([10, 20, 80, 90], [true, true, false, false]));
        Assert.Equal(0.0, HealthBacktest.Auc([10, 20, 80, 90], [false, false, true, true]));
    }

    [Fact]
    public void Auc_TiesCountHalf_MatchesMannWhitney()
    {
        // Pairs (churned, retained): (30 vs 30) tie, (30 vs 60) win, (50 vs 30) loss, (50 vs 60) win -> 2.5 / 4.
        Assert.Equal(0.625, HealthBacktest.Auc([30, 50, 30, 60], [true, true, false, false]), 12);
        Assert.True(double.IsNaN(HealthBacktest.Auc([1, 2], [false, false])));
    }

    [Fact]
    public void Run_ReportsBandsChurnRatesAndLift()
    {
        HealthScore[] scores = [At(10), At(20), At(30), At(50), At(60), At(80), At(90), At(95), new(double.NaN, -1, 0.1, HealthStatus.InsufficientData, Scorecard.Version)];
        bool[] churned = [true, true, false, true, false, false, false, false, true];
        var report = HealthBacktest.Run(scores, churned, Scorecard);
        Assert.Equal(9, report.Accounts);
        Assert.Equal(8, report.Scored);
        Assert.Equal(1, report.InsufficientData);
        Assert.Equal(1, report.InsufficientDataChurned);
        Assert.Equal([3, 2, 3], report.Bands.Select(b => b.Accounts));
        Assert.Equal(2.0 / 3, report.Bands[0].ChurnRate, 12);
        Assert.Equal(0.5, report.Bands[1].ChurnRate, 12);
        Assert.Equal(0.0, report.Bands[2].ChurnRate, 12);
        Assert.Equal(3.0 / 8, report.ChurnRate, 12);
        Assert.Equal("red", report.WorstBand);
        Assert.Equal((2.0 / 3) / (3.0 / 8), report.WorstBandLift, 12);
        Assert.Equal(((8 * 1.0) + 0.1) / 9, report.CoverageMean, 12);

        // Churned 10,20,50 vs retained 30,60,80,90,95: 14 of 15 pairs ordered.
        Assert.Equal(14.0 / 15, report.Auc, 12);
    }

    [Fact]
    public void Run_MisalignedInputs_Throw()
        => Assert.Throws<ArgumentException>(() => HealthBacktest.Run([At(1)], [true, false], Scorecard));
}
