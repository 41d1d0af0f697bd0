using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Hosting.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CsScoring.Hosting.Tests.Samples;

/// <summary>The sample minimal API, started in memory against a model trained by the fixtures.</summary>
public sealed class MinimalApiTests : IClassFixture<MinimalApiTests.SampleApp>
{
    private static readonly Dictionary<string, object?> s_account = new()
    {
        ["account_id"] = "A42",
        ["as_of"] = "2025-06-01",
        ["tickets_90d"] = 14,
        ["seat_utilization"] = 0.18,
        ["tenure_months"] = "5",
        ["executive_sponsor"] = false,
        ["plan"] = "basic",
        ["usage_trend"] = -0.4,
    };

    private readonly SampleApp _app;

    public MinimalApiTests(SampleApp app) => _app = app;

    [Fact]
    public async Task Score_Account_ReturnsTheModelsProbabilityAndBand()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsJsonAsync("/score", s_account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var expected = ChurnModel.Load(HostingModels.Explainable).Predict(Row(s_account));
        Assert.Equal(expected.Probability, json.RootElement.GetProperty("probability").GetSingle());
        Assert.Equal(expected.Band.ToString().ToLowerInvariant(), json.RootElement.GetProperty("band").GetString());
        Assert.False(json.RootElement.TryGetProperty("warnings", out _));
    }

    [Fact]
    public async Task Score_MisspeltColumn_Is400NamingIt()
    {
        using var client = _app.CreateClient();
        var account = new Dictionary<string, object?>(s_account) { ["seat_utilisation"] = 0.5 };
        using var response = await client.PostAsJsonAsync("/score", account);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("seat_utilisation", json.RootElement.GetProperty("column").GetString());
        Assert.Equal("UnknownColumn", json.RootElement.GetProperty("problem").GetString());
        Assert.Contains("seat_utilization", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_Account_ReturnsTopReasonsThatSumWithTheExpectedValueTowardsTheScore()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsJsonAsync("/explain?top=3", s_account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var reasons = json.RootElement.GetProperty("reasons").EnumerateArray().ToList();
        Assert.Equal(3, reasons.Count);
        var magnitudes = reasons.Select(r => Math.Abs(r.GetProperty("contribution").GetDouble())).ToList();
        Assert.Equal(magnitudes.OrderByDescending(m => m), magnitudes);
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("text").GetString())));
        Assert.True(json.RootElement.TryGetProperty("expected_value", out _));
    }

    [Fact]
    public async Task HealthScore_Metrics_ScoresWithTheSampleScorecard()
    {
        using var client = _app.CreateClient();
        var metrics = new Dictionary<string, double> { ["seat_utilization"] = 0.75, ["dau_mau"] = 0.3, ["logins_30d"] = 400, ["days_since_last_login"] = 1 };
        using var response = await client.PostAsJsonAsync("/health-score", metrics);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Contains(root.GetProperty("band").GetString(), new[] { "red", "yellow", "green", "insufficient_data" });
        Assert.InRange(root.GetProperty("coverage").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task Health_ModelServed_IsHealthyWithTheModelsIdentity()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var check = json.RootElement.GetProperty("checks").GetProperty("csscoring_model");
        Assert.Equal(ChurnModel.Load(HostingModels.Explainable).ModelSha256, check.GetProperty("data").GetProperty("model_sha256").GetString());
    }

    private static Dictionary<string, string?> Row(Dictionary<string, object?> account)
        => account.ToDictionary(p => p.Key, p => p.Value switch
        {
            null => null,
            bool flag => flag ? "true" : "false",
            IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var other => other.ToString(),
        });

    /// <summary>The sample app, configured to serve the fixtures' explainable model and the sample scorecard.</summary>
    public sealed class SampleApp : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("CsScoring:ModelDirectory", HostingModels.Explainable);
            builder.UseSetting("CsScoring:RowValidation", "Strict");
            builder.UseSetting("CsScoring:PollInterval", "00:00:00");
            builder.UseSetting("Scorecard:Path", Path.Combine(RepositoryRoot(), "data", "sample", "scorecard.json"));
        }

        private static string RepositoryRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CsScoring.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("The repository root (CsScoring.sln) is not above the test's folder.");
        }
    }
}
