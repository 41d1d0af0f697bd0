using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Tests.Data;

namespace CsScoring.Tests.Health;

public sealed class HealthSnapshotsTests
{
    private const string Header = "account_id,as_of,mrr,usage,logins,idle_days,tickets,nps";

    // =A is current with three month ends; +B stopped after January (it churned); C is current with one snapshot.
    private const string History =
        Header + "\n" +
        "=A,2025-01-31,100,0.2,10,20,4,3\n" +
        "+B,2025-01-31,50,0.9,400,1,0,9\n" +
        "=A,2025-02-28,100,0.5,50,10,3,5\n" +
        "=A,2025-03-31,100,0.9,300,2,1,8\n" +
        "C,2025-03-31,,0.4,20,,2,\n";

    private static readonly CompiledScorecard Scorecard = HealthTestData.Mixed().Compile();

    private static HealthSnapshots Read(string csv = History, int horizonDays = 30)
    {
        using var reader = MemoryDataFolder.Table(csv, "accounts.csv");
        return HealthSnapshots.Read(reader, Scorecard, horizonDays);
    }

    // Each snapshot's previous one is the same account's snapshot just before it by date, with same-date snapshots in
    // table order: exactly what sorting every row by (account, date, row) gives, on random histories with accounts out
    // of order, dates out of order and repeated dates.
    [FsCheck.Xunit.Property(MaxTest = 60)]
    public void PreviousRows_EqualsTheSortByAccountDateAndRow(int seed)
    {
        var random = new Random(seed);
        var rows = random.Next(1, 400);
        var csv = new System.Text.StringBuilder(Header).Append('\n');
        var start = new DateOnly(2025, 1, 31);
        for (var i = 0; i < rows; i++)
        {
            var date = start.AddMonths(random.Next(0, 6));
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"A{random.Next(0, 1 + (rows / 3))},{date:yyyy-MM-dd},10,0.5,10,3,1,7\n");
        }

        var history = Read(csv.ToString());
        var order = Enumerable.Range(0, history.Count).OrderBy(i => history.AccountIds[i], StringComparer.Ordinal).ThenBy(i => history.AsOf[i]).ToArray();
        var expected = new int[history.Count];
        for (var j = 0; j < order.Length; j++)
        {
            expected[order[j]] = j > 0 && history.AccountIds[order[j - 1]] == history.AccountIds[order[j]] ? order[j - 1] : -1;
        }

