using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Metrics;
using CsScoring.Planning;
using CsScoring.Portfolio;
using CsScoring.Segmentation;
using CsScoring.Training.Reporting.Dashboard;

namespace CsScoring.Training.Tests.Reporting.Dashboard;

/// <summary>
/// Dashboard data for tests and for looking at the page: a fully synthetic book of any size, and one built from a
/// data folder laid out like data/sample (KPIs, health now and three months earlier, ARR and the headcount plan from
/// the library; churn probabilities, values and actions synthetic but seeded, because a trained model is slow to get).
/// </summary>
internal static class DashboardSamples
{
    public static readonly DateOnly AsOf = new(2024, 6, 30);

    private static readonly string[] Csms = ["Avery Chen", "Noor Haddad", "Mateo Rossi", "Priya Nair", "Jonas Berg", "Aiko Sato", "Lena Novak", "Kwame Mensah", "Sofia Duarte", "Ravi Kapoor", "Ines Moreau", "Tomás Ruiz"];

    /// <summary>A synthetic book of <paramref name="accounts"/> accounts: the same count and seed give the same data.</summary>
    public static DashboardData Synthetic(int accounts, int seed = 7)
    {
        var random = new Random(seed);
        var book = new List<Seed>(accounts);
        for (var i = 0; i < accounts; i++)
        {
            var arr = Math.Round(Math.Exp(9.0 + (1.1 * Normal(random))), 0);
            var health = Math.Clamp(62 + (18 * Normal(random)), 0, 100);
            var change = Math.Round(8 * Normal(random), 1);
            book.Add(new Seed($"A{i + 1:D6}", arr, health, change, Churn(health, change, Normal(random)), 1.5 + (3 * random.NextDouble())));
        }

        var before = book.Select(s => (s.Id, Band(Math.Clamp(s.Health - s.Change - (4 * Normal(random)), 0, 100)))).Where((_, i) => i % 23 != 5).ToList();
        before.AddRange(Enumerable.Range(0, Math.Max(1, accounts / 30)).Select(i => ($"GONE{i:D5}", Band(Math.Clamp(35 + (20 * Normal(random)), 0, 100)))));
        var bands = DashboardBuilder.HealthBands(["red", "yellow", "green"], book.Select(s => (s.Id, Band(s.Health))), before, "2024-03-31 (3 months earlier)");

        var months = Enumerable.Range(0, 12).Select(m => AsOf.AddMonths(m - 11).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var arrNow = book.Sum(s => s.Arr);
        KpiTile[] kpis =
        [
            Trend("ARR", KpiFormat.Currency, months, m => arrNow * (0.86 + (0.012 * m) + (0.004 * Math.Sin(m)))) with { Caption = "closing MRR x 12, 2024-06" },
            Trend("Paying customers", KpiFormat.Number, months, m => Math.Round(accounts * (0.93 + (0.006 * m)))),
            Trend("Net revenue retention", KpiFormat.Percent, months, m => 1.04 + (0.004 * Math.Sin(m / 2.0))) with { Caption = "trailing 12 months to 2024-06" },
            Trend("Gross revenue retention", KpiFormat.Percent, months, m => 0.89 + (0.003 * m / 11.0)) with { Caption = "trailing 12 months to 2024-06" },
            Trend("Logo churn", KpiFormat.Percent, months, m => 0.12 - (0.002 * m / 2.0), higherIsBetter: false) with { Caption = "trailing 12 months to 2024-06" },
            Trend("NPS", KpiFormat.Score, months, m => 31 + (6 * Math.Sin(m / 3.0))),
            Trend("CSAT", KpiFormat.Percent, months, m => 0.84 + (0.01 * Math.Cos(m))),
            new KpiTile("DAU/MAU", 0.187, KpiFormat.Ratio, double.NaN, []) { Caption = "stickiness, 30 days to 2024-06-30" },
        ];
        return Assemble(AsOf, "Customer success: Monday overview", "Synthetic SaaS Ltd", "USD", kpis, bands, book);
    }

    /// <summary>The dashboard of a data folder like data/sample, as the portfolio command will give it.</summary>
    public static DashboardData FromFolder(string directory)
    {
        var folder = new DataFolder(directory);
        var table = BufferedTable.Read(folder, CustomerBase.AccountsFile);
        CustomerBase customers;
        using (var reader = table.CreateReader())
        {
            customers = CustomerBase.Read(reader);
        }

        var scorecard = ScorecardJson.Load(Path.Combine(directory, "scorecard.json")).Compile();
        HealthSnapshots history;
        using (var reader = table.CreateReader())
        {
            history = HealthSnapshots.Read(reader, scorecard, horizonDays: 90);
        }

        var asOf = customers.AsOf;
        var now = history.ScoreRows(scorecard, customers.CurrentRows, asOf, drivers: 2);
        var earlier = asOf.AddMonths(-3);
        var before = history.ScoreLatest(scorecard, earlier, maxAgeDays: 31, drivers: 0);
        var bands = DashboardBuilder.HealthBands(now, before, $"{earlier:yyyy-MM-dd} (3 months earlier)");

        IReadOnlyList<BookAccount> current;
        using (var reader = table.CreateReader())
        {
            current = CustomerBook.Read(reader, customers).Accounts;
        }

        MrrHistory? ledger = null;
        if (folder.Contains("mrr_ledger.csv"))
        {
            using var reader = folder.OpenTable("mrr_ledger.csv");
            ledger = MrrHistory.Read(reader);
        }

        SurveyReport? surveys = null;
        if (folder.Contains("surveys.csv"))
        {
            using var reader = folder.OpenTable("surveys.csv");
            surveys = SurveyReport.Read(reader, new SurveyOptions { GroupBy = SurveyGrouping.Period, PeriodLength = PeriodLength.Month });
        }

        UsageReport? usage = null;
        if (folder.Contains("usage_events.csv"))
        {
            using var reader = folder.OpenTable("usage_events.csv");
            usage = UsageReport.Read(reader, new UsageOptions { AsOf = asOf });
        }

        var healthById = now.ToDictionary(h => h.AccountId, StringComparer.Ordinal);
        var book = current.Select(a =>
        {
            var h = healthById.GetValueOrDefault(a.Id);
            var score = h is { Result.IsScored: true } ? h.Result.Score : 50;
            var change = h?.Trend is { } trend ? Math.Round(trend.Delta, 1) : double.NaN;
            var noise = new Random((int)DashboardCharts.StableHash(a.Id));
            var reasons = h is null ? null : string.Join("; ", h.Drivers.Select(d => $"low {d.Metric.Name}"));
            return new Seed(a.Id, (double)a.Arr, score, change, Churn(score, double.IsNaN(change) ? 0 : change, Normal(noise)), 1.5 + (3 * noise.NextDouble()))
            {
                Band = h is null ? null : h.Result.IsScored ? scorecard.BandName(h.Result.Band) : DashboardBuilder.UnscoredBand,
                Reasons = reasons,
            };
        }).ToList();
        var company = Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar));
        return Assemble(asOf, "Customer success: Monday overview", $"Book '{company}'", "USD", DashboardBuilder.Kpis(ledger, surveys, usage), bands, book);
    }

    /// <summary>Tiers, actions, owners, priorities and the headcount plan for a seeded book.</summary>
    private static DashboardData Assemble(DateOnly asOf, string title, string company, string currency, IReadOnlyList<KpiTile> kpis, HealthBands health, List<Seed> book)
    {
        var potential = book.Select(s => (decimal)(s.Arr * s.Multiple)).ToArray();
        var policy = TieringPolicy.FromShares(potential);
        var rows = new List<DashboardAccount>(book.Count);
        var highTouch = 0;
        foreach (var (s, i) in book.Select((s, i) => (s, i)))
        {
            var tier = policy.Assign(potential[i]);
            var value = i % 997 == 3 && tier == TouchModel.HighTouch ? double.PositiveInfinity : s.Arr * s.Multiple;
            var risk = Math.Round(Math.Min(s.Arr * s.Churn, double.IsFinite(value) ? value : double.MaxValue), 2);
            var expected = double.IsFinite(value) ? value * (1 - s.Churn) : value;
            var band = s.Churn >= 0.3 ? "high" : s.Churn >= 0.12 ? "medium" : "low";
            var falling = s.Change <= -10;
            var healthBand = s.Band ?? Band(s.Health);
            string? action = null, owner = null, why = null;
            DateOnly? due = null;
            if (band == "high" || falling || healthBand == "red")
            {
                var reasons = new List<string>();
                if (band == "high")
                {
                    reasons.Add($"churn risk {DashboardFormat.Percent(s.Churn, 0)} (model band high)");
                }

                if (falling)
                {
                    reasons.Add($"health fell {-s.Change:0} points to {s.Health:0}");
                }

                if (healthBand == "red" && !falling)
                {
                    reasons.Add($"health {s.Health:0} is red");
                }

                why = string.Join("; ", reasons);
                (action, owner, due) = tier switch
                {
                    TouchModel.HighTouch => ("Executive business review", Csms[highTouch++ % Csms.Length], asOf.AddDays(7)),
                    TouchModel.LowTouch => (band == "high" ? "Save call from the pooled team" : "One-to-many adoption session", i % 2 == 0 ? "Pooled team EMEA" : "Pooled team Americas", asOf.AddDays(14)),
                    _ => ("Automated re-engagement e-mail sequence", "Automated", asOf.AddDays(3)),
                };
            }

            rows.Add(new DashboardAccount(
                s.Id, s.Arr, s.Health, healthBand, s.Change, s.Churn, band, s.Reasons ?? (band == "low" ? null : "low seat_utilization; falling logins_30d"),
                value, expected, risk, tier, null, action, owner, due, why));
        }

        var order = rows.Select((r, i) => (r, i)).Where(x => x.r.Action is not null).OrderByDescending(x => x.r.ValueAtRisk).ThenBy(x => x.r.AccountId, StringComparer.Ordinal).ToList();
        for (var p = 0; p < order.Count; p++)
        {
            rows[order[p].i] = order[p].r with { Priority = p + 1 };
        }

        var capacity = CapacityPlanner.Plan(rows.Select(r => (r.Tier, (decimal)r.Arr)), new BookActivity(book.Count / 60.0, book.Count / 40.0), new CapacityOptions { CsmMonthlyCost = 9_000m, Currency = currency });
        return new DashboardData(title, company, asOf, currency, kpis, health, rows, DashboardBuilder.Tiers(rows), DashboardBuilder.Queues(rows), DashboardBuilder.Headcount(capacity));
    }

    private static KpiTile Trend(string name, KpiFormat format, List<string> months, Func<int, double> value, bool higherIsBetter = true)
    {
        var points = months.Select((m, i) => new KpiPoint(m, value(i))).ToList();
        return new KpiTile(name, points[^1].Value, format, points[^2].Value, points, higherIsBetter);
    }

    private static double Churn(double health, double change, double noise)
        => 1 / (1 + Math.Exp(-(-2.4 + ((45 - health) / 12) - (change / 10) + (0.7 * noise))));

    private static string Band(double health) => health < 40 ? "red" : health < 70 ? "yellow" : "green";

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed record Seed(string Id, double Arr, double Health, double Change, double Churn, double Multiple)
    {
        public string? Band { get; init; }

        public string? Reasons { get; init; }
    }
}
