using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CsScoring.Data;

/// <summary>
/// Writes files and directories so that readers see either the old content or the complete new content, never a
/// half-written one, and a failed or interrupted write leaves what was there before intact.
/// </summary>
/// <remarks>
/// <para>
/// Content is written to a temporary sibling (same file system, so the final rename is atomic) and moved into place
/// only after the writer returned without an exception. A temporary is named
/// <c>.NAME.tmp-PID-START-N</c> (the writing process's id and start time in Unix seconds), so a later write into the
/// same folder recognises the temporaries of processes that died (SIGKILL, power loss) and removes them; the
/// temporaries of a live process are left alone.
/// </para>
/// <para>
/// Replacing a directory: on Linux (<c>renameat2</c> with <c>RENAME_EXCHANGE</c>) and macOS (<c>renamex_np</c> with
/// <c>RENAME_SWAP</c>) the new and old directories are swapped in one system call, so a reader polling a file inside
/// the destination always finds it (old or new). Where the file system refuses the swap, and on Windows, the
/// replacement is two renames (old away, new in) and the destination is briefly absent between them.
/// </para>
/// <para>
/// A process that is being stopped (SIGTERM, Ctrl-C) calls <see cref="DiscardPending"/> from its signal handler: the
/// temporaries in progress are deleted and no further output is moved into place.
/// </para>
/// </remarks>
public static partial class AtomicOutput
{
    private const string TemporaryMarker = ".tmp-";
    private static readonly Lock s_gate = new();
    private static readonly HashSet<string> s_pending = new(StringComparer.Ordinal);
    private static readonly long s_processStart = ProcessStartSeconds(Environment.ProcessId);
    private static long s_counter;
    private static bool s_discarding;

    /// <summary>Writes a file through a temporary sibling, then renames it over <paramref name="path"/>.</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="OutputWriteException">
    /// The path is a directory, a parent is a file, the folder is not writable or the disk is full; the message names
    /// <paramref name="path"/>.
    /// </exception>
    /// <exception cref="OperationCanceledException">The process is stopping (<see cref="DiscardPending"/> was called).</exception>
    public static void WriteFile(string path, Action<Stream> write, bool overwrite = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        ThrowIfDiscarding();
        var full = Path.GetFullPath(path);
        if (!overwrite && File.Exists(full))
        {
            throw new OutputExistsException($"Output file '{path}' already exists; pass --force to replace it.", path);
        }

        EnsureWritableFile(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, TemporaryName(Path.GetFileName(full)));
        Register(temporary);
        try
        {
            try
            {
                Directory.CreateDirectory(directory);
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not FileNotFoundException)
            {
                throw WriteFailed(path, ex);
            }

            lock (s_gate)
            {
                ThrowIfDiscarding();
                try
                {
                    File.Move(temporary, full, overwrite);
                }
                catch (IOException ex) when (!overwrite && File.Exists(full))
                {
                    throw new OutputExistsException($"Output file '{path}' was created by another process while this one was writing it.", ex);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw WriteFailed(path, ex);
                }
            }
        }
        finally
        {
            DeleteQuietly(temporary);
            Unregister(temporary);
        }
    }

