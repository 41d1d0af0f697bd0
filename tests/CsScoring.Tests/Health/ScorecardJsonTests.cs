using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class ScorecardJsonTests
{
    private const string Valid = """
        {
          "name": "t",
          "groups": [
            { "name": "a", "weight": 2, "metrics": [
              { "column": "x", "scaling": { "kind": "linear", "min": 0, "max": 1 } },
              { "name": "y2", "column": "y", "direction": "lower_is_better", "scaling": { "kind": "thresholds", "cuts": [1, 3], "points": [100, 50, 0] }, "missing": "constant", "missing_value": 2 }
            ] },
            { "name": "b", "groups": [ { "name": "c", "metrics": [ { "column": "z", "scaling": { "kind": "percentile", "reference": [1, 2, 3] } } ] } ] }
          ]
        }
        """;

    [Fact]
    public void Parse_ValidDocument_ReadsEveryPart()
    {
        var scorecard = ScorecardJson.Parse(Valid);
        Assert.Equal("t", scorecard.Name);
        Assert.Equal(2, scorecard.Groups.Count);
        Assert.Equal(MetricDirection.LowerIsBetter, scorecard.Groups[0].Metrics[1].Direction);
        Assert.Equal(MissingDataPolicy.Constant, scorecard.Groups[0].Metrics[1].Missing);
        Assert.Equal(["red", "yellow", "green"], scorecard.Bands.Select(b => b.Name));
        var compiled = scorecard.Compile();
        Assert.Equal(["x", "y2", "z"], compiled.Metrics.Select(m => m.Name));
        Assert.Equal("b/c", compiled.Metrics[2].Group);
    }

    [Theory]
    [InlineData("\"weight\": 2", "\"weight\": 2, \"colour\": \"red\"", "$.groups[0]")]
    [InlineData("\"weight\": 2", "\"weight\": \"heavy\"", "$.groups[0].weight")]
    [InlineData("\"kind\": \"linear\"", "\"kind\": \"cubic\"", "$.groups[0].metrics[0].scaling.kind")]
    [InlineData("\"weight\": 2", "\"weight\": -2", "$.groups[0].weight")]
    [InlineData("\"cuts\": [1, 3]", "\"cuts\": [3, 1]", "$.groups[0].metrics[1].scaling.cuts[1]")]
    [InlineData("\"points\": [100, 50, 0]", "\"points\": [0, 50, 100]", "$.groups[0].metrics[1].scaling.points[1]")]
    [InlineData("\"points\": [100, 50, 0]", "\"points\": [100, 0]", "$.groups[0].metrics[1].scaling.points")]
    [InlineData("\"min\": 0, \"max\": 1", "\"min\": 1, \"max\": 1", "$.groups[0].metrics[0].scaling.max")]
    [InlineData("\"min\": 0, \"max\": 1", "\"min\": 0, \"max\": 1, \"cuts\": [1]", "$.groups[0].metrics[0].scaling.cuts")]
    [InlineData("\"missing_value\": 2", "\"missing_value\": null", "$.groups[0].metrics[1].missing_value")]
    [InlineData("\"column\": \"z\"", "\"column\": \"x\"", "$.groups[1].groups[0].metrics[0].column")]
    [InlineData("{ \"name\": \"c\"", "{ \"name\": \"a\"", "$.groups[1].groups[0].name")]
    [InlineData("\"name\": \"t\",", "\"name\": \"t\", \"minimum_coverage\": 1.5,", "$.minimum_coverage")]
    [InlineData("\"name\": \"t\",", "\"name\": \"t\", \"bands\": [{\"name\": \"low\", \"from\": 0}, {\"name\": \"high\", \"from\": 0}],", "$.bands[1].from")]
    public void Parse_InvalidDocument_ThrowsNamingTheJsonPath(string find, string replace, string path)
    {
        var json = Valid.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Valid, json);
        var ex = Assert.Throws<ScorecardException>(() => ScorecardJson.Parse(json, "card.json"));
        Assert.StartsWith(path, ex.Path, StringComparison.Ordinal);
        Assert.StartsWith("card.json: " + path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownProperty_NamesIt()
    {
        var ex = Assert.Throws<ScorecardException>(() => ScorecardJson.Parse(Valid.Replace("\"weight\": 2", "\"wieght\": 2", StringComparison.Ordinal)));
        Assert.Contains("wieght", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Line);
    }

    [Fact]
    public void Parse_MissingRequiredProperty_Throws()
    {
        var ex = Assert.Throws<ScorecardException>(() => ScorecardJson.Parse("{ \"groups\": [] }"));
        Assert.Contains("name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AllWeightsZeroInAGroup_Throws()
    {
        var json = Valid.Replace("\"weight\": 2", "\"weight\": 0", StringComparison.Ordinal).Replace("{ \"name\": \"b\",", "{ \"name\": \"b\", \"weight\": 0,", StringComparison.Ordinal);
        var ex = Assert.Throws<ScorecardException>(() => ScorecardJson.Parse(json));
        Assert.Equal("$.groups", ex.Path);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1)]
    public void Compile_BadWeightInCode_ThrowsNamingThePath(double weight)
    {
        var scorecard = new Scorecard
        {
            Name = "w",
            Groups = [new ScorecardGroup { Name = "g", Metrics = [new ScorecardMetric { Column = "x", Weight = 1, Scaling = MetricScaling.Linear(0, 1) }, new ScorecardMetric { Column = "y", Weight = weight, Scaling = MetricScaling.Linear(0, 1) }] }],
        };
        var ex = Assert.Throws<ScorecardException>(() => scorecard.Compile());
        Assert.Equal("$.groups[0].metrics[1].weight", ex.Path);
    }

    [Fact]
    public void Compile_UnorderedThresholdsInCode_Throws()
    {
        var scorecard = new Scorecard
        {
            Name = "t",
            Groups = [new ScorecardGroup { Name = "g", Metrics = [new ScorecardMetric { Column = "x", Scaling = MetricScaling.Thresholds([5, 2], [0, 50, 100]) }] }],
        };
        var ex = Assert.Throws<ScorecardException>(() => scorecard.Compile());
        Assert.Equal("$.groups[0].metrics[0].scaling.cuts[1]", ex.Path);
        Assert.Contains("strictly increasing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_RoundTrip_KeepsVersionAndText()
    {
        var scorecard = ScorecardJson.Parse(Valid);
        var json = ScorecardJson.Serialize(scorecard);
        var again = ScorecardJson.Parse(json);
        Assert.Equal(json, ScorecardJson.Serialize(again));
        Assert.Equal(scorecard.Compile().Version, again.Compile().Version);
    }

    [Fact]
    public void Load_SampleScorecard_CompilesWithTwelveMetricsInFiveGroups()
    {
        var path = SampleData.File("scorecard.json");
        var compiled = ScorecardJson.Load(path).Compile();
        Assert.Equal(12, compiled.MetricCount);
        Assert.Equal(["engagement", "value_realised", "expansion", "support", "sentiment"], compiled.Definition.Groups.Select(g => g.Name));
        Assert.Contains(compiled.Metrics, m => m.Group == "engagement/activity");
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => ScorecardJson.Load(Path.Combine(Path.GetTempPath(), "no-such-scorecard.json")));
}

/// <summary>Finds the repository's data/sample folder by walking up from the test binaries.</summary>
internal static class SampleData
{
    public static string File(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "data", "sample", name);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"data/sample/{name} was not found above {AppContext.BaseDirectory}.");
    }
}
