using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Value;

namespace CsScoring.Tests;

public sealed class CsScoringExceptionTests
{
    [Fact]
    public void EveryPublicExceptionOfTheLibrary_DerivesFromCsScoringException()
    {
        var exceptions = typeof(CsScoringException).Assembly.GetExportedTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(CsScoringException))
            .ToList();
        Assert.NotEmpty(exceptions);
        Assert.All(exceptions, t => Assert.True(t.IsSubclassOf(typeof(CsScoringException)), t.Name));
    }

    [Fact]
    public void DataFormatException_CarriesFileRowLineAndColumn()
    {
        CsScoringException ex = new DataFormatException("'abc' is not a number", "accounts.csv", 3, "seats", 4);
        Assert.Equal(("accounts.csv", 3L, 4L, "seats"), (ex.SourceName, ex.Row, ex.Line, ex.Column));
        Assert.Equal("'abc' is not a number", ex.Problem);
        Assert.Equal("accounts.csv, row 3 (line 4), column 'seats': 'abc' is not a number", ex.Message);
        Assert.Null(ex.JsonPath);
    }

    [Fact]
    public void ScorecardException_CarriesFileLineAndJsonPath()
    {
        CsScoringException ex = new ScorecardException("must be >= 0", "$.groups[0].weight", "card.json", 7);
        Assert.Equal(("card.json", 7L, "$.groups[0].weight"), (ex.SourceName, ex.Line, ex.JsonPath));
        Assert.Equal("$.groups[0].weight", ((ScorecardException)ex).Path);
    }

    [Fact]
    public void OutputExistsException_CarriesThePath()
    {
        CsScoringException ex = new OutputExistsException("out/report.html exists", "out/report.html");
        Assert.Equal("out/report.html", ex.SourceName);
    }

    [Fact]
    public void InvalidModelInputException_CarriesRowAndField()
    {
        CsScoringException ex = new InvalidModelInputException("recency", 40, "must not exceed the age", 2);
        Assert.Equal((2L, "recency"), (ex.Row, ex.Column));
        Assert.Equal("recency", ((InvalidModelInputException)ex).Field);
    }

    [Fact]
    public void ChurnModelException_CarriesThePath()
    {
        CsScoringException ex = new ChurnModelException(ChurnModelError.MissingManifest, "manifest.json is missing", "models/churn");
        Assert.Equal("models/churn", ex.SourceName);
        Assert.Equal("manifest.json is missing", ex.Problem);
    }

    [Fact]
    public void InvalidOptionException_CarriesTheOption()
    {
        CsScoringException ex = new InvalidOptionException("FitOptions.MaxIterations", 0, "must be >= 1");
        Assert.Equal("FitOptions.MaxIterations", ex.Option);
        Assert.Equal("FitOptions.MaxIterations = 0 must be >= 1", ex.Message);
    }
}
