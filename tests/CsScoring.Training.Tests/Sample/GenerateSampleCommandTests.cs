using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Sample;

public sealed class GenerateSampleCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-gen-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("--accounts", "0", "--accounts")]
    [InlineData("--accounts", "-5", "--accounts")]
    [InlineData("--months", "3", "--months")]
    [InlineData("--end", "31/12/2025", "--end")]
    public void InvalidArguments_AreBadInputAndWriteNothing(string option, string value, string named)
    {
        var output = Path.Combine(_directory, "out");
        var (code, _, error) = CliAppTests.Run("generate-sample", "--out", output, option, value, "--quiet");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ExistingNonEmptyOutput_WithoutForce_IsBadInputAndKeepsTheOldFiles()
    {
        var output = Path.Combine(_directory, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        var (code, _, error) = CliAppTests.Run("generate-sample", "--out", output, "--accounts", "20", "--months", "6", "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Fact]
    public void OutputUnderAFile_IsBadInput()
    {
        var file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "x");
        var (code, _, error) = CliAppTests.Run("generate-sample", "--out", Path.Combine(file, "sub"), "--accounts", "5", "-q");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("is a file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_WithJson_PrintsTheSummaryAndLeavesNoTemporaryFolder()
    {
        var output = Path.Combine(_directory, "sample");
        var (code, stdout, _) = CliAppTests.Run("generate-sample", "--out", output, "--accounts", "30", "--months", "8", "--json");
        Assert.Equal(ExitCodes.Success, code);
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(30, json.RootElement.GetProperty("summary").GetProperty("accounts").GetInt32());
        Assert.True(File.Exists(Path.Combine(output, "accounts.csv")));
        Assert.Equal(["sample"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }
}
