using System.Security.Cryptography;
using System.Text;

namespace CsScoring.Data;

/// <summary>
/// A table read once into memory and then read any number of times through <see cref="CreateReader"/>: the way a
/// job that makes several passes over one input (profiling, training, scoring, joining) reads its file only once.
/// </summary>
/// <remarks>
/// The cells are kept as raw text, exactly as the file holds them, so every reader over the table behaves like a
/// reader over the file: the same columns, the same row and line numbers in errors, the same parsing of values.
/// Memory is the text of the cells plus the cells' lengths: one byte per character while every character is Latin-1
/// (as in most exports) and one byte per cell while every cell is shorter than 256 characters, else two bytes per
/// character and four per cell. For a file of known size the buffers are sized once from its first rows, so a big
/// file is not copied again and again while its buffers grow. Immutable once read; the readers it creates are
/// independent and may run on different threads.
/// </remarks>
public sealed class BufferedTable
{
    private readonly string[] _columns;
    private readonly CellText _cells;
    private readonly long[]? _lines;
    private readonly TabularReadOptions _options;
    private readonly char _decimalMark;
    private readonly DateOrder[] _dateOrders;

    private BufferedTable(string source, string[] columns, CellText cells, long[]? lines, int rows, string? sha256, TabularReader origin)
    {
        _options = origin.Options;
        _decimalMark = origin.DecimalMark;
        _dateOrders = new DateOrder[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            _dateOrders[i] = origin.DateOrderOf(i);
        }

        SourceName = source;
        _columns = columns;
        _cells = cells;
        _lines = lines;
        RowCount = rows;
        Sha256 = sha256;
    }

    /// <summary>The file or stream name that errors report.</summary>
    public string SourceName { get; }

    /// <summary>The column names, in file order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>The SHA-256 of the file's bytes (lower-case hex) when the table was read from a data folder; otherwise <see langword="null"/>.</summary>
    public string? Sha256 { get; }

    /// <summary>Reads the rest of a reader into memory.</summary>
    /// <param name="reader">A reader positioned before its first row; it is read to its end, not disposed.</param>
    /// <returns>The table.</returns>
    /// <exception cref="DataFormatException">A row cannot be read (the reader's own error, naming the row).</exception>
    /// <exception cref="InvalidDataException">The table holds more than 2³¹ characters of cell text.</exception>
    public static BufferedTable Read(TabularReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Read(reader, sha256: null, textCapacity: 0);
    }

    /// <summary>
    /// Reads one delimited-text file of a data folder into memory, opening it once and hashing its bytes on the way.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="fileName">The file's name inside it (CSV; the delimiter is detected).</param>
    /// <returns>The table, with <see cref="Sha256"/> set.</returns>
    /// <exception cref="FileNotFoundException">The folder has no such file.</exception>
    /// <exception cref="DataFormatException">The file is empty, has no header, repeats a column or has a ragged row.</exception>
    public static BufferedTable Read(IDataFolder folder, string fileName) => Read(folder, fileName, TabularReadOptions.Default);

    /// <summary>Reads one delimited-text file of a data folder into memory with the given reading options.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="fileName">The file's name inside it.</param>
    /// <param name="options">Missing-value markers, delimiter, decimal mark, date format, longest cell.</param>
    /// <returns>The table, with <see cref="Sha256"/> set; its readers apply the same options.</returns>
    /// <exception cref="FileNotFoundException">The folder has no such file.</exception>
    /// <exception cref="DataFormatException">The file is empty, has no header, repeats a column, has a ragged row or its decimal mark cannot be told.</exception>
    public static BufferedTable Read(IDataFolder folder, string fileName, TabularReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var stream = folder.OpenRead(fileName);
        var size = stream.CanSeek ? stream.Length : 0;
        using var hashing = new HashingReadStream(stream);
        using var reader = CsvTableReader.Create(new StreamReader(hashing, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true), fileName, options);
        var table = Read(reader, sha256: null, textCapacity: size);
        var sha256 = hashing.Finish();
        return new BufferedTable(table.SourceName, table._columns, table._cells, table._lines, table.RowCount, sha256, reader);
    }

    private static T[] Grown<T>(T[] array, int used, long wanted)
    {
        if (wanted <= array.Length)
        {
            return array;
        }

        var grown = new T[(int)Math.Min(Array.MaxLength, wanted)];
        array.AsSpan(0, used).CopyTo(grown);
        return grown;
    }

    /// <summary>A new reader over the table, positioned before its first row.</summary>
    public TabularReader CreateReader() => new BufferedTableReader(this);

