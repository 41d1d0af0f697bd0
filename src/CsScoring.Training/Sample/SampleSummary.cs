namespace CsScoring.Training.Sample;

/// <summary>Figures of one generated sample, as measured while writing it.</summary>
internal sealed record SampleSummary
{
    public required int Accounts { get; init; }

    /// <summary>Accounts that are customers at some month of the window (the others churned before it opened).</summary>
    public required int AccountsWithSnapshots { get; init; }

    public required int Months { get; init; }

    public required int Seed { get; init; }

    public required long Snapshots { get; init; }

    public required long LabelledSnapshots { get; init; }

    /// <summary>Share of labelled snapshots with churned_within_90d = 1.</summary>
    public required double ChurnRate { get; init; }

    /// <summary>Share of cells left blank in the columns that have random gaps (dau_mau, feature_adoption, logins_30d, usage_trend).</summary>
    public required double RandomMissingRate { get; init; }

    /// <summary>ROC-AUC of the generator's true probability on the labelled snapshots: the best a model can expect.</summary>
    public required double OracleAuc { get; init; }

    public required long LedgerRows { get; init; }

    public required long SurveyRows { get; init; }

    public required long UsageEventRows { get; init; }

    public required IReadOnlyDictionary<string, long> MrrMovements { get; init; }
}
