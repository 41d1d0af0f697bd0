using CsScoring.Training.Churn;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CsScoring.Training.Tests.Churn;

public sealed class SplitsTests
{
    [Property(MaxTest = 50)]
    public Property StratifiedGroupKFold_Meets_Specification(int seed)
    {
        var random = new Random(seed);
        var rows = random.Next(40, 400);
        var k = random.Next(2, 6);
        var groups = Enumerable.Range(0, rows).Select(_ => random.Next(rows / 3)).ToArray();
        var churner = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.2).ToArray();
        var labels = Enumerable.Range(0, rows).Select(i => churner[groups[i]]).ToArray();
        var all = Enumerable.Range(0, rows).ToArray();

        var folds = Splits.StratifiedGroupKFold(all, labels, groups, k, seed);

        var groupsWhole = all.GroupBy(i => groups[i]).All(g => g.Select(i => folds[i]).Distinct().Count() == 1);
        var biggestGroupPositives = all.GroupBy(i => groups[i]).Max(g => g.Count(i => labels[i]));
        var positivesPerFold = Enumerable.Range(0, k).Select(f => all.Count(i => folds[i] == f && labels[i])).ToArray();
        var balanced = positivesPerFold.Max() - positivesPerFold.Min() <= biggestGroupPositives;
        var repeatable = Splits.StratifiedGroupKFold(all, labels, groups, k, seed).SequenceEqual(folds);
        return (groupsWhole && balanced && repeatable).ToProperty();
    }

    [Fact]
    public void OutOfTime_KeepsAccountsOnOneSideAndTrainingBeforeTheWindow()
    {
        var random = new Random(5);
        var days = new List<int>();
        var groups = new List<int>();
        var labels = new List<bool>();
        for (var account = 0; account < 200; account++)
        {
            var months = random.Next(3, 13);
            for (var m = 0; m < months; m++)
            {
                days.Add(20000 + (30 * m));
                groups.Add(account);
                labels.Add(m == months - 1 && random.NextDouble() < 0.5);
            }
        }

        var split = Splits.OutOfTime([.. days], [.. labels], [.. groups], grouped: true, window: 0.25, groupShare: 0.4, horizonDays: 60, seed: 1, "test");

        var trainGroups = split.Train.Select(i => groups[i]).ToHashSet();
        Assert.DoesNotContain(split.Validation, i => trainGroups.Contains(groups[i]));
        var cutoff = split.Cutoff.DayNumber;
        Assert.All(split.Validation, i => Assert.True(days[i] >= cutoff));
        Assert.All(split.Train, i => Assert.True(days[i] + 60 <= cutoff));
        Assert.NotEmpty(split.Train);
        Assert.NotEmpty(split.Validation);
        Assert.NotNull(split.Weights);
        Assert.All(split.Train, i => Assert.True(split.Weights![i] >= 1));
    }

    [Fact]
    public void OutOfTime_WithoutGroups_ValidatesOnEveryRowOfTheLastWindow()
    {
        int[] days = [.. Enumerable.Range(0, 100).Select(i => 20000 + (i % 10 * 30))];
        bool[] labels = [.. Enumerable.Range(0, 100).Select(i => i % 4 == 0)];
        int[] groups = [.. Enumerable.Range(0, 100)];

        var split = Splits.OutOfTime(days, labels, groups, grouped: false, window: 0.2, groupShare: 0.4, horizonDays: 0, seed: 1, "test");

        Assert.Equal(20000 + (8 * 30), split.Cutoff.DayNumber);
        Assert.Equal(20, split.Validation.Length);
        Assert.Equal(80, split.Train.Length);
        Assert.Null(split.Weights);
    }
}
