using System.Globalization;
using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Metrics;

/// <summary>A fact that runs only where the repository's data/sample files are found above the test binaries.</summary>
public sealed class MetricsSampleFactAttribute : FactAttribute
{
    public MetricsSampleFactAttribute()
    {
        if (MetricsCommandsTests.Sample("mrr_ledger.csv") is null)
        {
            Skip = "data/sample was not found above the test binaries";
        }
    }
}

public sealed class MetricsCommandsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-metrics-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static string? Sample(string file)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "data", "sample", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    // The sample's last month, summed straight from the file, must be the bridge's closing MRR: an independent check.
    private static (decimal Mrr, int Customers) MonthTotal(string ledger, string month)
    {
        decimal total = 0;
        var customers = 0;
        foreach (var line in File.ReadLines(ledger).Skip(1))
        {
            var cells = line.Split(',');
            if (cells[1].StartsWith(month, StringComparison.Ordinal))
            {
                var value = decimal.Parse(cells[2], CultureInfo.InvariantCulture);
                total += value;
                customers += value > 0 ? 1 : 0;
            }
        }

        return (total, customers);
    }

    [MetricsSampleFact]
    public void Kpis_OnTheSample_PrintsTheContractFieldsAndReconciles()
    {
        var ledger = Sample("mrr_ledger.csv")!;
        var (code, stdout, error) = CliAppTests.Run("kpis", "--ledger", ledger, "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        var periods = json.GetProperty("periods").EnumerateArray().ToList();
        foreach (var field in new[] { "period", "opening_mrr", "new", "expansion", "contraction", "churned", "reactivated", "closing_mrr", "customers_start", "logo_churn", "grr", "nrr", "quick_ratio", "arpa" })
        {
            Assert.True(periods[0].TryGetProperty(field, out _), field);
        }

        foreach (var p in periods)
        {
            var sum = p.GetProperty("opening_mrr").GetDecimal() + p.GetProperty("new").GetDecimal() + p.GetProperty("expansion").GetDecimal()
                + p.GetProperty("reactivated").GetDecimal() - p.GetProperty("contraction").GetDecimal() - p.GetProperty("churned").GetDecimal();
            Assert.Equal(p.GetProperty("closing_mrr").GetDecimal(), sum);
            Assert.InRange(p.GetProperty("grr").GetDouble(), 0, 1);
        }

        var last = periods[^1];
        Assert.Equal("2025-12", last.GetProperty("period").GetString());
        var (mrr, customers) = MonthTotal(ledger, "2025-12");
        Assert.Equal(mrr, last.GetProperty("closing_mrr").GetDecimal());
        Assert.Equal(customers, last.GetProperty("customers_end").GetInt32());
        Assert.Equal(MonthTotal(ledger, "2025-11").Mrr, last.GetProperty("opening_mrr").GetDecimal());
        // Figures of the bundled sample (December 2025 and the year to it).
        Assert.Equal(1_965_940.18m, last.GetProperty("closing_mrr").GetDecimal());
        Assert.Equal(897, last.GetProperty("customers_start").GetInt32());
        Assert.Equal(16, last.GetProperty("churned_customers").GetInt32());
        var ttm = json.GetProperty("trailing_twelve_months");
        Assert.Equal("2025-01..2025-12", ttm.GetProperty("period").GetString());
        Assert.Equal(0.941976, ttm.GetProperty("grr").GetDouble(), 6);
        Assert.Equal(1.093455, ttm.GetProperty("nrr").GetDouble(), 6);
        Assert.Equal(0.177885, ttm.GetProperty("logo_churn").GetDouble(), 6);
    }

    [MetricsSampleFact]
    public void Kpis_ByQuarterAndSegmentFile_LabelsQuartersAndSplitsSegments()
    {
        var (code, stdout, error) = CliAppTests.Run("kpis", "--ledger", Sample("mrr_ledger.csv")!, "--period", "quarter", "--segment", Sample("accounts.csv")!, "--segment-column", "plan", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal("2025-Q4", json.GetProperty("periods").EnumerateArray().Last().GetProperty("period").GetString());
        var segments = json.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(["business", "enterprise", "growth", "starter"], segments.Select(s => s.GetProperty("segment").GetString()));
        var total = segments.Sum(s => s.GetProperty("periods").EnumerateArray().Last().GetProperty("closing_mrr").GetDecimal());
        Assert.Equal(json.GetProperty("periods").EnumerateArray().Last().GetProperty("closing_mrr").GetDecimal(), total);
    }

    [MetricsSampleFact]
    public void Surveys_OnTheSample_PrintsNpsCsatCesWithIntervals()
    {
        var (code, stdout, error) = CliAppTests.Run("surveys", "--data", Sample("surveys.csv")!, "--by", "period", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        var nps = json.GetProperty("nps");
        Assert.Equal((1853, 439, 704, 710), (nps.GetProperty("n").GetInt32(), nps.GetProperty("promoters").GetInt32(), nps.GetProperty("passives").GetInt32(), nps.GetProperty("detractors").GetInt32()));
        Assert.Equal(100.0 * (439 - 710) / 1853, nps.GetProperty("score").GetDouble(), 4);
        Assert.True(nps.GetProperty("ci_low").GetDouble() < nps.GetProperty("score").GetDouble());
        var csat = json.GetProperty("csat");
        Assert.Equal((7299, 53.2676), (csat.GetProperty("n").GetInt32(), csat.GetProperty("score").GetDouble()));
        var ces = json.GetProperty("ces");
        Assert.Equal(("1-7", 1217, 4.8546), (ces.GetProperty("scale").GetString(), ces.GetProperty("n").GetInt32(), ces.GetProperty("mean").GetDouble()));
        var groups = json.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal("2025-12", groups[^1].GetProperty("group").GetString());
        Assert.Equal(1853, groups.Sum(g => g.GetProperty("nps").GetProperty("n").GetInt32()));
        Assert.Equal("2025-12", json.GetProperty("nps_comparison").GetProperty("first").GetString());
    }

    [MetricsSampleFact]
    public void Usage_OnTheSample_PrintsStickinessAndWritesAccounts()
    {
        var output = Path.Combine(_directory, "usage.csv");
        var (code, stdout, error) = CliAppTests.Run("usage", "--events", Sample("usage_events.csv")!, "--accounts", Sample("mrr_ledger.csv")!, "--out", output, "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal("2025-12-31", json.GetProperty("as_of").GetString());
        Assert.Equal(45_719, json.GetProperty("events").GetInt64());
        Assert.Equal(3565, json.GetProperty("mau").GetInt32());
        Assert.Equal(0.265844, json.GetProperty("dau_mau").GetDouble(), 6);
        Assert.InRange(json.GetProperty("wau_mau").GetDouble(), json.GetProperty("dau_mau").GetDouble(), 1);
        Assert.Equal(8, json.GetProperty("features").GetArrayLength());
        var lines = File.ReadAllLines(output);
        Assert.StartsWith("account_id,events,users,mau,dau,wau,dau_mau,wau_mau", lines[0], StringComparison.Ordinal);
        Assert.Equal(json.GetProperty("accounts").GetInt32() + 1, lines.Length);

        var (again, _, exists) = CliAppTests.Run("usage", "--events", Sample("usage_events.csv")!, "--out", output, "-q");
        Assert.Equal(ExitCodes.BadInput, again);
        Assert.Contains("--force", exists, StringComparison.Ordinal);
    }

    [MetricsSampleFact]
    public void Survival_OnTheSample_PrintsCurvesWithBandsAndLogRank()
    {
        var (code, stdout, error) = CliAppTests.Run("survival", "--ledger", Sample("mrr_ledger.csv")!, "--segment", Sample("accounts.csv")!, "--segment-column", "plan", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        var curves = json.GetProperty("curves").EnumerateArray().ToList();
        Assert.Equal("all", curves[0].GetProperty("segment").GetString());
        Assert.Equal(351, curves[0].GetProperty("left_truncated").GetInt32());
        Assert.Equal(curves.Skip(1).Sum(c => c.GetProperty("n").GetInt32()), curves[0].GetProperty("n").GetInt32());
        foreach (var step in curves[0].GetProperty("steps").EnumerateArray())
        {
            Assert.InRange(step.GetProperty("survival").GetDouble(), step.GetProperty("ci_low").GetDouble(), step.GetProperty("ci_high").GetDouble());
        }

        Assert.Equal(6, json.GetProperty("log_rank").GetArrayLength());
        Assert.True(json.GetProperty("cohorts").GetProperty("rows").GetArrayLength() > 0);
    }

    [Fact]
    public void Surveys_SegmentColumnAndCompare_TestsTwoSegments()
    {
        var rows = new System.Text.StringBuilder("account_id,user_id,date,kind,score,tier\n");
        for (var i = 0; i < 20; i++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"A{i},U1,2025-01-01,nps,{(i < 15 ? 10 : 2)},high\n");
            rows.Append(CultureInfo.InvariantCulture, $"B{i},U1,2025-01-01,nps,{(i < 5 ? 10 : 2)},low\n");
        }

        var path = Write("tiers.csv", rows.ToString());
        var (code, stdout, error) = CliAppTests.Run("surveys", "--data", path, "--by", "segment", "--segment", "tier", "--compare", "high,low", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal(["high", "low"], json.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()));
        var comparison = json.GetProperty("nps_comparison");
        // By hand: NPS 50 (15 promoters, 5 detractors of 20) against -50; SE = sqrt(2 x (1 - 0.25) / 20) x 100 = 27.386.
        Assert.Equal(100, comparison.GetProperty("difference").GetDouble(), 4);
        Assert.Equal(27.3861, comparison.GetProperty("std_error").GetDouble(), 4);
        Assert.True(comparison.GetProperty("p_value").GetDouble() < 0.001);
    }

    [Theory]
    [InlineData("account_id,month,mrr\nA,2025-01-01,10\nA,2025-01-01,12\n", "row 2", "already has an entry")]
    [InlineData("account_id,month,mrr\nA,2025-01-01,-10\n", "mrr", "MRR must be >= 0")]
    [InlineData("account_id,month,mrr\nA,last spring,10\n", "month", "is not a period")]
    public void Kpis_BadLedger_ExitsTwoNamingFileRowAndColumn(string text, string where, string problem)
    {
        var path = Write("ledger.csv", text);
        var (code, _, error) = CliAppTests.Run("kpis", "--ledger", path, "--json");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("ledger.csv", error, StringComparison.Ordinal);
        Assert.Contains(where, error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kpis_SkipBadRows_WarnsAndCounts()
    {
        var path = Write("ledger.csv", "account_id,month,mrr\nA,2025-01-01,10\nA,2025-02-01,12\nB,2025-02-01,x\n");
        var (code, stdout, error) = CliAppTests.Run("kpis", "--ledger", path, "--skip-bad-rows", "--json");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(1, Json(stdout).GetProperty("skipped_rows").GetInt32());
        Assert.Contains("1 bad row(s) skipped", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kpis", "--ledger", "x.csv", "--period", "week")]
    [InlineData("kpis", "--ledger", "x.csv", "--interrupted", "maybe")]
    [InlineData("surveys", "--data", "x.csv", "--by", "colour")]
    [InlineData("surveys", "--data", "x.csv", "--ces-scale", "7-1")]
    [InlineData("usage", "--events", "x.csv", "--as-of", "31/12/2025")]
    [InlineData("survival", "--ledger", "x.csv", "--band", "wide")]
    public void BadOption_ExitsTwoNamingTheOption(params string[] args)
    {
        var (code, _, error) = CliAppTests.Run(args);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(args[^2], error, StringComparison.Ordinal);
    }

    [Fact]
    public void Surveys_ScoreOffTheScale_ExitsTwoNamingTheRow()
    {
        var path = Write("surveys.csv", "account_id,user_id,date,kind,score\nA,U1,2025-01-01,nps,9\nA,U1,2025-01-02,csat,6\n");
        var (code, _, error) = CliAppTests.Run("surveys", "--data", path, "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("surveys.csv", error, StringComparison.Ordinal);
        Assert.Contains("row 2", error, StringComparison.Ordinal);
        Assert.Contains("off its scale 1-5", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_EventOfAnUnknownAccount_ExitsTwoNamingTheRow()
    {
        var accounts = Write("accounts.csv", "account_id\nA\n");
        var events = Write("events.csv", "account_id,user_id,date,feature\nA,U1,2025-01-01,x\nB,U1,2025-01-01,x\n");
        var (code, _, error) = CliAppTests.Run("usage", "--events", events, "--accounts", accounts, "--json");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("events.csv", error, StringComparison.Ordinal);
        Assert.Contains("'B' is not a known account", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Surveys_SegmentNotAFileOrColumn_ExitsTwoNamingTheOption()
    {
        var path = Write("surveys.csv", "account_id,user_id,date,kind,score\nA,U1,2025-01-01,nps,9\n");
        var (code, _, error) = CliAppTests.Run("surveys", "--data", path, "--by", "segment", "--segment", "no-such-file.csv");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--segment 'no-such-file.csv'", error, StringComparison.Ordinal);
    }
}
