using CsScoring.Data;

namespace CsScoring.Tests.Data;

/// <summary>Real exports as spreadsheets, R, pandas and databases write them: markers, separators, decimal marks, dates.</summary>
public sealed class TabularReadOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static List<double> Column(TabularReader reader, int ordinal)
    {
        var values = new List<double>();
        while (reader.Read())
        {
            values.Add(reader.GetDoubleOrNaN(ordinal));
        }

        return values;
    }

    [Theory]
    [InlineData("NA")]
    [InlineData("n/a")]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("NULL")]
    [InlineData("null")]
    [InlineData("N/A")]
    [InlineData("#N/A")]
    [InlineData("None")]
    [InlineData("-")]
    [InlineData("#NULL!")]
    [InlineData("<NA>")]
    [InlineData("\"\"")]
    [InlineData(" NA ")]
    public void GetDoubleOrNaN_MissingMarker_IsNaN(string marker)
    {
        using var reader = TabularReader.Open(Write("m.csv", $"id,csat\nA,4.5\nB,{marker}\nC,3\n"));
        Assert.Equal([4.5, double.NaN, 3], Column(reader, 1));
    }

    [Fact]
    public void IsBlank_MarkerOrUserMarker_IsMissing_ButTextIsNot()
    {
        var options = new TabularReadOptions { MissingValues = ["n.d.", "unknown"] };
        using var reader = TabularReader.Open(Write("m.csv", "id,x\nA,n.d.\nB,UNKNOWN\nC,#N/A\nD,Nancy\nE,-3\nF,na\nG,none\n"), options);
        var blank = new List<bool>();
        while (reader.Read())
        {
            blank.Add(reader.IsBlank(1));
        }

        // "na" (a region code) and "none" (a plan) are values: only the spellings tools write are markers.
        Assert.Equal([true, true, true, false, false, false, false], blank);
    }

    [Fact]
    public void IsMissing_DoesNotAllocate()
    {
        var options = new TabularReadOptions { MissingValues = ["n.d."] };
        var cells = new[] { "12.5", "NA", "#N/A", "n.d.", "Enterprise", " null " };
        options.IsMissing(cells[0]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var missing = 0;
        for (var i = 0; i < 1000; i++)
        {
            foreach (var cell in cells)
            {
                missing += options.IsMissing(cell) ? 1 : 0;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(4000, missing);
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    [InlineData(',')]
    public void Open_EachSeparator_IsDetected(char separator)
    {
        using var reader = TabularReader.Open(Write("s.csv", $"id{separator}mrr{separator}plan\nA{separator}100.5{separator}pro\nB{separator}20{separator}free\n"));
        Assert.Equal(["id", "mrr", "plan"], reader.Columns);
        Assert.Equal([100.5, 20], Column(reader, 1));
    }

    [Fact]
    public void Open_EuropeanExport_ReadsDecimalCommaAndThousandPoints()
    {
        using var reader = TabularReader.Open(Write("eu.csv", "id;mrr;usage_ratio\nA;1.234,56;0,45\nB;99,5;1\nC;2.000;0,05\n"));
        var mrr = new List<double>();
        var ratio = new List<double>();
        while (reader.Read())
        {
            mrr.Add(reader.GetDoubleOrNaN(1));
            ratio.Add(reader.GetDoubleOrNaN(2));
        }

        Assert.Equal([1234.56, 99.5, 2000], mrr);
        Assert.Equal([0.45, 1, 0.05], ratio);
    }

    [Fact]
    public void Open_CommaThousandsInCommaFile_IsAnErrorNamingFileColumnAndOptions()
    {
        var path = Write("amb.csv", "id,mrr\nA,\"1,234\"\nB,\"2,500\"\n");
        var error = Assert.Throws<DataFormatException>(() => TabularReader.Open(path));
        Assert.Equal("mrr", error.Column);
        Assert.Contains("amb.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("--decimal", error.Message, StringComparison.Ordinal);

        using var stated = TabularReader.Open(path, new TabularReadOptions { DecimalMark = '.' });
        Assert.Equal([1234, 2500], Column(stated, 1));
    }

    [Fact]
    public void Open_MixedDecimalMarks_IsAnError()
    {
        var error = Assert.Throws<DataFormatException>(() => TabularReader.Open(Write("mix.csv", "id;a;b\nA;0,5;1.5\n")));
        Assert.Contains("--decimal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDoubleOrNaN_DecimalCommaAfterPointFile_ErrorSaysHowToReadIt()
    {
        using var reader = TabularReader.Open(Write("late.csv", "id;x\nA;1.5\nB;0,25\n"), new TabularReadOptions { DecimalMark = '.' });
        Assert.True(reader.Read());
        Assert.True(reader.Read());
        var error = Assert.Throws<DataFormatException>(() => reader.GetDoubleOrNaN(1));
        Assert.Contains("--decimal ,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDoubleOrNaN_BadGrouping_IsNotANumber()
    {
        using var reader = TabularReader.Open(Write("g.csv", "id,x\nA,\"1,2\"\n"), new TabularReadOptions { DecimalMark = '.' });
        Assert.True(reader.Read());
        Assert.Throws<DataFormatException>(() => reader.GetDoubleOrNaN(1));
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("inf")]
    [InlineData("∞")]
    [InlineData("1e300")]
    [InlineData("-2e15")]
    public void GetDoubleOrNaN_InfiniteOrAbsurd_IsAnError_AndTryGetDoubleCountsIt(string cell)
    {
        var warnings = new DataWarnings();
        using var reader = TabularReader.Open(Write("inf.csv", $"id,x\nA,{cell}\n"), new TabularReadOptions { Warnings = warnings });
        Assert.True(reader.Read());
        var error = Assert.Throws<DataFormatException>(() => reader.GetDoubleOrNaN(1));
        Assert.Contains("infinite or too large", error.Message, StringComparison.Ordinal);
        Assert.False(reader.TryGetDouble(1, out _));
        var warning = Assert.Single(warnings.Items);
        Assert.Equal("x", warning.Column);
        Assert.Equal(1, warning.Count);
    }

    [Fact]
    public void GetDoubleOrNaN_LargeButPlausible_IsKept()
    {
        using var reader = TabularReader.Open(Write("big.csv", "id,x\nA,999999999999999\n"));
        Assert.True(reader.Read());
        Assert.Equal(999999999999999d, reader.GetDoubleOrNaN(1));
    }

    [Theory]
    [InlineData("01/03/2025")]
    [InlineData("01.03.2025")]
    [InlineData("01-03-2025")]
    [InlineData("1/3/25")]
    public void GetDate_AmbiguousDayMonth_IsAnErrorNamingRowColumnAndOption(string cell)
    {
        using var reader = TabularReader.Open(Write("d.csv", $"id,renewal\nA,{cell}\n"));
        Assert.True(reader.Read());
        var error = Assert.Throws<DataFormatException>(() => reader.GetDate(1));
        Assert.Equal(1, error.Row);
        Assert.Equal("renewal", error.Column);
        Assert.Contains("--date-format", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dd/MM/yyyy", 3, 1)]
    [InlineData("MM/dd/yyyy", 1, 3)]
    public void GetDate_StatedFormat_ReadsTheOrderItSays(string format, int month, int day)
    {
        using var reader = TabularReader.Open(Write("d.csv", "id,renewal\nA,01/03/2025\n"), new TabularReadOptions { DateFormat = format });
        Assert.True(reader.Read());
        Assert.Equal(new DateOnly(2025, month, day), reader.GetDate(1));
    }

    [Fact]
    public void GetDate_ColumnWithADayAbove12_InfersDayFirst_AndSaysSo()
    {
        var warnings = new DataWarnings();
        using var reader = TabularReader.Open(Write("d.csv", "id,renewal\nA,01/03/2025\nB,25/12/2024\n"), new TabularReadOptions { Warnings = warnings });
        var note = Assert.Single(warnings.Items);
        Assert.Equal("inferred-date-order", note.Code);
        Assert.Equal("renewal", note.Column);
        Assert.True(reader.Read());
        Assert.Equal(new DateOnly(2025, 3, 1), reader.GetDate(1));
        Assert.True(reader.Read());
        Assert.Equal(new DateOnly(2024, 12, 25), reader.GetDate(1));
    }

    [Fact]
    public void GetDate_ColumnWithAMonthFirstValue_InfersMonthFirst()
    {
        using var reader = TabularReader.Open(Write("d.csv", "id,renewal\nA,01/03/2025\nB,12/25/2024\n"));
        Assert.True(reader.Read());
        Assert.Equal(new DateOnly(2025, 1, 3), reader.GetDate(1));
    }

    [Fact]
    public void GetDate_ColumnMixingOrders_IsAnError()
    {
        using var reader = TabularReader.Open(Write("d.csv", "id,renewal\nA,25/03/2025\nB,12/25/2024\n"));
        Assert.True(reader.Read());
        Assert.Throws<DataFormatException>(() => reader.GetDate(1));
    }

    [Theory]
    [InlineData("2025-03")]
    [InlineData("2025/03")]
    [InlineData("2025-03-01T23:30:00-05:00")]
    [InlineData("2025-03-01T01:30:00+09:00")]
    [InlineData("2025-03-01 08:00:00")]
    [InlineData("2025-03-01")]
    [InlineData("2025/03/01")]
    [InlineData("1 Mar 2025")]
    public void GetDate_IsoOrUnambiguous_KeepsTheLocalDate(string cell)
    {
        using var reader = TabularReader.Open(Write("d.csv", $"id,as_of\nA,{cell}\n"));
        Assert.True(reader.Read());
        Assert.Equal(new DateOnly(2025, 3, 1), reader.GetDate(1));
    }

    [Fact]
    public void TryGetDate_MissingMarker_IsNoDate()
    {
        using var reader = TabularReader.Open(Write("d.csv", "id,renewal\nA,NULL\n"));
        Assert.True(reader.Read());
        Assert.False(reader.TryGetDate(1, out _));
    }

    [Fact]
    public void Read_CellLongerThanTheBuffer_IsRead()
    {
        var note = new string('x', 200_000);
        using var reader = TabularReader.Open(Write("notes.csv", $"id,note\nA,short\nB,\"{note}\"\nC,end\n"));
        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Equal(note.Length, reader.GetSpan(1).Length);
        Assert.True(reader.Read());
        Assert.Equal("end", reader.GetString(1));
    }

    [Fact]
    public void Read_CellLongerThanTheLimit_NamesTheOptionAndTheRightLine()
    {
        var note = new string('x', 5000);
        var options = new TabularReadOptions { MaxCellLength = 1024 };
        using var reader = TabularReader.Open(Write("notes.csv", $"id,note\nA,short\nB,short\nC,\"{note}\"\n"), options);
        Assert.True(reader.Read());
        Assert.True(reader.Read());
        var error = Assert.Throws<DataFormatException>(() => reader.Read());
        Assert.Contains("--max-cell-length", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Row);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Read_MalformedQuote_ReportsTheLineItIsOn()
    {
        using var reader = TabularReader.Open(Write("q.csv", "id,note\nA,ok\nB,\"x\"y\n"));
        Assert.True(reader.Read());
        var error = Assert.Throws<DataFormatException>(() => reader.Read());
        Assert.Equal(2, error.Row);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Read_UndecodableBytes_AreCounted()
    {
        var path = Path.Combine(_directory, "latin1.csv");
        File.WriteAllBytes(path, [.. "id,city\nA,"u8, 0xE9, .. "vry\nB,Paris\nC,"u8, 0xFC, .. "\n"u8]);
        var warnings = new DataWarnings();
        using (var reader = TabularReader.Open(path, new TabularReadOptions { Warnings = warnings }))
        {
            while (reader.Read())
            {
            }
        }

        var warning = Assert.Single(warnings.Items);
        Assert.Equal("undecodable-bytes", warning.Code);
        Assert.Equal(2, warning.Count);
        Assert.Equal(1, warning.FirstRow);
        Assert.Equal("city", warning.Column);
    }

    [Fact]
    public void BufferedTable_KeepsTheReadersRules()
    {
        using var reader = TabularReader.Open(Write("eu.csv", "id;mrr;renewal\nA;0,5;01/03/2025\nB;NA;25/03/2025\n"));
        var table = BufferedTable.Read(reader);
        using var again = table.CreateReader();
        Assert.True(again.Read());
        Assert.Equal(0.5, again.GetDoubleOrNaN(1));
        Assert.Equal(new DateOnly(2025, 3, 1), again.GetDate(2));
        Assert.True(again.Read());
        Assert.True(double.IsNaN(again.GetDoubleOrNaN(1)));
    }

    [Fact]
    public void Options_InvalidValues_Throw()
    {
        Assert.Throws<ArgumentException>(() => new TabularReadOptions { Delimiter = 'x' });
        Assert.Throws<ArgumentException>(() => new TabularReadOptions { DecimalMark = ';' });
        Assert.Throws<ArgumentException>(() => new TabularReadOptions { DateFormat = "yyyy" });
        Assert.Throws<ArgumentException>(() => new TabularReadOptions { MissingValues = [" "] });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TabularReadOptions { MaxCellLength = 10 });
    }
}
