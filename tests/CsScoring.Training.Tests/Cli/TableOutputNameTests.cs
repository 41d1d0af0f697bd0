namespace CsScoring.Training.Tests.Cli;

public sealed class TableOutputNameTests
{
    [Theory]
    [InlineData("predict", "--model", "m", "--data", "a.csv", "--out", "scores.xlsx")]
    [InlineData("predict", "--model", "m", "--data", "a.csv", "--out", "scores.csv", "--features-out", "features.json")]
    [InlineData("health", "score", "--data", "a.csv", "--out", "health")]
    [InlineData("usage", "--events", "e.csv", "--out", "usage.json")]
    public void TableOutput_UnknownExtension_IsBadInputNamingThePathAndTheAcceptedOnes(params string[] args)
    {
        var (code, _, error) = CliAppTests.Run(args);
        Assert.Equal(Training.Cli.ExitCodes.BadInput, code);
        Assert.Contains($"'{args[^1]}'", error, StringComparison.Ordinal);
        Assert.Contains(".csv or .parquet", error, StringComparison.Ordinal);
        Assert.False(File.Exists(args[^1]));
    }

    [Theory]
    [InlineData("scores.csv")]
    [InlineData("scores.parquet")]
    [InlineData("SCORES.PARQUET")]
    public void Check_CsvOrParquet_Succeeds(string path)
        => Assert.True(Training.Cli.TableOutputName.Check(path, "--out").Successful);
}
