using System.Diagnostics;
using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class AtomicOutputRecoveryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteDirectory_StaleTemporaryOfDeadProcess_IsRemoved()
    {
        var pid = DeadProcessId();
        var stale = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".out.tmp-{pid}-1700000000-1"));
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "model.zip"), "half");
        var oldStyle = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".summary.json.tmp-{pid}-3"));
        File.WriteAllText(oldStyle, "half");

        AtomicOutput.WriteDirectory(Path.Combine(_directory, "out"), d => File.WriteAllText(Path.Combine(d, "a.txt"), "a"));

        Assert.False(Directory.Exists(stale));
        Assert.False(File.Exists(oldStyle));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void SweepStaleTemporaries_TemporaryOfLiveProcess_IsLeft()
    {
        using var live = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var start = new DateTimeOffset(live.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
            var owned = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".out.tmp-{live.Id}-{start}-1"));
            var reused = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".out.tmp-{live.Id}-{start - 3600}-2"));
            Directory.CreateDirectory(owned);
            Directory.CreateDirectory(reused);

            Assert.Equal(1, AtomicOutput.SweepStaleTemporaries(_directory));

            Assert.True(Directory.Exists(owned));
            Assert.False(Directory.Exists(reused)); // same id, other start time: the id was reused
        }
        finally
        {
            live.Kill();
            live.WaitForExit();
        }
    }

    [Fact]
    public void SweepStaleTemporaries_OldOutputMovedAsideByDeadProcess_IsRestored()
    {
        var aside = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".out.old.tmp-{DeadProcessId()}-1700000000-2"));
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "summary.json"), "{}");

        AtomicOutput.SweepStaleTemporaries(_directory);

        Assert.Equal("{}", File.ReadAllText(Path.Combine(_directory, "out", "summary.json")));
    }

    [Fact]
    public void SweepStaleTemporaries_UserFilesThatOnlyLookSimilar_AreLeft()
    {
        File.WriteAllText(Path.Combine(_directory, ".notes.tmp-draft"), "mine");
        File.WriteAllText(Path.Combine(_directory, "report.tmp-1-2-3"), "mine");
        Assert.Equal(0, AtomicOutput.SweepStaleTemporaries(_directory));
        Assert.Equal(2, Directory.GetFiles(_directory).Length);
    }

    [UnixFact]
    public void WriteDirectory_Replace_ReaderPollingAFileNeverFindsItAbsent()
    {
        var target = Path.Combine(_directory, "out");
        AtomicOutput.WriteDirectory(target, d => File.WriteAllText(Path.Combine(d, "summary.json"), "0"));
        var summary = Path.Combine(target, "summary.json");
        using var stop = new CancellationTokenSource();
        var misses = 0;
        var reads = 0;
        using var started = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            started.Set();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    _ = File.ReadAllText(summary);
                    Interlocked.Increment(ref reads);
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    misses++;
                }
            }
        });
        reader.Start();
        started.Wait();
        var replacements = 0;
        while (replacements < 200 || Volatile.Read(ref reads) < 1000)
        {
            var content = (++replacements).ToString(CultureInfo.InvariantCulture);
            AtomicOutput.WriteDirectory(target, d => File.WriteAllText(Path.Combine(d, "summary.json"), content), force: true);
        }

        stop.Cancel();
        reader.Join();
        Assert.Equal(0, misses);
        Assert.Equal(replacements.ToString(CultureInfo.InvariantCulture), File.ReadAllText(summary));
        Assert.Single(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void WriteFile_DiskFull_NamesTheUsersPathNotTheTemporary()
    {
        var target = Path.Combine(_directory, "scores.csv");
        File.WriteAllText(target, "old");
        var full = new IOException("No space left on device : '/x/.scores.csv.tmp-1-2-3'", 28);

        var error = Assert.Throws<OutputWriteException>(() => AtomicOutput.WriteFile(target, _ => throw full));

        Assert.Equal($"Cannot write '{target}': the disk is full. Nothing was replaced.", error.Message);
        Assert.Equal(target, error.Path);
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void WriteDirectory_AnotherRunCreatesTheSameNewFolderMeanwhile_ThrowsOutputExistsAndKeepsTheirs()
    {
        var target = Path.Combine(_directory, "out");
        var error = Assert.Throws<OutputExistsException>(() => AtomicOutput.WriteDirectory(target, d =>
        {
            File.WriteAllText(Path.Combine(d, "summary.json"), "mine");
            Directory.CreateDirectory(target); // the other run finishes first
            File.WriteAllText(Path.Combine(target, "summary.json"), "theirs");
        }));

        Assert.Contains("another process", error.Message, StringComparison.Ordinal);
        Assert.Equal(target, error.Path);
        Assert.Equal("theirs", File.ReadAllText(Path.Combine(target, "summary.json")));
        Assert.Single(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void WriteDirectory_TwoRunsRaceForTheSameNewFolder_OneWinsTheOtherGetsATypedError()
    {
        var target = Path.Combine(_directory, "race");
        using var gate = new Barrier(2);
        var outcomes = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            try
            {
                AtomicOutput.WriteDirectory(target, d =>
                {
                    File.WriteAllText(Path.Combine(d, "who.txt"), i.ToString(CultureInfo.InvariantCulture));
                    gate.SignalAndWait();
                });
            }
            catch (Exception ex)
            {
                outcomes[i] = ex;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Single(outcomes, o => o is null);
        Assert.IsType<OutputExistsException>(Assert.Single(outcomes, o => o is not null));
        Assert.Single(Directory.GetFileSystemEntries(_directory));
        Assert.Single(Directory.GetFiles(target));
    }

    [Fact]
    public void EnsureWritableFile_PathIsADirectory_Throws()
    {
        var error = Assert.Throws<OutputWriteException>(() => AtomicOutput.EnsureWritableFile(_directory));
        Assert.Contains("is a folder", error.Message, StringComparison.Ordinal);
        Assert.Equal(_directory, error.Path);
    }

    [Fact]
    public void EnsureWritableFile_ParentIsAFile_Throws()
    {
        var file = Path.Combine(_directory, "data.csv");
        File.WriteAllText(file, "x");
        var target = Path.Combine(file, "out", "scores.csv");
        var error = Assert.Throws<OutputWriteException>(() => AtomicOutput.EnsureWritableFile(target));
        Assert.Contains($"'{file}' is a file", error.Message, StringComparison.Ordinal);
        Assert.Equal(target, error.Path);
    }

    [NonRootUnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void WriteDirectory_FolderNotWritable_NamesTheUsersPath()
    {
        var locked = Path.Combine(_directory, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var target = Path.Combine(locked, "out");
            var error = Assert.Throws<OutputWriteException>(() => AtomicOutput.WriteDirectory(target, _ => { }));
            Assert.Contains("not writable", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(".tmp-", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void IsTemporaryName_RecognisesBothSpellings()
    {
        Assert.True(AtomicOutput.IsTemporaryName(".out.tmp-12-1700000000-3"));
        Assert.True(AtomicOutput.IsTemporaryName(".out.tmp-12-3"));
        Assert.False(AtomicOutput.IsTemporaryName("out.tmp-12-3"));
        Assert.False(AtomicOutput.IsTemporaryName(".out.tmp-x-3"));
    }

    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}

/// <summary>A fact about POSIX permissions: root writes anywhere and Windows has no mode bits, so it skips there.</summary>
public sealed class NonRootUnixFactAttribute : FactAttribute
{
    public NonRootUnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Windows has no POSIX mode bits; the 'parent is a file' tests cover the pre-check there.";
        }
        else if (Environment.UserName == "root")
        {
            Skip = "Running as root, which may write into a read-only folder; the 'parent is a file' tests cover the pre-check.";
        }
    }
}

/// <summary>A fact about Linux/macOS behaviour (Windows replaces a directory with two renames, as documented).</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            Skip = "Windows replaces a directory with two renames; the window is documented in docs/model-format.md and the README.";
        }
    }
}
