using System.Buffers;
using System.Runtime.InteropServices;
using CsScoring.Data;

namespace CsScoring.Churn.Features;

/// <summary>
/// Accumulates a <see cref="ColumnProfile"/> from a stream of cells, in bounded memory: distinct values are kept up
/// to <see cref="MaxDistinct"/> and numbers up to <see cref="SampleSize"/> (then a seeded reservoir sample).
/// </summary>
/// <remarks>Not thread-safe. Deterministic: the same cells in the same order give the same profile.</remarks>
public sealed class ColumnProfiler
{
    /// <summary>Distinct values tracked before the column counts as high-cardinality.</summary>
    public const int MaxDistinct = 10_000;

    /// <summary>Numbers kept exactly for the median before sampling starts.</summary>
    public const int SampleSize = 200_000;

    private readonly DistinctCells _values = new();
    private readonly List<double> _numbers = [];
    private readonly List<double> _dates = [];
    private ulong _random;
    private long _rows;
    private long _blank;
    private long _numeric;
    private long _boolean;
    private long _date;
    private long _trues;
    private long _email;
    private long _phone;
    private long _numbersSeen;
    private long _datesSeen;
    private bool _truncated;
    private bool _integers = true;

    /// <summary>Creates a profiler.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="seed">Seeds the reservoir sample used beyond <see cref="SampleSize"/> numbers.</param>
    public ColumnProfiler(string name, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        _random = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>Adds one cell, read with the default rules (<see cref="TabularReadOptions.Default"/>: standard
    /// missing-value markers, decimal point, ISO or unambiguous dates).</summary>
    /// <param name="cell">The cell text.</param>
    /// <param name="asOfDay">The row's as-of day number, when dates are measured from a time column; else <see langword="null"/>.</param>
    /// <exception cref="DataFormatException">The cell is a day/month-ambiguous date (<c>01/03/2025</c>).</exception>
    public void Add(ReadOnlySpan<char> cell, int? asOfDay = null)
    {
        var text = cell.Trim();
        if (TryAddKnown(text, TabularReadOptions.Default, '.', DateOrder.Unknown, asOfDay, out var found))
        {
            return;
        }

        var number = CellText.ParseNumber(cell, TabularReadOptions.Default, '.', out var value);
        DateOnly? date = null;
        if (number == NumberCell.Invalid && DateText.TryParse(cell, out var parsed))
        {
            date = parsed;
        }

        _ = Add(text, found, number, value, date, asOfDay);
    }

    /// <summary>Adds the cell of a column in the row a reader is on, read with the reader's rules (missing-value
    /// markers, decimal mark, date format and the column's day/month order).</summary>
    /// <param name="reader">The reader, after a successful <see cref="TabularReader.Read"/>.</param>
    /// <param name="ordinal">The column index.</param>
    /// <param name="asOfDay">The row's as-of day number, when dates are measured from a time column; else <see langword="null"/>.</param>
    /// <exception cref="DataFormatException">The cell is a day/month-ambiguous date; the error names the row and column.</exception>
    /// <remarks>An infinite or absurd number (above <see cref="TabularReadOptions.MaxMagnitude"/>) counts as missing
    /// and is counted in the reader's <see cref="TabularReadOptions.Warnings"/>.</remarks>
    public void AddCell(TabularReader reader, int ordinal, int? asOfDay = null) => AddCellCode(reader, ordinal, asOfDay);

    /// <summary><see cref="AddCell"/>, returning the cell as a <see cref="CellCode"/>: its entry in the distinct
    /// values when it has one, else what it read as.</summary>
    internal uint AddCellCode(TabularReader reader, int ordinal, int? asOfDay = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var cell = reader.GetSpan(ordinal);
        var text = cell.Trim();
        var options = reader.Options;
        var decimalMark = reader.DecimalMark;
        if (TryAddKnown(text, options, decimalMark, reader.DateOrderOf(ordinal), asOfDay, out var found))
        {
            return CellCode.Entry(found);
        }

        var number = CellText.ParseNumber(cell, options, decimalMark, out var value);
        if (number == NumberCell.NotFinite)
        {
            reader.WarnNotFinite(ordinal);
        }

        DateOnly? date = null;
        if (number == NumberCell.Invalid && reader.TryGetDate(ordinal, out var parsed))
        {
            date = parsed;
        }

        var code = Add(text, found, number, value, date, asOfDay);

        // "Nan" reads as a missing number without being a missing-value marker: a date column says so, unlike a blank.
        return code == CellCode.Missing && !options.IsMissingTrimmed(text) ? CellCode.NaNText : code;
    }

    /// <summary>The number of distinct values kept (at most <see cref="MaxDistinct"/>).</summary>
    internal int DistinctCount => _values.Count;

    /// <summary>A distinct value (trimmed text) by its entry index, as a <see cref="CellCode"/> refers to it.</summary>
    internal string DistinctAt(int index) => _values.KeyAt(index);

    /// <summary>The entry index of a trimmed text, or -1 when it is not among the distinct values kept.</summary>
    internal int IndexOfDistinct(ReadOnlySpan<char> text) => _values.IndexOf(text);

    /// <summary>Builds the profile of the cells added so far.</summary>
    /// <returns>The profile.</returns>
    public ColumnProfile Build()
    {
        var values = _values.ToArray();
        Array.Sort(values, static (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        return new ColumnProfile(Name, _rows, _blank, _numeric, _boolean, _date, _trues, values, _truncated,
            Median(_numbers), Median(_dates), _numeric > 0 && _integers, _email, _phone);
    }

    // A value seen before under the same reading rules reads the same again, so its counts come from the first
    // reading: categories repeat on every row, and trying text as a number and as a date is the slow part.
    // The text's entry index is passed on (-1 when absent, -2 when not looked up) so a miss is looked up once.
    private bool TryAddKnown(ReadOnlySpan<char> text, TabularReadOptions options, char decimalMark, DateOrder order, int? asOfDay, out int index)
    {
        index = -2;
        if (!_values.SameRules(options, decimalMark, order))
        {
            _values.ForgetReadings(options, decimalMark, order);
            return false;
        }

        // Missing cells never enter the table; the full reading counts them.
        if (options.IsMissingTrimmed(text))
        {
            return false;
        }

        index = _values.IndexOf(text);
        if (index < 0)
        {
            return false;
        }

        ref readonly var reading = ref _values.ReadingAt(index);
        if (reading.Kind == CellKind.Unread)
        {
            return false;
        }

        _rows++;
        switch (reading.Kind)
        {
            case CellKind.Number:
                _numeric++;
                _integers &= reading.Integer;
                Sample(_numbers, ref _numbersSeen, reading.Value);
                break;
            case CellKind.Date:
                _date++;
                Sample(_dates, ref _datesSeen, (int)reading.Value - (asOfDay ?? DateText.UnixEpochDay));
                break;
            case CellKind.Email:
                _email++;
                break;
            case CellKind.Phone:
                _phone++;
                break;
        }

        if (reading.Flag != 0)
        {
            _boolean++;
            if (reading.Flag > 0)
            {
                _trues++;
            }
        }

        _values.Increment(index);
        return true;
    }

    private uint Add(ReadOnlySpan<char> text, int found, NumberCell number, double value, DateOnly? date, int? asOfDay)
    {
        _rows++;
        if (number is NumberCell.Missing or NumberCell.NotFinite)
        {
            _blank++;
            return number == NumberCell.Missing ? CellCode.Missing : CellCode.NotFinite;
        }

        var kind = CellKind.Text;
        var reading = 0.0;
        if (number == NumberCell.Number)
        {
            kind = CellKind.Number;
            reading = value;
            _numeric++;
            if (_integers && Math.Floor(value) != value)
            {
                _integers = false;
            }

            Sample(_numbers, ref _numbersSeen, value);
        }
        else if (date is { } day)
        {
            kind = CellKind.Date;
            reading = day.DayNumber;
            _date++;
            Sample(_dates, ref _datesSeen, day.DayNumber - (asOfDay ?? DateText.UnixEpochDay));
        }
        else if (text.Length <= 254 && LooksLikeEmail(text))
        {
            kind = CellKind.Email;
            _email++;
        }
        else if (LooksLikePhone(text))
        {
            kind = CellKind.Phone;
            _phone++;
        }

        sbyte flag = 0;
        if (BooleanText.TryParse(text, out var isTrue))
        {
            flag = isTrue ? (sbyte)1 : (sbyte)-1;
            _boolean++;
            if (isTrue)
            {
                _trues++;
            }
        }

        if (found == -2)
        {
            found = _values.IndexOf(text);
        }

        if (found >= 0)
        {
            _values.Increment(found);
            _values.Remember(found, new CellReading(kind, reading, flag));
            return CellCode.Entry(found);
        }

        if (_values.Count < MaxDistinct)
        {
            _values.Add(text, new CellReading(kind, reading, flag));
            return CellCode.Entry(_values.Count - 1);
        }

        // Past the distinct values kept, only what the cell read as is known.
        _truncated = true;
        return kind switch
        {
            CellKind.Number => CellCode.Number(value),
            CellKind.Date => CellCode.Date((int)reading),
            _ => CellCode.OtherText,
        };
    }

    private void Sample(List<double> sample, ref long seen, double value)
    {
        seen++;
        if (sample.Count < SampleSize)
        {
            if (sample.Count == sample.Capacity)
            {
                // Grow to the sample size exactly rather than past it: the last doubling would waste a quarter.
                sample.Capacity = (int)Math.Min(SampleSize, Math.Max(16L, 2L * sample.Capacity));
            }

            sample.Add(value);
            return;
        }

        // Reservoir sampling (Algorithm R) with a seeded xorshift, so big files stay in bounded memory and repeatable.
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        var slot = (long)(_random % (ulong)seen);
        if (slot < SampleSize)
        {
            sample[(int)slot] = value;
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        // Selecting the middle is linear where sorting is not; the values found are those a sort would put there.
        var buffer = ArrayPool<double>.Shared.Rent(values.Count);
        try
        {
            var span = buffer.AsSpan(0, values.Count);
            CollectionsMarshal.AsSpan(values).CopyTo(span);
            var mid = span.Length / 2;
            var upper = Select(span, mid);
            var lower = span.Length % 2 == 1 ? upper : Max(span[..mid]);
            if (upper != 0 && lower != 0)
            {
                return span.Length % 2 == 1 ? upper : (lower + upper) / 2;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }

        // A sort orders -0 and 0 as equals, so only the sort itself says which one lands in the middle.
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    // Hoare's selection: the k-th smallest value in place, with the smaller values before it. The values are finite.
    private static double Select(Span<double> span, int k)
    {
        int lo = 0, hi = span.Length - 1;
        for (var rounds = 0; hi > lo; rounds++)
        {
            if (rounds > 64)
            {
                // Adversarial orders cannot make selection quadratic: sort what is left.
                span[lo..(hi + 1)].Sort();
                return span[k];
            }

            double a = span[lo], b = span[lo + ((hi - lo) >> 1)], c = span[hi];
            var pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            int i = lo, j = hi;
            while (i <= j)
            {
                while (span[i] < pivot)
                {
                    i++;
                }

                while (span[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (span[i], span[j]) = (span[j], span[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return span[k];
            }
        }

        return span[k];
    }

    private static double Max(ReadOnlySpan<double> values)
    {
        var max = values[0];
        foreach (var value in values[1..])
        {
            if (value > max)
            {
                max = value;
            }
        }

        return max;
    }

    private static bool LooksLikeEmail(ReadOnlySpan<char> text)
    {
        var at = text.IndexOf('@');
        if (at <= 0 || at != text.LastIndexOf('@') || text.Contains(' '))
        {
            return false;
        }

        var domain = text[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        return dot > 0 && dot < domain.Length - 2;
    }

    private static bool LooksLikePhone(ReadOnlySpan<char> text)
    {
        if (text.Length is < 7 or > 24)
        {
            return false;
        }

        var digits = 0;
        var separators = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is '+' or '-' or ' ' or '(' or ')' or '.')
            {
                separators++;
            }
            else
            {
                return false;
            }
        }

        return digits is >= 7 and <= 15 && separators > 0;
    }
}
