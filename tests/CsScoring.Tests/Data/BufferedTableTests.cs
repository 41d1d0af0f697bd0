using System.Security.Cryptography;
using System.Text;
using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class BufferedTableTests
{
    private const string Csv = "account_id,as_of,mrr\n=A1,2025-01-31,10\n\"@A2\",2025-01-31,\n-A3,2025-02-28,\"1,5\"\n";

    [Fact]
    public void Read_FromAFolder_OpensTheFileOnceAndHashesItsBytes()
    {
        var folder = new MemoryDataFolder(new Dictionary<string, string> { ["accounts.csv"] = Csv });

        var table = BufferedTable.Read(folder, "accounts.csv");

        Assert.Equal(1, folder.Opens["accounts.csv"]);
        Assert.Equal(3, table.RowCount);
        Assert.Equal(["account_id", "as_of", "mrr"], table.Columns);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Csv))), table.Sha256);
    }

    [Fact]
    public void CreateReader_ReplaysEveryCellRaw_AsOftenAsAsked()
    {
        var table = BufferedTable.Read(new MemoryDataFolder(new Dictionary<string, string> { ["a.csv"] = Csv }), "a.csv");

        for (var pass = 0; pass < 2; pass++)
        {
            using var reader = table.CreateReader();
            var cells = new List<string>();
            while (reader.Read())
            {
                cells.Add(reader.GetString(0) + "|" + reader.GetString(2) + "|" + reader.RowNumber);
            }

            Assert.Equal(["=A1|10|1", "@A2||2", "-A3|1,5|3"], cells);
        }
    }

    [Fact]
    public void CreateReader_ErrorsNameTheSourceRowAndColumn()
    {
        var table = BufferedTable.Read(MemoryDataFolder.Table(Csv, "accounts.csv"));
        using var reader = table.CreateReader();
        reader.Read();
        reader.Read();
        reader.Read();

        var error = Assert.Throws<DataFormatException>(() => reader.GetDoubleOrNaN(2));

        Assert.Contains("accounts.csv", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Row);
        Assert.Equal("mrr", error.Column);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Read_FromAReader_HasNoHash()
    {
        var table = BufferedTable.Read(MemoryDataFolder.Table(Csv));

        Assert.Null(table.Sha256);
        Assert.Equal("table.csv", table.SourceName);
    }

    [Fact]
    public void Read_RaggedRow_IsTheFilesOwnError()
    {
        var folder = new MemoryDataFolder(new Dictionary<string, string> { ["a.csv"] = "a,b\n1,2\n3\n" });

        var error = Assert.Throws<DataFormatException>(() => BufferedTable.Read(folder, "a.csv"));

        Assert.Equal(2, error.Row);
    }

    [Fact]
    public void Reader_BeforeRead_Throws()
    {
        using var reader = BufferedTable.Read(MemoryDataFolder.Table(Csv)).CreateReader();

        Assert.Throws<InvalidOperationException>(() => reader.GetSpan(0).ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ManyRows_ReplaysEveryCellAsTheFileReaderReadsIt(bool laterRowsLonger)
    {
        // Past the first rows the buffers are sized once from them: a file whose later rows are longer than the
        // estimate grows them, and every cell still comes back exactly.
        var text = new System.Text.StringBuilder("id,note,amount\n");
        for (var r = 0; r < 3000; r++)
        {
            var note = laterRowsLonger && r > 2000 ? new string('x', 200) + "\"quoted, with comma\"" : "caf\u00e9 " + r.ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"A{r},\"{note.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{r * 1.5}\n");
        }

        var folder = new MemoryDataFolder(new Dictionary<string, string> { ["big.csv"] = text.ToString() });
        var table = BufferedTable.Read(folder, "big.csv");
        using var expected = CsvTableReader.Create(new StringReader(text.ToString()), "big.csv");
        using var actual = table.CreateReader();
        var rows = 0;
        while (expected.Read())
        {
            Assert.True(actual.Read());
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expected.GetString(c), actual.GetString(c));
            }

            rows++;
        }

        Assert.False(actual.Read());
        Assert.Equal(3000, rows);
        Assert.Equal(3000, table.RowCount);
    }

    // Cells come back exactly, whether the table stays compact (Latin-1 bytes, one length byte per cell) or switches
    // part-way to wide characters (a character above U+00FF) or to end offsets (a cell of 256 characters or more), and
    // one row's cells stay valid together.
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1500, 0)]
    [InlineData(0, 1700)]
    [InlineData(1200, 900)]
    [InlineData(3, 2)]
    public void CreateReader_ReturnsEveryCell_InEveryStorageMode(int wideAtRow, int longAtRow)
    {
        var random = new Random(wideAtRow + longAtRow);
        var expected = new List<string[]>();
        var csv = new StringBuilder("id,text,number\n");
        for (var row = 0; row < 2500; row++)
        {
            var text = new string((char)('a' + random.Next(26)), random.Next(0, 12)) + "\u00e9";
            if (wideAtRow > 0 && row >= wideAtRow && row % 7 == 0)
            {
                text += "\u20ac\u65e5";
            }

            if (longAtRow > 0 && row >= longAtRow && row % 11 == 0)
            {
                text += new string('x', 256 + random.Next(300));
            }

            var cells = new[] { "A" + row, text, random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            expected.Add(cells);
            csv.Append(string.Join(',', cells)).Append('\n');
        }

        var table = BufferedTable.Read(new MemoryDataFolder(new Dictionary<string, string> { ["t.csv"] = csv.ToString() }), "t.csv");
        using var reader = table.CreateReader();
        var index = 0;
        while (reader.Read())
        {
            var id = reader.GetSpan(0);
            var text = reader.GetSpan(1);
            var number = reader.GetSpan(2);
            Assert.Equal(expected[index][0], id.ToString());
            Assert.Equal(expected[index][1], text.ToString());
            Assert.Equal(expected[index][2], number.ToString());
            index++;
        }

        Assert.Equal(expected.Count, index);
    }
}
