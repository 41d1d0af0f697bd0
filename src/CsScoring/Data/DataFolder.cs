namespace CsScoring.Data;

/// <summary>A data folder on disk: the input files of a job, laid out like the bundled sample.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class DataFolder : IDataFolder
{
    /// <summary>Opens a folder.</summary>
    /// <param name="directory">The folder's path.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null or empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public DataFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Data folder '{directory}' does not exist.");
        }

        Name = directory;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool Contains(string fileName) => File.Exists(PathOf(fileName));

    /// <inheritdoc />
    public Stream OpenRead(string fileName)
    {
        var path = PathOf(fileName);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan)
            : throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
    }

    private string PathOf(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (Path.GetFileName(fileName) != fileName)
        {
            throw new ArgumentException($"'{fileName}' is not a file name inside the folder.", nameof(fileName));
        }

        return Path.Combine(Name, fileName);
    }
}
