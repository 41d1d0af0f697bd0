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
