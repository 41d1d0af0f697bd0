using CsScoring.Data;
using CsScoring.Metrics;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Metrics;

public sealed class SurveyMetricsTests
{
    // By hand: 50 promoters, 30 passives, 20 detractors. p = 0.5, d = 0.2, NPS = 30;
    // var(p - d) = (0.5 + 0.2 - 0.3²) / 100 = 0.0061, SE = 7.8102 points, 95% CI 30 ± 1.96 x 7.8102 = 14.692 to 45.308.
    [Fact]
    public void Nps_Wald_HandComputed()
    {
        var nps = NpsEstimate.FromCounts(50, 30, 20);
        Assert.Equal(30, nps.Score, 10);
        Assert.Equal(7.8102497, nps.StdError, 6);
        Assert.Equal(14.692192, nps.Low, 5);
        Assert.Equal(45.307808, nps.High, 5);
    }

    // Adjusted Wald (Rocks 2016): 50.75 / 30 + 1.5 / 20.75 of n = 103, NPS 29.126, CI 14.051 to 44.201 (by hand).
    [Fact]
    public void Nps_Adjusted_HandComputed_AndNotDegenerateForAllPromoters()
    {
        var adjusted = NpsEstimate.FromCounts(50, 30, 20).Adjusted;
        Assert.Equal(29.126214, adjusted.Score, 5);
        Assert.Equal(14.051130, adjusted.Low, 5);
        Assert.Equal(44.201297, adjusted.High, 5);

        var allPromoters = NpsEstimate.FromCounts(5, 0, 0);
        Assert.Equal((100.0, 100.0), (allPromoters.Low, allPromoters.High));
        Assert.True(allPromoters.Adjusted.High - allPromoters.Adjusted.Low > 10);
    }

    // By hand: NPS 40 (60/20/20) vs 10 (40/30/30), n = 100 each: SE = sqrt(0.0064 + 0.0069)·100 = 11.5326,
    // z = 30 / 11.5326 = 2.6013, two-sided p = 0.00929.
    [Fact]
    public void Nps_Compare_HandComputed()
    {
        var test = NpsEstimate.Compare(NpsEstimate.FromCounts(60, 20, 20), NpsEstimate.FromCounts(40, 30, 30));
        Assert.Equal(30, test.Difference, 10);
        Assert.Equal(11.532563, test.StdError, 5);
        Assert.Equal(2.601330, test.Z, 5);
        Assert.Equal(0.0092863, test.PValue, 6);
    }

    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (Wilson).
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Csat_Wilson_MatchesNewcombe1998(int satisfied, int n, double low, double high)
    {
        var csat = CsatEstimate.FromCounts(satisfied, n);
        Assert.Equal(100 * low, csat.Low, 2);
        Assert.Equal(100 * high, csat.High, 2);
    }

    // By hand: 1, 2, 3, 4, 5 on 1-7: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445 (tables),
    // half-width 2.776445 x 1.581139 / sqrt(5) = 1.963243.
    [Fact]
    public void Ces_TInterval_HandComputed()
    {
        var ces = CesEstimate.FromAnswers([1, 2, 3, 4, 5]);
        Assert.Equal(3, ces.Mean, 12);
        Assert.Equal(1.036757, ces.Low, 5);
        Assert.Equal(4.963243, ces.High, 5);
        Assert.True(double.IsNaN(CesEstimate.FromAnswers([4]).Low));
    }

