using CsScoring.Churn.Features;
using CsScoring.Data;

namespace CsScoring.Tests.Churn.Features;

public sealed class SchemaInferenceTests
{
    private static ColumnProfile Profile(string name, params string[] cells)
    {
        var profiler = new ColumnProfiler(name);
        foreach (var cell in cells)
        {
            profiler.Add(cell);
        }

        return profiler.Build();
    }

    [Fact]
    public void Infer_RecognisesTheUsualKinds()
    {
        Assert.Equal(InferredColumnKind.Numeric, Profile("charges", "29.85", "1889.5", " ", "108.15").Infer());
        Assert.Equal(InferredColumnKind.Boolean, Profile("partner", "Yes", "No", "yes", "").Infer());
        Assert.Equal(InferredColumnKind.Boolean, Profile("senior", "0", "1", "0").Infer());
        Assert.Equal(InferredColumnKind.Categorical, Profile("contract", "Month-to-month", "One year", "Two year", "One year").Infer());
        Assert.Equal(InferredColumnKind.Date, Profile("renewal", "2024-01-01", "2024-02-03").Infer());
        Assert.Equal(InferredColumnKind.Empty, Profile("nothing", "", " ").Infer());
        Assert.Equal(InferredColumnKind.Constant, Profile("country", "US", "US").Infer());
        Assert.Equal(InferredColumnKind.PersonalData, Profile("contact", "a@b.com", "c@d.org").Infer());
        Assert.Equal(InferredColumnKind.PersonalData, Profile("tel", "+1 555-0100", "(555) 010-0199", "555-0123 44").Infer());
        var ids = Enumerable.Range(0, 50).Select(i => $"{i:0000}-ABCDE").ToArray();
        Assert.Equal(InferredColumnKind.Identifier, Profile("customerID", ids).Infer());
    }

    [Fact]
    public void Infer_BuildsImputationIndicatorsAndCategories()
    {
        var profiles = new[]
        {
            Profile("customerID", Enumerable.Range(0, 30).Select(i => $"C{i:000}X").ToArray()),
            Profile("tenure", [.. Enumerable.Range(1, 29).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ""]),
            Profile("contract", [.. Enumerable.Repeat("Monthly", 20), .. Enumerable.Repeat("Annual", 10)]),
            Profile("Churn", [.. Enumerable.Repeat("Yes", 10), .. Enumerable.Repeat("No", 20)]),
        };
        var (schema, decisions) = SchemaInference.Infer(profiles, new SchemaInferenceOptions { Excluded = new HashSet<string> { "Churn" } });
        Assert.Equal(["tenure", "tenure_missing", "contract=Monthly", "contract=Annual"], schema.FeatureNames);
        Assert.Equal(15, schema.Columns[0].Impute);
        Assert.Contains(decisions, d => d.Name == "customerID" && d.Kind == InferredColumnKind.Identifier && d.Feature is null);
        Assert.Equal(1, decisions.Single(d => d.Name == "tenure").Missing);
    }

    [Fact]
    public void Infer_ForcedKindOverridesInference()
    {
        var profiles = new[] { Profile("region_code", "1", "2", "3", "2") };
        var (schema, _) = SchemaInference.Infer(profiles, new SchemaInferenceOptions
        {
            Kinds = new Dictionary<string, FeatureKind> { ["region_code"] = FeatureKind.Categorical },
        });
        Assert.Equal(["region_code=2", "region_code=1", "region_code=3"], schema.FeatureNames);
    }

    [Fact]
    public void Infer_EntirelyBlankColumn_ThrowsNamingIt()
    {
        var profiles = new[] { Profile("a", "1", "2"), Profile("empty", "", "") };
        var error = Assert.Throws<DataFormatException>(() => SchemaInference.Infer(profiles, new SchemaInferenceOptions(), "x.csv"));
        Assert.Equal("empty", error.Column);
    }

    [Fact]
    public void Infer_CategoryCapKeepsTheMostFrequent()
    {
        var cells = Enumerable.Range(0, 100).Select(i => i < 50 ? "a" : i < 80 ? "b" : i < 95 ? "c" : "d").ToArray();
        var (schema, decisions) = SchemaInference.Infer([Profile("tier", cells)], new SchemaInferenceOptions { MaxCategories = 2 });
        Assert.Equal(["tier=a", "tier=b"], schema.FeatureNames);
        Assert.NotNull(decisions[0].Note);
    }
}
