using CsScoring.Churn.Features;
using CsScoring.Data;

namespace CsScoring.Tests.Churn.Features;

// The profiler as it was before its distinct-value table and reading cache: the oracle the fast path must match.
internal sealed class ReferenceColumnProfiler
{
    public const int MaxDistinct = 10_000;

    public const int SampleSize = 200_000;

    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
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

    public ReferenceColumnProfiler(string name, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
        _random = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
    }

    public string Name { get; }

    public void Add(ReadOnlySpan<char> cell, int? asOfDay = null)
    {
        var number = CellText.ParseNumber(cell, TabularReadOptions.Default, '.', out var value);
        DateOnly? date = null;
        if (number == NumberCell.Invalid && DateText.TryParse(cell, out var parsed))
        {
            date = parsed;
        }

        Add(cell, number, value, date, asOfDay);
    }

    public void AddCell(TabularReader reader, int ordinal, int? asOfDay = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var number = reader.ParseNumber(ordinal, out var value);
        if (number == NumberCell.NotFinite)
        {
            reader.WarnNotFinite(ordinal);
        }

        DateOnly? date = null;
        if (number == NumberCell.Invalid && reader.TryGetDate(ordinal, out var parsed))
        {
            date = parsed;
        }

        Add(reader.GetSpan(ordinal), number, value, date, asOfDay);
    }

    private void Add(ReadOnlySpan<char> cell, NumberCell number, double value, DateOnly? date, int? asOfDay)
    {
        _rows++;
        var text = cell.Trim();
        if (number is NumberCell.Missing or NumberCell.NotFinite)
        {
            _blank++;
            return;
        }

        if (number == NumberCell.Number)
        {
            _numeric++;
            if (_integers && Math.Floor(value) != value)
            {
                _integers = false;
            }

            Sample(_numbers, ref _numbersSeen, value);
        }
        else if (date is { } day)
        {
            _date++;
            Sample(_dates, ref _datesSeen, day.DayNumber - (asOfDay ?? DateText.UnixEpochDay));
        }
        else if (text.Length <= 254 && LooksLikeEmail(text))
        {
            _email++;
        }
        else if (LooksLikePhone(text))
        {
            _phone++;
        }

        if (BooleanText.TryParse(text, out var flag))
        {
            _boolean++;
            if (flag)
            {
                _trues++;
            }
        }

        if (_lookup.TryGetValue(text, out var count))
        {
            _lookup[text] = count + 1;
        }
        else if (_values.Count < MaxDistinct)
        {
            _values.Add(text.ToString(), 1);
        }
        else
        {
            _truncated = true;
        }
    }

    public ColumnProfile Build()
    {
        var values = _values.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();
        return new ColumnProfile(Name, _rows, _blank, _numeric, _boolean, _date, _trues, values, _truncated,
            Median(_numbers), Median(_dates), _numeric > 0 && _integers, _email, _phone);
    }

    private void Sample(List<double> sample, ref long seen, double value)
    {
        seen++;
        if (sample.Count < SampleSize)
        {
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

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
