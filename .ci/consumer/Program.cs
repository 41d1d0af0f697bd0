using System.Globalization;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Metrics;
using CsScoring.Value;

// A user's program against the packed CsScoring package: every part of the library, as the README shows it.
// Arguments: the sample data folder and a model directory written by `csscoring train`.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: consumer DATA_DIR MODEL_DIR");
    return 2;
}

var (data, modelDirectory) = (args[0], args[1]);
var failures = new List<string>();
void Check(bool condition, string what)
{
    Console.WriteLine($"consumer: {(condition ? "ok  " : "FAIL")} {what}");
    if (!condition)
    {
        failures.Add(what);
    }
}

// Data + Metrics: read the accounts, ROC-AUC of a naive score.
var scores = new List<double>();
var labels = new List<bool>();
using (var reader = TabularReader.Open(Path.Combine(data, "accounts.csv")))
{
    int dauMau = reader.GetOrdinal("dau_mau"), churned = reader.GetOrdinal("churned_within_90d");
    while (reader.Read())
    {
        if (reader.IsBlank(churned) || reader.IsBlank(dauMau))
        {
            continue;
        }

        scores.Add(-reader.GetDoubleOrNaN(dauMau));
        labels.Add(reader.GetDoubleOrNaN(churned) == 1);
    }
}

var auc = RocAuc.Compute(scores.ToArray(), labels.ToArray());
Check(auc is > 0.5 and < 1, $"low stickiness predicts churn: ROC-AUC {auc:F3}");

// Health: compile the sample scorecard and score one account.
var scorecard = ScorecardJson.Load(Path.Combine(data, "scorecard.json")).Compile();
var values = new double[scorecard.Metrics.Count];
Array.Fill(values, double.NaN);
var contributions = new double[scorecard.Metrics.Count];
var health = scorecard.Score(values, contributions);
Check(health.Status == HealthStatus.InsufficientData, "an account with no data is 'insufficient data', not a number");
for (var i = 0; i < values.Length; i++)
{
    values[i] = scorecard.Metrics[i].Direction == MetricDirection.HigherIsBetter ? 1e6 : 0;
}

health = scorecard.Score(values, contributions);
Check(health.Score is > 90 and <= 100 && Math.Abs(contributions.Sum() - health.Score) < 1e-9, $"a perfect account scores {health.Score:F1} ({scorecard.BandName(health.Band)}) and its contributions add up");

// Value: LTV and the sBG reference fit of Fader & Hardie (2007).
var ltv = LtvCalculator.Simple(500m, 0.02);
Check(ltv.Status == LtvStatus.Bounded && ltv.Value == 25_000m, $"LTV = ARPA / churn = {ltv.Value}");
var sbg = SbgModel.Fit([1000, 631, 468, 382, 326, 289, 262, 241]);
Check(Math.Abs(sbg.Parameters.Alpha - 0.704) < 0.001 && Math.Abs(sbg.Parameters.Beta - 1.182) < 0.001,
    string.Create(CultureInfo.InvariantCulture, $"sBG fit alpha {sbg.Parameters.Alpha:F3}, beta {sbg.Parameters.Beta:F3}"));

// Churn: load the trained model (hash-verified) and score a row given as column values.
var model = ChurnModel.Load(modelDirectory);
var row = new Dictionary<string, string?>(StringComparer.Ordinal)
{
    ["plan"] = "starter", ["seats"] = "4", ["dau_mau"] = "0.05", ["contract_type"] = "monthly", ["tickets_90d"] = "6",
};
var prediction = model.Predict(row);
Check(prediction.Probability is > 0 and < 1, $"churn probability {prediction.Probability:F3} ({prediction.Band})");

// Churn reasons right after load, relative to the training rows the model directory carries (background.json).
var features = new float[model.FeatureCount];
model.MapFeatures(row, features);
var shap = new float[model.FeatureCount];
var expectedValue = model.Explain(features, shap);
var reasons = new CsScoring.Churn.Explain.ChurnReason[3];
var reasonCount = model.TopReasons(features, shap, reasons);
Check(model.CanExplain && reasonCount > 0 && Math.Abs(expectedValue + shap.Sum() - prediction.RawScore) < 1e-3,
    $"explained at load relative to the {model.Background?.Rows} training rows: {(reasonCount > 0 ? model.DescribeReason(reasons[0]) : "no reason")}");

// A typed record maps by property names, as a service's own DTO would (reflection the trimmer must keep).
var fromRecord = model.PredictRecord(new AccountRow
{
    AsOf = new DateOnly(2025, 6, 30), Plan = "starter", Seats = 4, Mrr = 120, TenureMonths = 7, ContractType = "monthly",
    RenewalDate = new DateOnly(2025, 7, 1), DaysToRenewal = 1, DauMau = 0.05, Tickets90d = 6, OnboardingCompleted = true,
});
Check(fromRecord.Probability is > 0 and < 1, $"a typed record scores {fromRecord.Probability:F3}");

// The model directory's own files round-trip through the package's JSON (source-generated, so trimming keeps it).
var background = model.Background!;
using (var stream = new MemoryStream())
{
    background.Write(stream);
    stream.Position = 0;
    var reread = CsScoring.Churn.Explain.ExplanationBackground.Read(stream);
    Check(reread.Rows == background.Rows && reread.ExpectedValue == background.ExpectedValue, "the explanation background round-trips through JSON");
}

if (failures.Count > 0)
{
    Console.Error.WriteLine($"consumer: {failures.Count} check(s) failed");
    return 1;
}

Console.WriteLine("consumer: CsScoring package works");
return 0;

/// <summary>An account as a service holds it: one property per column the model was trained on (null = missing).</summary>
internal sealed class AccountRow
{
    public DateOnly AsOf { get; init; }

    public string? Plan { get; init; }

    public string? Region { get; init; }

    public string? Industry { get; init; }

    public int? Seats { get; init; }

    public double? Mrr { get; init; }

    public int? TenureMonths { get; init; }

    public string? ContractType { get; init; }

    public DateOnly? RenewalDate { get; init; }

    public int? DaysToRenewal { get; init; }

    public int? ActiveUsers { get; init; }

    public double? SeatUtilization { get; init; }

    public double? DauMau { get; init; }

    public double? FeatureAdoption { get; init; }

    public int? Logins30d { get; init; }

    public double? UsageTrend { get; init; }

    public int? Tickets90d { get; init; }

    public int? SevereTickets90d { get; init; }

    public double? Csat { get; init; }

    public double? LastNps { get; init; }

    public int? DaysSinceLastLogin { get; init; }

    public bool? OnboardingCompleted { get; init; }

    public bool? ExecutiveSponsor { get; init; }

    public int? LateInvoices90d { get; init; }

    public double? ExpansionMrr90d { get; init; }
}