    /// <param name="reader">The reader.</param>
    /// <param name="sha256">The hash of the bytes, when known.</param>
    /// <param name="textCapacity">The file's size in bytes, or 0 when unknown.</param>
    private static BufferedTable Read(TabularReader reader, string? sha256, long textCapacity)
    {
        var columns = reader.Columns.ToArray();
        var cells = new CellText(columns.Length);
        const int SizingRows = 1024;
        List<long>? lines = null;
        var rows = 0;
        while (reader.Read())
        {
            if (reader.LineNumber is { } line)
            {
                lines ??= [];
                lines.Add(line);
            }

            for (var c = 0; c < columns.Length; c++)
            {
                cells.Add(reader.GetSpan(c), reader.SourceName);
            }

            rows++;
            if (rows == SizingRows && textCapacity > 0)
            {
                // From the first rows' text and delimiters, the whole file's cell text and cell count, sized once
                // (5 % spare) instead of growing by copies that hold two buffers at once; growth still covers a miss.
                var bytesPerRow = ((double)cells.Length / rows) + columns.Length;
                var expectedRows = textCapacity / bytesPerRow * 1.05;
                cells.Reserve((long)(expectedRows * cells.Length / rows), (long)(expectedRows * columns.Length));
            }
        }

        // The table lives as long as the job: spare room beyond the estimate's margin goes.
        cells.Trim();
        return new BufferedTable(reader.SourceName, columns, cells, lines is not null && lines.Count == rows ? [.. lines] : null, rows, sha256, reader);
    }

    private sealed class BufferedTableReader(BufferedTable table) : TabularReader
    {
        private int _row = -1;

        public override string SourceName => table.SourceName;

        public override IReadOnlyList<string> Columns => table._columns;

        public override long RowNumber => _row + 1;

        public override TabularReadOptions Options => table._options;

        internal override char DecimalMark => table._decimalMark;

        internal override DateOrder DateOrderOf(int ordinal) => (uint)ordinal < (uint)table._dateOrders.Length ? table._dateOrders[ordinal] : DateOrder.Unknown;

        public override long? LineNumber => table._lines is { } lines && _row >= 0 && _row < table.RowCount ? lines[_row] : null;

        public override bool Read()
        {
            if (_row + 1 >= table.RowCount)
            {
                _row = table.RowCount;
                return false;
            }

            _row++;
            return true;
        }

        public override ReadOnlySpan<char> GetSpan(int ordinal)
        {
            if ((uint)ordinal >= (uint)table._columns.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"{table.SourceName} has {table._columns.Length} columns.");
            }

            if (_row < 0 || _row >= table.RowCount)
            {
                throw new InvalidOperationException("The reader is not on a row; call Read first.");
            }

            return table._cells.Get(((long)_row * table._columns.Length) + ordinal, ordinal, ref _view);
        }

