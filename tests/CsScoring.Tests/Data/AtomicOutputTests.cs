using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class AtomicOutputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteDirectory_WriterFails_LeavesOldContentAndNoTemporaries()
    {
        var target = Path.Combine(_directory, "model");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");

        Assert.Throws<InvalidOperationException>(() => AtomicOutput.WriteDirectory(target, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "new.txt"), "half");
            throw new InvalidOperationException("boom");
        }, force: true));

        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "old.txt")));
        Assert.Single(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Fact]
    public void WriteDirectory_ExistingWithoutForce_Throws()
    {
        var target = Path.Combine(_directory, "out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "x"), "x");
        Assert.Throws<OutputExistsException>(() => AtomicOutput.WriteDirectory(target, _ => { }));
    }

    [Fact]
    public void WriteDirectory_WithForce_ReplacesWholeDirectory()
    {
        var target = Path.Combine(_directory, "out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");
        AtomicOutput.WriteDirectory(target, dir => File.WriteAllText(Path.Combine(dir, "new.txt"), "new"), force: true);
        Assert.Equal(["new.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteText_WriterFails_KeepsOldFile()
    {
        var target = Path.Combine(_directory, "a.txt");
        File.WriteAllText(target, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicOutput.WriteText(target, w =>
        {
            w.Write("new");
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.EnumerateFiles(_directory));
    }
}
