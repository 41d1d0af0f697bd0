namespace CsScoring.Training.Sample;

/// <summary>What <c>generate-sample</c> makes: how many accounts over how many months, from which seed.</summary>
internal sealed record SampleOptions
{
    /// <summary>The default size of <c>data/sample</c>.</summary>
    public const int DefaultAccounts = 1200;

    public const int DefaultMonths = 24;

    public const int DefaultSeed = 42;

    public int Accounts { get; init; } = DefaultAccounts;

    public int Months { get; init; } = DefaultMonths;

    public int Seed { get; init; } = DefaultSeed;

    /// <summary>The last snapshot date (a month end). Fixed, not the clock, so output never depends on when it runs.</summary>
    public DateOnly End { get; init; } = new(2025, 12, 31);

    /// <summary>Days of usage events written, counted back from <see cref="End"/> (events are the bulkiest file).</summary>
    public int UsageEventDays { get; init; } = 28;

    /// <summary>Whether to write usage_events.csv and surveys.csv (benchmark-sized runs may skip them).</summary>
    public bool WriteEventFiles { get; init; } = true;
}
