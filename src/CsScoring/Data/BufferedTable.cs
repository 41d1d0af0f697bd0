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
/// Memory is the text of the cells plus one offset per cell; for a file of known size both are sized once from its
/// first rows, so a big file is not copied again and again while its buffers grow. Immutable once read; the readers it creates are
/// independent and may run on different threads.
/// </remarks>
public sealed class BufferedTable
{
    private readonly string[] _columns;
    private readonly char[] _text;
    private readonly int[] _ends;
    private readonly long[]? _lines;
    private readonly TabularReadOptions _options;
    private readonly char _decimalMark;
    private readonly DateOrder[] _dateOrders;

    private BufferedTable(string source, string[] columns, char[] text, int[] ends, long[]? lines, int rows, string? sha256, TabularReader origin)
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
        _text = text;
        _ends = ends;
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
        return new BufferedTable(table.SourceName, table._columns, table._text, table._ends, table._lines, table.RowCount, sha256, reader);
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
        var text = new char[1 << 16];
        var length = 0;

        // Offsets grow by half at a time (doubling would hold up to twice the cells' offsets).
        var ends = new int[Math.Max(1024, columns.Length * 1024)];
        const int SizingRows = 1024;
        var cells = 0;
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
                var cell = reader.GetSpan(c);
                if ((long)length + cell.Length > Array.MaxLength)
                {
                    throw new InvalidDataException($"{reader.SourceName}: the table holds more cell text than fits in memory at once.");
                }

                if (length + cell.Length > text.Length)
                {
                    Array.Resize(ref text, (int)Math.Min(Array.MaxLength, Math.Max((long)text.Length * 2, (long)length + cell.Length)));
                }

                cell.CopyTo(text.AsSpan(length));
                length += cell.Length;
                if (cells == ends.Length)
                {
                    Array.Resize(ref ends, (int)Math.Min(Array.MaxLength, ends.Length + ((long)ends.Length / 2)));
                }

                ends[cells++] = length;
            }

            rows++;
            if (rows == SizingRows && textCapacity > 0)
            {
                // From the first rows' text and delimiters, the whole file's cell text and cell count, sized once
                // (5 % spare) instead of growing by copies that hold two buffers at once; growth still covers a miss.
                var bytesPerRow = ((double)length / rows) + columns.Length;
                var expectedRows = textCapacity / bytesPerRow * 1.05;
                text = Grown(text, length, (long)(expectedRows * length / rows));
                ends = Grown(ends, cells, (long)(expectedRows * columns.Length));
            }
        }

        // The table lives as long as the job: spare room beyond the estimate's margin goes.
        if (length < text.Length - (text.Length / 8))
        {
            Array.Resize(ref text, length);
        }

        if (cells < ends.Length - (ends.Length / 8))
        {
            Array.Resize(ref ends, cells);
        }

        return new BufferedTable(reader.SourceName, columns, text, ends, lines is not null && lines.Count == rows ? [.. lines] : null, rows, sha256, reader);
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

            var cell = ((long)_row * table._columns.Length) + ordinal;
            var start = cell == 0 ? 0 : table._ends[cell - 1];
            return table._text.AsSpan(start, table._ends[cell] - start);
        }
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
}
