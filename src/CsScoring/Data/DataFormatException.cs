using System.Globalization;
using System.Text;

namespace CsScoring.Data;

/// <summary>
/// Input data that cannot be read as expected: names the source (file), the data row and the column at fault.
/// </summary>
/// <remarks>
/// <see cref="CsScoringException.Row"/> counts data rows from 1 (the header is not a data row); <see cref="CsScoringException.Line"/> is the physical
/// line in a text file, header included, as an editor shows it.
/// </remarks>
public sealed class DataFormatException : CsScoringException
{
    /// <summary>Creates the exception with no message.</summary>
    public DataFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a location in a data source.</summary>
    /// <param name="problem">What is wrong, e.g. "'abc' is not a number".</param>
    /// <param name="source">The file or stream name, or <see langword="null"/>.</param>
    /// <param name="row">The 1-based data row, or <see langword="null"/> when the problem is not in one row.</param>
    /// <param name="column">The column name, or <see langword="null"/> when the problem is not in one column.</param>
    /// <param name="line">The 1-based physical line, or <see langword="null"/>.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public DataFormatException(string problem, string? source, long? row, string? column, long? line = null, Exception? innerException = null)
        : base(Describe(problem, source, row, column, line), innerException, problem)
    {
        SourceName = source;
        Row = row;
        Column = column;
        Line = line;
    }

    private static string Describe(string problem, string? source, long? row, string? column, long? line)
    {
        var where = new StringBuilder();
        if (source is not null)
        {
            where.Append(source);
        }

        if (row is not null)
        {
            where.Append(where.Length > 0 ? ", " : string.Empty).Append(CultureInfo.InvariantCulture, $"row {row}");
            if (line is not null)
            {
                where.Append(CultureInfo.InvariantCulture, $" (line {line})");
            }
        }

        if (column is not null)
        {
            where.Append(where.Length > 0 ? ", " : string.Empty).Append(CultureInfo.InvariantCulture, $"column '{column}'");
        }

        return where.Length == 0 ? problem : $"{where}: {problem}";
    }
}
