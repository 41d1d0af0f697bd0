using System.Text.Json;
using System.Text.Json.Serialization;
using CsScoring;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Serving;
using CsScoring.Health;
using CsScoring.Hosting;
using CsScoring.Samples.MinimalApi;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// The churn model: options from the "CsScoring" section, validated and loaded when the host starts.
builder.Services.AddCsScoring(builder.Configuration.GetSection(CsScoringOptions.SectionName));
// Relative paths in appsettings.json are relative to the app's folder, not to wherever it was started from.
builder.Services.PostConfigure<CsScoringOptions>(options =>
    options.ModelDirectory = string.IsNullOrWhiteSpace(options.ModelDirectory) ? options.ModelDirectory : Path.GetFullPath(options.ModelDirectory, builder.Environment.ContentRootPath));
builder.Services.AddHealthChecks().AddCsScoringModel();
// A health scorecard for /health-score, when one is configured (Scorecard:Path).
builder.Services.AddSingleton(provider =>
{
    var path = provider.GetRequiredService<IConfiguration>()["Scorecard:Path"];
    return new ScorecardHolder(string.IsNullOrWhiteSpace(path)
        ? null
        : ScorecardJson.Load(Path.GetFullPath(path, builder.Environment.ContentRootPath)).Compile());
});
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
});

var app = builder.Build();
// A wrong scorecard path fails the start, as a bad model does, rather than the first request.
app.Services.GetRequiredService<ScorecardHolder>();

// POST /score {"plan": "pro", "seat_utilization": 0.42, ...} -> churn probability and risk band.
app.MapPost("/score", Results<Ok<ScoreResponse>, ProblemHttpResult> (Dictionary<string, JsonElement> body, IChurnModelProvider models, IOptions<CsScoringOptions> options) =>
{
    var model = models.Current; // read once: a hot reload may swap it between two reads
    if (!TryReadRow(body, out var row, out var problem) || !TryPredict(model, row, options.Value.RowValidation, out var prediction, out var diagnostics, out problem))
    {
        return problem;
    }

    return TypedResults.Ok(new ScoreResponse(prediction.Probability, prediction.Band, prediction.RawScore, model.ModelSha256, Warnings(diagnostics, options.Value.RowValidation)));
});

// POST /explain?top=5 with the same body -> the probability and the top reasons behind it.
app.MapPost("/explain", Results<Ok<ExplainResponse>, ProblemHttpResult> (Dictionary<string, JsonElement> body, IChurnModelProvider models, IOptions<CsScoringOptions> options, int? top) =>
{
    var model = models.Current;
    if (!model.CanExplain)
    {
        return TypedResults.Problem("The model has no explanation background (train it with 'csscoring train', which stores background.json).", statusCode: StatusCodes.Status409Conflict);
    }

    if (!TryReadRow(body, out var row, out var problem) || !TryPredict(model, row, options.Value.RowValidation, out var prediction, out var diagnostics, out problem))
    {
        return problem;
    }

    var features = new float[model.FeatureCount];
    var contributions = new float[model.FeatureCount];
    model.MapFeatures(row, features);
    var expected = model.Explain(features, contributions);
    var reasons = new ChurnReason[Math.Clamp(top ?? 5, 1, model.FeatureCount)];
    var count = model.TopReasons(features, contributions, reasons);
    var explained = reasons[..count].Select(r => new Reason(r.Feature, r.Value, r.Contribution, r.RaisesRisk, model.DescribeReason(r))).ToArray();
    return TypedResults.Ok(new ExplainResponse(prediction.Probability, prediction.Band, expected, explained, Warnings(diagnostics, options.Value.RowValidation)));
});