        private CellText.View _view = new();
    }

    /// <summary>Hashes the bytes read through it, so a file is hashed in the same pass that parses it.</summary>
    private sealed class HashingReadStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        /// <summary>Reads what the parser left unread (nothing, for a well-formed file) and returns the hash.</summary>
        public string Finish()
        {
            var buffer = new byte[1 << 16];
            while (Read(buffer, 0, buffer.Length) > 0)
            {
            }

            return Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _hash.AppendData(buffer[..read]);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// The cells' text in file order, stored as compactly as the content allows: Latin-1 bytes until a wider character
    /// arrives (then two-byte characters), and one length byte per cell until a cell reaches 256 characters (then an
    /// end offset per cell). Either switch copies what is held once.
    /// </summary>
    private sealed class CellText(int columns)
    {
        private const int Short = byte.MaxValue;
        private byte[]? _narrow = new byte[1 << 16];
        private char[]? _wide;
        private byte[]? _lengths = new byte[Math.Max(1024, columns * 1024)];
        private int[]? _ends;
        private int[] _rowStarts = new int[1024];
        private int _cells;

        /// <summary>Characters of cell text held.</summary>
        public int Length { get; private set; }

        public void Add(ReadOnlySpan<char> cell, string source)
        {
            if ((long)Length + cell.Length > Array.MaxLength)
            {
                throw new InvalidDataException($"{source}: the table holds more cell text than fits in memory at once.");
            }

            if (_cells % columns == 0)
            {
                var row = _cells / columns;
                if (row == _rowStarts.Length)
                {
                    Array.Resize(ref _rowStarts, (int)Math.Min(Array.MaxLength, _rowStarts.Length + ((long)_rowStarts.Length / 2)));
                }

                _rowStarts[row] = Length;
            }

            if (_narrow is not null && cell.ContainsAnyExceptInRange((char)0, (char)Short))
            {
                _wide = new char[Math.Max(_narrow.Length, 1 << 16)];
                Encoding.Latin1.GetChars(_narrow.AsSpan(0, Length), _wide);
                _narrow = null;
            }

            if (_narrow is not null)
            {
                _narrow = Room(_narrow, Length, cell.Length);
                Encoding.Latin1.GetBytes(cell, _narrow.AsSpan(Length));
            }
            else
            {
                _wide = Room(_wide!, Length, cell.Length);
                cell.CopyTo(_wide.AsSpan(Length));
            }

            Length += cell.Length;
            if (_lengths is not null && cell.Length > Short)
            {
                // A long cell: from here on each cell keeps its end offset.
                _ends = new int[Math.Max(_lengths.Length, 1024)];
                var end = 0;
                for (var i = 0; i < _cells; i++)
                {
                    end += _lengths[i];
                    _ends[i] = end;
                }

                _lengths = null;
            }

            if (_lengths is not null)
            {
                _lengths = Room(_lengths, _cells, 1);
                _lengths[_cells] = (byte)cell.Length;
            }
            else
            {
                _ends = Room(_ends!, _cells, 1);
                _ends[_cells] = Length;
            }

            _cells++;
        }

        public void Reserve(long characters, long cells)
        {
            if (_narrow is not null)
            {
                _narrow = Grown(_narrow, Length, characters);
            }
            else
            {
                _wide = Grown(_wide!, Length, characters);
            }

            if (_lengths is not null)
            {
                _lengths = Grown(_lengths, _cells, cells);
            }
            else
            {
                _ends = Grown(_ends!, _cells, cells);
            }

            _rowStarts = Grown(_rowStarts, _cells / columns, (cells / Math.Max(1, columns)) + 1);
        }

        public void Trim()
        {
            TrimTo(ref _narrow, Length);
            TrimTo(ref _wide, Length);
            TrimTo(ref _lengths, _cells);
            TrimTo(ref _ends, _cells);
            var rowStarts = (int[]?)_rowStarts;
            TrimTo(ref rowStarts, (_cells / Math.Max(1, columns)) + 1);
            _rowStarts = rowStarts!;
        }

        /// <summary>The text of one cell; narrow text is widened into the view's buffer for its column.</summary>
        /// <param name="cell">The cell's index in file order.</param>
        /// <param name="column">Its column (each column has its own buffer, so spans of one row's cells stay valid together).</param>
        /// <param name="view">The reader's buffers.</param>
        public ReadOnlySpan<char> Get(long cell, int column, ref View view)
        {
            int start, length;
            if (_lengths is not null)
            {
                var row = (int)(cell / columns);
                if (view.Row != row)
                {
                    // Each cell's start, from its row's start and the lengths before it, once per row.
                    view.Starts ??= new int[columns];
                    var first = (long)row * columns;
                    var position = _rowStarts[row];
                    for (var c = 0; c < columns; c++)
                    {
                        view.Starts[c] = position;
                        position += _lengths[first + c];
                    }

                    view.Row = row;
                }

                start = view.Starts![column];
                length = _lengths[cell];
            }
            else
            {
                start = cell == 0 ? 0 : _ends![cell - 1];
                length = _ends![cell] - start;
            }

            if (_wide is not null)
            {
                return _wide.AsSpan(start, length);
            }

            view.Buffers ??= new char[columns][];
            var buffer = view.Buffers[column];
            if (buffer is null || buffer.Length < length)
            {
                buffer = view.Buffers[column] = new char[Math.Max(16, length)];
            }

            Encoding.Latin1.GetChars(_narrow.AsSpan(start, length), buffer);
            return buffer.AsSpan(0, length);
        }

        private static T[] Room<T>(T[] array, int used, int more)
            => used + more <= array.Length ? array : Grown(array, used, Math.Max((long)array.Length * 2, (long)used + more));

        private static void TrimTo<T>(ref T[]? array, int used)
        {
            if (array is not null && used < array.Length - (array.Length / 8))
            {
                Array.Resize(ref array, used);
            }
        }

        /// <summary>A reader's buffers: the starts of its current row's cells and one widening buffer per column.</summary>
        public struct View
        {
            public View()
            {
            }

            public int Row { get; set; } = -1;

            public int[]? Starts { get; set; }

            public char[]?[]? Buffers { get; set; }
        }
    }
}
