namespace CsScoring.Data;

/// <summary>
/// A file format that <see cref="TabularReader.Open"/> can read once registered with
/// <see cref="TabularReader.RegisterFormat"/> (for example Parquet, which the lean library leaves to the console).
/// </summary>
/// <remarks>Implementations must be thread-safe: one instance serves every <see cref="TabularReader.Open"/> call.</remarks>
public interface ITabularFormat
{
    /// <summary>Whether this format reads the path (normally decided by its extension, or for a folder by its contents).</summary>
    /// <param name="path">A file or folder path.</param>
    /// <returns><see langword="true"/> to have <see cref="Open"/> called.</returns>
    bool CanOpen(string path);

    /// <summary>Opens the path.</summary>
    /// <param name="path">A path for which <see cref="CanOpen"/> returned <see langword="true"/>.</param>
    /// <returns>A reader positioned before the first data row; errors name the path, row and column.</returns>
    TabularReader Open(string path);
}
