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
