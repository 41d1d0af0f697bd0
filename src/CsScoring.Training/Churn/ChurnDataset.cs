using System.Globalization;
using System.Security.Cryptography;
using CsScoring.Churn.Features;
using CsScoring.Data;
using CsScoring.Privacy;
using CsScoring.Training.Cli;

namespace CsScoring.Training.Churn;

/// <summary>What to read from a churn file: label, positive class, identifier and time columns, exclusions.</summary>
internal sealed record ChurnDataOptions
{
    public required string DataPath { get; init; }

    public required string Label { get; init; }

    public string? Positive { get; init; }

    public string? IdColumn { get; init; }

    public string? TimeColumn { get; init; }

    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Forced kinds from a schema file; <see langword="null"/> in the map means "ignore the column".</summary>
    public IReadOnlyDictionary<string, FeatureKind?> Kinds { get; init; } = new Dictionary<string, FeatureKind?>();

    /// <summary>Roles from the schema file (signal with its kind, or context); other columns' roles are inferred from their names.</summary>
    public IReadOnlyDictionary<string, ColumnRole> Roles { get; init; } = new Dictionary<string, ColumnRole>();

    public string? SchemaSource { get; init; }

    /// <summary>Columns that look like personal data but which the user allowed as features, by name.</summary>
    public IReadOnlyList<string> AllowPersonal { get; init; } = [];

    public int Seed { get; init; }

    /// <summary>How cells are read (markers, decimal mark, dates); its warnings collect duplicates and imputations.</summary>
    public TabularReadOptions ReadOptions { get; init; } = TabularReadOptions.Default;
}

/// <summary>
/// A churn file read into memory for training: the feature matrix (row-major, mapped by the library's
/// <see cref="FeatureMapper"/>), labels, group and time per labelled row, and what inference decided.
/// </summary>
/// <remarks>The file is streamed once: profiling the columns keeps the labelled rows' cells typed
/// (<see cref="ProfiledColumns"/>), and once the schema is inferred the matrix is mapped from them. When they cannot
/// reproduce a column's mapping exactly, or two rows give one account and date different labels, the file is read a
/// second time to map rows as before.</remarks>
internal sealed class ChurnDataset
{
    public required FeatureSchema Schema { get; init; }

    public required IReadOnlyList<ColumnDecision> Decisions { get; init; }

    /// <summary>Row-major features of the labelled rows: <c>Rows × Width</c>.</summary>
    public required float[] Features { get; init; }

    public required bool[] Labels { get; init; }

    /// <summary>Group (account) index per labelled row; each row its own group without an id column.</summary>
    public required int[] Groups { get; init; }

    /// <summary>The identifier per group (the raw value, or the row number without an id column).</summary>
    public required string[] GroupKeys { get; init; }

    /// <summary>As-of day number per labelled row, or <see langword="null"/> without a time column.</summary>
    public int[]? Days { get; init; }

    public required string Positive { get; init; }

    public required IReadOnlyList<string> LabelValues { get; init; }

    public required long RowsRead { get; init; }

    public required long UnlabelledRows { get; init; }

    public required string DataSha256 { get; init; }

    public required string SourceName { get; init; }

    /// <summary>How many times the file was read: 1, or 2 when the cells kept while profiling could not map it.</summary>
    public int Passes { get; init; } = 1;

    /// <summary>Columns found to hold personal data (names and reasons only, never values).</summary>
    public IReadOnlyList<PersonalColumn> PersonalColumns { get; private set; } = [];

    /// <summary>The personal columns the user allowed as features (<c>--allow-personal</c>).</summary>
    public IReadOnlyList<string> AllowedPersonal { get; private set; } = [];

    public int Rows => Labels.Length;

    public int Width => Schema.FeatureCount;

    public int Positives => Labels.Count(l => l);

    public static ChurnDataset Load(ChurnDataOptions options)
        => Load(options, () => TabularReader.Open(options.DataPath, options.ReadOptions), () => Sha256File(options.DataPath));

    /// <summary>Loads from a table already in memory (read once by the caller, hashed on the way).</summary>
    public static ChurnDataset Load(ChurnDataOptions options, BufferedTable table)
        => Load(options, table.CreateReader, () => table.Sha256 ?? throw new InvalidOperationException($"{table.SourceName} was not read from a file, so it has no SHA-256."));

