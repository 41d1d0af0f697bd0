using CsScoring.Churn;
using CsScoring.Data;

namespace CsScoring.Tests.Churn;

public sealed class ChurnScoringJobTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-scoring-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_KeepsEveryScoreWithItsRawId_AndWritesSpreadsheetSafeIds()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var table = BufferedTable.Read(ChurnTables.Folder(ChurnTables.Csv(50, seed: 3, idPrefix: "=A")), "accounts.csv");
        var output = Path.Combine(_directory, "predictions.csv");

        var summary = new ChurnScoringJob { Model = model, OpenData = table.CreateReader, OutputPath = output, Explain = 2, KeepScores = true, TopAtRisk = 5 }.Run();

        Assert.Equal(50, summary.Rows);
        Assert.Equal(50, summary.Scores.Count);
        Assert.Equal("=A0", summary.Scores[0].Id);
        Assert.Equal("2025-06-01", summary.Scores[0].AsOf);
        Assert.Equal(50, summary.Bands.Values.Sum());
        Assert.Equal(summary.Scores.Average(s => (double)s.Probability), summary.MeanProbability, 6);
        Assert.Equal(5, summary.TopAtRisk.Count);
        Assert.Equal(summary.Scores.Max(s => s.Probability), summary.TopAtRisk[0].Probability);
        var lines = File.ReadAllLines(output);
        Assert.Equal("account_id,as_of,churn_probability,risk_band,raw_score,reason_1,reason_1_contribution,reason_2,reason_2_contribution", lines[0]);
        Assert.StartsWith("\"'=A0\",2025-06-01,", lines[1], StringComparison.Ordinal);
        Assert.Equal(51, lines.Length);
    }

    [Fact]
    public void Run_Include_ScoresOnlyTheChosenRows()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var table = BufferedTable.Read(ChurnTables.Folder(ChurnTables.Csv(20, seed: 3)), "accounts.csv");

        var summary = new ChurnScoringJob
        {
            Model = model,
            OpenData = table.CreateReader,
            OutputPath = Path.Combine(_directory, "p.csv"),
            KeepScores = true,
            Include = reader => reader.RowNumber % 2 == 0,
        }.Run();

        Assert.Equal(10, summary.Rows);
        Assert.All(summary.Scores, s => Assert.Empty(s.Reasons));
        Assert.Equal(["A1", "A3"], summary.Scores.Take(2).Select(s => s.Id));
    }

    [Fact]
    public void Run_WithoutKeepScores_KeepsNone()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var table = BufferedTable.Read(ChurnTables.Folder(ChurnTables.Csv(10, seed: 3)), "accounts.csv");

        var summary = new ChurnScoringJob { Model = model, OpenData = table.CreateReader, OutputPath = Path.Combine(_directory, "p.csv") }.Run();

        Assert.Equal(10, summary.Rows);
        Assert.Empty(summary.Scores);
    }

    [Fact]
    public void Run_ExplainWithoutAStoredBackground_LearnsItFromTheScoredRows()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var table = BufferedTable.Read(ChurnTables.Folder(ChurnTables.Csv(30, seed: 3)), "accounts.csv");
        var opens = 0;

        var summary = new ChurnScoringJob
        {
            Model = model,
            OpenData = () => { opens++; return table.CreateReader(); },
            OutputPath = Path.Combine(_directory, "p.csv"),
            Explain = 1,
            KeepScores = true,
        }.Run();

        Assert.False(summary.BackgroundFromModel);
        Assert.Contains("30 scored rows", summary.Background, StringComparison.Ordinal);
        Assert.Equal(2, opens);
        Assert.All(summary.Scores, s => Assert.Single(s.Reasons));
    }

    [Fact]
    public void Run_MissingColumn_IsASchemaMismatch()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var table = BufferedTable.Read(ChurnTables.Folder("account_id,plan\nA1,pro\n"), "accounts.csv");

        var error = Assert.Throws<ChurnModelException>(() => new ChurnScoringJob { Model = model, OpenData = table.CreateReader, OutputPath = Path.Combine(_directory, "p.csv") }.Run());

        Assert.Equal(ChurnModelError.SchemaMismatch, error.Error);
    }

    [Theory]
    [InlineData(RiskBand.High, "high")]
    [InlineData(RiskBand.Medium, "medium")]
    [InlineData(RiskBand.Low, "low")]
    public void BandName_IsLowerCase(RiskBand band, string name) => Assert.Equal(name, ChurnScoringJob.BandName(band));
}
