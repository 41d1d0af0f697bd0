using CsScoring.Churn.Features;
using CsScoring.Churn.Serving;
using CsScoring.Health;
using CsScoring.Segmentation;
using CsScoring.Value;

namespace CsScoring.Tests;

public sealed class OptionGuardTests
{
    // Every option of every options type, set to a value out of its range, with the name it must report.
    public static TheoryData<string, Action> InvalidOptions => new()
    {
        { "FitOptions.MaxIterations", () => _ = new FitOptions { MaxIterations = 0 } },
        { "FitOptions.GradientTolerance", () => _ = new FitOptions { GradientTolerance = 0 } },
        { "FitOptions.GradientTolerance", () => _ = new FitOptions { GradientTolerance = 0.5 } },
        { "ClvOptions.Horizon", () => _ = new ClvOptions { ModelTimeUnit = TimeUnit.Week, Horizon = double.PositiveInfinity } },
        { "ClvOptions.DiscountRate", () => _ = new ClvOptions { ModelTimeUnit = TimeUnit.Week, DiscountRate = double.NaN } },
        { "CapacityOptions.BudgetShareOfArr", () => _ = new CapacityOptions { BudgetShareOfArr = 0 } },
        { "CapacityOptions.BudgetShareOfArr", () => _ = new CapacityOptions { BudgetShareOfArr = 1.5 } },
        { "CapacityOptions.CostPerCsm", () => _ = new CapacityOptions { CostPerCsm = -1m } },
        { "CapacityOptions.HighTouchAccountsPerCsm", () => _ = new CapacityOptions { HighTouchAccountsPerCsm = 0 } },
        { "CapacityOptions.LowTouchAccountsPerCsm", () => _ = new CapacityOptions { LowTouchAccountsPerCsm = double.NaN } },
        { "CapacityOptions.TechTouchAccountsPerCsm", () => _ = new CapacityOptions { TechTouchAccountsPerCsm = double.PositiveInfinity } },
        { "TieringPolicy.LowTouchMinimum", () => _ = new TieringPolicy(10m, -1m) },
        { "TieringPolicy.HighTouchMinimum", () => _ = new TieringPolicy(1m, 2m) },
        { "TieringPolicy.highTouchShare", () => TieringPolicy.FromShares([1m, 2m], highTouchShare: 1.5) },
        { "TieringPolicy.lowTouchShare", () => TieringPolicy.FromShares([1m, 2m], highTouchShare: 0.5, lowTouchShare: 0.6) },
        { "HealthBatchOptions.MaxDegreeOfParallelism", () => _ = new HealthBatchOptions { MaxDegreeOfParallelism = -2 } },
        { "HealthBatchOptions.BlockSize", () => _ = new HealthBatchOptions { BlockSize = -1 } },
        { "ScorecardTuningOptions.L2", () => _ = new ScorecardTuningOptions { L2 = double.NaN } },
        { "ScorecardTuningOptions.MaxIterations", () => _ = new ScorecardTuningOptions { MaxIterations = 0 } },
        { "SchemaInferenceOptions.MaxCategories", () => _ = new SchemaInferenceOptions { MaxCategories = 0 } },
        { "SchemaInferenceOptions.MaxCategories", () => _ = new SchemaInferenceOptions { MaxCategories = int.MaxValue } },
        { "SchemaInferenceOptions.MinCategoryCount", () => _ = new SchemaInferenceOptions { MinCategoryCount = 0 } },
        { "SchemaInferenceOptions.Excluded", () => _ = new SchemaInferenceOptions { Excluded = null! } },
        { "SchemaInferenceOptions.Kinds", () => _ = new SchemaInferenceOptions { Kinds = null! } },
        { "ChurnServingOptions.ModelDirectory", () => _ = new ChurnServingOptions { ModelDirectory = "  " } },
        { "ChurnServingOptions.PollInterval", () => _ = new ChurnServingOptions { ModelDirectory = "m", PollInterval = TimeSpan.FromSeconds(-1) } },
        { "ChurnServingOptions.ReloadDelay", () => _ = new ChurnServingOptions { ModelDirectory = "m", ReloadDelay = TimeSpan.FromSeconds(-1) } },
        { "ChurnServingOptions.Load", () => _ = new ChurnServingOptions { ModelDirectory = "m", Load = null! } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOption_NamesItself(string option, Action build)
    {
        var ex = Assert.Throws<InvalidOptionException>(build);
        Assert.Equal(option, ex.Option);
        Assert.StartsWith(option + " ", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<CsScoringException>(ex);
    }

    [Fact]
    public void ValidOptions_KeepTheirValues()
    {
        var capacity = new CapacityOptions { BudgetShareOfArr = 1, CostPerCsm = 1m, HighTouchAccountsPerCsm = 0.5 };
        Assert.Equal((1.0, 1m, 0.5), (capacity.BudgetShareOfArr, capacity.CostPerCsm, capacity.HighTouchAccountsPerCsm));
        var fit = new FitOptions { MaxIterations = 1, GradientTolerance = 1e-2 };
        Assert.Equal((1, 1e-2), (fit.MaxIterations, fit.GradientTolerance));
        var serving = new ChurnServingOptions { ModelDirectory = "m", PollInterval = TimeSpan.Zero };
        Assert.Equal(("m", TimeSpan.Zero), (serving.ModelDirectory, serving.PollInterval));
    }

    [Fact]
    public void InvalidOption_CarriesTheRejectedValue()
        => Assert.Equal(-1m, Assert.Throws<InvalidOptionException>(() => new CapacityOptions { CostPerCsm = -1m }).Value);
}
