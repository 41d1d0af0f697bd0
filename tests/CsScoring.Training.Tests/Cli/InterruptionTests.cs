using System.Diagnostics;
using System.Globalization;
using CsScoring.Data;
using CsScoring.Training.Sample;

namespace CsScoring.Training.Tests.Cli;

/// <summary>The console as a child process, stopped mid-run the way a scheduler or a user stops it.</summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [UnixProcessFact]
    public void Run_Sigterm_RemovesTheTemporaryAndKeepsTheOldOutput()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 400, Months = 24 }, data);
        var output = Path.Combine(_directory, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "summary.json"), "{\"old\": true}");

        using var child = StartConsole("run", "--data", data, "--out", output, "--force", "--quiet");
        var temporary = WaitFor(() => Directory.GetDirectories(_directory, ".out.tmp-*").FirstOrDefault(), child);
        Assert.True(temporary is not null, "the run never created its temporary folder");
        Thread.Sleep(300); // well inside the pipeline, with files half-written
        Assert.False(child.HasExited, "the run finished before it could be interrupted; give it more data");

        using (var kill = Process.Start("kill", ["-TERM", child.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(child.WaitForExit(30_000), "the run did not stop on SIGTERM");
        Assert.NotEqual(0, child.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_directory, ".out*"));
        Assert.Equal("{\"old\": true}", File.ReadAllText(Path.Combine(output, "summary.json")));
    }

    [UnixProcessFact]
    public void NextRun_StaleTemporaryOfDeadProcess_IsSwept_LiveOneIsLeft()
    {
        int dead;
        using (var gone = Process.Start("true")!)
        {
            gone.WaitForExit();
            dead = gone.Id;
        }

        var stale = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".sample.tmp-{dead}-1700000000-1"));
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "model.zip"), "half a model");
        using var self = Process.GetCurrentProcess();
        var start = new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
        var live = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $".other.tmp-{Environment.ProcessId}-{start}-1"));
        Directory.CreateDirectory(live);

        using var child = StartConsole("generate-sample", "--out", Path.Combine(_directory, "sample"), "--accounts", "30", "--months", "6", "--no-events");
        Assert.True(child.WaitForExit(60_000));
        Assert.True(child.ExitCode == 0, child.StandardError.ReadToEnd());

        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(live));
        Assert.True(File.Exists(Path.Combine(_directory, "sample", "accounts.csv")));
    }

    private static Process StartConsole(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CsScoring.Training.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static string? WaitFor(Func<string?> probe, Process child)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
        {
            if (probe() is { } found)
            {
                return found;
            }

            Thread.Sleep(10);
        }

        return null;
    }
}

/// <summary>Signals and process ids as POSIX has them.</summary>
public sealed class UnixProcessFactAttribute : FactAttribute
{
    public UnixProcessFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "SIGTERM is a POSIX signal; on Windows Ctrl-C takes the same path through PosixSignalRegistration.";
        }
    }
}