    /// <summary>Writes a text file atomically with UTF-8 encoding (no byte-order mark).</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="OutputWriteException">As for <see cref="WriteFile"/>.</exception>
    public static void WriteText(string path, Action<TextWriter> write, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteFile(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
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
    /// <exception cref="OutputExistsException">
    /// The path is a file; or the directory exists, is not empty, and <paramref name="force"/> is false; or another
    /// process created it while this one was writing.
    /// </exception>
    /// <exception cref="OutputWriteException">A parent is a file, the folder is not writable or the disk is full; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException">The process is stopping (<see cref="DiscardPending"/> was called).</exception>
    public static void WriteDirectory(string path, Action<string> write, bool force = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        ThrowIfDiscarding();
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(full))
        {
            throw new OutputExistsException($"Output '{path}' is a file, not a directory.", path);
        }

        if (!force && Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new OutputExistsException($"Output directory '{path}' exists and is not empty; pass --force to replace it.", path);
        }

        EnsureWritableParent(Path.Combine(full, "x"));
        var parent = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        SweepStaleTemporaries(parent);
        var temporary = Path.Combine(parent, TemporaryName(name));
        Register(temporary);
        try
        {
            try
            {
                Directory.CreateDirectory(parent);
                Directory.CreateDirectory(temporary);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw WriteFailed(path, ex);
            }

            write(temporary);
            lock (s_gate)
            {
                ThrowIfDiscarding();
                Commit(path, full, temporary, force);
            }
        }
        finally
        {
            DeleteQuietly(temporary);
            Unregister(temporary);
        }
    }

    /// <summary>Checks that a directory could be created or written, without writing anything.</summary>
    /// <param name="path">A path inside the directory (its parent is checked).</param>
    /// <exception cref="OutputWriteException">An ancestor of the path is a file, or the nearest existing ancestor is not writable; the message names <paramref name="path"/>.</exception>
    public static void EnsureWritableParent(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var probe = Path.GetDirectoryName(Path.GetFullPath(path));
        while (probe is not null && !Directory.Exists(probe))
        {
            if (File.Exists(probe))
            {
                throw new OutputWriteException($"Cannot write '{path}': '{probe}' is a file, not a folder.", path, null);
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
            throw new OutputWriteException($"Cannot write '{path}': the folder '{probe}' is not writable ({Reason(ex)}).", path, ex);
        }
    }

    /// <summary>
    /// Checks, before any work starts, that <paramref name="path"/> can be written as a file: it is not a directory,
    /// no parent is a file, and the nearest existing folder is writable.
    /// </summary>
    /// <param name="path">The destination file.</param>
    /// <exception cref="OutputWriteException">The path cannot be written as a file; the message names it and why.</exception>
    public static void EnsureWritableFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) || Path.EndsInDirectorySeparator(path))
        {
            throw new OutputWriteException($"Cannot write '{path}': it is a folder; name a file (for example '{Path.Combine(path, "scores.csv")}').", path, null);
        }

