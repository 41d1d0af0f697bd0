using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Value;

/// <summary>A fact that needs shared/data/clv (found by walking up from the test binaries) and skips when it is absent.</summary>
public sealed class ClvDataFactAttribute : FactAttribute
{
    public ClvDataFactAttribute()
    {
        if (ClvDataFolder.Path is null)
        {
            Skip = "The CLV reference data (shared/data/clv beside or above the repository) is absent.";
        }
    }
}

internal static class ClvDataFolder
{
    public static readonly string? Path = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data", "clv");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

public sealed class ClvReferenceCommandTests
{
    [ClvDataFact]
    public void ClvFit_CdnowBgNbd_MatchesThePublishedFit()
    {
        var (code, stdout, error) = CliAppTests.Run("clv", "fit", "--model", "bgnbd", "--data", Path.Combine(ClvDataFolder.Path!, "cdnow_customers_summary.csv"), "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(-9582.43, json.GetProperty("log_likelihood").GetDouble(), 0.01);
        Assert.Equal(0.2426, json.GetProperty("parameters").GetProperty("r").GetDouble(), 0.0003);
    }

    [ClvDataFact]
    public void ClvFit_DonationsBgBb_MatchesThePublishedFit()
    {
        var (code, stdout, error) = CliAppTests.Run("clv", "fit", "--model", "bgbb", "--data", Path.Combine(ClvDataFolder.Path!, "donations.csv"), "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(-33225.58, json.GetProperty("log_likelihood").GetDouble(), 0.05);
        Assert.Equal(11104, json.GetProperty("customers").GetDouble());
    }

    [ClvDataFact]
    public void ClvFit_CdnowGammaGamma_UsesTheRepeatCustomers()
    {
        var (code, stdout, error) = CliAppTests.Run("clv", "fit", "--model", "gg", "--data", Path.Combine(ClvDataFolder.Path!, "cdnow_customers_summary_with_transactions.csv"), "--json");

        Assert.True(code == ExitCodes.Success, error);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(946, json.GetProperty("customers").GetDouble());
        Assert.Equal(15.44, json.GetProperty("parameters").GetProperty("gamma").GetDouble(), 0.0155);
    }
}
