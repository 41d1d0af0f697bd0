using CsScoring.Data;

// Round-trips a small table through the package's writer and reader: proves the package restores, loads and runs.
var path = Path.Combine(Path.GetTempPath(), $"csscoring-consumer-{Environment.ProcessId}.csv");
AtomicOutput.WriteText(path, text =>
{
    using var csv = new CsvWriter(text);
    csv.WriteRow("account_id", "mrr");
    csv.WriteField("A-1");
    csv.WriteField(1250.5);
    csv.EndRow();
});
using (var reader = TabularReader.Open(path))
{
    reader.Read();
    var mrr = reader.GetDoubleOrNaN(reader.GetOrdinal("mrr"));
    if (mrr != 1250.5)
    {
        Console.Error.WriteLine($"consumer: expected 1250.5, read {mrr}");
        return 1;
    }
}

File.Delete(path);
Console.WriteLine("consumer: CsScoring package works");
return 0;