    /// <summary>Loads in one pass (the cells kept typed while profiling), or, when <paramref name="singlePass"/> is
    /// off or the kept cells cannot map a column exactly, in two (profile, then read again to map).</summary>
    internal static ChurnDataset Load(ChurnDataOptions options, Func<TabularReader> open, Func<string> sha256, bool singlePass = true)
    {
        string sourceName;
        ProfiledColumns columns;
        int[] ordinals;
        // Counted by span, so a row costs no string; sorted once at the end. Keys keep their first spelling, as the
        // sorted dictionary's did. Each value's index is kept per labelled row, to say later which is positive.
        var labelIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var labelLookup = labelIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var labelTally = new List<long>();
        Span<char> rowText = stackalloc char[20];
        long rows = 0, unlabelled = 0;
        var excluded = new HashSet<string>(StringComparer.Ordinal) { options.Label };
        var kept = singlePass ? new KeptRows(options.IdColumn is not null, options.TimeColumn is not null) : null;
        PersonalDataScanner scanner;
        var mark = PhaseTimings.Start();
        using (var reader = open())
        {
            sourceName = reader.SourceName;
            CheckColumns(reader, options, excluded);
            var labelOrdinal = reader.GetOrdinal(options.Label);
            var idOrdinal = options.IdColumn is null ? -1 : reader.GetOrdinal(options.IdColumn);
            var timeOrdinal = options.TimeColumn is null ? -1 : reader.GetOrdinal(options.TimeColumn);
            ordinals = [.. Enumerable.Range(0, reader.Columns.Count).Where(i => !excluded.Contains(reader.Columns[i]))];
            columns = new ProfiledColumns(reader, ordinals, options.Seed);

            // Judged per account, not per row: monthly snapshots repeat an account's name or address on every row.
            scanner = new PersonalDataScanner([.. ordinals.Select(o => reader.Columns[o])]);

            while (reader.Read())
            {
                rows++;
                if (idOrdinal >= 0 && reader.IsBlank(idOrdinal))
                {
                    throw reader.Error(idOrdinal, "the identifier is blank");
                }

                int? asOf = null;
                if (timeOrdinal >= 0)
                {
                    if (!reader.TryGetDate(timeOrdinal, out var date))
                    {
                        throw reader.Error(timeOrdinal, $"'{reader.GetString(timeOrdinal)}' is not a date (expected yyyy-MM-dd)");
                    }

                    asOf = date.DayNumber;
                }

                var label = reader.GetSpan(labelOrdinal).Trim();
                var hasLabel = !reader.IsBlank(labelOrdinal);
                var labelValue = -1;
                if (!hasLabel)
                {
                    unlabelled++;
                }
                else if (labelLookup.TryGetValue(label, out labelValue))
                {
                    labelTally[labelValue]++;
                }
                else if (labelIndex.Count > 1000)
                {
                    throw reader.Error(labelOrdinal, "the label has more than 1000 distinct values; it is not a binary churn label");
                }
                else
                {
                    labelValue = labelTally.Count;
                    labelIndex.Add(label.ToString(), labelValue);
                    labelTally.Add(1);
                }

                scoped ReadOnlySpan<char> account;
                if (idOrdinal >= 0)
                {
                    account = reader.GetSpan(idOrdinal).Trim();
                }
                else
                {
                    reader.RowNumber.TryFormat(rowText, out var written, default, CultureInfo.InvariantCulture);
                    account = rowText[..written];
                }

                columns.Add(reader, asOf, keep: hasLabel && kept is not null);
                for (var p = 0; p < ordinals.Length; p++)
                {
                    scanner.Add(p, account, reader.GetSpan(ordinals[p]));
                }

                if (hasLabel && kept is not null)
                {
                    kept.Add(reader, labelValue, account, asOf);
                }
            }
        }

        mark = PhaseTimings.Lap("read: profile pass", mark);
        var labelCounts = new SortedDictionary<string, long>(labelIndex.ToDictionary(l => l.Key, l => labelTally[l.Value], StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        if (rows == 0)
        {
            throw new DataFormatException("the file has a header but no data rows", sourceName, null, null);
        }

        var positive = ChoosePositive(options, labelCounts, sourceName);
        var labelled = labelCounts.Values.Sum();
        var positives = labelCounts.GetValueOrDefault(positive);
        if (positives == 0 || positives == labelled)
        {
            throw new DataFormatException(
                $"the label has one class only among its {labelled} labelled rows (values: {Describe(labelCounts)})", sourceName, null, options.Label);
        }

        var personal = scanner.Build();
        var allowed = new HashSet<string>(options.AllowPersonal, StringComparer.Ordinal);
        var personalDecisions = new List<ColumnDecision>();
        foreach (var column in personal)
        {
            if (!allowed.Contains(column.Name) && !options.Kinds.ContainsKey(column.Name))
            {
                excluded.Add(column.Name);
                personalDecisions.Add(new ColumnDecision(column.Name, InferredColumnKind.PersonalData, null, 0,
                    $"looks like personal data ({column.Reason}); left out of training and of every artifact (--allow-personal {column.Name} to learn from it)"));
            }
        }

        var kinds = options.Kinds.Where(k => k.Value is not null).ToDictionary(k => k.Key, k => k.Value!.Value, StringComparer.Ordinal);
        var (schema, inferred) = SchemaInference.Infer(
            [.. columns.Profilers.Select(p => p.Build())],
            new SchemaInferenceOptions
            {
                Excluded = excluded,
                Kinds = kinds,
                Roles = options.Roles,
                TimeColumn = options.TimeColumn,
                MinCategoryCount = labelled >= 1000 ? 5 : 1,
            },
            sourceName);

        IReadOnlyList<ColumnDecision> decisions = [.. personalDecisions, .. inferred];
        mark = PhaseTimings.Lap("read: personal data and schema inference", mark);
        var dataset = kept is null ? null : Assemble(options, sha256, columns, kept, schema, decisions, positive, labelIndex[positive], labelCounts, rows, unlabelled, (int)labelled, sourceName);
        if (dataset is not null)
        {
            PhaseTimings.Lap("read: map kept cells and hash", mark);
        }
        else
        {
            // What was kept cannot reproduce a column's mapping, or a conflict must be reported as reading finds it:
            // read the file again, which decides as it always did.
            // The kept cells are let go first: the second pass needs their memory for the matrix.
            columns = null!;
            kept = null;
            dataset = Materialize(options, open, sha256, schema, decisions, positive, labelCounts, rows, unlabelled, (int)labelled, sourceName);
            PhaseTimings.Lap("read: map pass and hash", mark);
        }

        dataset.PersonalColumns = personal;
        dataset.AllowedPersonal = [.. personal.Select(c => c.Name).Where(allowed.Contains)];
        return dataset;
    }

    // The dataset from the kept rows, or null when the file must be read again: a column the kept cells cannot map
    // exactly, or an (account, day) pair with two labels, whose error the second pass raises where it always did.
    private static ChurnDataset? Assemble(ChurnDataOptions options, Func<string> sha256, ProfiledColumns columns, KeptRows kept, FeatureSchema schema,
        IReadOnlyList<ColumnDecision> decisions, string positive, int positiveValue, SortedDictionary<string, long> labelCounts, long rows, long unlabelled, int labelled, string sourceName)
    {
        var width = schema.FeatureCount;
        if ((long)labelled * width > Array.MaxLength)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{labelled} rows x {width} features do not fit in one training matrix"), sourceName, null, null);
        }

        if (kept.Count != labelled || columns.KeptRows != labelled)
        {
            throw new InvalidOperationException("The kept rows do not match the labelled rows counted.");
        }

        var labels = new bool[labelled];
        for (var row = 0; row < labels.Length; row++)
        {
            labels[row] = kept.LabelValues[row] == positiveValue;
        }

        var groups = kept.Groups.ToArray();
        var days = kept.Days?.ToArray();
        if (options.IdColumn is not null && days is not null)
        {
            // Keyed by (account index, day) packed in a long, with the first row and its label in the value, sized
            // for every labelled row at once, as the second pass did.
            var seen = new Dictionary<long, long>(labelled);
            var repeats = 0L;
            var firstRepeat = -1;
            for (var row = 0; row < labelled; row++)
            {
                var key = ((long)groups[row] << 32) | (uint)days[row];
                if (!seen.TryAdd(key, ((long)row << 1) | (labels[row] ? 1L : 0L)))
                {
                    if (((seen[key] & 1) == 1) != labels[row])
                    {
                        return null;
                    }

                    repeats++;
                    firstRepeat = firstRepeat < 0 ? row : firstRepeat;
                }
            }

            if (repeats > 0)
            {
                columns.DeferWarning(firstRepeat, new DataWarning(
                    "duplicate-rows", $"rows repeating an ({options.IdColumn}, {options.TimeColumn}) pair, kept with the same label", sourceName, null, columns.RowNumberOf(firstRepeat), repeats));
            }
        }

        if (!columns.TryMap(schema, days, out var features))
        {
            return null;
        }

        return new ChurnDataset
        {
            Schema = schema,
            Decisions = decisions,
            Features = features,
            Labels = labels,
            Groups = groups,
            GroupKeys = [.. kept.GroupKeys],
            Days = days,
            Positive = positive,
            LabelValues = [.. labelCounts.Keys],
            RowsRead = rows,
            UnlabelledRows = unlabelled,
            DataSha256 = sha256(),
            SourceName = sourceName,
        };
    }

    private static ChurnDataset Materialize(ChurnDataOptions options, Func<TabularReader> open, Func<string> sha256, FeatureSchema schema, IReadOnlyList<ColumnDecision> decisions,
        string positive, SortedDictionary<string, long> labelCounts, long rows, long unlabelled, int labelled, string sourceName)
    {
        var width = schema.FeatureCount;
        if ((long)labelled * width > Array.MaxLength)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{labelled} rows x {width} features do not fit in one training matrix"), sourceName, null, null);
        }

        var features = new float[labelled * width];
        var labels = new bool[labelled];
        var groups = new int[labelled];
        var days = options.TimeColumn is null ? null : new int[labelled];
        var groupIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var groupLookup = groupIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var groupKeys = new List<string>();
        var mapper = new FeatureMapper(schema);
        using (var reader = open())
        {
            var labelOrdinal = reader.GetOrdinal(options.Label);
            var idOrdinal = options.IdColumn is null ? -1 : reader.GetOrdinal(options.IdColumn);
            var timeOrdinal = options.TimeColumn is null ? -1 : reader.GetOrdinal(options.TimeColumn);
            var row = 0;
            // Keyed by (account index, day) packed in a long, with the row number and label packed in the value and
            // room for every labelled row from the start: a million snapshots take 30 MB and no regrowth.
            var seen = idOrdinal >= 0 && days is not null ? new Dictionary<long, long>(labelled) : null;
            while (reader.Read())
            {
                var label = reader.GetSpan(labelOrdinal).Trim();
                if (reader.IsBlank(labelOrdinal))
                {
                    continue;
                }

                if (row >= labelled)
                {
                    throw new DataFormatException("the file changed while it was being read", sourceName, reader.RowNumber, null);
                }

                labels[row] = label.Equals(positive, StringComparison.OrdinalIgnoreCase);
                mapper.Map(reader, features.AsSpan(row * width, width));
                if (idOrdinal >= 0)
                {
                    var id = reader.GetSpan(idOrdinal).Trim();
                    if (!groupLookup.TryGetValue(id, out var group))
                    {
                        group = groupKeys.Count;
                        var key = id.ToString();
                        groupIndex.Add(key, group);
                        groupKeys.Add(key);
                    }

                    groups[row] = group;
                }
                else
                {
                    groups[row] = row;
                    groupKeys.Add(reader.RowNumber.ToString(CultureInfo.InvariantCulture));
                }

                if (days is not null)
                {
                    days[row] = reader.GetDate(timeOrdinal).DayNumber;
                    var key = ((long)groups[row] << 32) | (uint)days[row];
                    if (seen is not null && !seen.TryAdd(key, (reader.RowNumber << 1) | (labels[row] ? 1L : 0L)))
                    {
                        // A repeated snapshot with the same label only weighs double: counted. Two labels for one
                        // account and date cannot both be true: refused.
                        var first = seen[key];
                        if (((first & 1) == 1) != labels[row])
                        {
                            throw reader.Error(labelOrdinal, string.Create(CultureInfo.InvariantCulture,
                                $"account '{groupKeys[groups[row]]}' has two rows for {DateOnly.FromDayNumber(days[row]):yyyy-MM-dd} with different labels (rows {first >> 1} and {reader.RowNumber}); remove the wrong one"));
                        }

                        options.ReadOptions.Warnings?.Add("duplicate-rows", $"rows repeating an ({options.IdColumn}, {options.TimeColumn}) pair, kept with the same label", sourceName, null, reader.RowNumber);
                    }
                }

                row++;
            }

            if (row != labelled)
            {
                throw new DataFormatException("the file changed while it was being read", sourceName, null, null);
            }
        }

        return new ChurnDataset
        {
            Schema = schema,
            Decisions = decisions,
            Features = features,
            Labels = labels,
            Groups = groups,
            GroupKeys = [.. groupKeys],
            Days = days,
            Positive = positive,
            LabelValues = [.. labelCounts.Keys],
            RowsRead = rows,
            UnlabelledRows = unlabelled,
            DataSha256 = sha256(),
            SourceName = sourceName,
            Passes = 2,
        };
    }

