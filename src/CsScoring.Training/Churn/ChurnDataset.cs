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
/// <remarks>The file is streamed twice: once to profile columns and check the label, id and time; once to map rows.</remarks>
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

    private static ChurnDataset Load(ChurnDataOptions options, Func<TabularReader> open, Func<string> sha256)
    {
        string sourceName;
        var profilers = new List<(int Ordinal, ColumnProfiler Profiler)>();
        // Counted by span, so a row costs no string; sorted once at the end. Keys keep their first spelling, as the
        // sorted dictionary's did.
        var labelTally = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var labelLookup = labelTally.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> rowText = stackalloc char[20];
        long rows = 0, unlabelled = 0;
        var excluded = new HashSet<string>(StringComparer.Ordinal) { options.Label };
        PersonalDataScanner scanner;
        var mark = PhaseTimings.Start();
        using (var reader = open())
        {
            sourceName = reader.SourceName;
            CheckColumns(reader, options, excluded);
            var labelOrdinal = reader.GetOrdinal(options.Label);
            var idOrdinal = options.IdColumn is null ? -1 : reader.GetOrdinal(options.IdColumn);
            var timeOrdinal = options.TimeColumn is null ? -1 : reader.GetOrdinal(options.TimeColumn);
            for (var i = 0; i < reader.Columns.Count; i++)
            {
                if (!excluded.Contains(reader.Columns[i]))
                {
                    profilers.Add((i, new ColumnProfiler(reader.Columns[i], options.Seed)));
                }
            }

            // Judged per account, not per row: monthly snapshots repeat an account's name or address on every row.
            scanner = new PersonalDataScanner([.. profilers.Select(p => reader.Columns[p.Ordinal])]);

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
                if (reader.IsBlank(labelOrdinal))
                {
                    unlabelled++;
                }
                else
                {
                    if (labelLookup.TryGetValue(label, out var count))
                    {
                        labelLookup[label] = count + 1;
                    }
                    else if (labelTally.Count > 1000)
                    {
                        throw reader.Error(labelOrdinal, "the label has more than 1000 distinct values; it is not a binary churn label");
                    }
                    else
                    {
                        labelTally.Add(label.ToString(), 1);
                    }
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

                for (var p = 0; p < profilers.Count; p++)
                {
                    var (ordinal, profiler) = profilers[p];
                    profiler.AddCell(reader, ordinal, asOf);
                    scanner.Add(p, account, reader.GetSpan(ordinal));
                }
            }
        }

        mark = PhaseTimings.Lap("read: profile pass", mark);
        var labelCounts = new SortedDictionary<string, long>(labelTally, StringComparer.OrdinalIgnoreCase);
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
            [.. profilers.Select(p => p.Profiler.Build())],
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
        var dataset = Materialize(options, open, sha256, schema, decisions, positive, labelCounts, rows, unlabelled, (int)labelled, sourceName);
        PhaseTimings.Lap("read: map pass and hash", mark);
        dataset.PersonalColumns = personal;
        dataset.AllowedPersonal = [.. personal.Select(c => c.Name).Where(allowed.Contains)];
        return dataset;
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
