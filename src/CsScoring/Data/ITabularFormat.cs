namespace CsScoring.Data;

/// <summary>
/// A file format that <see cref="TabularReader.Open(string)"/> can read once registered with
/// <see cref="TabularReader.RegisterFormat"/> (for example Parquet, which the lean library leaves to the console).
/// </summary>
/// <remarks>Implementations must be thread-safe: one instance serves every open call.</remarks>
public interface ITabularFormat
{
    /// <summary>Whether this format reads the path (normally decided by its extension, or for a folder by its contents).</summary>
    /// <param name="path">A file or folder path.</param>
    /// <returns><see langword="true"/> to have <see cref="Open(string)"/> called.</returns>
    bool CanOpen(string path);

    /// <summary>Opens the path.</summary>
    /// <param name="path">A path for which <see cref="CanOpen"/> returned <see langword="true"/>.</param>
    /// <returns>A reader positioned before the first data row; errors name the path, row and column.</returns>
    TabularReader Open(string path);

    /// <summary>Opens the path, reading its cells with the given options (missing-value markers, date format).</summary>
    /// <param name="path">A path for which <see cref="CanOpen"/> returned <see langword="true"/>.</param>
    /// <param name="options">The options; a format whose values are typed applies what concerns text cells.</param>
    /// <returns>A reader positioned before the first data row.</returns>
    /// <remarks>The default ignores the options and calls <see cref="Open(string)"/>.</remarks>
    TabularReader Open(string path, TabularReadOptions options) => Open(path);
}
