using System.Globalization;
using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;
using CsScoring.Training.Tests.Cli;
using Microsoft.VisualBasic.FileIO;

namespace CsScoring.Training.Tests.Portfolio;

public sealed class PortfolioCommandTests : IDisposable
{
    private static readonly string[] Hostile = ["=HYPERLINK(\"http://evil\")", "+1", "@SUM(A1)", "<script>alert(1)</script>"];

    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-portfolio-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        var rows = new List<Dictionary<string, string>>();
        while (parser.ReadFields() is { } fields)
        {
            rows.Add(header.Zip(fields).ToDictionary(x => x.First, x => x.Second, StringComparer.Ordinal));
        }

        return rows;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Portfolio_OnAGeneratedSample_TiersByValue_ActsOnRisk_AndWritesSafeCsv()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        SampleGenerator.Generate(new SampleOptions { Accounts = 400, Months = 15 }, data);
        var run = Path.Combine(_directory, "run");
        var (trained, _, trainError) = CliAppTests.Run("run", "--data", data, "--out", run, "--quiet");
        Assert.True(trained == ExitCodes.Success, trainError);

        var accounts = Path.Combine(data, "accounts.csv");
        var lines = File.ReadAllLines(accounts);
        var current = lines.Skip(1).Select(l => l.Split(',')[1]).Max(StringComparer.Ordinal)!;
        var ids = lines.Skip(1).Where(l => l.Split(',')[1] == current).Select(l => l.Split(',')[0]).Take(Hostile.Length).ToList();
        for (var k = 1; k < lines.Length; k++)
        {
            var id = lines[k][..lines[k].IndexOf(',', StringComparison.Ordinal)];
            var at = ids.IndexOf(id);
            if (at >= 0)
            {
                lines[k] = "\"" + Hostile[at].Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" + lines[k][id.Length..];
            }
        }

        // Hostile ids in the snapshots only (the model is trained first, on the clean folder).
        File.WriteAllLines(accounts, lines);

