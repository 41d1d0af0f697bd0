using System.Globalization;
using System.Text.Json;
using CsScoring.Conditions;
using CsScoring.Data;
using CsScoring.Health;

namespace CsScoring.Training.Health;

/// <summary>
/// The <c>--rules</c> file of <c>health score</c>: scorecards chosen per account by conditions on its columns, e.g.
/// <c>{"rules": [{"scorecard": "onboarding.json", "when": [{"attribute": "tenure_months", "operator": "less_than", "number": 3}]}]}</c>.
/// Conditions are the library's condition language (checked as they are read); scorecard paths are relative to the rules file.
/// </summary>
internal static class ScorecardRules
{
    public static ScorecardSelector Load(string path, CompiledScorecard fallback)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Rules file '{path}' does not exist.", path);
        }

        RulesFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RulesFile>(File.ReadAllText(path), CsScoringJson.Options);
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

    /// <summary>Each account's latest snapshot, scored with the scorecard its attributes select.</summary>
    public static List<AccountHealth> ScoreLatest(
        string path, HealthSnapshots fallbackData, ScorecardSelector selector, DateOnly asOf, int maxAgeDays, int drivers, int horizonDays, IReadOnlyDictionary<string, HealthOverride>? overrides)
    {
        var rows = fallbackData.LatestPerAccount(asOf, maxAgeDays);
        var attributes = ReadAttributes(path, rows);
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
            var data = scorecard == selector.Fallback ? fallbackData : HealthSnapshots.Load(path, scorecard, horizonDays);
            accounts.AddRange(HealthWorkflow.ScoreRows(data, scorecard, selected, asOf, drivers, overrides));
        }

        accounts.Sort((x, y) => string.CompareOrdinal(x.AccountId, y.AccountId));
        return accounts;
    }

    private static Dictionary<int, Dictionary<string, string?>> ReadAttributes(string path, List<int> rows)
    {
        var wanted = rows.ToHashSet();
        var result = new Dictionary<int, Dictionary<string, string?>>();
        using var reader = TabularReader.Open(path);
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

    private sealed class RulesFile
    {
        public required IReadOnlyList<RuleEntry> Rules { get; init; }
    }

    private sealed class RuleEntry
    {
        public required string Scorecard { get; init; }

        public required IReadOnlyList<Condition> When { get; init; }
    }
}
