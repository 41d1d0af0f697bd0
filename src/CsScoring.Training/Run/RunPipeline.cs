namespace CsScoring.Training.Run;

/// <summary>
/// The main job's steps in order. Each part of the product adds its step in its own file by implementing one of
/// the partial methods; an unimplemented step is compiled away.
/// </summary>
internal sealed partial class RunPipeline
{
    public void Execute(RunContext context)
    {
        SummarizeData(context);
        MeasureRetention(context);
        TrainChurnModel(context);
        PredictChurn(context);
        ScoreHealth(context);
        ProjectValue(context);
        PlanCoverage(context);
    }

    partial void SummarizeData(RunContext context);

    partial void MeasureRetention(RunContext context);

    partial void TrainChurnModel(RunContext context);

    partial void PredictChurn(RunContext context);

    partial void ScoreHealth(RunContext context);

    partial void ProjectValue(RunContext context);

    partial void PlanCoverage(RunContext context);
}
