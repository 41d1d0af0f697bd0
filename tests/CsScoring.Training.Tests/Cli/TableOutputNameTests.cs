namespace CsScoring.Training.Tests.Cli;

public sealed class TableOutputNameTests
{
    [Theory]
    [InlineData("predict", "--model", "m", "--data", "a.csv", "--out", "scores.parquet")]
    [InlineData("predict", "--model", "m", "--data", "a.csv", "--out", "scores.xlsx")]
    [InlineData("health", "score", "--data", "a.csv", "--out", "health.parquet")]
    [InlineData("health", "score", "--data", "a.csv", "--out", "health")]
    [InlineData("usage", "--events", "e.csv", "--out", "usage.json")]
    public void TableOutput_NotNamedCsv_IsBadInputNamingTheOption(params string[] args)
    {
        var (code, _, error) = CliAppTests.Run(args);
        Assert.Equal(Training.Cli.ExitCodes.BadInput, code);
        Assert.Contains("--out", error, StringComparison.Ordinal);
        Assert.Contains(".csv", error, StringComparison.Ordinal);
        Assert.False(File.Exists(args[^1]));
    }
}
