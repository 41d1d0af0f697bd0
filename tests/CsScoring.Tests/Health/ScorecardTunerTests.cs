using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class ScorecardTunerTests
{
    private static readonly Scorecard TwoGroups = new()
    {
        Name = "two",
        Groups =
        [
            new ScorecardGroup
            {
                Name = "useful",
                Weight = 1,
                Metrics = [new ScorecardMetric { Column = "signal", Scaling = MetricScaling.Linear(0, 1) }, new ScorecardMetric { Column = "noise_a", Scaling = MetricScaling.Linear(0, 1) }],
            },
            new ScorecardGroup { Name = "useless", Weight = 3, Metrics = [new ScorecardMetric { Column = "noise_b", Scaling = MetricScaling.Linear(0, 1) }] },
        ],
    };

    private static (double[] Columns, bool[] Churned) Simulate(int n, int seed)
    {
        // Churn depends on "signal" only; the scorecard starts out weighting noise heavily.
        var random = new Random(seed);
        var columns = new double[3 * n];
        var churned = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var signal = random.NextDouble();
            columns[i] = signal;
            columns[n + i] = random.NextDouble() < 0.05 ? double.NaN : random.NextDouble();
            columns[(2 * n) + i] = random.NextDouble();
            var p = 1 / (1 + Math.Exp(-(-1 - (5 * (signal - 0.5)))));
            churned[i] = random.NextDouble() < p;
        }

        return (columns, churned);
    }

    [Fact]
    public void Fit_LearnsTheInformativeMetric_AndImprovesALaterWindow()
    {
        var compiled = TwoGroups.Compile();
        var (fitColumns, fitChurned) = Simulate(4000, 1);
        var result = ScorecardTuner.Fit(compiled, fitColumns, fitChurned);
        Assert.True(result.LogLossAfter < result.LogLossBefore);
        var weights = result.Weights.ToDictionary(w => w.Name, w => w.After);
        Assert.True(weights["useful"] > 0.8, $"useful group weight {weights["useful"]}");
        Assert.True(weights["signal"] > weights["noise_a"]);
        Assert.All(result.Weights, w => Assert.True(w.After >= 0));
        Assert.True(result.Slope >= 0);

        // Evaluate on a later, independent window.
        var tuned = result.Tuned.Compile();
        var (laterColumns, laterChurned) = Simulate(4000, 2);
        var before = new HealthScore[4000];
        var after = new HealthScore[4000];
        compiled.ScoreBatch(laterColumns, before);
        tuned.ScoreBatch(laterColumns, after);
        var aucBefore = HealthBacktest.Run(before, laterChurned, compiled).Auc;
        var aucAfter = HealthBacktest.Run(after, laterChurned, tuned).Auc;
        Assert.True(aucAfter > aucBefore + 0.05, $"AUC {aucBefore:F3} -> {aucAfter:F3}");

        // The tuned scorecard is a valid definition that round-trips through JSON.
        Assert.Equal(tuned.Version, ScorecardJson.Parse(ScorecardJson.Serialize(result.Tuned)).Compile().Version);
    }

    [Fact]
    public void FitAndEvaluate_BacktestsBothScorecardsOnTheLaterWindow()
    {
        var compiled = TwoGroups.Compile();
        var (fitColumns, fitChurned) = Simulate(3000, 5);
        var (laterColumns, laterChurned) = Simulate(3000, 6);
        var evaluation = ScorecardTuner.FitAndEvaluate(compiled, fitColumns, fitChurned, laterColumns, laterChurned);
        Assert.Equal(3000, evaluation.Before.Accounts);
        Assert.True(evaluation.After.Auc > evaluation.Before.Auc);
        Assert.Equal(evaluation.Tuned.Version, evaluation.Fit.Tuned.Compile().Version);
    }

    [Fact]
    public void Fit_IsDeterministic()
    {
        var compiled = TwoGroups.Compile();
        var (columns, churned) = Simulate(1000, 3);
        var a = ScorecardTuner.Fit(compiled, columns, churned);
        var b = ScorecardTuner.Fit(compiled, columns, churned);
        Assert.Equal(ScorecardJson.Serialize(a.Tuned), ScorecardJson.Serialize(b.Tuned));
    }

    [Fact]
    public void Fit_OneClassOnly_Throws()
    {
        var (columns, churned) = Simulate(100, 4);
        Assert.Throws<ArgumentException>(() => ScorecardTuner.Fit(TwoGroups.Compile(), columns, new bool[churned.Length]));
        Assert.Equal("ScorecardTuningOptions.L2", Assert.Throws<InvalidOptionException>(() => new ScorecardTuningOptions { L2 = -1 }).Option);
    }
}
