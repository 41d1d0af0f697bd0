using CsScoring.Training.Churn;

namespace CsScoring.Training.Tests.Churn;

public sealed class TrainingScaleTests
{
    [Theory]
    [InlineData(1_000, 5)]
    [InlineData(99_999, 5)]
    [InlineData(100_000, 3)]
    [InlineData(499_999, 3)]
    [InlineData(500_000, 2)]
    [InlineData(2_000_000, 2)]
    public void FoldsFor_FewerFoldsForBiggerFiles(int labelledRows, int folds)
        => Assert.Equal(folds, TrainingScale.FoldsFor(labelledRows));

    [Theory]
    [InlineData(10_000, 1.0)]
    [InlineData(250_000, 1.0)]
    [InlineData(250_001, 1.0)]
    [InlineData(500_000, 0.5)]
    [InlineData(1_009_077, 0.25)]
    [InlineData(100_000_000, 0.01)]
    public void NegativeSampleRateFor_KeepsAbout250kNegativesPerFit(int negatives, double rate)
        => Assert.Equal(rate, TrainingScale.NegativeSampleRateFor(negatives));

    // Left open, the folds and the sample follow the file; given, they are kept; a search or a blend keeps every row.
    [Theory]
    [InlineData("LightGbm", null, null, 3, 0.61)]
    [InlineData("FastTree", null, null, 3, 0.61)]
    [InlineData("Logistic", null, null, 3, 0.61)]
    [InlineData("Auto", null, null, 3, 1.0)]
    [InlineData("Blend", null, null, 3, 1.0)]
    [InlineData("LightGbm", 7, 0.9, 7, 0.9)]
    [InlineData("Auto", 4, 1.0, 4, 1.0)]
    public void Resolve_FillsOnlyWhatIsLeftOpen(string trainer, int? folds, double? sample, int expectedFolds, double expectedSample)
    {
        // 20,000 churned and 410,000 other rows: 430,000 labelled rows call for 3 folds, 410,000 negatives for a 0.61 sample.
        var labels = new bool[430_000];
        labels.AsSpan(0, 20_000).Fill(true);
        var options = new ChurnTrainingOptions
        {
            Data = new ChurnDataOptions { DataPath = "accounts.csv", Label = "churned" },
            Trainer = Enum.Parse<TrainerChoice>(trainer),
            Folds = folds,
            NegativeSampleRate = sample,
        };

        var resolved = TrainingScale.Resolve(options, labels);

        Assert.Equal(expectedFolds, resolved.Folds);
        Assert.Equal(expectedSample, resolved.NegativeSampleRate);
        Assert.Equal(options with { Folds = resolved.Folds, NegativeSampleRate = resolved.NegativeSampleRate }, resolved);
    }

    // The defaults train states are the ones a fresh options object resolves with: LightGBM, folds and sample by size.
    [Fact]
    public void TrainDefaults_AreLightGbmWithTheFoldsAndSampleLeftToTheData()
    {
        var settings = new TrainSettings();
        Assert.Equal(TrainerChoice.LightGbm, TrainSettings.ParseTrainer(settings.Trainer));
        Assert.Null(settings.Folds);
        Assert.Null(settings.NegativeSample);
        var options = new ChurnTrainingOptions { Data = new ChurnDataOptions { DataPath = "accounts.csv", Label = "churned" } };
        Assert.Equal(TrainerChoice.LightGbm, options.Trainer);
        Assert.Null(options.Folds);
        Assert.Null(options.NegativeSampleRate);
    }
}