        Assert.Equal(expected, history.PreviousRows());
    }

    // Past the first chunk of rows (16,384) every row still reads back as written, one by one and as a batch, and
    // account ids repeat as the same string; a row past the end is refused.
    [Fact]
    public void Read_ManyRows_EveryRowReadsBack()
    {
        const int rows = 40_000;
        var csv = new System.Text.StringBuilder(Header).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"A{i % 997},2025-01-31,{i},{i % 100 / 100.0},{i % 500},{i % 30},{i % 5},{i % 11}\n");
        }

        var history = Read(csv.ToString());

        Assert.Equal(rows, history.Count);
        Assert.Same(history.AccountIds[5], history.AccountIds[5 + 997]);
        int[] picked = [0, 16_383, 16_384, 32_768, rows - 1, 7];
        var batch = history.Rows(picked);
        for (var j = 0; j < picked.Length; j++)
        {
            var row = history.Row(picked[j]);
            Assert.Equal(picked[j], history.Mrr[picked[j]]);
            for (var k = 0; k < history.MetricCount; k++)
            {
                Assert.Equal(row[k], batch[(k * picked.Length) + j]);
            }

            Assert.Equal(Scorecard.Score(row), Scorecard.Score(history.Row(picked[j])));
        }

        Assert.Equal((picked[4] % 100) / 100.0, history.Row(picked[4])[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Row(rows));
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Rows([rows]));
    }

    [Fact]
    public void Read_KeepsRawIdsDatesAndMrr()
    {
        var history = Read();

        Assert.Equal(5, history.Count);
        Assert.Equal(["=A", "+B", "=A", "=A", "C"], history.AccountIds);
        Assert.Equal(new DateOnly(2025, 3, 31), history.LastDate);
        Assert.True(double.IsNaN(history.Mrr[4]));
        Assert.Equal(Scorecard.MetricCount, history.MetricCount);
    }

    [Fact]
    public void Labels_WithoutALabelColumn_AreDerivedFromTheMonthEnds()
    {
        var history = Read(horizonDays: 30);

        // One month ahead: =A is there at the next month end, +B is not; March is past the data's end.
        Assert.Equal(0, history.Labels[0]);
        Assert.Equal(1, history.Labels[1]);
        Assert.Equal(0, history.Labels[2]);
        Assert.True(double.IsNaN(history.Labels[3]));
        Assert.Contains("derived", history.LabelSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LabelOutsideZeroOne_NamesTheColumn()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(Header + ",churned_within_30d\n=A,2025-01-31,1,0.2,1,1,1,1,2\n"));

        Assert.Equal("churned_within_30d", error.Column);
    }

    [Fact]
    public void ScoreLatest_AtTheLastDate_ScoresCurrentCustomersWithTheirTrend()
    {
        var history = Read();

        var accounts = history.ScoreLatest(Scorecard, history.LastDate, maxAgeDays: 0, drivers: 2);

        Assert.Equal(["=A", "C"], accounts.Select(a => a.AccountId));
        var a = accounts[0];
        Assert.Equal(Scorecard.Score(history.Row(3)), a.Result);
        Assert.Equal(Scorecard.Score(history.Row(2)), a.Previous);
        Assert.Equal(HealthTrend.Between(a.Previous!.Value, a.Computed, Scorecard.TrendDeadBand), a.Trend);
        Assert.Equal(a.Result.Score, a.Contributions.Sum(), 9);
        Assert.True(a.Drivers.Count <= 2);
        Assert.Null(accounts[1].Previous);
        Assert.Null(accounts[1].Override);
    }

    [Fact]
    public void ScoreRows_AppliesAnOverrideUntilItExpires()
    {
        var history = Read();
        var overrides = new Dictionary<string, HealthOverride>(StringComparer.Ordinal)
        {
            ["=A"] = new() { Score = 10, Reason = "escalation", Expires = new DateOnly(2025, 4, 30) },
        };

        var accounts = history.ScoreRows(Scorecard, [3], history.LastDate, drivers: 0, overrides);

        Assert.Equal(OverrideState.Applied, accounts[0].Override!.State);
        Assert.Equal(10, accounts[0].Result.Score);
        Assert.NotEqual(10, accounts[0].Computed.Score);
    }

    [Fact]
    public void ScoreRows_ScorecardOfAnotherWidth_Throws()
    {
        var other = new Scorecard
        {
            Name = "one",
            Groups = [new ScorecardGroup { Name = "g", Metrics = [new ScorecardMetric { Column = "usage", Scaling = MetricScaling.Linear(0, 1) }] }],
        }.Compile();

        Assert.Throws<ArgumentException>(() => Read().ScoreRows(other, [0], new DateOnly(2025, 3, 31), 0));
    }

    [Fact]
    public void Backtest_PoolsTheLabelledSnapshots()
    {
        var history = Read();

        var backtest = history.Backtest(Scorecard, asOf: null);

        Assert.Equal([0, 1, 2], history.LabelledRows(null));
        Assert.Equal(3, backtest.Report.Accounts);
        Assert.Equal(2, backtest.Dates);
        Assert.Equal([0, 1], history.LabelledRows(new DateOnly(2025, 1, 31)));
    }

    [Fact]
    public void Backtest_NoKnownOutcome_Throws()
        => Assert.Throws<CsScoringException>(() => Read().Backtest(Scorecard, new DateOnly(2025, 3, 31)));

    [Fact]
    public void Summary_CountsBandsAndMeans()
    {
        var history = Read();
        var accounts = history.ScoreLatest(Scorecard, history.LastDate, 0, 0);

        var summary = HealthScoreSummary.Of(accounts, [Scorecard]);

        Assert.Equal(2, summary.Accounts);
        Assert.Equal(summary.Scored, summary.Bands.Sum(b => b.Accounts));
        Assert.Equal(summary.Accounts, summary.Scored + summary.InsufficientData);
        Assert.Equal(accounts.Average(a => a.Result.Coverage), summary.CoverageMean, 12);
        Assert.Equal(Scorecard.Bands.Select(b => b.Name), summary.Bands.Select(b => b.Name));
    }

    [Fact]
    public void SplitForTuning_FitsUpToTheSplit_AndEvaluatesAfterTheHorizon()
    {
        var history = Read(horizonDays: 30);

        var windows = history.SplitForTuning(new DateOnly(2025, 1, 31), horizonDays: 20);

        Assert.Equal(new DateOnly(2025, 2, 20), windows.EvaluationStart);
        Assert.Equal([0, 1], windows.FitRows);
        Assert.Equal([2], windows.EvaluationRows);
        var expected = history.Backtest(Scorecard, new DateOnly(2025, 2, 28)).Report;
        var actual = history.BacktestRows(Scorecard, windows.EvaluationRows);
        Assert.Equal(expected.Accounts, actual.Accounts);
        Assert.Equal(expected.CoverageMean, actual.CoverageMean);
        Assert.Equal(expected.Bands.Select(b => b.Accounts), actual.Bands.Select(b => b.Accounts));
    }

    [Fact]
    public void SplitForTuning_DefaultSplit_IsTheLabelledDateAtSixtyPercent()
    {
        // Two labelled dates: 60 % rounds up to the second, which leaves nothing after it to evaluate.
        var error = Assert.Throws<CsScoringException>(() => Read(horizonDays: 30).SplitForTuning(null, horizonDays: 0));

        Assert.Contains("the split 2025-02-28 leaves 3 snapshots to fit and 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitForTuning_EmptyWindow_SaysHowManyRowsEachHas()
    {
        var error = Assert.Throws<CsScoringException>(() => Read(horizonDays: 30).SplitForTuning(new DateOnly(2025, 3, 31), horizonDays: 30));

        Assert.Contains("leaves 3 snapshots to fit and 0", error.Message, StringComparison.Ordinal);
    }
}
