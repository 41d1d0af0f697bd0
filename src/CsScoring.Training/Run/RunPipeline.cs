using CsScoring.Training.Cli;

namespace CsScoring.Training.Run;

/// <summary>
/// The main job's steps in order. Each step takes the typed results of the steps before it and returns its own, so
/// the data flows in memory: files are written as outputs and never read back, and a missing step does not compile.
/// </summary>
internal sealed partial class RunPipeline
{
    public void Execute(RunContext context)
    {
        var inputs = PhaseTimings.Measure("run: read inputs", () => RunInputs.Read(context.Data));
        PhaseTimings.Measure("run: data summary", () => SummarizeData(context, inputs.Customers));
        var kpis = PhaseTimings.Measure("run: kpis", () => MeasureKpis(context, inputs));
        var model = PhaseTimings.Measure("run: churn model", () => TrainChurnModel(context, inputs));
        ReleasePhaseMemory();
        var churn = PhaseTimings.Measure("run: churn scoring", () => PredictChurn(context, inputs, model));
        var health = PhaseTimings.Measure("run: health", () => ScoreHealth(context, inputs));
        ReleasePhaseMemory();
        _ = PhaseTimings.Measure("run: value", () => ProjectValue(context, inputs.Ledger, churn)); // writes account_value.csv and its report section
        var portfolio = PhaseTimings.Measure("run: portfolio", () => PlanCoverage(context, inputs, model, health.Scorecard, churn));
        PhaseTimings.Measure("run: dashboard", () => WriteDashboard(context, portfolio, model, kpis));
    }

    /// <summary>Hands the memory of a finished phase back before the next one allocates its own (see <see cref="PhaseMemory"/>).</summary>
    internal static void ReleasePhaseMemory() => PhaseMemory.Release();
}
