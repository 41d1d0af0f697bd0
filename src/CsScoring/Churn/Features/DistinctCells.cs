using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CsScoring.Data;

namespace CsScoring.Churn.Features;

/// <summary>What a profiled cell read as, for the profile's counts.</summary>
internal enum CellKind : byte
{
    /// <summary>Not read under the current rules: the cell must be read again.</summary>
    Unread,
    Number,
    Date,
    Email,
    Phone,
    Text,
}

/// <summary>How a distinct cell text read: its kind, the number or day number, and whether it is a yes/no flag.</summary>
internal readonly struct CellReading(CellKind kind, double value, sbyte flag)
{
    public CellKind Kind { get; } = kind;

    /// <summary>The number, or the date's day number; 0 otherwise.</summary>
    public double Value { get; } = value;

    /// <summary>1 for a yes flag, -1 for a no flag, 0 when not a flag.</summary>
    public sbyte Flag { get; } = flag;

    public bool Integer { get; } = kind == CellKind.Number && Math.Floor(value) == value;
}

/// <summary>
/// The distinct texts of a column with their counts and how each read, in an open-addressing table keyed by the
/// text itself (compared in full, so counts are exact). A miss costs a hash and about one cache line: a column of
/// unique numbers probes this table on every row once it is full.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class DistinctCells
{
    private const int InitialSlots = 16;

    // Past this many texts the table outgrows the fastest caches: a bitmap of hashes seen then answers most misses.
    private const int FilterFrom = 1024;
    private const int FilterBits = 1 << 17;

    // Slot: the text's 32-bit tag above the entry index + 1; 0 is empty.
    private ulong[] _slots = new ulong[InitialSlots];
    private string[] _keys = new string[8];
    private long[] _counts = new long[8];
    private CellReading[] _readings = new CellReading[8];
    private ulong[]? _filter;
    private TabularReadOptions? _options;
    private char _decimalMark;
    private DateOrder _order;

    public int Count { get; private set; }

    /// <summary>Whether the readings kept were made with these rules.</summary>
    public bool SameRules(TabularReadOptions options, char decimalMark, DateOrder order)
        => ReferenceEquals(options, _options) && decimalMark == _decimalMark && order == _order;

    /// <summary>Marks every reading stale (the counts stay) and remembers the rules of the readings to come.</summary>
    public void ForgetReadings(TabularReadOptions options, char decimalMark, DateOrder order)
    {
        _options = options;
        _decimalMark = decimalMark;
        _order = order;
        Array.Clear(_readings);
    }

    /// <summary>The entry index of a text, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> text)
    {
        var hash = Hash(text);
        if (_filter is { } filter && !IsSet(filter, hash))
        {
            return -1;
        }

        var tag = hash & 0xFFFF_FFFF_0000_0000UL;
        var mask = _slots.Length - 1;
        for (var slot = (int)(hash >> 8) & mask; ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                return -1;
            }

            if ((entry & 0xFFFF_FFFF_0000_0000UL) == tag)
            {
                var index = (int)(uint)entry - 1;
                if (text.SequenceEqual(_keys[index]))
                {
                    return index;
                }
            }
        }
    }

    public string KeyAt(int index) => _keys[index];

    public ref readonly CellReading ReadingAt(int index) => ref _readings[index];

    public void Increment(int index) => _counts[index]++;

    public void Remember(int index, CellReading reading) => _readings[index] = reading;

    /// <summary>Adds a text not in the table, counted once.</summary>
    public void Add(ReadOnlySpan<char> text, CellReading reading)
    {
        if (Count == _keys.Length)
        {
            var size = Count * 2;
            Array.Resize(ref _keys, size);
            Array.Resize(ref _counts, size);
            Array.Resize(ref _readings, size);
        }

        // At most five eighths full, so a miss ends within a probe or two.
        if ((Count + 1) * 8L > _slots.Length * 5L)
        {
            Grow();
        }

        var index = Count++;
        _keys[index] = text.ToString();
        _counts[index] = 1;
        _readings[index] = reading;
        var hash = Hash(text);
        Insert(_slots, hash, index);
        if (_filter is { } filter)
        {
            Set(filter, hash);
        }
        else if (Count == FilterFrom)
        {
            _filter = new ulong[FilterBits / 64];
            for (var i = 0; i < Count; i++)
            {
                Set(_filter, Hash(_keys[i]));
            }
        }
    }

    /// <summary>The texts and their counts, in the order first seen.</summary>
    public KeyValuePair<string, long>[] ToArray()
    {
        var pairs = new KeyValuePair<string, long>[Count];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new KeyValuePair<string, long>(_keys[i], _counts[i]);
        }

        return pairs;
    }

    private void Grow()
    {
        var slots = new ulong[_slots.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            Insert(slots, Hash(_keys[i]), i);
        }

        _slots = slots;
    }

    // The filter's bit is taken from hash bits the slot (bits 8 up) and the tag (32 up) use least.
    private static bool IsSet(ulong[] filter, ulong hash)
    {
        var bit = (int)(hash >> 40) & (FilterBits - 1);
        return (filter[bit >> 6] & (1UL << bit)) != 0;
    }

    private static void Set(ulong[] filter, ulong hash)
    {
        var bit = (int)(hash >> 40) & (FilterBits - 1);
        filter[bit >> 6] |= 1UL << bit;
    }

    private static void Insert(ulong[] slots, ulong hash, int index)
    {
        var mask = slots.Length - 1;
        var slot = (int)(hash >> 8) & mask;
        while (slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        slots[slot] = (hash & 0xFFFF_FFFF_0000_0000UL) | (uint)(index + 1);
    }

    // Four characters a step, then a final mix, so the slot bits and the tag bits both depend on every character.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<char> text)
    {
        var hash = (ulong)text.Length * 0x9E3779B97F4A7C15UL;
        var bytes = MemoryMarshal.AsBytes(text);
        while (bytes.Length >= 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * 0xBF58476D1CE4E5B9UL;
            hash ^= hash >> 29;
            bytes = bytes[8..];
        }

        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        hash ^= hash >> 32;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 29);
    }
}
