using CsScoring.Churn;

namespace CsScoring.Tests.Churn;

public sealed class ChurnModelRowValidationTests
{
    private static ChurnModel Model => s_model.Value;

    private static readonly Lazy<ChurnModel> s_model = new(() => ChurnModel.Load(ModelDirectories.Get("fast_tree")));

    private static Dictionary<string, string?> GoodRow() => new()
    {
        ["account_id"] = "A1",
        ["as_of"] = "2025-06-01",
        ["tickets_90d"] = "7",
        ["seat_utilization"] = "0.4",
        ["tenure_months"] = "20",
        ["executive_sponsor"] = "yes",
        ["plan"] = "pro",
        ["usage_trend"] = "-0.2",
    };

    [Theory]
    [InlineData(ChurnRowValidation.Lenient)]
    [InlineData(ChurnRowValidation.CountWarnings)]
    [InlineData(ChurnRowValidation.Strict)]
    public void Predict_CleanRow_EqualsTheLenientPredictionWithoutWarnings(ChurnRowValidation validation)
    {
        var row = GoodRow();
        var prediction = Model.Predict(row, validation, out var diagnostics);
        Assert.Equal(Model.Predict(row), prediction);
        Assert.False(diagnostics.HasWarnings);
        Assert.Equal(0, diagnostics.UnknownKeys);
        Assert.Equal(0, diagnostics.UnparsableValues);
    }

    [Fact]
    public void Strict_MisspeltKey_ThrowsNamingItAndSuggestingTheColumn()
    {
        var row = GoodRow();
        row.Remove("seat_utilization");
        row["seat_utilisation"] = "0.4";
        var ex = Assert.Throws<ChurnRowException>(() => Model.Predict(row, ChurnRowValidation.Strict, out _));
        Assert.Equal(ChurnRowProblem.UnknownColumn, ex.RowProblem);
        Assert.Equal("seat_utilisation", ex.Column);
        Assert.Equal("0.4", ex.Value);
        Assert.Contains("Did you mean 'seat_utilization'?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Strict_UnrelatedKey_ThrowsListingTheModelsColumns()
    {
        var row = GoodRow();
        row["favourite_colour"] = "blue";
        var ex = Assert.Throws<ChurnRowException>(() => Model.Predict(row, ChurnRowValidation.Strict, out _));
        Assert.Equal("favourite_colour", ex.Column);
        Assert.Contains("tickets_90d, seat_utilization", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tickets_90d", "seven", "a number")]
    [InlineData("seat_utilization", "n/a?", "a number")]
    [InlineData("executive_sponsor", "maybe", "a boolean")]
    [InlineData("usage_trend", "1,5", "a number")]
    public void Strict_UnparsableValue_ThrowsNamingColumnValueAndExpectedType(string column, string value, string expected)
    {
        var row = GoodRow();
        row[column] = value;
        var ex = Assert.Throws<ChurnRowException>(() => Model.Predict(row, ChurnRowValidation.Strict, out _));
        Assert.Equal(ChurnRowProblem.UnparsableValue, ex.RowProblem);
        Assert.Equal(column, ex.Column);
        Assert.Equal(value, ex.Value);
        Assert.Contains($"'{value}' is not {expected}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Strict_EmptyRow_Throws()
    {
        var ex = Assert.Throws<ChurnRowException>(() => Model.Predict(new Dictionary<string, string?>(), ChurnRowValidation.Strict, out _));
        Assert.Equal(ChurnRowProblem.EmptyRow, ex.RowProblem);
        var onlyId = new Dictionary<string, string?> { ["account_id"] = "A1", ["plan"] = " ", ["tickets_90d"] = null };
        Assert.Equal(ChurnRowProblem.EmptyRow, Assert.Throws<ChurnRowException>(() => Model.Predict(onlyId, ChurnRowValidation.Strict, out _)).RowProblem);
    }

    [Fact]
    public void Strict_BlankNullAndUnseenCategory_AreAllowedAndCounted()
    {
        var row = GoodRow();
        row["tickets_90d"] = "";
        row["seat_utilization"] = null;
        row.Remove("usage_trend");
        row["plan"] = "legacy";
        var prediction = Model.Predict(row, ChurnRowValidation.Strict, out var diagnostics);
        Assert.Equal(Model.Predict(row), prediction);
        Assert.Equal(3, diagnostics.MissingValues);
        Assert.Equal(1, diagnostics.UnseenCategories);
        Assert.False(diagnostics.HasWarnings);
    }

    [Fact]
    public void CountWarnings_ScoresAsLenientAndCountsEveryProblem()
    {
        var row = GoodRow();
        row["seat_utilisation"] = "0.4";
        row["tenure"] = "20";
        row["tickets_90d"] = "seven";
        row["executive_sponsor"] = "maybe";
        var prediction = Model.Predict(row, ChurnRowValidation.CountWarnings, out var diagnostics);
        Assert.Equal(Model.Predict(row), prediction);
        Assert.Equal(2, diagnostics.UnknownKeys);
        Assert.Equal(2, diagnostics.UnparsableValues);
        Assert.Contains(diagnostics.FirstUnknownKey, new[] { "seat_utilisation", "tenure" });
        Assert.Equal("tickets_90d", diagnostics.FirstUnparsableColumn);
        Assert.True(diagnostics.HasWarnings);
        Assert.False(diagnostics.IsEmpty);
    }

    [Fact]
    public void CountWarnings_EmptyRow_IsFlagged()
    {
        Model.Predict(new Dictionary<string, string?>(), ChurnRowValidation.CountWarnings, out var diagnostics);
        Assert.True(diagnostics.IsEmpty);
        Assert.Equal(Model.Manifest.Features.Columns.Count, diagnostics.MissingValues);
        Assert.True(diagnostics.HasWarnings);
    }

    [Fact]
    public void Lenient_DoesNotLook()
    {
        var row = GoodRow();
        row["seat_utilisation"] = "x";
        Model.Predict(row, ChurnRowValidation.Lenient, out var diagnostics);
        Assert.Equal(default, diagnostics);
    }

    [Fact]
    public void CheckRow_UndefinedMode_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Model.CheckRow(GoodRow(), (ChurnRowValidation)7));
}