        // One stray future-dated snapshot must not empty the plan.
        var stray = lines.Last(l => l.Split(',')[1] == current);
        File.AppendAllLines(accounts, [stray.Replace("," + current + ",", ",2099-01-31,", StringComparison.Ordinal)]);
        var output = Path.Combine(_directory, "portfolio");
        var (code, stdout, error) = CliAppTests.Run(
            "portfolio", "--accounts", accounts, "--model", Path.Combine(run, "model"), "--scorecard", Path.Combine(FindRepository(), "data", "sample", "scorecard.json"),
            "--playbooks", Path.Combine(FindRepository(), "data", "sample", "playbooks.json"), "--ledger", Path.Combine(data, "mrr_ledger.csv"),
            "--out", output, "--capacity-high", "15", "--json");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("dated after the as-of date", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var summary = json.RootElement;
        var currentCustomers = lines.Skip(1).Count(l => l.Split(',')[1] == current);
        Assert.Equal(currentCustomers, summary.GetProperty("accounts").GetInt32());
        Assert.Equal(1, summary.GetProperty("future_rows_ignored").GetInt32());
        Assert.Equal(current, summary.GetProperty("as_of").GetString());

        var rows = ReadCsv(Path.Combine(output, "portfolio.csv"));
        Assert.Equal(currentCustomers, rows.Count);
        Assert.Equal(
            ["account_id", "arr", "health_score", "health_band", "health_change", "churn_probability", "churn_band", "top_reasons", "potential_value", "expected_value", "value_at_risk", "tier", "priority", "action", "owner", "due", "why"],
            rows[0].Keys.Take(17));

        // Hostile ids are neutralised in the file but joined raw: their rows carry scores.
        foreach (var id in Hostile)
        {
            var expected = id[0] is '=' or '@' ? "'" + id : id; // "+1" is a number and stays one
            var row = Assert.Single(rows, r => r["account_id"] == expected);
            Assert.NotEqual(string.Empty, row["churn_probability"]);
            Assert.NotEqual(string.Empty, row["potential_value"]);
        }

        decimal Money(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
        Assert.All(rows, r => Assert.InRange(Money(r["value_at_risk"]), 0m, Money(r["potential_value"])));
        // Rows stream in the snapshots' order; the priorities rank them 1..n by value at risk.
        var byPriority = rows.OrderBy(r => int.Parse(r["priority"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, rows.Count), byPriority.Select(r => int.Parse(r["priority"], CultureInfo.InvariantCulture)));
        Assert.Equal(byPriority.Select(r => Money(r["value_at_risk"])).OrderDescending(), byPriority.Select(r => Money(r["value_at_risk"])));

        // Capacity 15: high-touch plus escalations fill it; the riskiest of the most valuable are high-touch or escalated.
        Assert.Equal(15, rows.Count(r => r["tier"] == "high_touch" || r["escalated"] == "true"));
        var valuable = rows.OrderByDescending(r => Money(r["potential_value"])).Take(rows.Count * 3 / 10).ToList();
        var riskiest = valuable.Where(r => r["churn_band"] == "high").OrderByDescending(r => double.Parse(r["churn_probability"], CultureInfo.InvariantCulture)).Take(3);
        Assert.All(riskiest, r => Assert.True(r["tier"] == "high_touch" || r["escalated"] == "true", r["account_id"]));

        // Every high-band and every falling-health account has an action with an owner and a due date.
        Assert.All(rows.Where(r => r["churn_band"] == "high" || (r["health_change"].Length > 0 && double.Parse(r["health_change"], CultureInfo.InvariantCulture) <= -15)), r =>
        {
            Assert.NotEqual(string.Empty, r["action"]);
            Assert.NotEqual(string.Empty, r["owner"]);
            Assert.True(DateOnly.Parse(r["due"], CultureInfo.InvariantCulture) > DateOnly.Parse(current, CultureInfo.InvariantCulture));
        });
        Assert.Equal(0, summary.GetProperty("lint").GetProperty("high_risk_without_action").GetInt32());

        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        Assert.Equal(3, plan.RootElement.GetProperty("tiers").GetArrayLength());
        Assert.Equal(rows.Count, plan.RootElement.GetProperty("tiers").EnumerateArray().Sum(t => t.GetProperty("accounts").GetInt32()));
        Assert.Equal(3, plan.RootElement.GetProperty("action_queue").GetArrayLength());

        // The dashboard: one self-contained page naming the book's figures, with every hostile id escaped.
        var dashboard = File.ReadAllText(Path.Combine(output, "dashboard.html"));
        Assert.Contains(rows.Count.ToString("N0", CultureInfo.InvariantCulture), dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", dashboard, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Headcount plan", dashboard, StringComparison.Ordinal);
        Assert.Contains("dashboard.html", summary.GetProperty("files").EnumerateArray().Select(f => f.GetString()));

        // A playbook that only acts on the high band, with a looser fall: the lint and the dashboard count the same
        // at-risk accounts without an action, tier by tier, by the one definition.
        var narrow = Path.Combine(_directory, "narrow.json");
        File.WriteAllText(narrow, """{ "rules": [ { "name": "save", "action": "call", "priority": 1, "why": "High churn risk", "due_days": 7, "conditions": [ { "attribute": "churn_band", "operator": "equal", "text": "high" } ] } ] }""");
        var second = Path.Combine(_directory, "portfolio-narrow");
        var (narrowCode, _, narrowError) = CliAppTests.Run(
            "portfolio", "--accounts", accounts, "--model", Path.Combine(run, "model"), "--scorecard", Path.Combine(FindRepository(), "data", "sample", "scorecard.json"),
            "--playbooks", narrow, "--out", second, "--falling-health-points", "8", "--quiet");
        Assert.True(narrowCode == ExitCodes.Success, narrowError);
        using var narrowPlan = JsonDocument.Parse(File.ReadAllText(Path.Combine(second, "plan.json")));
        var lint = narrowPlan.RootElement.GetProperty("lint");
        Assert.Equal(8, lint.GetProperty("falling_health_points").GetDouble());
        var narrowRows = ReadCsv(Path.Combine(second, "portfolio.csv"));
        var bare = narrowRows.Count(r => r["action"].Length == 0 && r["health_change"].Length > 0 && double.Parse(r["health_change"], CultureInfo.InvariantCulture) <= -8);
        Assert.True(bare > 0);
        Assert.Equal(bare, lint.GetProperty("falling_health_without_action").GetInt32());
        var page = File.ReadAllText(Path.Combine(second, "dashboard.html"));
        var table = page[page.IndexOf("At-risk accounts without an action", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.Contains("health fell 8+ points", table, StringComparison.Ordinal);
        foreach (var tier in lint.GetProperty("tiers").EnumerateArray())
        {
            var name = tier.GetProperty("tier").GetString()!.Replace('_', '-');
            var cells = System.Text.RegularExpressions.Regex.Match(table, name + @"</span></td>((?:<td class=""num[^""]*"">[^<]*</td>){4})").Groups[1].Value;
            var numbers = System.Text.RegularExpressions.Regex.Matches(cells, @">([0-9,]+)<").Select(m => int.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(
                [tier.GetProperty("high_risk_accounts").GetInt32(), tier.GetProperty("high_risk_without_action").GetInt32(), tier.GetProperty("falling_health_accounts").GetInt32(), tier.GetProperty("falling_health_without_action").GetInt32()],
                numbers);
        }
    }

    [Fact]
    public void Portfolio_BadPlaybook_IsAUserErrorNamingTheFileAndPath_AndWritesNothing()
    {
        var playbook = Path.Combine(_directory, "playbooks.json");
        File.WriteAllText(playbook, """{"rules":[{"name":"a","action":"b","priority":1,"colour":"red","conditions":[]}]}""");
        var accounts = Path.Combine(_directory, "accounts.csv");
        File.WriteAllText(accounts, "account_id,as_of\nA,2025-01-31\n");
        var output = Path.Combine(_directory, "out");

        var (code, _, error) = CliAppTests.Run("portfolio", "--accounts", accounts, "--model", _directory, "--scorecard", playbook, "--playbooks", playbook, "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.False(Directory.Exists(output));
        Assert.Contains("playbooks.json", error, StringComparison.Ordinal);
        Assert.Contains("colour", error, StringComparison.Ordinal);
    }

    private static string FindRepository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CsScoring.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}
