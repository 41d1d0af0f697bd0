using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;
using CsScoring.Training.Tests.Portfolio;

namespace CsScoring.Training.Tests.Run;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_OnAGeneratedSample_WritesReportAndSummary()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 400, Months = 15 }, data);
        var output = Path.Combine(_directory, "out");

        var (code, stdout, error) = CliAppTests.Run("run", "--data", data, "--out", output, "--json", "--quiet", "--csm-monthly-cost", "9000", "--currency", "USD");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("data").GetProperty("accounts").GetInt32() > 0);
        AssertOrganisationPlan(Path.Combine(output, "plan.json"), json.RootElement.GetProperty("organisation"));
        AssertKpis(Path.Combine(output, "kpis.json"), Path.Combine(data, "mrr_ledger.csv"), json.RootElement.GetProperty("kpis"));
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
        Assert.True(File.Exists(Path.Combine(output, "summary.json")));
        var portfolio = json.RootElement.GetProperty("portfolio");
        Assert.True(portfolio.GetProperty("accounts").GetInt32() > 0);
        Assert.Equal(0, portfolio.GetProperty("lint").GetProperty("high_risk_without_action").GetInt32());
        Assert.Equal(0, portfolio.GetProperty("lint").GetProperty("falling_health_without_action").GetInt32());
        var rows = PortfolioCommandTests.ReadCsv(Path.Combine(output, "portfolio.csv"));
        Assert.Equal(portfolio.GetProperty("accounts").GetInt32(), rows.Count);
        Assert.Contains(rows, r => r["tier"] == "high_touch");
        Assert.All(rows.Where(r => r["churn_band"] == "high"), r => Assert.NotEqual(string.Empty, r["action"]));
        Assert.True(File.Exists(Path.Combine(output, "plan.json")));
        AssertChurnHeadline(json.RootElement.GetProperty("churn_model"), File.ReadAllText(Path.Combine(output, "model", "report.html")));
        foreach (var artifact in json.RootElement.GetProperty("artifacts").EnumerateArray())
        {
            Assert.True(File.Exists(Path.Combine(output, artifact.GetString()!)) || Directory.Exists(Path.Combine(output, artifact.GetString()!)));
        }
    }

    // The churn model leaves a 90-day gap (the label's horizon) between training labels and validation, and reports the
    // cross-validated AUC as the headline with its interval and the holdout AUC as a check with its own. The job trains
    // LightGBM with the folds its book size calls for.
    private static void AssertChurnHeadline(JsonElement churn, string modelReport)
    {
        Assert.Equal("light_gbm", churn.GetProperty("trainer").GetString());
        Assert.Equal(CsScoring.Training.Churn.TrainingScale.FoldsFor(churn.GetProperty("rows").GetInt32()), churn.GetProperty("cv_folds").GetInt32());
        Assert.Equal(90, churn.GetProperty("label_gap_days").GetInt32());
        var cv = churn.GetProperty("cv_auc").GetDouble();
        var cvInterval = churn.GetProperty("cv_auc_interval").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var holdout = churn.GetProperty("validation").GetProperty("auc").GetDouble();
        var holdoutInterval = churn.GetProperty("validation_auc_interval").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.InRange(cv, cvInterval[0], cvInterval[1]);
        Assert.InRange(holdout, holdoutInterval[0], holdoutInterval[1]);
        Assert.Contains("Headline", modelReport, StringComparison.Ordinal);
        Assert.Contains("holdout check", modelReport, StringComparison.Ordinal);
    }

    // plan.json carries the top-down plan (ARR x 8% / (9,000 x 12), to one decimal), the bottom-up plan, the hiring
    // plan and the organisation advice; the summary repeats the headline figures.
    private static void AssertOrganisationPlan(string planPath, JsonElement summary)
    {
        using var plan = JsonDocument.Parse(File.ReadAllText(planPath));
        var organisation = plan.RootElement.GetProperty("organisation");
        var topDown = organisation.GetProperty("top_down");
        var arr = topDown.GetProperty("arr").GetDecimal();
        Assert.True(arr > 0);
        Assert.Equal("USD", topDown.GetProperty("currency").GetString());
        Assert.Equal(9000m, topDown.GetProperty("csm_monthly_cost").GetDecimal());
        Assert.Equal(Math.Round(arr * 0.08m / 108_000m, 1, MidpointRounding.AwayFromZero), topDown.GetProperty("headcount").GetDecimal());
        Assert.Equal(topDown.GetProperty("headcount").GetDecimal(), summary.GetProperty("top_down_csms").GetDecimal());
        var bottomUp = organisation.GetProperty("bottom_up");
        Assert.True(bottomUp.GetProperty("csms_needed").GetDouble() > 0);
        Assert.Equal(3, bottomUp.GetProperty("tiers").GetArrayLength());
        Assert.InRange(organisation.GetProperty("hiring").GetProperty("quarters").GetArrayLength(), 4, 8);
        var advice = organisation.GetProperty("advice").GetProperty("recommendations");
        Assert.Equal(6, advice.GetArrayLength());
        Assert.Equal(advice[0].GetProperty("model").GetString(), summary.GetProperty("recommended_model").GetString());
        Assert.True(organisation.GetProperty("advice").TryGetProperty("if_customers_triple", out _));
    }

    // kpis.json: the bridge closes on the ledger's last month's MRR, the rates and intervals are coherent, and the
    // summary repeats the headline figures.
    private static void AssertKpis(string kpisPath, string ledgerPath, JsonElement summary)
    {
        using var kpis = JsonDocument.Parse(File.ReadAllText(kpisPath));
        var root = kpis.RootElement;
        var lines = File.ReadAllLines(ledgerPath).Skip(1).Select(l => l.Split(',')).ToList();
        var lastMonth = lines.Max(l => l[1]);
        var lastMrr = lines.Where(l => l[1] == lastMonth).Sum(l => decimal.Parse(l[2], System.Globalization.CultureInfo.InvariantCulture));
        var periods = root.GetProperty("periods");
        var last = periods[periods.GetArrayLength() - 1];
        Assert.Equal(lastMonth![..7], last.GetProperty("period").GetString());
        Assert.Equal(lastMrr, last.GetProperty("closing_mrr").GetDecimal());
        var ttm = root.GetProperty("trailing_twelve_months");
        Assert.InRange(ttm.GetProperty("grr").GetDouble(), 0, 1);
        Assert.True(ttm.GetProperty("nrr").GetDouble() >= ttm.GetProperty("grr").GetDouble());
        Assert.Equal(ttm.GetProperty("grr").GetDouble(), summary.GetProperty("ttm_grr").GetDouble(), 4);
        var nps = root.GetProperty("surveys").GetProperty("nps");
        Assert.True(nps.GetProperty("n").GetInt32() > 0);
        Assert.InRange(nps.GetProperty("score").GetDouble(), nps.GetProperty("ci_low").GetDouble(), nps.GetProperty("ci_high").GetDouble());
        Assert.True(root.GetProperty("surveys").GetProperty("by_month").GetArrayLength() > 1);
        Assert.InRange(root.GetProperty("usage").GetProperty("dau_mau").GetDouble(), 0.0001, 1);
        Assert.True(root.GetProperty("survival").GetProperty("steps").GetArrayLength() > 0);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Run_PseudonymKeyFile_NoRawIdInAnyAccountFileAndOutputsStillJoin()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 200, Months = 12 }, data);
        var key = Path.Combine(_directory, "pseudonym.key");
        File.WriteAllText(key, "run-pseudonym-key-0123456789\n");
        var output = Path.Combine(_directory, "out");

        var (code, _, error) = CliAppTests.Run("run", "--data", data, "--out", output, "--quiet", "--pseudonym-key-file", key);

        Assert.True(code == ExitCodes.Success, error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var privacy = summary.RootElement.GetProperty("privacy");
        Assert.Equal(["account_id"], privacy.GetProperty("pseudonymised").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(12, privacy.GetProperty("pseudonym_key_fingerprint").GetString()!.Length);
        var ids = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in new[] { "churn_predictions.csv", "health_scores.csv", "account_value.csv", "portfolio.csv" })
        {
            var lines = File.ReadAllLines(Path.Combine(output, file)).Skip(1).ToList();
            Assert.True(lines.Count > 0, file + " has no rows");
            Assert.All(lines, line => Assert.StartsWith("p_", line, StringComparison.Ordinal));
            ids[file] = [.. lines.Select(line => line.Split(',')[0])];
        }

        Assert.Subset(ids["churn_predictions.csv"], ids["portfolio.csv"]);
        Assert.DoesNotContain("A00000", File.ReadAllText(Path.Combine(output, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ZeroCsmCost_IsBadInputNamingTheOption()
    {
        var (code, _, error) = CliAppTests.Run("run", "--data", Path.Combine(_directory), "--out", Path.Combine(_directory, "x"), "--csm-monthly-cost", "0");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--csm-monthly-cost", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "x")));
    }

    [Fact]
    public void Run_ExistingOutputWithoutForce_IsBadInputAndKeepsIt()
    {
        var output = Path.Combine(_directory, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "old.txt"), "old");
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 20, Months = 8 }, data);

        var (code, _, _) = CliAppTests.Run("run", "--data", data, "--out", output, "-q");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("old", File.ReadAllText(Path.Combine(output, "old.txt")));
    }

    [Fact]
    public void Run_DataWithABadCell_IsBadInputNamingFileRowAndColumn()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 20, Months = 8 }, data);
        var accounts = Path.Combine(data, "accounts.csv");
        var lines = File.ReadAllLines(accounts);
        var fields = lines[3].Split(',');
        fields[1] = "20x5-01-31";
        lines[3] = string.Join(',', fields);
        File.WriteAllLines(accounts, lines);

        var (code, _, error) = CliAppTests.Run("run", "--data", data, "--out", Path.Combine(_directory, "out"), "-q");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("accounts.csv, row 3", error, StringComparison.Ordinal);
        Assert.Contains("as_of", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
    }
}
