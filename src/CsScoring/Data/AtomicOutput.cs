using System.Globalization;

namespace CsScoring.Data;

/// <summary>
/// Writes files and directories so that readers see either the old content or the complete new content, never a
/// half-written one, and a failed write leaves what was there before intact.
/// </summary>
/// <remarks>
/// Content is written to a temporary sibling (same file system, so the final rename is atomic) and moved into place
/// only after the writer returned without an exception.
/// </remarks>
public static class AtomicOutput
{
    private static long s_counter;

    /// <summary>Writes a file through a temporary sibling, then renames it over <paramref name="path"/>.</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void WriteFile(string path, Action<Stream> write, bool overwrite = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        if (!overwrite && File.Exists(full))
        {
            throw new OutputExistsException($"Output file '{path}' already exists; pass --force to replace it.", path);
        }

        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, TemporaryName(Path.GetFileName(full)));
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Writes a text file atomically with UTF-8 encoding (no byte-order mark).</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    public static void WriteText(string path, Action<TextWriter> write, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteFile(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.NewLine = "\n";
            write(writer);
        }, overwrite);
    }

    /// <summary>
    /// Fills a temporary sibling directory and moves it into place as <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The destination directory.</param>
    /// <param name="write">Writes every file into the directory it is given.</param>
    /// <param name="force">Whether an existing non-empty directory may be replaced (it is removed only after the new one is complete).</param>
    /// <exception cref="OutputExistsException">The directory exists, is not empty, and <paramref name="force"/> is false.</exception>
    public static void WriteDirectory(string path, Action<string> write, bool force = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var exists = Directory.Exists(full);
        if (File.Exists(full))
        {
            throw new OutputExistsException($"Output '{path}' is a file, not a directory.", path);
        }

        if (exists && !force && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new OutputExistsException($"Output directory '{path}' exists and is not empty; pass --force to replace it.", path);
        }

        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, TemporaryName(Path.GetFileName(full)));
        var previous = Path.Combine(parent, TemporaryName(Path.GetFileName(full) + ".old"));
        Directory.CreateDirectory(temporary);
        try
        {
            write(temporary);
            if (exists)
            {
                Directory.Move(full, previous);
            }

            try
            {
                Directory.Move(temporary, full);
            }
            catch
            {
                if (exists)
                {
                    Directory.Move(previous, full);
                }

                throw;
            }

            if (exists)
            {
                Directory.Delete(previous, recursive: true);
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    /// <summary>Checks that a directory could be created or written, without writing anything.</summary>
    /// <param name="path">The directory.</param>
    /// <exception cref="UnauthorizedAccessException">The nearest existing ancestor is not writable.</exception>
    /// <exception cref="DirectoryNotFoundException">An ancestor of the path is a file.</exception>
    public static void EnsureWritableParent(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var probe = Path.GetDirectoryName(Path.GetFullPath(path));
        while (probe is not null && !Directory.Exists(probe))
        {
            if (File.Exists(probe))
            {
                throw new DirectoryNotFoundException($"Cannot write '{path}': '{probe}' is a file, not a folder.");
            }

            probe = Path.GetDirectoryName(probe);
        }

        if (probe is null)
        {
            return;
        }

        var test = Path.Combine(probe, TemporaryName("probe"));
        try
        {
            using (File.Create(test, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new UnauthorizedAccessException($"Cannot write under '{probe}': {ex.Message}", ex);
        }
    }

    private static string TemporaryName(string name)
        => string.Create(CultureInfo.InvariantCulture, $".{name}.tmp-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}");
}
