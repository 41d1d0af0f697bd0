using CsScoring.Data;
using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class CompiledScorecardTests
{
    private static Scorecard OneMetric(MetricScaling scaling, MetricDirection direction = MetricDirection.HigherIsBetter) => new()
    {
        Name = "one",
        Groups = [new ScorecardGroup { Name = "g", Metrics = [new ScorecardMetric { Column = "x", Direction = direction, Scaling = scaling }] }],
    };

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(0, 0)]
    [InlineData(2.5, 25)]
    [InlineData(10, 100)]
    [InlineData(50, 100)]
    public void Score_Linear_IsClampedBetweenBounds(double value, double expected)
        => Assert.Equal(expected, OneMetric(MetricScaling.Linear(0, 10)).Compile().Score([value]).Score, 12);

    [Theory]
    [InlineData(0, 100)]
    [InlineData(2.5, 75)]
    [InlineData(10, 0)]
    public void Score_LinearLowerIsBetter_Inverts(double value, double expected)
        => Assert.Equal(expected, OneMetric(MetricScaling.Linear(0, 10), MetricDirection.LowerIsBetter).Compile().Score([value]).Score, 12);

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(1.99, 10)]
    [InlineData(2, 60)]
    [InlineData(4.9, 60)]
    [InlineData(5, 95)]
    public void Score_Thresholds_MapsBandsToPoints(double value, double expected)
        => Assert.Equal(expected, OneMetric(MetricScaling.Thresholds([2, 5], [10, 60, 95])).Compile().Score([value]).Score);

    [Theory]
    [InlineData(-3, 0)]
    [InlineData(5, 25)]
    [InlineData(10, 50)]
    [InlineData(15, 70)]
    [InlineData(20, 90)]
    [InlineData(99, 90)]
    public void Score_Piecewise_InterpolatesAndIsFlatBeyond(double value, double expected)
        => Assert.Equal(expected, OneMetric(MetricScaling.Piecewise([0, 10, 20], [0, 50, 90])).Compile().Score([value]).Score, 12);

    [Fact]
    public void Score_Logarithmic_IsLinearInTheLogarithm()
    {
        var compiled = OneMetric(MetricScaling.Logarithmic(0, 999, offset: 1)).Compile();
        Assert.Equal(0, compiled.Score([0]).Score, 12);
        Assert.Equal(100.0 / 3, compiled.Score([9]).Score, 9);
        Assert.Equal(200.0 / 3, compiled.Score([99]).Score, 9);
        Assert.Equal(100, compiled.Score([5000]).Score, 12);
        Assert.Equal(0, compiled.Score([-50]).Score, 12);
    }

    [Fact]
    public void Score_Percentile_UsesMidRanks()
    {
        var compiled = OneMetric(MetricScaling.Percentile([1, 2, 2, 3])).Compile();
        Assert.Equal(0, compiled.Score([0]).Score);
        Assert.Equal(12.5, compiled.Score([1]).Score);
        Assert.Equal(50, compiled.Score([2]).Score);
        Assert.Equal(100, compiled.Score([4]).Score);
    }

    [Fact]
    public void Compile_PercentileReferenceAtCompileTime_ChangesTheVersion()
    {
        var definition = OneMetric(MetricScaling.Percentile());
        var a = definition.Compile(new ScorecardCompileOptions { ReferencePopulations = new Dictionary<string, IReadOnlyList<double>> { ["x"] = [1, 2, 3] } });
        var b = definition.Compile(new ScorecardCompileOptions { ReferencePopulations = new Dictionary<string, IReadOnlyList<double>> { ["x"] = [1, 2, 4] } });
        Assert.Equal(50, a.Score([2]).Score, 12);
        Assert.NotEqual(a.Version, b.Version);
    }

    [Fact]
    public void Compile_PercentileWithoutReference_ThrowsNamingThePath()
    {
        var ex = Assert.Throws<ScorecardException>(() => OneMetric(MetricScaling.Percentile()).Compile());
        Assert.Equal("$.groups[0].metrics[0].scaling.reference", ex.Path);
    }

    [Fact]
    public void Score_NestedGroups_AreWeightedMeans()
    {
        var compiled = HealthTestData.Mixed().Compile();
        var contributions = new double[compiled.MetricCount];

        // usage 0.5 -> 50; logins 1000 -> 100; idle 7 -> 50; tickets 3 -> 50; nps 6 (reference 0..10 by 2) -> 58.33.
        var result = compiled.Score([0.5, 1000, 7, 3, 6], contributions);
        var activity = (100 + 50) / 2.0;
        var engagement = ((2 * 50) + (1 * activity)) / 3;
        var support = (50 + (3.5 / 6 * 100)) / 2;
        Assert.Equal(((3 * engagement) + support) / 4, result.Score, 9);
        Assert.Equal(HealthStatus.Scored, result.Status);
        Assert.Equal(1.0, result.Coverage, 12);
        Assert.Equal(0.75 * (2.0 / 3) * 50, contributions[0], 9);
    }

    [Fact]
    public void Score_MissingRedistributed_SharesWeightWithinGroup()
    {
        var compiled = HealthTestData.Mixed().Compile();
        var result = compiled.Score([0.5, double.NaN, 7, 3, 6]);
        var engagement = ((2 * 50) + 50) / 3.0; // activity keeps only idle_days (50)
        var support = (50 + (3.5 / 6 * 100)) / 2;
        Assert.Equal(((3 * engagement) + support) / 4, result.Score, 9);
        Assert.Equal(1 - (0.75 * (1.0 / 3) * 0.5), result.Coverage, 12);
    }

    [Fact]
    public void Score_MissingWorst_ScoresTheWorstPoints()
    {
        var compiled = HealthTestData.Mixed().Compile();
        var present = compiled.Score([0.5, 1000, 7, 6, 6]); // tickets 6 -> 0 points
        var missing = compiled.Score([0.5, 1000, 7, double.NaN, 6]);
        Assert.Equal(present.Score, missing.Score, 12);
        Assert.True(missing.Coverage < present.Coverage);
    }

    [Fact]
    public void Score_MissingConstant_ScoresTheSubstitute()
    {
        var compiled = HealthTestData.Mixed().Compile();
        Assert.Equal(compiled.Score([0.5, 1000, 7, 3, 5]).Score, compiled.Score([0.5, 1000, 7, 3, double.NaN]).Score, 12);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Score_NonFiniteValue_IsTreatedAsMissing(double bad)
    {
        var compiled = HealthTestData.Mixed().Compile();
        var result = compiled.Score([0.5, bad, 7, 3, 6]);
        Assert.Equal(compiled.Score([0.5, double.NaN, 7, 3, 6]), result);
        Assert.True(double.IsFinite(result.Score));
    }

    [Fact]
    public void Score_AllMetricsMissing_ReturnsNoCoverage()
    {
        var compiled = OneMetric(MetricScaling.Linear(0, 1)).Compile();
        var contributions = new double[] { 42 };
        var result = compiled.Score([double.NaN], contributions);
        Assert.Equal(HealthStatus.InsufficientData, result.Status);
        Assert.Equal(0, result.Coverage);
        Assert.True(double.IsNaN(result.Score));
        Assert.Equal(-1, result.Band);
        Assert.Equal(0, contributions[0]);
        Assert.Equal("insufficient_data", compiled.BandName(result.Band));
    }

    [Fact]
    public void Score_BelowMinimumCoverage_IsInsufficientData()
    {
        var compiled = HealthTestData.Mixed(minimumCoverage: 0.9).Compile();
        Assert.Equal(HealthStatus.Scored, compiled.Score([0.5, 1000, 7, 3, 6]).Status);
        var result = compiled.Score([double.NaN, 1000, 7, 3, 6]); // usage carries 0.5 of the weight
        Assert.Equal(HealthStatus.InsufficientData, result.Status);
        Assert.Equal(0.5, result.Coverage, 12);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(39.99, 0)]
    [InlineData(40, 1)]
    [InlineData(69.9, 1)]
    [InlineData(70, 2)]
    [InlineData(100, 2)]
    public void BandOf_DefaultBands_AreRedYellowGreen(double score, int band)
        => Assert.Equal(band, OneMetric(MetricScaling.Linear(0, 100)).Compile().Score([score]).Band);

    [Fact]
    public void Bands_AnyNumberOfNamedCuts()
    {
        var definition = OneMetric(MetricScaling.Linear(0, 100));
        var compiled = new Scorecard
        {
            Name = "bands",
            Groups = definition.Groups,
            Bands = [new HealthBand { Name = "critical" }, new HealthBand { Name = "risk", From = 25 }, new HealthBand { Name = "ok", From = 50 }, new HealthBand { Name = "champion", From = 90 }],
        }.Compile();
        Assert.Equal("critical", compiled.BandName(compiled.Score([10]).Band));
        Assert.Equal("risk", compiled.BandName(compiled.Score([25]).Band));
        Assert.Equal("champion", compiled.BandName(compiled.Score([95]).Band));
    }

    [Fact]
    public void Explain_TopDrivers_OrderedByWeightTimesShortfall()
    {
        var compiled = HealthTestData.Mixed().Compile();
        var explanation = compiled.Explain([0.1, 1000, 30, 1, 10]);
        var drivers = explanation.TopDrivers(2);
        Assert.Equal(["usage", "idle_days"], drivers.Select(d => d.Metric.Name));
        Assert.Equal(0.75 * (2.0 / 3) * 90, drivers[0].Shortfall, 9);
        Assert.Equal(explanation.Result.Score, explanation.Metrics.Sum(m => m.Contribution), 9);
        Assert.All(explanation.Metrics, m => Assert.Equal(m.EffectiveWeight * m.Points, m.Contribution, 9));
    }

    [Fact]
    public void WhatIf_OneMetricReachesAValue_RescoresThatAlone()
    {
        var compiled = HealthTestData.Mixed().Compile();
        double[] values = [0.1, 1000, 30, 1, 10];
        var what = compiled.WhatIf(values, "usage", 1.0);
        Assert.Equal(compiled.Score([1.0, 1000, 30, 1, 10]), what);
        Assert.Equal(0.1, values[0]);
        Assert.True(what.Score > compiled.Score(values).Score);
    }

    [Fact]
    public void Version_IgnoresDescription_ButNotWeights()
    {
        var a = HealthTestData.Mixed();
        var described = new Scorecard { Name = a.Name, Description = "words", Groups = a.Groups, MinimumCoverage = a.MinimumCoverage };
        Assert.Equal(a.Compile().Version, described.Compile().Version);
        var reweighted = a.WithGroups([a.Groups[0].With(4, a.Groups[0].Metrics, a.Groups[0].Groups), a.Groups[1]]);
        Assert.NotEqual(a.Compile().Version, reweighted.Compile().Version);
        Assert.Equal(a.Compile().Version, a.Compile().Version);
        Assert.Equal(a.Compile().Version, ScorecardVersion.Parse(a.Compile().Version.ToString()));
    }

    [Fact]
    public void Score_ValuesOfWrongLength_Throws()
    {
        var compiled = HealthTestData.Mixed().Compile();
        var ex = Assert.Throws<ArgumentException>(() => compiled.Score([1.0, 2.0]));
        Assert.Equal("values", ex.ParamName);
        Assert.Contains("Expected 5 values (one per metric", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_ContributionsTooShort_Throws()
    {
        var compiled = HealthTestData.Mixed().Compile();
        var ex = Assert.Throws<ArgumentException>(() => compiled.Score([1, 2, 3, 4, 5], new double[4]));
        Assert.Equal("contributions", ex.ParamName);
    }

    [Fact]
    public void Bind_MetricColumnAbsent_ThrowsNamingMetricAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"health-bind-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "usage,logins,idle_days,tickets\n1,2,3,4\n");
        try
        {
            using var reader = TabularReader.Open(path);
            var ex = Assert.Throws<DataFormatException>(() => ScorecardColumns.Bind(HealthTestData.Mixed().Compile(), reader));
            Assert.Equal("nps", ex.Column);
            Assert.Contains("metric 'nps'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bind_ReadsRowsInMetricOrder_BlankIsMissing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"health-bind-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "nps,tickets,idle_days,logins,usage\n7,1,,20,0.5\n");
        try
        {
            using var reader = TabularReader.Open(path);
            var columns = ScorecardColumns.Bind(HealthTestData.Mixed().Compile(), reader);
            Assert.True(reader.Read());
            var values = new double[5];
            columns.Read(values);
            Assert.Equal([0.5, 20, double.NaN, 1, 7], values);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
