using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class DataFolderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-folder-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Contains_And_OpenTable_ReadAFileByName()
    {
        File.WriteAllText(Path.Combine(_directory, "mrr_ledger.csv"), "account_id,month,mrr\nA1,2025-01-01,10\n");
        var folder = new DataFolder(_directory);

        using var reader = folder.OpenTable("mrr_ledger.csv");

        Assert.True(folder.Contains("mrr_ledger.csv"));
        Assert.False(folder.Contains("surveys.csv"));
        Assert.True(reader.Read());
        Assert.Equal("A1", reader.GetString(0));
        Assert.Equal("mrr_ledger.csv", reader.SourceName);
    }

    [Fact]
    public void OpenRead_MissingFile_ThrowsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => new DataFolder(_directory).OpenRead("accounts.csv"));

    [Fact]
    public void OpenRead_PathOutsideTheFolder_Throws()
        => Assert.Throws<ArgumentException>(() => new DataFolder(_directory).OpenRead("../accounts.csv"));

    [Fact]
    public void Ctor_MissingFolder_ThrowsDirectoryNotFound()
        => Assert.Throws<DirectoryNotFoundException>(() => new DataFolder(Path.Combine(_directory, "absent")));
}
