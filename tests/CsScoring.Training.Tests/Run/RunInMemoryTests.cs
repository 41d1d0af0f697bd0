using System.Globalization;
using System.Text.Json;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Training.Health;
using CsScoring.Training.Cli;
using CsScoring.Training.Run;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Run;

/// <summary>The main job hands its results from step to step in memory: ids stay raw and each input is read once.</summary>
public sealed class RunInMemoryTests : IDisposable
{
    private static readonly string[] Prefixes = ["=", "+", "-", "@"];

    private static readonly string[] DataFiles = ["accounts.csv", "mrr_ledger.csv", "truth.csv", "surveys.csv", "usage_events.csv"];

    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-run-memory-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_IdsStartingWithFormulaCharacters_EveryCurrentAccountKeepsItsProbabilityHealthValueAndTier()
    {
        var plain = Generate("plain");
        var prefixed = Path.Combine(_directory, "prefixed");
        Directory.CreateDirectory(prefixed);
        foreach (var file in DataFiles)
        {
            PrefixIds(Path.Combine(plain, file), Path.Combine(prefixed, file));
        }

        var expected = RunAndReadPortfolio(plain, "out-plain");
        var actual = RunAndReadPortfolio(prefixed, "out-prefixed");

        var current = CurrentAccounts(Path.Combine(prefixed, "accounts.csv"));
        Assert.All(current, id => Assert.Contains(Prefixes, p => id.StartsWith(p, StringComparison.Ordinal)));
        Assert.Equal(current.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (id, row) in actual)
        {
            var before = expected[Unprefixed(id)];
            Assert.False(string.IsNullOrEmpty(row["churn_probability"]), $"{id} lost its churn probability");
            Assert.False(string.IsNullOrEmpty(row["health_band"]), $"{id} lost its health");
            Assert.False(string.IsNullOrEmpty(row["tier"]), $"{id} lost its tier");
            foreach (var column in new[] { "churn_probability", "churn_band", "health_score", "health_band", "health_change", "potential_value", "value_at_risk", "tier", "rule" })
            {
                Assert.True(before[column] == row[column], $"{id}: {column} is '{row[column]}' but '{before[column]}' with an ordinary id");
            }
        }

        // Every paying current account has a potential value; with ordinary ids it is the same set.
        Assert.Equal(expected.Values.Count(r => r["potential_value"] != "0"), actual.Values.Count(r => r["potential_value"] != "0"));
        Assert.True(actual.Values.Count(r => r["potential_value"] != "0") > actual.Count / 2);
    }

    [Fact]
    public void Run_OpensEachInputFileOnce_AndReadsNothingElse()
    {
        var data = Generate("data");
        File.WriteAllText(Path.Combine(data, "scorecard.json"), ScorecardJson.Serialize(ScorecardSource.Load(path: null)));
        var folder = new CountingFolder(data);
        var output = Path.Combine(_directory, "out");
        Directory.CreateDirectory(output);
        var context = new RunContext(folder, output, seed: 42, new CliConsole(json: false, quiet: true));

        new RunPipeline().Execute(context);

        Assert.Equal(1, folder.Opens["accounts.csv"]);
        Assert.Equal(1, folder.Opens["mrr_ledger.csv"]);
        Assert.Equal(1, folder.Opens["truth.csv"]);
        Assert.Equal(1, folder.Opens["scorecard.json"]);
        Assert.All(folder.Opens, open => Assert.True(open.Value == 1, $"{open.Key} was opened {open.Value} times"));
        Assert.Contains("portfolio.csv", context.Artifacts);
        Assert.True(File.Exists(Path.Combine(output, "portfolio.csv")));
    }

    private string Generate(string name)
    {
        var data = Path.Combine(_directory, name);
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 300, Months = 15 }, data);
        return data;
    }

    private Dictionary<string, Dictionary<string, string>> RunAndReadPortfolio(string data, string name)
    {
        var output = Path.Combine(_directory, name);
        var (code, stdout, error) = CliAppTests.Run("run", "--data", data, "--out", output, "--json", "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var rows = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        using var reader = TabularReader.Open(Path.Combine(output, "portfolio.csv"));
        while (reader.Read())
        {
            var row = reader.Columns.Select((c, i) => (c, reader.GetString(i))).ToDictionary(x => x.c, x => x.Item2, StringComparer.Ordinal);
            rows.Add(SpreadsheetText(row["account_id"]), row);
        }

        Assert.Equal(json.RootElement.GetProperty("portfolio").GetProperty("accounts").GetInt32(), rows.Count);
        return rows;
    }

    // The file is for spreadsheets: a cell that would run as a formula is written with a leading apostrophe.
    private static string SpreadsheetText(string cell)
        => cell.Length > 1 && cell[0] == '\'' && Prefixes.Contains(cell[1].ToString()) ? cell[1..] : cell;

    private static string Unprefixed(string id) => Prefixes.Contains(id[..1]) ? id[1..] : id;

    private static List<string> CurrentAccounts(string accounts)
    {
        var latest = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        using var reader = TabularReader.Open(accounts);
        while (reader.Read())
        {
            var date = reader.GetDate(1);
            var id = reader.GetString(0);
            latest[id] = latest.TryGetValue(id, out var seen) && seen > date ? seen : date;
        }

        var last = latest.Values.Max();
        return [.. latest.Where(p => p.Value == last).Select(p => p.Key)];
    }

    private static void PrefixIds(string source, string target)
    {
        var lines = File.ReadAllLines(source);
        for (var i = 1; i < lines.Length; i++)
        {
            var comma = lines[i].IndexOf(',', StringComparison.Ordinal);
            var id = lines[i][..comma];
            var number = int.Parse(id.AsSpan(1), CultureInfo.InvariantCulture);
            lines[i] = Prefixes[number % Prefixes.Length] + lines[i];
        }

        File.WriteAllLines(target, lines);
    }

    /// <summary>The files of a folder, served from memory under a name that is no path, counting each open.</summary>
    private sealed class CountingFolder : IDataFolder
    {
        private readonly Dictionary<string, byte[]> _files;

        public CountingFolder(string directory)
            => _files = Directory.GetFiles(directory).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes, StringComparer.Ordinal);

        public string Name => "in-memory data";

        public Dictionary<string, int> Opens { get; } = new(StringComparer.Ordinal);

        public bool Contains(string fileName) => _files.ContainsKey(fileName);

        public Stream OpenRead(string fileName)
        {
            Opens[fileName] = Opens.GetValueOrDefault(fileName) + 1;
            return new MemoryStream(_files[fileName], writable: false);
        }
    }
}