// POST /health-score with the same body (or only the metric columns) -> health score and band from the scorecard.
app.MapPost("/health-score", Results<Ok<HealthScoreResponse>, ProblemHttpResult> (Dictionary<string, JsonElement> body, ScorecardHolder holder) =>
{
    if (holder.Scorecard is not { } scorecard)
    {
        return TypedResults.Problem("No scorecard is configured (Scorecard:Path).", statusCode: StatusCodes.Status404NotFound);
    }

    var values = new double[scorecard.MetricCount];
    foreach (var metric in scorecard.Metrics)
    {
        // Missing (absent, null or blank) is NaN: the scorecard's missing-data policy applies. Other columns are ignored.
        values[metric.Index] = double.NaN;
        if (body.TryGetValue(metric.Column, out var value) && value.ValueKind is not JsonValueKind.Null)
        {
            if (value.ValueKind == JsonValueKind.Number)
            {
                values[metric.Index] = value.GetDouble();
            }
            else if (value.ValueKind != JsonValueKind.String || !TryNumber(value.GetString(), out values[metric.Index]))
            {
                return TypedResults.Problem($"Metric column '{metric.Column}': {value.GetRawText()} is not a number.", statusCode: StatusCodes.Status400BadRequest);
            }
        }
    }

    var score = scorecard.Score(values);
    return TypedResults.Ok(new HealthScoreResponse(score.IsScored ? score.Score : null, scorecard.BandName(score.Band), score.Coverage, score.Status));
});

// GET /health -> the model served, its age and the last reload; 503 when no model is loaded.
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthJson.WriteAsync });

app.Run();

static bool TryReadRow(Dictionary<string, JsonElement> body, out Dictionary<string, string?> row, out ProblemHttpResult problem)
{
    row = new Dictionary<string, string?>(body.Count, StringComparer.Ordinal);
    problem = null!;
    foreach (var (key, value) in body)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                row[key] = value.GetString();
                break;
            case JsonValueKind.Number:
                row[key] = value.GetRawText();
                break;
            case JsonValueKind.True or JsonValueKind.False:
                row[key] = value.ValueKind == JsonValueKind.True ? "true" : "false";
                break;
            case JsonValueKind.Null:
                row[key] = null;
                break;
            default:
                problem = TypedResults.Problem($"Column '{key}': expected a string, number, boolean or null, not {value.ValueKind.ToString().ToLowerInvariant()}.", statusCode: StatusCodes.Status400BadRequest);
                return false;
        }
    }

    return true;
}

static bool TryNumber(string? text, out double value)
{
    value = double.NaN;
    return string.IsNullOrWhiteSpace(text) || double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);
}

static bool TryPredict(ChurnModel model, Dictionary<string, string?> row, ChurnRowValidation validation, out ChurnPrediction prediction, out ChurnRowDiagnostics diagnostics, out ProblemHttpResult problem)
{
    problem = null!;
    try
    {
        prediction = model.Predict(row, validation, out diagnostics);
        return true;
    }
    catch (ChurnRowException ex)
    {
        prediction = default;
        diagnostics = default;
        problem = TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The account row was refused",
            extensions: new Dictionary<string, object?> { ["problem"] = ex.RowProblem.ToString(), ["column"] = ex.Column, ["value"] = ex.Value });
        return false;
    }
}

static RowWarnings? Warnings(ChurnRowDiagnostics diagnostics, ChurnRowValidation validation)
    => validation == ChurnRowValidation.CountWarnings
        ? new RowWarnings(diagnostics.UnknownKeys, diagnostics.UnparsableValues, diagnostics.UnseenCategories, diagnostics.MissingValues, diagnostics.IsEmpty, diagnostics.FirstUnknownKey, diagnostics.FirstUnparsableColumn)
        : null;

/// <summary>The sample's entry point, visible to its tests (WebApplicationFactory).</summary>
public partial class Program;

internal sealed record ScoreResponse(float Probability, RiskBand Band, float RawScore, string Model, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RowWarnings? Warnings);

internal sealed record ExplainResponse(float Probability, RiskBand Band, double ExpectedValue, IReadOnlyList<Reason> Reasons, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RowWarnings? Warnings);

internal sealed record Reason(string Feature, float Value, float Contribution, bool RaisesRisk, string Text);

internal sealed record RowWarnings(int UnknownKeys, int UnparsableValues, int UnseenCategories, int MissingValues, bool IsEmpty, string? FirstUnknownKey, string? FirstUnparsableColumn);

internal sealed record HealthScoreResponse(double? Score, string Band, double Coverage, HealthStatus Status);

internal sealed record ScorecardHolder(CompiledScorecard? Scorecard);