        EnsureWritableParent(path);
    }

    /// <summary>
    /// Deletes every temporary this process is writing and refuses to move any further output into place: call it
    /// from a SIGTERM or Ctrl-C handler just before the process ends, so an interrupted run leaves the old outputs
    /// intact and no temporary behind.
    /// </summary>
    /// <remarks>Waits for a move in progress to finish, so a destination is never left half-replaced. Thread-safe; irreversible for the process.</remarks>
    public static void DiscardPending()
    {
        lock (s_gate)
        {
            s_discarding = true;
            foreach (var temporary in s_pending)
            {
                DeleteQuietly(temporary);
            }

            s_pending.Clear();
        }
    }

    /// <summary>
    /// Removes the temporaries that processes which no longer run left in <paramref name="directory"/> (after SIGKILL
    /// or a power cut). A temporary of a live process is left alone; an old directory that a dead process had moved
    /// aside but not yet replaced is moved back when its destination is missing.
    /// </summary>
    /// <param name="directory">The folder to sweep; nothing happens when it does not exist.</param>
    /// <returns>The number of temporaries removed or restored.</returns>
    /// <remarks>Best effort: an entry that cannot be removed is left for a later sweep.</remarks>
    public static int SweepStaleTemporaries(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var swept = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "." + "*" + TemporaryMarker + "*"))
        {
            var name = Path.GetFileName(entry);
            if (!TryParseTemporary(name, out var target, out var pid, out var start) || IsAlive(pid, start))
            {
                continue;
            }

            try
            {
                // A crash between "old away" and "new in" leaves the previous output under its aside name: restore it.
                if (target.EndsWith(".old", StringComparison.Ordinal) && Directory.Exists(entry)
                    && Path.Combine(directory, target[..^4]) is var original && !Path.Exists(original))
                {
                    Directory.Move(entry, original);
                }
                else if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }

                swept++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Someone else is sweeping or the entry is protected; a later run tries again.
            }
        }

        return swept;
    }

    /// <summary>Whether a file or folder name is one of this class's temporaries (for tests and tools that list outputs).</summary>
    /// <param name="name">A file or folder name (not a path).</param>
    /// <returns><see langword="true"/> for <c>.NAME.tmp-PID-START-N</c> (and the older <c>.NAME.tmp-PID-N</c>).</returns>
    public static bool IsTemporaryName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParseTemporary(name, out _, out _, out _);
    }

    private static void Commit(string path, string full, string temporary, bool force)
    {
        var exists = Directory.Exists(full);
        if (exists && !force && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new OutputExistsException($"Output directory '{path}' was filled by another process while this one was writing it.", path);
        }

        try
        {
            if (exists && TryExchange(temporary, full))
            {
                // The old content now sits under the temporary name, which the caller deletes.
                return;
            }

            if (exists)
            {
                var previous = Path.Combine(Path.GetDirectoryName(full)!, TemporaryName(Path.GetFileName(full) + ".old"));
                Directory.Move(full, previous);
                s_pending.Add(previous);
                try
                {
                    Directory.Move(temporary, full);
                }
                catch
                {
                    Directory.Move(previous, full);
                    s_pending.Remove(previous);
                    throw;
                }

                DeleteQuietly(previous);
                s_pending.Remove(previous);
                return;
            }

            Directory.Move(temporary, full);
        }
        catch (IOException ex) when (!exists && Path.Exists(full))
        {
            throw new OutputExistsException($"Output directory '{path}' was created by another process while this one was writing it; nothing was replaced.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed(path, ex);
        }
    }

    private static OutputWriteException WriteFailed(string path, Exception ex)
        => new($"Cannot write '{path}': {Reason(ex)}. Nothing was replaced.", path, ex);

    // The runtime's message names the temporary file the user never asked for; say what happened instead.
    private static string Reason(Exception ex)
    {
        const int NoSpace = 28, TooBig = 27, ReadOnlyFs = 30, Quota = 122;
        var code = ex.HResult & 0xFFFF;
        if (ex is UnauthorizedAccessException || code == 13)
        {
            return "permission denied";
        }

        if (OperatingSystem.IsWindows())
        {
            return code switch
            {
                0x70 or 0x27 => "the disk is full",
                _ => ex.GetType().Name,
            };
        }

        return code switch
        {
            NoSpace or Quota => "the disk is full",
            TooBig => "the file is larger than the file-size limit allows",
            ReadOnlyFs => "the file system is read-only",
            _ => ex is PathTooLongException ? "the path is too long" : "input/output error (" + ex.GetType().Name + ")",
        };
    }

    private static void ThrowIfDiscarding()
    {
        if (Volatile.Read(ref s_discarding))
        {
            throw new OperationCanceledException("The process is stopping; the output was not written.");
        }
    }

    private static void Register(string temporary)
    {
        lock (s_gate)
        {
            ThrowIfDiscarding();
            s_pending.Add(temporary);
        }
    }

    private static void Unregister(string temporary)
    {
        lock (s_gate)
        {
            s_pending.Remove(temporary);
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's sweep: the name carries this process's id and start time.
        }
    }

    private static string TemporaryName(string name)
        => string.Create(CultureInfo.InvariantCulture, $".{name}{TemporaryMarker}{Environment.ProcessId}-{s_processStart}-{Interlocked.Increment(ref s_counter)}");

    internal static bool TryParseTemporary(string name, out string target, out int pid, out long? start)
    {
        target = string.Empty;
        pid = 0;
        start = null;
        var marker = name.LastIndexOf(TemporaryMarker, StringComparison.Ordinal);
        if (name.Length < 2 || name[0] != '.' || marker <= 1)
        {
            return false;
        }

        var parts = name[(marker + TemporaryMarker.Length)..].Split('-');
        if (parts.Length is < 2 or > 3 || !parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit))
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid))
        {
            return false;
        }

        if (parts.Length == 3)
        {
            start = long.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
        }

        target = name[1..marker];
        return true;
    }

    // A process id can be reused: a live process only owns the temporary when its start time matches too.
    private static bool IsAlive(int pid, long? start)
    {
        if (pid == Environment.ProcessId)
        {
            return start is null || start == s_processStart || s_processStart == 0;
        }

        var actual = ProcessStartSeconds(pid);
        if (actual < 0)
        {
            return false;
        }

        return start is null || actual == 0 || Math.Abs(actual - start.Value) <= 2;
    }

    // Unix seconds the process started; -1 when no such process runs; 0 when it runs but its start is unknown.
    private static long ProcessStartSeconds(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return -1;
            }

            try
            {
                return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
            }
            catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
            {
                return 0;
            }
        }
        catch (ArgumentException)
        {
            return -1;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private static bool TryExchange(string a, string b)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                const int CurrentDirectory = -100;
                const uint RenameExchange = 2;
                return renameat2(CurrentDirectory, CString(a), CurrentDirectory, CString(b), RenameExchange) == 0;
            }

            if (OperatingSystem.IsMacOS())
            {
                const uint RenameSwap = 2;
                return renamex_np(CString(a), CString(b), RenameSwap) == 0;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // An old C library without the call: fall back to two renames.
        }

        return false;
    }

    private static byte[] CString(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    // Blittable signatures (byte arrays, integers): no runtime marshalling, so trimming and native AOT are unaffected.
    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int renameat2(int oldDirectory, byte[] oldPath, int newDirectory, byte[] newPath, uint flags);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int renamex_np(byte[] from, byte[] to, uint flags);
}
