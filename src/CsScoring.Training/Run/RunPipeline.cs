namespace CsScoring.Training.Run;

/// <summary>
/// The main job's steps in order. Each step takes the typed results of the steps before it and returns its own, so
/// the data flows in memory: files are written as outputs and never read back, and a missing step does not compile.
/// </summary>
internal sealed partial class RunPipeline
{
    public void Execute(RunContext context)
    {
        var inputs = RunInputs.Read(context.Data);
        SummarizeData(context, inputs.Customers);
        var kpis = MeasureKpis(context, inputs);
        var model = TrainChurnModel(context, inputs);
        var churn = PredictChurn(context, inputs, model);
        var health = ScoreHealth(context, inputs);
        _ = ProjectValue(context, inputs.Ledger, churn); // writes account_value.csv and its report section
        var portfolio = PlanCoverage(context, inputs, model, health.Scorecard, churn);
        WriteDashboard(context, portfolio, model, kpis);
    }
}
