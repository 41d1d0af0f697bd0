using CsScoring.Training.Cli;

namespace CsScoring.Training.Tests.Cli;

public sealed class CliAppTests
{
    internal static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Version_PrintsTheAssemblyInformationalVersion()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(ExitCodes.Success, code);
        Assert.False(string.IsNullOrWhiteSpace(CliApp.InformationalVersion));
        Assert.Equal(CliApp.InformationalVersion, output.Trim());
    }

    [Fact]
    public void TrainHelp_Redirected_KeepsEachExampleOnOneLine()
    {
        var (code, output, _) = Run("train", "--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains(
            // Colour codes are stripped: the test host may report an ANSI-capable terminal.
            System.Text.RegularExpressions.Regex.Replace(output, "\u001b\\[[0-9;]*m", string.Empty).Split('\n'),
            line => line.Contains("csscoring train --data data/sample/accounts.csv --label churned_within_90d --id account_id --time as_of --out model", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_ListsTheMainJob()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("run", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOption_IsBadInput()
    {
        var (code, _, error) = Run("run", "--no-such-option");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no-such-option", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingDataFolder_IsBadInputNamingTheFolder()
    {
        var (code, _, error) = Run("run", "--data", "does-not-exist-folder", "--out", Path.Combine(Path.GetTempPath(), "csscoring-never"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does-not-exist-folder", error, StringComparison.Ordinal);
    }
}

public sealed class CliOptionAliasTests
{
    [Fact]
    public void ClvPredict_AcceptsTheDocumentedDoubleDashT()
    {
        var (code, output, error) = CliAppTests.Run(
            "clv", "predict", "--model", "bgnbd", "--params", "r=0.2426,alpha=4.4136,a=0.7929,b=2.4259",
            "--frequency", "2", "--recency", "30.43", "--T", "38.86", "--horizon", "39", "--json");
        Assert.True(code == ExitCodes.Success, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Contains("p_alive", output, StringComparison.Ordinal);
    }
}
