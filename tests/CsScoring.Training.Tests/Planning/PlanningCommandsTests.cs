using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Planning;

public sealed class PlanningCommandsTests : IDisposable
{
    private static readonly string[] Models = ["all_rounder", "by_customer_size", "dedicated", "functional", "regional", "sales_cs_collaboration"];
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-planning-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static IEnumerable<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name);

    private string Sample()
    {
        var data = Path.Combine(_directory, "data");
        if (!Directory.Exists(data))
        {
            Directory.CreateDirectory(data);
            SampleGenerator.Generate(new SampleOptions { Accounts = 300, Months = 15 }, data);
        }

        return data;
    }

    [Fact]
    public void Capacity_Json_HasExactlyTheContractShape()
    {
        var (code, stdout, error) = CliAppTests.Run("capacity", "--arr", "100000000", "--csm-monthly-cost", "450000", "--currency", "JPY", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal(["ratio", "csm_monthly_cost", "currency", "rows"], Names(json));
        Assert.Equal(0.08, json.GetProperty("ratio").GetDouble());
        Assert.Equal(450_000m, json.GetProperty("csm_monthly_cost").GetDecimal());
        Assert.Equal("JPY", json.GetProperty("currency").GetString());
        var row = Assert.Single(json.GetProperty("rows").EnumerateArray());
        Assert.Equal(["arr", "budget", "headcount"], Names(row));
        Assert.Equal(100_000_000m, row.GetProperty("arr").GetDecimal());
        Assert.Equal(8_000_000m, row.GetProperty("budget").GetDecimal());
        Assert.Equal(1.5m, row.GetProperty("headcount").GetDecimal());
    }

    [Fact]
    public void Capacity_Json_WithoutCurrency_SaysNull()
    {
        var (code, stdout, _) = CliAppTests.Run("capacity", "--arr", "1000", "--csm-monthly-cost", "10", "--json");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(JsonValueKind.Null, Json(stdout).GetProperty("currency").ValueKind);
    }

    [Fact]
    public void Capacity_ArrRange_PrintsARowPerStep()
    {
        var (code, stdout, error) = CliAppTests.Run("capacity", "--arr-range", "50000000:200000000:50000000", "--ratio", "0.1", "--csm-monthly-cost", "450000", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var rows = Json(stdout).GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([50_000_000m, 100_000_000m, 150_000_000m, 200_000_000m], rows.Select(r => r.GetProperty("arr").GetDecimal()));
        Assert.Equal([5_000_000m, 10_000_000m, 15_000_000m, 20_000_000m], rows.Select(r => r.GetProperty("budget").GetDecimal()));

        // 5M / 5.4M = 0.926, 1.852, 2.778, 3.704.
        Assert.Equal([0.9m, 1.9m, 2.8m, 3.7m], rows.Select(r => r.GetProperty("headcount").GetDecimal()));
    }

    [Fact]
    public void Capacity_Text_SaysWhereTheRatioSitsAndWarnsOutsideTheBand()
    {
        var (code, stdout, error) = CliAppTests.Run("capacity", "--arr", "100000000", "--ratio", "0.05", "--csm-monthly-cost", "450000", "--currency", "JPY");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("below the usual 6-10% band", stdout, StringComparison.Ordinal);
        Assert.Contains("warning", error, StringComparison.Ordinal);

        var (_, inside, _) = CliAppTests.Run("capacity", "--arr", "100000000", "--csm-monthly-cost", "450000");
        Assert.Contains("inside the usual 6-10% band, at 50%", inside, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--arr", new[] { "capacity", "--arr", "-5", "--csm-monthly-cost", "450000" })]
    [InlineData("--ratio", new[] { "capacity", "--arr", "5", "--ratio", "0", "--csm-monthly-cost", "450000" })]
    [InlineData("--ratio", new[] { "capacity", "--arr", "5", "--ratio", "1.5", "--csm-monthly-cost", "450000" })]
    [InlineData("--csm-monthly-cost", new[] { "capacity", "--arr", "5", "--csm-monthly-cost", "0" })]
    [InlineData("--csm-monthly-cost", new[] { "capacity", "--arr", "5" })]
    [InlineData("--arr-range", new[] { "capacity", "--arr-range", "10:5:1", "--csm-monthly-cost", "1" })]
    [InlineData("--stage", new[] { "org", "--customers", "10", "--arr", "5", "--stage", "adult" })]
    [InlineData("--arr", new[] { "org", "--customers", "10", "--arr", "-1" })]
    [InlineData("--support", new[] { "org", "--customers", "10", "--arr", "5", "--support", "medium" })]
    [InlineData("--quarters", new[] { "hiring", "--ledger", "ledger.csv", "--csm-monthly-cost", "1", "--quarters", "3" })]
    [InlineData("--lead-time-months", new[] { "hiring", "--ledger", "ledger.csv", "--csm-monthly-cost", "1", "--lead-time-months", "-1" })]
    public void BadInput_ExitsWithTwo_NamingTheOption(string option, string[] args)
    {
        var (code, stdout, error) = CliAppTests.Run(args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public void Org_Json_RanksAllSixModelsBestFirst_WithTheContractFields()
    {
        var (code, stdout, error) = CliAppTests.Run("org", "--customers", "20", "--arr", "20000000", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        var recommendations = json.GetProperty("recommendations").EnumerateArray().ToList();
        Assert.Equal(Models, recommendations.Select(r => r.GetProperty("model").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(recommendations, r => Assert.Equal(["model", "fit", "reasons", "risks"], Names(r)));
        Assert.All(recommendations, r => Assert.InRange(r.GetProperty("fit").GetDouble(), 0, 1));
        var fits = recommendations.Select(r => r.GetProperty("fit").GetDouble()).ToList();
        Assert.Equal(fits.OrderDescending(), fits);
        Assert.Equal("all_rounder", recommendations[0].GetProperty("model").GetString());

        var triple = json.GetProperty("if_customers_triple");
        Assert.Equal(60, triple.GetProperty("customers").GetInt32());
        Assert.Equal("sales_cs_collaboration", triple.GetProperty("recommendations")[0].GetProperty("model").GetString());
        Assert.Contains(triple.GetProperty("changes").EnumerateArray(), c => c.GetString()!.Contains("best model changes", StringComparison.Ordinal));
    }

    [Fact]
    public void Org_Options_ChangeTheRanking()
    {
        var (_, stdout, _) = CliAppTests.Run("org", "--customers", "600", "--arr", "1", "--top-decile-share", "0.2", "--regions", "3", "--json");
        Assert.Equal("functional", Json(stdout).GetProperty("recommendations")[0].GetProperty("model").GetString());

        var (_, differ, _) = CliAppTests.Run("org", "--customers", "600", "--arr", "1", "--top-decile-share", "0.2", "--regions", "3", "--regional-differences", "high", "--json");
        Assert.Equal("regional", Json(differ).GetProperty("recommendations")[0].GetProperty("model").GetString());
    }

    [Fact]
    public void Org_Data_DerivesTheInputsFromTheCurrentCustomers()
    {
        var data = Sample();
        var (code, stdout, error) = CliAppTests.Run("org", "--data", data, "--json");

        Assert.True(code == ExitCodes.Success, error);
        var inputs = Json(stdout).GetProperty("inputs");
        var lines = File.ReadAllLines(Path.Combine(data, "accounts.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var last = lines.Select(l => l[1]).Max(StringComparer.Ordinal);
        Assert.Equal(lines.Count(l => l[1] == last), inputs.GetProperty("customers").GetInt32());
        Assert.Equal(4, inputs.GetProperty("regions").GetInt32());
        Assert.True(inputs.GetProperty("stage_derived").GetBoolean());

        var (_, overridden, _) = CliAppTests.Run("org", "--data", data, "--customers", "10", "--stage", "early", "--json");
        Assert.Equal(10, Json(overridden).GetProperty("inputs").GetProperty("customers").GetInt32());
        Assert.Equal("early", Json(overridden).GetProperty("inputs").GetProperty("stage").GetString());
    }

    [Fact]
    public void Hiring_Data_PrintsTheWholePlanWithDatesRespectingTheLeadTime()
    {
        var (code, stdout, error) = CliAppTests.Run("hiring", "--data", Sample(), "--csm-monthly-cost", "9000", "--quarters", "6", "--lead-time-months", "2", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        var hiring = json.GetProperty("hiring");
        var start = DateOnly.Parse(hiring.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(6, hiring.GetProperty("quarters").GetArrayLength());
        foreach (var hire in hiring.GetProperty("hires").EnumerateArray())
        {
            var open = DateOnly.Parse(hire.GetProperty("open_by").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var seat = DateOnly.Parse(hire.GetProperty("in_seat_by").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(open >= start);
            Assert.Equal(open.AddMonths(2), seat);
        }

        Assert.True(json.GetProperty("bottom_up").GetProperty("csms_needed").GetDouble() > 0);
        Assert.Equal(6, json.GetProperty("advice").GetProperty("recommendations").GetArrayLength());
    }

    [Fact]
    public void Hiring_Ledger_WithAGivenGrowthRate_ProjectsIt()
    {
        var ledger = Path.Combine(Sample(), "mrr_ledger.csv");
        var (code, stdout, error) = CliAppTests.Run("hiring", "--ledger", ledger, "--csm-monthly-cost", "9000", "--growth", "0.3", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var hiring = Json(stdout).GetProperty("hiring");
        Assert.Equal("given", hiring.GetProperty("growth_source").GetString());
        Assert.Equal(Math.Pow(1.3, 1 / 12.0) - 1, hiring.GetProperty("monthly_growth_rate").GetDouble(), 12);
    }

    [Fact]
    public void Hiring_Text_ShowsTheGapAndTheHires()
    {
        var (code, stdout, error) = CliAppTests.Run("hiring", "--data", Sample(), "--csm-monthly-cost", "9000", "--currency", "USD");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("bottom-up: the book needs", stdout, StringComparison.Ordinal);
        Assert.Contains("top-down: the budget affords", stdout, StringComparison.Ordinal);
        Assert.Contains("Organisation advice", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Hiring_MissingLedgerFile_IsBadInputNamingIt()
    {
        var (code, _, error) = CliAppTests.Run("hiring", "--ledger", Path.Combine(_directory, "nope.csv"), "--csm-monthly-cost", "1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("nope.csv", error, StringComparison.Ordinal);
    }
}

public sealed class PlanningHelpTests
{
    [Theory]
    [InlineData("capacity")]
    [InlineData("hiring")]
    [InlineData("org")]
    public void Help_RendersEveryOption(string command)
    {
        var (code, stdout, error) = CliAppTests.Run(command, "--help");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("--json", stdout, StringComparison.Ordinal);
        Assert.Contains("--csm-monthly-cost", stdout, StringComparison.Ordinal);
    }
}
