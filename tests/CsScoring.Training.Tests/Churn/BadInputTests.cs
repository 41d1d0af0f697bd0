using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn;

public sealed class BadInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-bad-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, string[], string> Cases() => new()
    {
        { "missing file", "<none>", [], "does not exist" },
        { "empty file", string.Empty, [], "empty" },
        { "header only", "a,b,Churn\n", [], "no data rows" },
        { "duplicate columns", "a,a,Churn\n1,2,Yes\n", [], "more than once" },
        { "ragged row", "a,b,Churn\n1,2,Yes\n1,2\n", [], "row 2" },
        { "label absent", "a,b,Status\n1,2,Yes\n", [], "'Churn' is absent" },
        { "one class", Rows(40, _ => "No"), [], "one class" },
        { "positive class absent", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--positive", "Churned"], "'Churned' is not present" },
        { "id absent", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--id", "account"], "'account' is absent" },
        { "id blank", "account,a,Churn\nA1,1,Yes\n,2,No\n", ["--id", "account"], "row 2" },
        { "time absent", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--time", "as_of"], "'as_of' is absent" },
        { "time unparsable", "as_of,a,Churn\n2024-01-31,1,Yes\nlast week,2,No\n", ["--time", "as_of"], "row 2" },
        { "entirely missing column", "a,empty,Churn\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i},,{(i % 3 == 0 ? "Yes" : "No")}\n")), [], "'empty'" },
        { "fewer rows than folds", "a,Churn\n1,Yes\n2,No\n3,Yes\n", ["--folds", "10"], "fewer than the 10 folds" },
        { "schema names unknown column", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--schema", "<schema>"], "'nonexistent'" },
        { "label with a third value", Rows(40, i => (i % 3) switch { 0 => "Yes", 1 => "No", _ => "Paused" }), ["--positive", "Yes"], "'Paused' x13" },
        { "label with a third value, any case", Rows(40, i => (i % 4) switch { 0 => "yes", 1 => "No", 2 => "no", _ => "unknown" }), ["--positive", "YES"], "does not split cleanly" },
        { "day-first dates, undecidable", "as_of,a,Churn\n01/03/2024,1,Yes\n02/03/2024,2,No\n", ["--time", "as_of"], "--date-format" },
        { "dates mixing day-first and month-first", "as_of,a,Churn\n25/03/2024,1,Yes\n03/25/2024,2,No\n", ["--time", "as_of"], "--date-format" },
        { "thousands or decimal comma in a comma file", "a,b,Churn\n\"1,234\",1,Yes\n\"2,500\",2,No\n", [], "--decimal" },
        { "thousands or decimal comma in a semicolon file", "a;b;Churn\n1,234;1;Yes\n2,500;2;No\n", [], "--decimal" },
        { "decimal comma and point in one file", "a;b;Churn\n0,5;1.5;Yes\n0,7;2.5;No\n", [], "--decimal" },
        { "conflicting labels for one account and date", "account,as_of,a,Churn\nA1,2024-01-31,1,Yes\nA1,2024-01-31,1,No\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"B{i},2024-01-31,{i},{(i % 3 == 0 ? "Yes" : "No")}\n")), ["--id", "account", "--time", "as_of"], "different labels" },
        { "cell longer than --max-cell-length", "a,note,Churn\n1,\"" + new string('x', 3000) + "\",Yes\n", ["--max-cell-length", "1024"], "--max-cell-length" },
        { "unknown --decimal", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--decimal", ";"], "--decimal" },
        { "unknown --delimiter", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--delimiter", "x"], "--delimiter" },
        { "--date-format without a day", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--date-format", "yyyy"], "--date-format" },
        { "--max-cell-length too small", Rows(40, i => i % 3 == 0 ? "Yes" : "No"), ["--max-cell-length", "10"], "--max-cell-length" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Train_BadInput_ExitsWithTwoAndWritesNothing(string name, string content, string[] extra, string expected)
    {
        var data = Path.Combine(_directory, "data.csv");
        if (content != "<none>")
        {
            File.WriteAllText(data, content);
        }

        var schema = Path.Combine(_directory, "schema.json");
        File.WriteAllText(schema, """{ "columns": { "nonexistent": "numeric" } }""");
        var output = Path.Combine(_directory, "out");
        string[] args = ["train", "--data", data, "--label", "Churn", "--out", output, "--trees", "5", .. extra.Select(e => e == "<schema>" ? schema : e)];

        var (code, _, error) = CliAppTests.Run(args);

        Assert.True(code == ExitCodes.BadInput, $"{name}: exit {code}: {error}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), $"{name}: the output directory was created");
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_directory), e => Path.GetFileName(e).StartsWith(".out", StringComparison.Ordinal));
    }

    private static string Rows(int count, Func<int, string> label)
        => "a,b,Churn\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"{i},{(i * 7) % 11},{label(i)}\n"));
}
