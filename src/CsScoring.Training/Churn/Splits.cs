using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Training.Churn;

/// <summary>
/// Leakage-safe splits: stratified k-fold with whole groups (accounts) in one fold, an out-of-time holdout, and a
/// stratified grouped holdout. All repeatable from a seed.
/// </summary>
internal static class Splits
{
    /// <summary>
    /// Assigns every row a fold in [0, k) so that each group lies in one fold and folds get similar numbers of
    /// positives and of rows (greedy balancing over groups in a seeded random order, groups with more positives first).
    /// </summary>
    public static int[] StratifiedGroupKFold(ReadOnlySpan<int> rows, bool[] labels, int[] groups, int k, int seed)
    {
        var groupRows = new Dictionary<int, (int Rows, int Positives)>();
        foreach (var row in rows)
        {
            var g = groups[row];
            var (n, p) = groupRows.GetValueOrDefault(g);
            groupRows[g] = (n + 1, p + (labels[row] ? 1 : 0));
        }

        var order = groupRows.Keys.Order().ToArray();
        new Random(seed).Shuffle(order);

        // Stable sort keeps the seeded order among equals: big positive groups are placed first, where balance matters.
        var sorted = order.Select((g, i) => (Group: g, Index: i))
            .OrderByDescending(x => groupRows[x.Group].Positives)
            .ThenByDescending(x => groupRows[x.Group].Rows)
            .ThenBy(x => x.Index)
            .Select(x => x.Group)
            .ToArray();
        var foldRows = new long[k];
        var foldPositives = new long[k];
        var foldOfGroup = new Dictionary<int, int>(groupRows.Count);
        foreach (var g in sorted)
        {
            var (n, p) = groupRows[g];
            var best = 0;
            for (var f = 1; f < k; f++)
            {
                var better = p > 0
                    ? foldPositives[f] < foldPositives[best] || (foldPositives[f] == foldPositives[best] && foldRows[f] < foldRows[best])
                    : foldRows[f] < foldRows[best];
                if (better)
                {
                    best = f;
                }
            }

            foldOfGroup[g] = best;
            foldRows[best] += n;
            foldPositives[best] += p;
        }

        var folds = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            folds[i] = foldOfGroup[groups[rows[i]]];
        }

        return folds;
    }

    /// <summary>A stratified grouped holdout of about <paramref name="fraction"/> of the rows.</summary>
    public static (int[] Train, int[] Validation) GroupHoldout(int rowCount, bool[] labels, int[] groups, double fraction, int seed)
    {
        var k = Math.Max(2, (int)Math.Round(1 / fraction));
        var all = Enumerable.Range(0, rowCount).ToArray();
        var folds = StratifiedGroupKFold(all, labels, groups, k, seed);
        return ([.. all.Where((_, i) => folds[i] != 0)], [.. all.Where((_, i) => folds[i] == 0)]);
    }

    /// <summary>
    /// Out-of-time split: validation is the last window of snapshots (about <paramref name="window"/> of the rows)
    /// of a stratified share <paramref name="groupShare"/> of the groups; training is the other groups' snapshots
    /// whose label was known before the window began (as-of + <paramref name="horizonDays"/> &lt;= cutoff).
    /// Every group's rows lie on one side only.
    /// </summary>
    public static TimeSplit OutOfTime(int[] days, bool[] labels, int[] groups, bool grouped, double window, double groupShare, int horizonDays, int seed, string source)
    {
        var distinct = days.Distinct().Order().ToArray();
        if (distinct.Length < 2)
        {
            throw new DataFormatException("an out-of-time split needs at least two distinct dates in the time column", source, null, null);
        }

        // The cutoff is the earliest date from which on about `window` of the rows lie.
        var counts = days.GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
        var target = window * days.Length;
        var cutoff = distinct[^1];
        long inWindow = 0;
        for (var i = distinct.Length - 1; i >= 1; i--)
        {
            inWindow += counts[distinct[i]];
            cutoff = distinct[i];
            if (inWindow >= target)
            {
                break;
            }
        }

        var validationGroup = new bool[groups.Max() + 1];
        if (grouped)
        {
            // Only accounts with snapshots in the window can be validation accounts; the others (e.g. accounts that
            // churned before the window) always train, so no labelled history is wasted.
            var windowRows = Enumerable.Range(0, days.Length).Where(i => days[i] >= cutoff).ToArray();
            var k = Math.Max(2, (int)Math.Round(1 / groupShare));
            var folds = StratifiedGroupKFold(windowRows, labels, groups, k, seed);
            for (var i = 0; i < windowRows.Length; i++)
            {
                if (folds[i] == 0)
                {
                    validationGroup[groups[windowRows[i]]] = true;
                }
            }
        }
        else
        {
            Array.Fill(validationGroup, true);
        }

        // Survivors to the window that train stand for the held-out ones too: weight them up, so the training mix of
        // churned-before-the-window and surviving accounts matches the population (no calibration bias).
        var windowGroups = new HashSet<int>();
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] >= cutoff)
            {
                windowGroups.Add(groups[i]);
            }
        }

        var held = windowGroups.Count(g => validationGroup[g]);
        var survivorWeight = grouped && windowGroups.Count > held ? (float)windowGroups.Count / (windowGroups.Count - held) : 1f;
        var weights = new float[days.Length];
        Array.Fill(weights, 1f);
        var train = new List<int>();
        var validation = new List<int>();
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] >= cutoff)
            {
                if (validationGroup[groups[i]])
                {
                    validation.Add(i);
                }
            }
            else if ((!grouped || !validationGroup[groups[i]]) && days[i] + horizonDays <= cutoff)
            {
                train.Add(i);
                if (windowGroups.Contains(groups[i]))
                {
                    weights[i] = survivorWeight;
                }
            }
        }

        return new TimeSplit([.. train], [.. validation], DateOnly.FromDayNumber(cutoff), survivorWeight == 1f ? null : weights);
    }

    internal sealed record TimeSplit(int[] Train, int[] Validation, DateOnly Cutoff, float[]? Weights)
    {
        public string Describe() => Cutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