    [Fact]
    public void Read_GroupsByPeriodAndAccount()
    {
        const string text = "account_id,user_id,date,kind,score\nA,U1,2025-01-03,nps,10\nA,U2,2025-01-09,NPS,3\nB,U1,2025-02-01,nps,8\nB,U1,2025-02-02,csat,5\nB,U1,2025-02-03,ces,2\n";
        var report = SurveyReport.Read(CsvTableReader.Create(new StringReader(text), "s.csv"), new SurveyOptions { GroupBy = SurveyGrouping.Period });
        Assert.Equal((3, 1, 1, 1), (report.Overall.Nps.N, report.Overall.Nps.Promoters, report.Overall.Nps.Passives, report.Overall.Nps.Detractors));
        Assert.Equal(["2025-01", "2025-02"], report.Groups.Select(g => g.Key));
        Assert.Equal(0, report.Groups[0].Nps.Score, 10);
        Assert.Equal(100, report.Groups[1].Csat.Score);
        var byAccount = SurveyReport.Read(CsvTableReader.Create(new StringReader(text), "s.csv"), new SurveyOptions { GroupBy = SurveyGrouping.Account });
        Assert.Equal(["A", "B"], byAccount.Groups.Select(g => g.Key));
    }

    [Theory]
    [InlineData("A,U1,2025-01-03,nps,11", "score", "off its scale 0-10")]
    [InlineData("A,U1,2025-01-03,csat,0", "score", "off its scale 1-5")]
    [InlineData("A,U1,2025-01-03,ces,8", "score", "off its scale 1-7")]
    [InlineData("A,U1,2025-01-03,csat,4.5", "score", "not a whole number")]
    [InlineData("A,U1,2025-01-03,stars,4", "kind", "unknown survey kind 'stars'")]
    [InlineData("A,U1,03/01/2025x,nps,4", "date", "is not a date")]
    public void Read_BadRow_IsAnErrorNamingTheRow(string row, string column, string problem)
    {
        var text = $"account_id,user_id,date,kind,score\nA,U1,2025-01-01,nps,9\n{row}\n";
        var error = Assert.Throws<DataFormatException>(() => SurveyReport.Read(CsvTableReader.Create(new StringReader(text), "surveys.csv")));
        Assert.Equal(("surveys.csv", 2L, column), (error.SourceName, error.Row, error.Column));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);

        var skipped = SurveyReport.Read(CsvTableReader.Create(new StringReader(text), "surveys.csv"), new SurveyOptions { SkipBadRows = true });
        Assert.Equal((1L, 1), (skipped.SkippedRows, skipped.Overall.Nps.N));
    }

    [Property(MaxTest = 200)]
    public void Intervals_ContainTheEstimate_AndShrinkAsNGrows(NonNegativeInt a, NonNegativeInt b, NonNegativeInt c)
    {
        var (p, m, d) = (a.Get % 50, b.Get % 50, c.Get % 50);
        if (p + m + d == 0)
        {
            return;
        }

        var nps = NpsEstimate.FromCounts(p, m, d);
        var bigger = NpsEstimate.FromCounts(4 * p, 4 * m, 4 * d);
        Assert.InRange(nps.Score, nps.Low - 1e-9, nps.High + 1e-9);
        Assert.True(bigger.High - bigger.Low <= nps.High - nps.Low + 1e-9);
        var adjusted = nps.Adjusted;
        Assert.InRange(adjusted.Score, adjusted.Low - 1e-9, adjusted.High + 1e-9);

        var csat = CsatEstimate.FromCounts(p, p + m);
        if (csat.N > 0)
        {
            var csat4 = CsatEstimate.FromCounts(4 * p, 4 * (p + m));
            Assert.InRange(csat.Score, csat.Low - 1e-9, csat.High + 1e-9);
            Assert.True(csat4.High - csat4.Low < csat.High - csat.Low);
        }

        var answers = Enumerable.Repeat(1.0, p + 1).Concat(Enumerable.Repeat(7.0, m + 1)).ToArray();
        var ces = CesEstimate.FromAnswers(answers);
        var ces4 = CesEstimate.FromAnswers([.. answers, .. answers, .. answers, .. answers]);
        Assert.InRange(ces.Mean, ces.Low, ces.High);
        Assert.True(ces4.High - ces4.Low < ces.High - ces.Low);
    }
}
