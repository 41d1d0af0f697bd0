using System.Text;
using CsScoring.Data;
using CsScoring.Metrics;
using FsCheck;
using FsCheck.Xunit;

namespace CsScoring.Tests.Metrics;

public sealed class UsageMetricsTests
{
    private static UsageReport Read(string rows, UsageOptions? options = null)
        => UsageReport.Read(CsvTableReader.Create(new StringReader("account_id,user_id,date,feature\n" + rows), "usage_events.csv"), options);

    // By hand, as of 2025-01-30 (window 2025-01-01..30): U1 active every day (30 user-days), U2 on 2025-01-30 only
    // (1), U3 on 2024-12-01 only (outside). MAU 2, mean DAU 31/30. WAU over the 24 days 2025-01-07..30: U1 in all 24,
    // U2 in one (the 7-day window ending on the 30th), so mean WAU = 25/24.
    [Fact]
    public void Stickiness_HandComputed()
    {
        var rows = new StringBuilder();
        for (var day = 1; day <= 30; day++)
        {
            rows.Append($"A,U1,2025-01-{day:00},reports\n");
        }

        rows.Append("A,U2,2025-01-30,api\nB,U3,2024-12-01,api\n");
        var report = Read(rows.ToString());

        Assert.Equal(new DateOnly(2025, 1, 30), report.AsOf);
        Assert.Equal((1, 2), (report.Overall.ActiveAccounts, report.Overall.MonthlyActiveUsers));
        Assert.Equal(31.0 / 30, report.Overall.AverageDailyActiveUsers, 12);
        Assert.Equal(31.0 / 60, report.Overall.DauMau, 12);
        Assert.Equal(25.0 / 48, report.Overall.WauMau, 12);
        var api = report.Features.Single(f => f.Feature == "api");
        Assert.Equal((1, 1, 0.5, 1.0), (api.Users, api.Accounts, api.UserShare, api.AccountShare));
        Assert.True(double.IsNaN(report.Accounts.Single(a => a.AccountId == "B").Stickiness.DauMau));
    }

    [Fact]
    public void RowOrder_DoesNotMatter()
    {
        const string rows = "A,U1,2025-01-30,x\nA,U1,2024-11-02,y\nA,U2,2025-01-10,x\nA,U1,2025-01-05,y\n";
        var forward = Read(rows);
        var backward = Read(string.Join('\n', rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse()) + "\n");
        Assert.Equal(forward.Overall, backward.Overall);
        Assert.Equal(forward.WeeklyRetention, backward.WeeklyRetention);
    }

    // Weeks start on Monday. U1 active in weeks of 2025-01-06 and 2025-01-13, U2 only in the week of 2025-01-06:
    // week 1 retention = 1/2; as of 2025-01-19 the week-2 column is observed for both (2025-01-20 is not reached).
    [Fact]
    public void WeeklyRetention_SinceFirstActiveWeek()
    {
        var report = Read("A,U1,2025-01-06,x\nA,U1,2025-01-13,x\nA,U2,2025-01-07,x\n", new UsageOptions { AsOf = new DateOnly(2025, 1, 19) });
        Assert.Equal([1.0, 0.5], report.WeeklyRetention);
        Assert.Equal(0.5, report.Accounts.Single().RetentionWeek1);
    }

    [Fact]
    public void AsOf_IgnoresLaterEvents_AndCountsThem()
    {
        var report = Read("A,U1,2025-01-06,x\nA,U1,2025-03-01,x\n", new UsageOptions { AsOf = new DateOnly(2025, 1, 31) });
        Assert.Equal((1L, 1L), (report.Events, report.EventsAfterAsOf));
    }

    [Fact]
    public void UnknownAccount_IsAnErrorNamingTheRow_OrSkipped()
    {
        var known = new HashSet<string>(StringComparer.Ordinal) { "A" };
        var error = Assert.Throws<DataFormatException>(() => Read("A,U1,2025-01-06,x\nZ,U1,2025-01-06,x\n", new UsageOptions { KnownAccounts = known }));
        Assert.Equal(("usage_events.csv", 2L, "account_id"), (error.SourceName, error.Row, error.Column));
        var skipped = Read("A,U1,2025-01-06,x\nZ,U1,2025-01-06,x\nA,U1,someday,x\n", new UsageOptions { KnownAccounts = known, SkipBadRows = true });
        Assert.Equal((2L, 1L), (skipped.SkippedRows, skipped.Events));
    }

    [Property(MaxTest = 100)]
    public void Stickiness_IsBounded_AndIndependentOfRowOrder(byte[] accounts, byte[] users, byte[] days)
    {
        var n = Math.Min(accounts.Length, Math.Min(users.Length, days.Length));
        if (n == 0)
        {
            return;
        }

        var first = new DateOnly(2025, 1, 1);
        var rows = Enumerable.Range(0, n).Select(i => $"A{accounts[i] % 4},U{users[i] % 5},{first.AddDays(days[i] % 90):yyyy-MM-dd},f{(accounts[i] + days[i]) % 3}\n").ToArray();
        var report = Read(string.Concat(rows));
        var reversed = Read(string.Concat(rows.Reverse()));
        Assert.Equal(report.Overall, reversed.Overall);
        Assert.Equal(report.WeeklyRetention, reversed.WeeklyRetention);
        var o = report.Overall;
        Assert.True(o.MonthlyActiveUsers > 0);
        Assert.InRange(o.DauMau, 1.0 / 30 - 1e-12, 1);
        Assert.InRange(o.WauMau, 0, 1);
        Assert.True(o.AverageDailyActiveUsers <= o.AverageWeeklyActiveUsers + (o.MonthlyActiveUsers / 30.0) + 1e-12);
        Assert.All(report.Features, f => Assert.InRange(f.UserShare, 0, 1));
        Assert.Equal(1.0, report.WeeklyRetention[0]);
    }
}
