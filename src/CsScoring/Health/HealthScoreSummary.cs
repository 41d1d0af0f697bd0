namespace CsScoring.Health;

/// <summary>The accounts in one band of a scoring run.</summary>
/// <param name="Name">The band's name.</param>
/// <param name="From">The band's lower score bound.</param>
/// <param name="Accounts">The scored accounts in the band.</param>
public sealed record BandCount(string Name, double From, int Accounts);

/// <summary>Counts per band and the means of a scoring run; bands of several scorecards are merged by name.</summary>
/// <param name="Accounts">The accounts.</param>
/// <param name="Scored">Those with a score (enough coverage).</param>
/// <param name="InsufficientData">Those without.</param>
/// <param name="MeanScore">The mean score of the scored accounts, or <see langword="null"/> when none is scored.</param>
/// <param name="CoverageMean">The mean coverage of all accounts (0 without accounts).</param>
/// <param name="Bands">Scored accounts per band, in the order the scorecards list their bands.</param>
public sealed record HealthScoreSummary(int Accounts, int Scored, int InsufficientData, double? MeanScore, double CoverageMean, IReadOnlyList<BandCount> Bands)
{
    /// <summary>Summarises a scoring run.</summary>
    /// <param name="accounts">The scored accounts.</param>
    /// <param name="scorecards">The scorecards whose bands are counted (each band name once, first scorecard first).</param>
    /// <returns>The summary.</returns>
    public static HealthScoreSummary Of(IReadOnlyList<AccountHealth> accounts, IReadOnlyList<CompiledScorecard> scorecards)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(scorecards);
        var scored = accounts.Where(a => a.Result.IsScored).ToList();
        var names = new List<(string Name, double From)>();
        foreach (var band in scorecards.SelectMany(s => s.Bands))
        {
            if (!names.Exists(n => n.Name == band.Name))
            {
                names.Add((band.Name, band.From));
            }
        }

        var bands = names.Select(b => new BandCount(b.Name, b.From, scored.Count(a => a.Scorecard.BandName(a.Result.Band) == b.Name))).ToList();
        return new HealthScoreSummary(
            accounts.Count,
            scored.Count,
            accounts.Count - scored.Count,
            scored.Count > 0 ? scored.Average(a => a.Result.Score) : null,
            accounts.Count > 0 ? accounts.Average(a => a.Result.Coverage) : 0,
            bands);
    }
}
