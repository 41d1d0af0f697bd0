namespace CsScoring.Data;

/// <summary>
/// A folder of input files addressed by name (<c>accounts.csv</c>, <c>mrr_ledger.csv</c>, ...): the one place a job
/// opens its inputs, so a test or a host can substitute, observe or count what is read.
/// </summary>
/// <remarks>Implementations must be safe to call from one thread at a time; the streams they return are owned by the caller.</remarks>
public interface IDataFolder
{
    /// <summary>The folder's name as messages show it (a path for a folder on disk).</summary>
    string Name { get; }

    /// <summary>Whether the folder holds a file.</summary>
    /// <param name="fileName">The file's name inside the folder, e.g. <c>accounts.csv</c>.</param>
    bool Contains(string fileName);

    /// <summary>Opens a file for reading from its start.</summary>
    /// <param name="fileName">The file's name inside the folder.</param>
    /// <returns>A readable stream the caller disposes.</returns>
    /// <exception cref="FileNotFoundException">The folder has no such file.</exception>
    Stream OpenRead(string fileName);
}

/// <summary>Reading the tables of a <see cref="IDataFolder"/>.</summary>
public static class DataFolderExtensions
{
    /// <summary>Opens one delimited-text file of a folder as a streaming table (one pass; see <see cref="BufferedTable.Read(IDataFolder, string)"/> for several).</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="fileName">The file's name inside it (CSV; the delimiter is detected).</param>
    /// <returns>A reader positioned before the first row; the caller disposes it.</returns>
    /// <exception cref="FileNotFoundException">The folder has no such file.</exception>
    /// <exception cref="DataFormatException">The file is empty, has no header or repeats a column name.</exception>
    public static TabularReader OpenTable(this IDataFolder folder, string fileName) => OpenTable(folder, fileName, TabularReadOptions.Default);

    /// <summary>Opens one delimited-text file of a folder as a streaming table, reading cells with the given options.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="fileName">The file's name inside it.</param>
    /// <param name="options">Missing-value markers, delimiter, decimal mark, date format, longest cell.</param>
    /// <returns>A reader positioned before the first row; the caller disposes it.</returns>
    /// <exception cref="FileNotFoundException">The folder has no such file.</exception>
    /// <exception cref="DataFormatException">The file is empty, has no header, repeats a column name, or its decimal mark cannot be told.</exception>
    public static TabularReader OpenTable(this IDataFolder folder, string fileName, TabularReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var stream = folder.OpenRead(fileName);
        try
        {
            return CsvTableReader.Create(new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16), fileName, options);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
