namespace CsScoring.Data;

/// <summary>
/// Collects counted warnings about input data — cells imputed, rows repeated, ids that match nothing, undecodable
/// bytes — so a job reports how often each happened and where it first did, instead of passing over it in silence.
/// </summary>
/// <remarks>Thread-safe. Warnings with the same <see cref="DataWarning.Code"/>, source and column add up.</remarks>
public sealed class DataWarnings
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _items = [];

    /// <summary>The warnings in the order they were first raised.</summary>
    public IReadOnlyList<DataWarning> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items.Select(e => new DataWarning(e.Code, e.Message, e.Source, e.Column, e.FirstRow, e.Count))];
            }
        }
    }

    /// <summary>Whether nothing was raised.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _items.Count == 0;
            }
        }
    }

    /// <summary>Counts an occurrence of a warning.</summary>
    /// <param name="code">A stable identifier, e.g. <c>imputed-cells</c>.</param>
    /// <param name="message">What happened, in words; the first message of a code, source and column is kept.</param>
    /// <param name="source">The file, or <see langword="null"/>.</param>
    /// <param name="column">The column, or <see langword="null"/>.</param>
    /// <param name="row">The 1-based data row of this occurrence, or <see langword="null"/>.</param>
    /// <param name="count">How many occurrences to add (at least 1).</param>
    public void Add(string code, string message, string? source = null, string? column = null, long? row = null, long count = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            foreach (var item in _items)
            {
                if (item.Code == code && item.Source == source && item.Column == column)
                {
                    item.Count += count;
                    item.FirstRow ??= row;
                    return;
                }
            }

            _items.Add(new Entry(code, message, source, column) { FirstRow = row, Count = count });
        }
    }

    /// <summary>The warnings as lines, one per code, source and column (see <see cref="DataWarning.ToString"/>).</summary>
    /// <returns>The lines, in the order the warnings were first raised.</returns>
    public IReadOnlyList<string> Describe() => [.. Items.Select(w => w.ToString())];

    // Mutable so counting an occurrence allocates nothing.
    private sealed class Entry(string code, string message, string? source, string? column)
    {
        public string Code { get; } = code;

        public string Message { get; } = message;

        public string? Source { get; } = source;

        public string? Column { get; } = column;

        public long? FirstRow { get; set; }

        public long Count { get; set; }
    }
}

/// <summary>One counted warning of <see cref="DataWarnings"/>.</summary>
/// <param name="Code">A stable identifier, e.g. <c>imputed-cells</c>.</param>
/// <param name="Message">What happened.</param>
/// <param name="Source">The file, or <see langword="null"/>.</param>
/// <param name="Column">The column, or <see langword="null"/>.</param>
/// <param name="FirstRow">The 1-based data row of the first occurrence, when known.</param>
/// <param name="Count">How many times it happened.</param>
public sealed record DataWarning(string Code, string Message, string? Source, string? Column, long? FirstRow, long Count)
{
    /// <summary>The warning as one line: count, message, and where it first happened.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var where = Source is null ? "" : $" ({Source}{(Column is null ? "" : $", column '{Column}'")}{(FirstRow is { } r ? $", first at row {r}" : "")})";
        return $"{Message}: {Count}{where}";
    }
}