    public static string Sha256File(string path)
    {
        if (Directory.Exists(path))
        {
            // A folder of part files: the parts' names and bytes in reading order, so renaming or editing a part shows.
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var part in Data.ParquetFolderReader.Parts(path))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(part) + "\n"));
                using var partStream = File.OpenRead(part);
                hash.AppendData(SHA256.HashData(partStream));
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void CheckColumns(TabularReader reader, ChurnDataOptions options, HashSet<string> excluded)
    {
        reader.GetOrdinal(options.Label);
        if (options.IdColumn is { } id)
        {
            reader.GetOrdinal(id);
            excluded.Add(id);
        }

        if (options.TimeColumn is { } time)
        {
            reader.GetOrdinal(time);
            excluded.Add(time);
        }

        foreach (var column in options.Exclude)
        {
            if (!reader.TryGetOrdinal(column, out _))
            {
                throw new DataFormatException($"--exclude names column '{column}', which is absent (columns: {string.Join(", ", reader.Columns)})", reader.SourceName, null, column);
            }

            excluded.Add(column);
        }

        foreach (var column in options.AllowPersonal)
        {
            if (!reader.TryGetOrdinal(column, out _))
            {
                throw new DataFormatException($"--allow-personal names column '{column}', which is absent (columns: {string.Join(", ", reader.Columns)})", reader.SourceName, null, column);
            }
        }

        foreach (var column in options.Kinds.Keys.Concat(options.Roles.Keys).Distinct(StringComparer.Ordinal))
        {
            if (!reader.TryGetOrdinal(column, out _))
            {
                throw new DataFormatException(
                    $"the schema file names column '{column}', which is not in {reader.SourceName} (columns: {string.Join(", ", reader.Columns)})",
                    options.SchemaSource ?? reader.SourceName, null, column);
            }

            if (options.Kinds.TryGetValue(column, out var kind) && kind is null)
            {
                excluded.Add(column);
            }
        }
    }

    private static string ChoosePositive(ChurnDataOptions options, SortedDictionary<string, long> counts, string source)
    {
        if (counts.Count == 0)
        {
            throw new DataFormatException("every label cell is blank: there is nothing to learn from", source, null, options.Label);
        }

        if (options.Positive is { } given)
        {
            var trimmed = given.Trim();
            var match = counts.Keys.FirstOrDefault(k => string.Equals(k, trimmed, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                throw new DataFormatException($"the positive class '{given}' is not present in the label (values: {Describe(counts)})", source, null, options.Label);
            }

            if (counts.Count > 2)
            {
                var others = new SortedDictionary<string, long>(counts.Where(c => c.Key != match).ToDictionary(), StringComparer.OrdinalIgnoreCase);
                throw new DataFormatException(
                    $"the label does not split cleanly into '{match}' and one other class: the other values are {Describe(others)}; recode the label to two values", source, null, options.Label);
            }

            return match;
        }

        if (counts.Count == 1)
        {
            throw new DataFormatException($"the label has one class only (values: {Describe(counts)})", source, null, options.Label);
        }

        if (counts.Count > 2)
        {
            throw new DataFormatException($"the label has {counts.Count} values ({Describe(counts)}); pass --positive to say which means churn", source, null, options.Label);
        }

        string[] positives = ["1", "yes", "y", "true", "t", "churned", "churn", "positive", "lost", "cancelled", "canceled"];
        var matches = counts.Keys.Where(k => positives.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }

        throw new DataFormatException($"cannot tell which label value means churn ({Describe(counts)}); pass --positive", source, null, options.Label);
    }

    private static string Describe(SortedDictionary<string, long> counts)
        => string.Join(", ", counts.Take(10).Select(c => string.Create(CultureInfo.InvariantCulture, $"'{c.Key}' x{c.Value}")))
           + (counts.Count > 10 ? ", ..." : string.Empty);
}

/// <summary>The label value, group and day of each labelled row, taken while profiling.</summary>
internal sealed class KeptRows(bool hasId, bool hasTime)
{
    private readonly Dictionary<string, int> _groupIndex = new(StringComparer.Ordinal);

    public List<int> LabelValues { get; } = [];

    public List<int> Groups { get; } = [];

    /// <summary>The identifier per group (the raw value, or the row number without an id column).</summary>
    public List<string> GroupKeys { get; } = [];

    public List<int>? Days { get; } = hasTime ? [] : null;

    public int Count => LabelValues.Count;

    public void Add(TabularReader reader, int labelValue, ReadOnlySpan<char> account, int? asOf)
    {
        var row = LabelValues.Count;
        LabelValues.Add(labelValue);
        if (hasId)
        {
            var lookup = _groupIndex.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(account, out var group))
            {
                group = GroupKeys.Count;
                var key = account.ToString();
                _groupIndex.Add(key, group);
                GroupKeys.Add(key);
            }

            Groups.Add(group);
        }
        else
        {
            Groups.Add(row);
            GroupKeys.Add(reader.RowNumber.ToString(CultureInfo.InvariantCulture));
        }

        Days?.Add(asOf!.Value);
    }
}
