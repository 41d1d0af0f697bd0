using System.Globalization;
using System.Text.Json;
using CsScoring.Conditions;
using CsScoring.Data;

namespace CsScoring.Health;

/// <summary>
/// A rules file: scorecards chosen per account by conditions on its columns, e.g.
/// <c>{"rules": [{"scorecard": "onboarding.json", "when": [{"attribute": "tenure_months", "operator": "less_than", "number": 3}]}]}</c>.
/// Conditions are the library's condition language (checked as they are read); scorecard paths are relative to the
/// rules file. An account no rule matches is scored with the fallback.
/// </summary>
public static class ScorecardRules
{
    /// <summary>Loads a rules file and the scorecards it names.</summary>
    /// <param name="path">The rules file.</param>
    /// <param name="fallback">The scorecard of accounts no rule matches.</param>
    /// <returns>The selector.</returns>
    /// <exception cref="FileNotFoundException">The rules file or a scorecard it names does not exist.</exception>
    /// <exception cref="ScorecardException">The file is not valid JSON or a rule or condition is invalid (JSON path named).</exception>
    public static ScorecardSelector Load(string path, CompiledScorecard fallback)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(fallback);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Rules file '{path}' does not exist.", path);
        }

        RulesFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), CsScoringJson.TypeInfo<RulesFile>());
        }
        catch (JsonException ex)
        {
            throw new ScorecardException(ex.Message.Split(" Path: ")[0], ex.Path ?? "$", Path.GetFileName(path), ex.LineNumber + 1, ex);
        }

        if (file is null || file.Rules.Count == 0)
        {
            throw new ScorecardException("the rules file needs at least one rule", "$.rules", Path.GetFileName(path));
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var loaded = new Dictionary<string, CompiledScorecard>(StringComparer.Ordinal);
        var rules = new List<ScorecardRule>();
        for (var i = 0; i < file.Rules.Count; i++)
        {
            var rule = file.Rules[i];
            if (rule.When.Count == 0)
            {
                throw new ScorecardException("a rule needs at least one condition", string.Create(CultureInfo.InvariantCulture, $"$.rules[{i}].when"), Path.GetFileName(path));
            }

            var scorecardPath = Path.Combine(directory, rule.Scorecard);
            if (!loaded.TryGetValue(scorecardPath, out var scorecard))
            {
                loaded[scorecardPath] = scorecard = ScorecardJson.Load(scorecardPath).Compile();
            }

            rules.Add(new ScorecardRule { Scorecard = scorecard, When = rule.When });
        }

        return new ScorecardSelector(rules, fallback);
    }

    /// <summary>Each account's latest snapshot, scored with the scorecard its attributes (the snapshot's columns) select.</summary>
    /// <param name="data">The snapshots, in memory (each selected scorecard reads its own columns from it).</param>
    /// <param name="fallbackData">The snapshots read for <see cref="ScorecardSelector.Fallback"/>.</param>
    /// <param name="selector">The rules.</param>
    /// <param name="asOf">The as-of date.</param>
    /// <param name="maxAgeDays">How old a snapshot may be.</param>
    /// <param name="drivers">How many top drivers per account.</param>
    /// <param name="horizonDays">The churn horizon the histories are read for.</param>
    /// <param name="overrides">Manual overrides by account id, or <see langword="null"/>.</param>
    /// <returns>One result per account, ordered by account id (ordinal).</returns>
    /// <exception cref="DataFormatException">A selected scorecard's column is absent or invalid.</exception>
    public static IReadOnlyList<AccountHealth> ScoreLatest(
        BufferedTable data, HealthSnapshots fallbackData, ScorecardSelector selector, DateOnly asOf, int maxAgeDays, int drivers, int horizonDays, IReadOnlyDictionary<string, HealthOverride>? overrides)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fallbackData);
        ArgumentNullException.ThrowIfNull(selector);
        var rows = fallbackData.LatestPerAccount(asOf, maxAgeDays);
        var attributes = ReadAttributes(data, rows);
        var chosen = new Dictionary<CompiledScorecard, List<int>>();
        foreach (var row in rows)
        {
            var scorecard = selector.Select(attributes[row]);
            if (!chosen.TryGetValue(scorecard, out var list))
            {
                chosen[scorecard] = list = [];
            }

            list.Add(row);
        }

        var accounts = new List<AccountHealth>(rows.Count);
        foreach (var (scorecard, selected) in chosen)
        {
            // Each scorecard reads its own columns; rows keep their order, so indices agree across loads.
            HealthSnapshots history;
            if (scorecard == selector.Fallback)
            {
                history = fallbackData;
            }
            else
            {
                using var reader = data.CreateReader();
                history = HealthSnapshots.Read(reader, scorecard, horizonDays);
            }

            accounts.AddRange(history.ScoreRows(scorecard, selected, asOf, drivers, overrides));
        }

        accounts.Sort((x, y) => string.CompareOrdinal(x.AccountId, y.AccountId));
        return accounts;
    }

    private static Dictionary<int, Dictionary<string, string?>> ReadAttributes(BufferedTable data, IReadOnlyList<int> rows)
    {
        var wanted = rows.ToHashSet();
        var result = new Dictionary<int, Dictionary<string, string?>>();
        using var reader = data.CreateReader();
        var index = -1;
        while (reader.Read())
        {
            index++;
            if (!wanted.Contains(index))
            {
                continue;
            }

            var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var c = 0; c < reader.Columns.Count; c++)
            {
                attributes[reader.Columns[c]] = reader.GetString(c);
            }

            result[index] = attributes;
        }

        return result;
    }

    internal sealed class RulesFile
    {
        public required IReadOnlyList<RuleEntry> Rules { get; init; }
    }

    internal sealed class RuleEntry
    {
        public required string Scorecard { get; init; }

        public required IReadOnlyList<Condition> When { get; init; }
    }
}
