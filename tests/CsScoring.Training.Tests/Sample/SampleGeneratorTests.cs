using System.Globalization;
using CsScoring.Data;
using CsScoring.Training.Sample;

namespace CsScoring.Training.Tests.Sample;

public sealed class SampleGeneratorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-sample-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (string Path, SampleSummary Summary) Generate(SampleOptions options, string name = "s")
    {
        var path = Path.Combine(_directory, name);
        Directory.CreateDirectory(path);
        return (path, SampleGenerator.Generate(options, path));
    }

    [Fact]
    public void Generate_SameSeed_WritesTheSameBytes()
    {
        var options = new SampleOptions { Accounts = 80, Months = 12, Seed = 7 };
        var (a, _) = Generate(options, "a");
        var (b, _) = Generate(options, "b");
        var (c, _) = Generate(options with { Seed = 8 }, "c");
        foreach (var file in Directory.GetFiles(a).Select(Path.GetFileName))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file!)), File.ReadAllBytes(Path.Combine(b, file!)));
        }

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "accounts.csv")), File.ReadAllBytes(Path.Combine(c, "accounts.csv")));
    }

    [Fact]
    public void Generate_AccountsFile_HasTheDocumentedColumnsAndTypes()
    {
        var (path, summary) = Generate(new SampleOptions { Accounts = 150, Months = 12 });
        using var reader = TabularReader.Open(Path.Combine(path, SampleGenerator.AccountsFile));
        Assert.Equal(SampleGenerator.AccountColumns, reader.Columns);
        var rows = 0;
        while (reader.Read())
        {
            rows++;
            Assert.Matches("^A[0-9]{6}$", reader.GetString(0));
            var asOf = reader.GetDate(reader.GetOrdinal("as_of"));
            Assert.Equal(DateTime.DaysInMonth(asOf.Year, asOf.Month), asOf.Day);
            Assert.Contains(reader.GetString(reader.GetOrdinal("plan")), SampleGenerator.Plans);
            Assert.Contains(reader.GetString(reader.GetOrdinal("region")), SampleGenerator.Regions);
            Assert.Contains(reader.GetString(reader.GetOrdinal("contract_type")), new[] { "monthly", "annual" });
            Assert.True(reader.GetDate(reader.GetOrdinal("renewal_date")) > asOf);
            Assert.True(reader.GetDoubleOrNaN(reader.GetOrdinal("seats")) >= 1);
            Assert.True(reader.GetDoubleOrNaN(reader.GetOrdinal("mrr")) > 0);
            var dauMau = reader.GetDoubleOrNaN(reader.GetOrdinal("dau_mau"));
            Assert.True(double.IsNaN(dauMau) || dauMau is > 0 and < 1);
            var nps = reader.GetDoubleOrNaN(reader.GetOrdinal("last_nps"));
            Assert.True(double.IsNaN(nps) || nps is >= 0 and <= 10);
            var csat = reader.GetDoubleOrNaN(reader.GetOrdinal("csat"));
            Assert.True(double.IsNaN(csat) || csat is >= 1 and <= 5);
            Assert.True(reader.GetDoubleOrNaN(reader.GetOrdinal("severe_tickets_90d")) <= reader.GetDoubleOrNaN(reader.GetOrdinal("tickets_90d")));
            Assert.Contains(reader.GetString(reader.GetOrdinal("onboarding_completed")), new[] { "0", "1" });
            Assert.Contains(reader.GetString(reader.GetOrdinal("churned_within_90d")), new[] { "0", "1", string.Empty });
        }

        Assert.Equal(summary.Snapshots, rows);
    }

    [Fact]
    public void Generate_RenewalDates_FallOnTheContractsAnniversaryDay()
    {
        var (path, _) = Generate(new SampleOptions { Accounts = 200, Months = 12 });
        using var reader = TabularReader.Open(Path.Combine(path, SampleGenerator.AccountsFile));
        var monthlyDays = new HashSet<long>();
        var dayOfAccount = new Dictionary<string, int>(StringComparer.Ordinal);
        var annualDays = new List<long>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            var asOf = reader.GetDate(reader.GetOrdinal("as_of"));
            var renewal = reader.GetDate(reader.GetOrdinal("renewal_date"));
            var days = (long)reader.GetDoubleOrNaN(reader.GetOrdinal("days_to_renewal"));
            Assert.Equal(renewal.DayNumber - asOf.DayNumber, days);

            // One signing day per account, whatever the snapshot; a monthly contract renews next month on it.
            Assert.Equal(dayOfAccount.TryAdd(id, renewal.Day) ? renewal.Day : dayOfAccount[id], renewal.Day);
            if (reader.GetString(reader.GetOrdinal("contract_type")) == "monthly")
            {
                Assert.Equal(asOf.AddDays(1).Month, renewal.Month);
                monthlyDays.Add(days);
            }
            else
            {
                Assert.InRange(days, 1, 366);
                annualDays.Add(days);
            }
        }

        // Monthly renewals spread over the month rather than all falling "tomorrow".
        Assert.True(monthlyDays.Count >= 20, $"monthly days to renewal take only {monthlyDays.Count} values");
        Assert.True(annualDays.Count(d => d > 31) > annualDays.Count / 2);
    }

    [Fact]
    public void Generate_Label_IsBlankOnlyWhereTheWindowPassesTheEnd_AndMatchesTheNextThreeMonths()
    {
        var options = new SampleOptions { Accounts = 300, Months = 12 };
        var (path, _) = Generate(options);
        var present = new HashSet<(string, DateOnly)>();
        var rows = new List<(string Id, DateOnly AsOf, string Label)>();
        using (var reader = TabularReader.Open(Path.Combine(path, SampleGenerator.AccountsFile)))
        {
            while (reader.Read())
            {
                var row = (reader.GetString(0), reader.GetDate(1), reader.GetString(reader.GetOrdinal("churned_within_90d")));
                rows.Add(row);
                present.Add((row.Item1, row.Item2));
            }
        }

        var lastLabelled = MonthEnd(options.End.AddMonths(-3));
        foreach (var (id, asOf, label) in rows)
        {
            if (asOf > lastLabelled)
            {
                Assert.Equal(string.Empty, label);
                continue;
            }

            var stays = Enumerable.Range(1, 3).All(k => present.Contains((id, MonthEnd(asOf.AddMonths(k)))));
            Assert.Equal(stays ? "0" : "1", label);
        }
    }

    [Fact]
    public void Generate_DefaultSample_MatchesTheDocumentedRates()
    {
        var (path, summary) = Generate(new SampleOptions());
        Assert.InRange(summary.ChurnRate, 0.04, 0.08);
        Assert.InRange(summary.RandomMissingRate, 0.025, 0.035);
        Assert.InRange(summary.OracleAuc, 0.80, 0.92);
        foreach (var kind in new[] { "new", "expansion", "contraction", "churn", "reactivation" })
        {
            Assert.True(summary.MrrMovements.GetValueOrDefault(kind) > 0, $"no '{kind}' movement in the ledger");
        }

        // The summary is measured, not assumed: recount the label and the gaps from the file.
        long labelled = 0, positive = 0, gapCells = 0, blanks = 0;
        using var reader = TabularReader.Open(Path.Combine(path, SampleGenerator.AccountsFile));
        var label = reader.GetOrdinal("churned_within_90d");
        var gapped = new[] { "dau_mau", "feature_adoption", "logins_30d" }.Select(reader.GetOrdinal).ToArray();
        while (reader.Read())
        {
            if (!reader.IsBlank(label))
            {
                labelled++;
                positive += reader.GetString(label) == "1" ? 1 : 0;
            }

            foreach (var column in gapped)
            {
                gapCells++;
                blanks += reader.IsBlank(column) ? 1 : 0;
            }
        }

        Assert.Equal(summary.LabelledSnapshots, labelled);
        Assert.Equal(summary.ChurnRate, (double)positive / labelled, 12);
        Assert.InRange((double)blanks / gapCells, 0.025, 0.035);
        Assert.Contains(summary.OracleAuc.ToString("F4", CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(path, SampleGenerator.ReadmeFile)));
    }

    [Fact]
    public void Generate_EventFiles_ReferenceKnownAccountsAndKinds()
    {
        var (path, summary) = Generate(new SampleOptions { Accounts = 100, Months = 12 });
        using (var surveys = TabularReader.Open(Path.Combine(path, SampleGenerator.SurveysFile)))
        {
            Assert.Equal(["account_id", "user_id", "date", "kind", "score"], surveys.Columns);
            while (surveys.Read())
            {
                var kind = surveys.GetString(3);
                var score = surveys.GetDoubleOrNaN(4);
                Assert.True(kind switch { "nps" => score is >= 0 and <= 10, "csat" => score is >= 1 and <= 5, "ces" => score is >= 1 and <= 7, _ => false });
            }
        }

        using var usage = TabularReader.Open(Path.Combine(path, SampleGenerator.UsageEventsFile));
        var rows = 0;
        while (usage.Read())
        {
            rows++;
            Assert.Contains(usage.GetString(3), SampleGenerator.Features);
        }

        Assert.Equal(summary.UsageEventRows, rows);
        Assert.True(rows > 0);
    }

    private static DateOnly MonthEnd(DateOnly date) => new DateOnly(date.Year, date.Month, 1).AddMonths(1).AddDays(-1);
}
