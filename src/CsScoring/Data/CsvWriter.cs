using System.Globalization;

namespace CsScoring.Data;

/// <summary>
/// Writes RFC 4180 CSV that is safe to open in a spreadsheet: text cells that a spreadsheet would run as a formula
/// (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return) are prefixed with an apostrophe.
/// Numbers are written with the invariant culture and round-trip exactly.
/// </summary>
/// <remarks>Not thread-safe. The writer does not own the <see cref="TextWriter"/> unless told to.</remarks>
public sealed class CsvWriter : IDisposable
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private bool _rowStarted;

    /// <summary>Creates a writer over a text writer.</summary>
    /// <param name="writer">Where the CSV goes.</param>
    /// <param name="ownsWriter">Whether <see cref="Dispose"/> disposes <paramref name="writer"/>.</param>
    public CsvWriter(TextWriter writer, bool ownsWriter = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _ownsWriter = ownsWriter;
    }

    /// <summary>Writes a whole row of text fields.</summary>
    /// <param name="fields">The fields.</param>
    public void WriteRow(params ReadOnlySpan<string?> fields)
    {
        foreach (var field in fields)
        {
            WriteField(field);
        }

        EndRow();
    }

    /// <summary>Writes a text field, quoted when needed and neutralised when it would run as a formula.</summary>
    /// <param name="value">The text; <see langword="null"/> writes an empty cell.</param>
    public void WriteField(string? value)
    {
        Separate();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var guard = IsFormulaLike(value);
        var quote = guard || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote)
        {
            _writer.Write(value);
            return;
        }

        _writer.Write('"');
        if (guard)
        {
            _writer.Write('\'');
        }

        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    /// <summary>Writes a number in its shortest round-trip form; NaN writes an empty cell (missing).</summary>
    /// <param name="value">The number.</param>
    public void WriteField(double value)
    {
        Separate();
        if (double.IsNaN(value))
        {
            return;
        }

        Span<char> buffer = stackalloc char[32];
        if (value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture))
        {
            _writer.Write(buffer[..written]);
        }
        else
        {
            _writer.Write(value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes a number with a fixed format such as <c>F4</c>; NaN writes an empty cell.</summary>
    /// <param name="value">The number.</param>
    /// <param name="format">A .NET numeric format string.</param>
    public void WriteField(double value, string format)
    {
        Separate();
        if (!double.IsNaN(value))
        {
            _writer.Write(value.ToString(format, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes an integer.</summary>
    /// <param name="value">The integer.</param>
    public void WriteField(long value)
    {
        Separate();
        _writer.Write(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a decimal amount (money) exactly.</summary>
    /// <param name="value">The amount.</param>
    public void WriteField(decimal value)
    {
        Separate();
        _writer.Write(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a date as <c>yyyy-MM-dd</c>.</summary>
    /// <param name="value">The date.</param>
    public void WriteField(DateOnly value)
    {
        Separate();
        _writer.Write(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a boolean as <c>1</c> or <c>0</c>.</summary>
    /// <param name="value">The flag.</param>
    public void WriteField(bool value)
    {
        Separate();
        _writer.Write(value ? '1' : '0');
    }

    /// <summary>Writes an empty (missing) cell.</summary>
    public void WriteEmpty() => Separate();

    /// <summary>Ends the current row with a line feed.</summary>
    public void EndRow()
    {
        _writer.Write('\n');
        _rowStarted = false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Flush();
        if (_ownsWriter)
        {
            _writer.Dispose();
        }
    }

    private static bool IsFormulaLike(string value)
    {
        var first = value[0];
        if (first is '=' or '@' or '\t' or '\r')
        {
            return true;
        }

        // "-3.5" and "+2" are numbers a spreadsheet should keep as numbers.
        return first is '+' or '-' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private void Separate()
    {
        if (_rowStarted)
        {
            _writer.Write(',');
        }

        _rowStarted = true;
    }
}
