using System.Globalization;
using System.Text;
using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;
using CsScoring.Value;

namespace CsScoring.Training.Tests.Value;

public sealed class ValueCommandsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-value-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    [Fact]
    public void Ltv_Json_HasTheFigures()
    {
        var (code, stdout, error) = CliAppTests.Run("ltv", "--arpa", "500", "--churn", "0.02", "--period", "month", "--margin", "0.8", "--discount", "0.01", "--cac", "6000", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal(25000m, json.GetProperty("simple_ltv").GetProperty("value").GetDecimal());
        Assert.Equal(20000m, json.GetProperty("gross_margin_ltv").GetProperty("value").GetDecimal());
        Assert.Equal("bounded", json.GetProperty("status").GetString());
        Assert.Equal(15m, json.GetProperty("cac_payback_months").GetProperty("value").GetDecimal());
        Assert.Equal(1 - Math.Pow(0.98, 12), json.GetProperty("annual_churn_rate").GetDouble(), 12);
    }

    [Fact]
    public void Ltv_ZeroChurn_SaysUnbounded()
    {
        var (code, stdout, _) = CliAppTests.Run("ltv", "--arpa", "500", "--churn", "0", "--json");

        Assert.Equal(ExitCodes.Success, code);
        var json = Json(stdout);
        Assert.Equal("unbounded", json.GetProperty("status").GetString());
        Assert.False(json.GetProperty("simple_ltv").TryGetProperty("value", out _));
    }

    [Fact]
    public void Ltv_NegativeChurn_IsBadInputNamingTheValue()
    {
        var (code, _, error) = CliAppTests.Run("ltv", "--arpa", "500", "--churn", "-0.1");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("churn_rate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FitSbg_PaperCohort_PrintsAlphaBetaAndProjection()
    {
        var (code, stdout, error) = CliAppTests.Run("retention", "fit-sbg", "--survivors", "1000,631,468,382,326,289,262,241", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal(0.704, Math.Round(json.GetProperty("alpha").GetDouble(), 3));
        Assert.Equal(1.182, Math.Round(json.GetProperty("beta").GetDouble(), 3));
        Assert.True(json.GetProperty("log_likelihood").GetDouble() < 0);
        Assert.Equal(13, json.GetProperty("projected_survivors").GetArrayLength());
    }

    [Fact]
    public void FitSbg_IncreasingSurvivors_IsBadInputNamingThePeriod()
    {
        var (code, _, error) = CliAppTests.Run("retention", "fit-sbg", "--survivors", "1000,631,700");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("survivors[2]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FitSbg_Ledger_FitsEveryCohort()
    {
        var data = Path.Combine(_directory, "ledger-data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 300, Months = 15 }, data);

        var (code, stdout, error) = CliAppTests.Run("retention", "fit-sbg", "--ledger", Path.Combine(data, "mrr_ledger.csv"), "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.True(json.GetProperty("cohorts").GetInt32() > 1);
        Assert.True(json.GetProperty("alpha").GetDouble() > 0);
    }

    [Fact]
    public void Derl_PrintsDerl()
    {
        var (code, stdout, error) = CliAppTests.Run("retention", "derl", "--alpha", "0.704", "--beta", "1.182", "--renewals", "4", "--discount", "0.1", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var expected = new SbgParameters(0.704, 1.182).DiscountedExpectedResidualLifetime(0.1, 4);
        Assert.Equal(expected, Json(stdout).GetProperty("derl").GetDouble(), 12);
    }

    [Fact]
    public void ClvFit_SimulatedSummaries_PrintsParametersByName()
    {
        var truth = new BgNbdParameters(0.5, 6, 1.2, 3.5);
        var path = WriteSummaries(CustomerSimulator.BgNbd(truth, 4000, 20, 60, 9));

        var (code, stdout, error) = CliAppTests.Run("clv", "fit", "--model", "bgnbd", "--data", path, "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        var parameters = json.GetProperty("parameters");
        var errors = json.GetProperty("standard_errors");
        foreach (var name in new[] { "r", "alpha", "a", "b" })
        {
            Assert.True(parameters.GetProperty(name).GetDouble() > 0);
            Assert.True(errors.GetProperty(name).GetDouble() > 0);
        }

        Assert.InRange(parameters.GetProperty("r").GetDouble(), 0.4, 0.6);
        Assert.True(json.GetProperty("log_likelihood").GetDouble() < 0);
        Assert.Equal(4000, json.GetProperty("customers").GetInt32());
    }

    [Fact]
    public void ClvFit_TransactionLog_SummarisesAtTheCalibrationEnd()
    {
        var log = new StringBuilder("customer_id,date,amount\n");
        var random = new Random(3);
        for (var customer = 0; customer < 400; customer++)
        {
            var day = new DateOnly(2024, 1, 1).AddDays(random.Next(60));
            var rate = 0.02 + (0.1 * random.NextDouble());
            while (day < new DateOnly(2024, 12, 31))
            {
                log.Append(CultureInfo.InvariantCulture, $"c{customer},{day:yyyy-MM-dd},{10 + random.Next(90)}\n");
                day = day.AddDays(1 + (int)(-Math.Log(1 - random.NextDouble()) / rate));
            }
        }

        var path = Path.Combine(_directory, "log.csv");
        File.WriteAllText(path, log.ToString());

        var (code, stdout, error) = CliAppTests.Run("clv", "fit", "--model", "pnbd", "--data", path, "--calibration-end", "2024-09-30", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal("transaction log", json.GetProperty("source").GetString());
        Assert.Equal("2024-09-30", json.GetProperty("calibration_end").GetString());
        Assert.Equal(400, json.GetProperty("customers").GetInt32());
        Assert.True(json.GetProperty("parameters").GetProperty("s").GetDouble() > 0);
    }

    [Fact]
    public void ClvFit_RecencyAfterT_IsBadInputNamingRowAndColumn()
    {
        var path = Path.Combine(_directory, "bad.csv");
        File.WriteAllText(path, "frequency,recency,T\n2,10,20\n3,25,20\n");

        var (code, _, error) = CliAppTests.Run("clv", "fit", "--model", "bgnbd", "--data", path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("row 2", error, StringComparison.Ordinal);
        Assert.Contains("'recency'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ClvPredict_OneCustomer_PrintsTransactionsPAliveAndClv()
    {
        var (code, stdout, error) = CliAppTests.Run(
            "clv", "predict", "--model", "bgnbd", "--params", "r=0.2426,alpha=4.4136,a=0.7929,b=2.4259",
            "--frequency", "2", "--recency", "30.43", "-T", "38.86", "--horizon", "39", "--spend", "20", "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = Json(stdout);
        Assert.Equal(1.226, json.GetProperty("expected_transactions").GetDouble(), 3);
        Assert.InRange(json.GetProperty("p_alive").GetDouble(), 0, 1);
        Assert.Equal(20 * json.GetProperty("expected_transactions").GetDouble(), json.GetProperty("clv").GetDouble(), 9);
        Assert.Equal("week", json.GetProperty("time_unit").GetString());
    }

    [Fact]
    public void ClvPredict_File_WritesOneRowPerCustomer()
    {
        var path = WriteSummaries(CustomerSimulator.BgNbd(new BgNbdParameters(0.5, 6, 1.2, 3.5), 50, 20, 60, 1));
        var output = Path.Combine(_directory, "predictions.csv");

        var (code, stdout, error) = CliAppTests.Run(
            "clv", "predict", "--model", "pnbd", "--params", "r=0.55,alpha=10.6,s=0.61,beta=11.7", "--data", path,
            "--horizon", "12", "--horizon-unit", "month", "--spend", "30", "--discount", "0.01", "--out", output, "--json");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(51, File.ReadAllLines(output).Length);
        Assert.Equal(50, Json(stdout).GetProperty("customers").GetInt32());
    }

    [Fact]
    public void ClvPredict_MissingParameter_IsBadInputNamingIt()
    {
        var (code, _, error) = CliAppTests.Run("clv", "predict", "--model", "bgnbd", "--params", "r=0.2,alpha=4,a=0.8", "--frequency", "1", "--recency", "2", "-T", "5", "--horizon", "10");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("'b'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ReportsObservedVsProjectedSurvival()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 300, Months = 15 }, data);
        var output = Path.Combine(_directory, "out");

        var (code, stdout, error) = CliAppTests.Run("run", "--data", data, "--out", output, "--json", "--quiet");

        Assert.True(code == ExitCodes.Success, error);
        var value = Json(stdout).GetProperty("value");
        Assert.Equal("sbg", value.GetProperty("model").GetString());
        Assert.True(value.GetProperty("alpha").GetDouble() > 0);
        Assert.True(value.GetProperty("cohorts").GetInt32() > 1);
        Assert.InRange(value.GetProperty("max_abs_survival_gap").GetDouble(), 0, 0.25);
        if (File.Exists(Path.Combine(output, "churn_predictions.csv")))
        {
            // With churn predictions, every paying account gets an expected LTV and a 90-day value at risk.
            var accounts = value.GetProperty("account_value");
            Assert.True(accounts.GetProperty("accounts").GetInt32() > 0);
            Assert.True(accounts.GetProperty("total_value_at_risk").GetDecimal() > 0);
            var rows = File.ReadAllLines(Path.Combine(output, "account_value.csv"));
            Assert.Equal(accounts.GetProperty("accounts").GetInt32() + 1, rows.Length);
        }

        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("Observed vs sBG-projected survival", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
    }

    private string WriteSummaries(CustomerSummary[] customers)
    {
        var path = Path.Combine(_directory, $"summaries-{Guid.NewGuid():N}.csv");
        var text = new StringBuilder("customer_id,frequency,recency,T,monetary_value\n");
        for (var i = 0; i < customers.Length; i++)
        {
            var c = customers[i];
            text.Append(CultureInfo.InvariantCulture, $"{i},{c.Frequency},{c.Recency:R},{c.Age:R},{c.MonetaryValue:R}\n");
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }
}
