using System.Text.Json;
using CsScoring.Churn.Features;
using CsScoring.Data;

namespace CsScoring.Tests.Churn.Features;

public sealed class FeatureRoleTests
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

    [Theory]
    [InlineData("contract_type", FeatureRole.Context, null)]
    [InlineData("days_to_renewal", FeatureRole.Context, null)]
    [InlineData("logins_30d", FeatureRole.Signal, SignalKind.Usage)]
    [InlineData("severe_tickets_90d", FeatureRole.Signal, SignalKind.Support)]
    [InlineData("last_nps", FeatureRole.Signal, SignalKind.Sentiment)]
    [InlineData("late_invoices_90d", FeatureRole.Signal, SignalKind.Billing)]
    [InlineData("executive_sponsor", FeatureRole.Signal, null)]
    public void Infer_FromTheName(string column, FeatureRole role, SignalKind? signal)
        => Assert.Equal(new ColumnRole(role, signal), FeatureRoles.Default.Infer(column));

    [Fact]
    public void Inference_RecordsDeclaredRolesAndInfersTheRest()
    {
        var profiles = new[]
        {
            Profile("region", "na", "emea", "na", "apac"),
            Profile("tickets_90d", "1", "0", "3", "2"),
            Profile("plan", "pro", "basic", "pro", "team"),
            Profile("custom_score", "0.1", "0.5", "0.7", "0.2"),
        };
        var options = new SchemaInferenceOptions
        {
            Roles = new Dictionary<string, ColumnRole>(StringComparer.Ordinal)
            {
                ["plan"] = new(FeatureRole.Signal, SignalKind.Billing),
                ["custom_score"] = new(FeatureRole.Signal, SignalKind.Sentiment),
                ["tickets_90d"] = ColumnRole.Context,
            },
        };

        var (schema, _) = SchemaInference.Infer(profiles, options);

        Assert.Equal(ColumnRole.Context, schema.RoleOf(0)); // inferred
        Assert.Equal(ColumnRole.Context, schema.RoleOf(1)); // declared, against the name
        Assert.Equal(new ColumnRole(FeatureRole.Signal, SignalKind.Billing), schema.RoleOf(2));
        Assert.Equal(new ColumnRole(FeatureRole.Signal, SignalKind.Sentiment), schema.RoleOf(3));
        Assert.All(schema.Columns, c => Assert.NotNull(c.Role));
    }

    [Fact]
    public void Json_RoundTripsRoles_AndASchemaWithoutThemLoadsAndInfers()
    {
        var schema = new FeatureSchema(
        [
            FeatureColumn.Numeric("tickets_90d", 1).WithRole(ColumnRole.Context),
            FeatureColumn.Numeric("logins_30d", 10, missingIndicator: true).WithRole(new ColumnRole(FeatureRole.Signal, SignalKind.Usage)),
        ]);
        var json = JsonSerializer.Serialize(schema, CsScoringJson.Options);
        Assert.Contains("\"role\": \"context\"", json, StringComparison.Ordinal);
        Assert.Contains("\"signal\": \"usage\"", json, StringComparison.Ordinal);

        var back = JsonSerializer.Deserialize<FeatureSchema>(json, CsScoringJson.Options)!;
        Assert.Equal(ColumnRole.Context, back.RoleOf(0));
        Assert.Equal(new ColumnRole(FeatureRole.Signal, SignalKind.Usage), back.RoleOf(1));

        // A model directory written before roles were recorded: same columns, no role fields; roles come from the names.
        const string old = """{ "columns": [ { "name": "tickets_90d", "kind": "numeric", "impute": 1 }, { "name": "plan", "kind": "categorical", "categories": ["pro"] } ] }""";
        var legacy = JsonSerializer.Deserialize<FeatureSchema>(old, CsScoringJson.Options)!;
        Assert.Null(legacy.Columns[0].Role);
        Assert.Equal(new ColumnRole(FeatureRole.Signal, SignalKind.Support), legacy.RoleOf(0));
        Assert.Equal(ColumnRole.Context, legacy.RoleOf(1));
    }

    [Fact]
    public void Column_ContextWithASignalKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FeatureColumn("plan", FeatureKind.Numeric, 0) { Role = FeatureRole.Context, Signal = SignalKind.Usage });
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<FeatureSchema>(
            """{ "columns": [ { "name": "plan", "kind": "numeric", "impute": 0, "role": "context", "signal": "usage" } ] }""", CsScoringJson.Options));
    }
}
