namespace CsScoring.Privacy;

/// <summary>What a value of a scanned column reads as: number flags and at most one shape.</summary>
[Flags]
internal enum ValueKind : byte
{
    /// <summary>Not read yet.</summary>
    Unknown = 0,

    /// <summary>Read; with no other flag, free text.</summary>
    Classified = 1,
    Numeric = 2,

    /// <summary>A number below a million in magnitude.</summary>
    Small = 4,
    Date = 1 << 3,
    Email = 2 << 3,
    Ip = 3 << 3,
    Phone = 4 << 3,
    Address = 5 << 3,
    PersonName = 6 << 3,
    ShapeMask = 7 << 3,
}

/// <summary>
/// A set of 64-bit hashes with open addressing: eight bytes a slot and no per-entry links, so a column's set at the
/// scanner's cap is half the size of a <see cref="HashSet{T}"/> of longs and a probe touches one cache line.
/// </summary>
internal sealed class LongSet
{
    private ulong[] _slots = new ulong[16];
    private bool _hasZero;

    public int Count { get; private set; }

    /// <summary>Adds a value.</summary>
    /// <returns><see langword="false"/> when it was already there.</returns>
    public bool Add(long value)
    {
        var key = (ulong)value;
        if (key == 0)
        {
            // 0 marks an empty slot, so the value 0 is kept aside.
            if (_hasZero)
            {
                return false;
            }

            _hasZero = true;
            Count++;
            return true;
        }

        var mask = _slots.Length - 1;
        for (var slot = Slot(key, mask); ; slot = (slot + 1) & mask)
        {
            var current = _slots[slot];
            if (current == key)
            {
                return false;
            }

            if (current == 0)
            {
                _slots[slot] = key;
                Count++;
                // At most four fifths full: 50,000 values fit 65,536 slots.
                if (Count * 5L > _slots.Length * 4L)
                {
                    Grow(_slots.Length < 1 << 16 ? 4 : 2);
                }

                return true;
            }
        }
    }

    private static int Slot(ulong key, int mask) => (int)((key * 0x9E3779B97F4A7C15UL) >> 32) & mask;

    // Growing fourfold while small halves the rehashing on the way to the scanner's cap.
    private void Grow(int factor)
    {
        var slots = new ulong[_slots.Length * factor];
        var mask = slots.Length - 1;
        foreach (var key in _slots)
        {
            if (key != 0)
            {
                var slot = Slot(key, mask);
                while (slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                slots[slot] = key;
            }
        }

        _slots = slots;
    }
}

/// <summary>
/// Counts the distinct 64-bit hashes appended to it when asked: appending is sequential, where a set would touch a
/// random cache line per value, and the scanner needs only the counts at the end.
/// </summary>
internal sealed class HashTally
{
    private long[] _items = new long[16];
    private int _count;
    private int _distinct;

    public void Add(long value)
    {
        if (_count == _items.Length)
        {
            // Duplicates are dropped before the buffer grows, so it stays within the distinct values and the new ones.
            DistinctCount();
            if (_count * 2 > _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }
        }

        _items[_count++] = value;
    }

    /// <summary>The number of distinct values appended.</summary>
    public int DistinctCount()
    {
        if (_distinct == _count)
        {
            return _count;
        }

        var items = _items.AsSpan(0, _count);
        items.Sort();
        var kept = 1;
        for (var i = 1; i < items.Length; i++)
        {
            if (items[i] != items[kept - 1])
            {
                items[kept++] = items[i];
            }
        }

        _count = _distinct = kept;
        return kept;
    }
}

/// <summary>
/// How a column's first distinct values read, keyed by their text (compared in full, so a hash collision cannot
/// lend one value's reading to another). Bounded: values past the first <see cref="MaxEntries"/> are read each time.
/// </summary>
internal sealed class ValueKinds
{
    /// <summary>Values remembered; categories fit, and a column of unique values costs little.</summary>
    public const int MaxEntries = 1024;

    private int[] _slots = new int[16];
    private long[] _hashes = new long[8];
    private string[] _texts = new string[8];
    private ValueKind[] _kinds = new ValueKind[8];
    private int _count;

    /// <summary>The reading of a text, or <see cref="ValueKind.Unknown"/>.</summary>
    public ValueKind Find(long hash, ReadOnlySpan<char> text)
    {
        var mask = _slots.Length - 1;
        for (var slot = Slot(hash, mask); ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return ValueKind.Unknown;
            }

            if (_hashes[entry] == hash && text.SequenceEqual(_texts[entry]))
            {
                return _kinds[entry];
            }
        }
    }

    /// <summary>Remembers a text's reading unless full; the text must not be there yet.</summary>
    public void TryAdd(long hash, ReadOnlySpan<char> text, ValueKind kind)
    {
        if (_count == MaxEntries)
        {
            return;
        }

        if (_count == _texts.Length)
        {
            Array.Resize(ref _hashes, _count * 2);
            Array.Resize(ref _texts, _count * 2);
            Array.Resize(ref _kinds, _count * 2);
        }

        if ((_count + 1) * 2 > _slots.Length)
        {
            _slots = new int[_slots.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                Insert(_hashes[i], i);
            }
        }

        _hashes[_count] = hash;
        _texts[_count] = text.ToString();
        _kinds[_count] = kind;
        Insert(hash, _count);
        _count++;
    }

    private static int Slot(long hash, int mask) => (int)(((ulong)hash * 0x9E3779B97F4A7C15UL) >> 32) & mask;

    private void Insert(long hash, int index)
    {
        var mask = _slots.Length - 1;
        var slot = Slot(hash, mask);
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _slots[slot] = index + 1;
    }
}
