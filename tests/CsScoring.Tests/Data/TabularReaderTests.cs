using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class TabularReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void GetNumberOrFlagOrNaN_ReadsNumbersAndEveryYesNoSpelling_AndNamesTheCellOtherwise()
    {
        var path = Write("flags.csv", "id,flag\nA,true\nB,FALSE\nC,yes\nD,n\nE,0.25\nF,\nG,maybe\n");
        using var reader = TabularReader.Open(path);
        var read = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            Assert.True(reader.Read());
            read.Add(reader.GetNumberOrFlagOrNaN(1));
        }

        Assert.Equal([1, 0, 1, 0, 0.25, double.NaN], read);
        Assert.True(reader.Read());
        var error = Assert.Throws<DataFormatException>(() => reader.GetNumberOrFlagOrNaN(1));
        Assert.Equal(7, error.Row);
        Assert.Equal("flag", error.Column);
        Assert.Throws<DataFormatException>(() => reader.GetDoubleOrNaN(1));
    }

    [Fact]
    public void Read_ValidFile_ParsesNumbersBlanksAndDates()
    {
        var path = Write("a.csv", "id,x,when\nA,1.5,2024-01-31\nB,,2024-02-29\n");
        using var reader = TabularReader.Open(path);
        Assert.Equal(["id", "x", "when"], reader.Columns);
        Assert.True(reader.Read());
        Assert.Equal(1.5, reader.GetDoubleOrNaN(1));
        Assert.Equal(new DateOnly(2024, 1, 31), reader.GetDate(2));
        Assert.True(reader.Read());
        Assert.True(double.IsNaN(reader.GetDoubleOrNaN(1)));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => TabularReader.Open(Path.Combine(_directory, "none.csv")));

    [Fact]
    public void Open_EmptyFile_ThrowsNamingTheFile()
    {
        var ex = Assert.Throws<DataFormatException>(() => TabularReader.Open(Write("empty.csv", string.Empty)));
        Assert.Equal("empty.csv", ex.SourceName);
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DuplicateColumn_ThrowsNamingTheColumn()
    {
        var ex = Assert.Throws<DataFormatException>(() => TabularReader.Open(Write("dup.csv", "a,b,a\n1,2,3\n")));
        Assert.Equal("a", ex.Column);
    }

    [Fact]
    public void Open_ParquetWithoutARegisteredFormat_ThrowsSayingHowToReadIt()
    {
        var path = Write("table.parquet", "PAR1");
        var error = Assert.Throws<DataFormatException>(() => TabularReader.Open(path));
        Assert.Contains("RegisterFormat", error.Message, StringComparison.Ordinal);
        Assert.Contains("CSV", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegisterFormat_FormatClaimingThePath_OpensIt()
    {
        var format = new SemicolonFormat();
        TabularReader.RegisterFormat(format);
        TabularReader.RegisterFormat(format);
        using var reader = TabularReader.Open(Write("table.semicolons", "a;b\n1;2\n"));
        Assert.Equal(["a", "b"], reader.Columns);
        Assert.True(reader.Read());
        Assert.Equal("2", reader.GetString(1));
        Assert.Equal(1, format.Opened);
    }

    /// <summary>A format of its own: semicolons read by turning them into commas.</summary>
    private sealed class SemicolonFormat : ITabularFormat
    {
        public int Opened { get; private set; }

        public bool CanOpen(string path) => path.EndsWith(".semicolons", StringComparison.Ordinal);

        public TabularReader Open(string path)
        {
            Opened++;
            var csv = Path.ChangeExtension(path, ".csv");
            File.WriteAllText(csv, File.ReadAllText(path).Replace(';', ','));
            return TabularReader.Open(csv);
        }
    }

    [Fact]
    public void Read_RaggedRow_ThrowsWithRowNumber()
    {
        using var reader = TabularReader.Open(Write("ragged.csv", "a,b\n1,2\n3\n"));
        Assert.True(reader.Read());
        var ex = Assert.Throws<DataFormatException>(() => reader.Read());
        Assert.Equal(2, ex.Row);
        Assert.Equal(3, ex.Line);
        Assert.Contains("ragged.csv, row 2 (line 3)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDoubleOrNaN_Text_ThrowsNamingRowAndColumn()
    {
        using var reader = TabularReader.Open(Write("t.csv", "a,b\n1,x\n"));
        Assert.True(reader.Read());
        var ex = Assert.Throws<DataFormatException>(() => reader.GetDoubleOrNaN(1));
        Assert.Equal("b", ex.Column);
        Assert.Equal(1, ex.Row);
    }

    [Fact]
    public void GetOrdinal_AbsentColumn_Throws()
    {
        using var reader = TabularReader.Open(Write("t.csv", "a,b\n1,2\n"));
        var ex = Assert.Throws<DataFormatException>(() => reader.GetOrdinal("c"));
        Assert.Contains("'c'", ex.Message, StringComparison.Ordinal);
    }
}
