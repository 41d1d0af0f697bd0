using System.Globalization;
using System.Text;
using CsScoring.Data;

namespace CsScoring.Training.Sample;

/// <summary>
/// Simulates a SaaS customer base month by month and streams it to CSV files. The causal model is documented in
/// <see cref="SampleReadme"/> (written next to the data); every random draw comes from a per-account stream of
/// <see cref="SampleRandom"/>, so accounts are independent and the output is a pure function of the options.
/// </summary>
internal static class SampleGenerator
{
    public const string AccountsFile = "accounts.csv";
    public const string TruthFile = "truth.csv";
    public const string LedgerFile = "mrr_ledger.csv";
    public const string SurveysFile = "surveys.csv";
    public const string UsageEventsFile = "usage_events.csv";
    public const string ReadmeFile = "README.md";

    public static readonly string[] AccountColumns =
    [
        "account_id", "as_of", "plan", "region", "industry", "seats", "mrr", "tenure_months", "contract_type",
        "renewal_date", "days_to_renewal", "active_users", "seat_utilization", "dau_mau", "feature_adoption",
        "logins_30d", "usage_trend", "tickets_90d", "severe_tickets_90d", "csat", "last_nps", "days_since_last_login",
        "onboarding_completed", "executive_sponsor", "late_invoices_90d", "expansion_mrr_90d", "churned_within_90d",
    ];

    internal static readonly string[] Plans = ["starter", "growth", "business", "enterprise"];
    internal static readonly string[] Regions = ["na", "emea", "apac", "latam"];
    internal static readonly string[] Industries = ["software", "finance", "healthcare", "retail", "education", "manufacturing"];
    internal static readonly string[] Features = ["dashboards", "reports", "integrations", "automations", "api", "alerts", "exports", "admin"];

    /// <summary>Users per account that usage_events.csv follows (it is the bulkiest file).</summary>
    internal const int MaxEventUsers = 5;

    private static readonly double[] PlanShare = [0.45, 0.75, 0.93, 1.0];
    private static readonly double[] RegionShare = [0.45, 0.75, 0.90, 1.0];
    private static readonly double[] IndustryShare = [0.30, 0.45, 0.57, 0.72, 0.85, 1.0];
    private static readonly double[] SeatPrice = [15, 25, 35, 45];
    private static readonly double[] MedianSeats = [5, 20, 70, 300];
    private static readonly double[] AnnualShare = [0.2, 0.45, 0.7, 0.9];
    private static readonly double[] SponsorShare = [0.1, 0.25, 0.5, 0.75];
    private static readonly double[] FeatureWeights = [1.0, 1.8, 2.4, 2.9, 3.3, 3.9, 4.3, 4.5];

    /// <summary>Writes every file of the sample into <paramref name="directory"/> (which must exist and be empty).</summary>
    public static SampleSummary Generate(SampleOptions options, string directory, IProgress<double>? progress = null)
    {
        var months = MonthEnds(options.End, options.Months);
        var stats = new Stats();
        using var accounts = OpenCsv(Path.Combine(directory, AccountsFile));
        using var truth = OpenCsv(Path.Combine(directory, TruthFile));
        using var ledger = OpenCsv(Path.Combine(directory, LedgerFile));
        using var surveys = options.WriteEventFiles ? OpenCsv(Path.Combine(directory, SurveysFile)) : null;
        using var usage = options.WriteEventFiles ? OpenCsv(Path.Combine(directory, UsageEventsFile)) : null;
        accounts.WriteRow(AccountColumns);
        truth.WriteRow("account_id", "as_of", "true_churn_probability_90d");
        ledger.WriteRow("account_id", "month", "mrr");
        surveys?.WriteRow("account_id", "user_id", "date", "kind", "score");
        usage?.WriteRow("account_id", "user_id", "date", "feature");

        var writers = new Writers(accounts, truth, ledger, surveys, usage);
        var buffer = new List<Snapshot>(options.Months);
        for (var index = 0; index < options.Accounts; index++)
        {
            var random = new SampleRandom((ulong)options.Seed, (ulong)index + 1);
            SimulateAccount(index, months, options, ref random, buffer, writers, stats);
            if ((index & 255) == 0)
            {
                progress?.Report((double)index / options.Accounts);
            }
        }

        progress?.Report(1.0);
        var summary = stats.ToSummary(options);
        AtomicOutput.WriteText(Path.Combine(directory, ReadmeFile), writer => writer.Write(SampleReadme.Render(summary, options)));
        return summary;
    }

    private static CsvWriter OpenCsv(string path)
        => new(new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16), ownsWriter: true);

    private static DateOnly[] MonthEnds(DateOnly end, int count)
    {
        var last = new DateOnly(end.Year, end.Month, 1).AddMonths(1).AddDays(-1);
        var result = new DateOnly[count];
        for (var i = 0; i < count; i++)
        {
            var first = new DateOnly(last.Year, last.Month, 1).AddMonths(i - count + 1);
            result[i] = first.AddMonths(1).AddDays(-1);
        }

        return result;
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static void SimulateAccount(int index, DateOnly[] months, SampleOptions options, ref SampleRandom random, List<Snapshot> buffer, Writers writers, Stats stats)
    {
        var id = "A" + (index + 1).ToString("D6", CultureInfo.InvariantCulture);

        // The day of the month the contract was signed on. Derived from the id, not drawn, so adding it left every
        // other figure of the simulation unchanged.
        var anniversaryDay = AnniversaryDay(id);
        var plan = random.Pick(PlanShare);
        var region = random.Pick(RegionShare);
        var industry = random.Pick(IndustryShare);
        var annual = random.Chance(AnnualShare[plan]);
        var sponsor = random.Chance(SponsorShare[plan]);
        var baseEngagement = 0.7 * random.Normal();

        // A third of the accounts are customers before the window opens; the rest sign up during it.
        var total = months.Length;
        int start;
        if (random.Chance(0.35))
        {
            start = -random.Next(1, 37);
        }
        else
        {
            start = random.Next(0, total - 1);
        }

        var state = new AccountState
        {
            Seats = Math.Max(1, (int)Math.Round(MedianSeats[plan] * Math.Exp(0.6 * random.Normal()))),
            Engagement = baseEngagement + 0.5 * random.Normal(),
            ContractStart = start,
            Annual = annual,
            Onboarded = false,
            Active = true,
        };
        var price = SeatPrice[plan] * (annual ? 0.85 : 1.0) * (1.0 + 0.1 * random.Normal());
        price = Math.Round(Math.Max(SeatPrice[plan] * 0.5, price), 2);
        var recentUsage = new double[4];
        var tickets = new int[3];
        var severe = new int[3];
        var late = new int[3];
        var expansion = new double[3];
        var csatSum = new double[3];
        var csatCount = new int[3];
        double lastNps = double.NaN;
        var daysSinceLogin = 0;
        var ledger = new LedgerTrack();
        buffer.Clear();

        for (var t = start; t < total; t++)
        {
            var slot = ((t % 3) + 3) % 3;
            if (!state.Active)
            {
                // Win-back: a churned account may return on a fresh monthly contract.
                if (random.Chance(0.02))
                {
                    state.Active = true;
                    state.Annual = false;
                    state.ContractStart = t;
                    state.Seats = Math.Max(1, (int)(state.Seats * 0.7));
                    state.Engagement = baseEngagement + 0.4 * random.Normal();
                    state.Onboarded = false;
                    Array.Clear(recentUsage);
                    Array.Clear(tickets);
                    Array.Clear(severe);
                    Array.Clear(late);
                    Array.Clear(expansion);
                    Array.Clear(csatSum);
                    Array.Clear(csatCount);
                }
                else
                {
                    continue;
                }
            }

            var tenure = t - state.ContractStart;

            // Latent engagement: mean-reverting, with occasional shocks (a champion leaves) that a sponsor softens.
            state.Engagement = 0.85 * state.Engagement + 0.15 * baseEngagement + 0.35 * random.Normal();
            if (random.Chance(0.03))
            {
                state.Engagement -= sponsor ? 0.7 : 1.6;
            }

            state.Stressed = state.Stressed ? !random.Chance(0.25) : random.Chance(0.02);
            var e = state.Engagement;
            if (tenure == 3)
            {
                state.Onboarded = random.Chance(Sigmoid(0.8 + 0.8 * e));
            }

            var utilization = Sigmoid(0.4 + 1.0 * e);
            var activeUsers = random.Binomial(state.Seats, utilization);
            var dauMau = Math.Clamp(0.04 + 0.42 * Sigmoid(1.3 * e - 0.2) + 0.03 * random.Normal(), 0.01, 0.95);
            var adoption = Math.Clamp(Sigmoid(-0.5 + 0.9 * e + (state.Onboarded ? 0.6 : 0) + 0.15 * plan) + 0.04 * random.Normal(), 0, 1);
            var logins = random.Poisson(activeUsers * 30 * dauMau * 0.9);
            var usageNow = activeUsers * dauMau;
            var usageTrend = tenure >= 3 ? (usageNow - recentUsage[0]) / Math.Max(recentUsage[0], 0.5) : double.NaN;
            recentUsage[0] = recentUsage[1];
            recentUsage[1] = recentUsage[2];
            recentUsage[2] = usageNow;

            tickets[slot] = random.Poisson(0.25 * Math.Pow(state.Seats, 0.45) * Math.Exp(-0.35 * e) * (tenure < 3 ? 1.5 : 1.0));
            severe[slot] = random.Binomial(tickets[slot], 0.08 + (e < -1 ? 0.12 : 0));
            late[slot] = random.Poisson(0.02 + (state.Stressed ? 0.5 : 0));
            csatSum[slot] = 0;
            csatCount[slot] = 0;
            var asOf = t >= 0 ? months[t] : default;
            var monthStart = t >= 0 ? new DateOnly(asOf.Year, asOf.Month, 1) : default;
            for (var k = 0; k < tickets[slot]; k++)
            {
                if (random.Chance(0.35))
                {
                    var score = Math.Clamp(Math.Round(3.9 + 0.6 * e - (k < severe[slot] ? 0.7 : 0) + 0.8 * random.Normal()), 1, 5);
                    csatSum[slot] += score;
                    csatCount[slot]++;
                    WriteSurvey(writers, stats, id, random.Next(1, Math.Max(2, activeUsers + 1)), monthStart, ref random, "csat", score, t >= 0);
                }
            }

            if (random.Chance(0.12))
            {
                lastNps = Math.Clamp(Math.Round(7.2 + 1.6 * e - (state.Stressed ? 1.2 : 0) + 1.2 * random.Normal()), 0, 10);
                WriteSurvey(writers, stats, id, random.Next(1, Math.Max(2, activeUsers + 1)), monthStart, ref random, "nps", lastNps, t >= 0);
            }

            if (random.Chance(0.08))
            {
                var ces = Math.Clamp(Math.Round(5 + e + random.Normal()), 1, 7);
                WriteSurvey(writers, stats, id, random.Next(1, Math.Max(2, activeUsers + 1)), monthStart, ref random, "ces", ces, t >= 0);
            }

            daysSinceLogin = activeUsers == 0
                ? Math.Min(daysSinceLogin + 30, 400)
                : (int)Math.Round(-Math.Log(1.0 - random.NextDouble()) * 0.6 / (dauMau + 0.02));

            // Seats: expansion any month for engaged, well-used accounts; contraction (annual only at renewal).
            var renewalMonth = state.Annual && tenure > 0 && tenure % 12 == 0;
            expansion[slot] = 0;
            var mrrBefore = state.Seats * price;
            if (random.Chance(Sigmoid(-3.4 + 0.9 * e + (utilization > 0.9 ? 0.8 : 0))))
            {
                state.Seats += Math.Max(1, (int)Math.Round(state.Seats * (0.1 + 0.2 * random.NextDouble())));
            }
            else if ((!state.Annual || renewalMonth) && random.Chance(0.015 + (e < -1 ? 0.05 : 0)))
            {
                state.Seats = Math.Max(1, (int)Math.Round(state.Seats * (0.7 + 0.2 * random.NextDouble())));
            }

            var mrr = Math.Round(state.Seats * price, 2);
            if (mrr > mrrBefore)
            {
                expansion[slot] = Math.Round(mrr - mrrBefore, 2);
            }

            var tickets90 = tickets[0] + tickets[1] + tickets[2];
            var severe90 = severe[0] + severe[1] + severe[2];
            var late90 = late[0] + late[1] + late[2];
            var csatN = csatCount[0] + csatCount[1] + csatCount[2];
            var csat = csatN == 0 ? double.NaN : (csatSum[0] + csatSum[1] + csatSum[2]) / csatN;
            var expansion90 = expansion[0] + expansion[1] + expansion[2];

            // The causal model of churn: a monthly hazard from the observable state (see SampleReadme).
            var z = -4.0
                + 2.2 * Math.Max(0, 0.20 - dauMau) / 0.20
                + (double.IsNaN(usageTrend) ? 0 : 0.9 * Math.Min(2, Math.Max(0, -usageTrend - 0.2)))
                + 0.45 * Math.Min(severe90, 3) * (sponsor ? 0.3 : 1.0)
                + 0.9 * Math.Min(late90, 2)
                + (tenure < 3 ? 0.6 : state.Onboarded ? -0.7 : 0)
                - (sponsor ? 0.5 : 0)
                + (double.IsNaN(lastNps) ? 0 : lastNps <= 6 ? 0.6 : lastNps >= 9 ? -0.4 : 0)
                - 0.25 * Math.Log(state.Seats)
                - 1.2 * (adoption - 0.5)
                + (daysSinceLogin > 21 ? 0.5 : 0);
            var hazard = Sigmoid(z);
            var renewalIn = state.Annual ? 12 - (tenure % 12) : 1;
            var truth = 1.0;
            for (var k = 1; k <= 3; k++)
            {
                var q = state.Annual ? (k == renewalIn ? 1 - Math.Pow(1 - hazard, 4) : 0.002) : hazard;
                truth *= 1 - q;
            }

            truth = 1 - truth;
            var churnNext = state.Annual
                ? random.Chance(renewalIn == 1 ? 1 - Math.Pow(1 - hazard, 4) : 0.002)
                : random.Chance(hazard);

            if (t >= 0)
            {
                stats.Movement(ledger.Classify(t, mrr));
                writers.Ledger.WriteField(id);
                writers.Ledger.WriteField(monthStart);
                writers.Ledger.WriteField(mrr, "0.00");
                writers.Ledger.EndRow();
                stats.LedgerRows++;

                var renewalDate = RenewalDate(asOf, renewalIn, anniversaryDay);
                var snapshot = new Snapshot
                {
                    Month = t,
                    AsOf = asOf,
                    Plan = plan,
                    Region = region,
                    Industry = industry,
                    Seats = state.Seats,
                    Mrr = mrr,
                    Tenure = tenure,
                    Annual = state.Annual,
                    RenewalDate = renewalDate,
                    ActiveUsers = activeUsers,
                    DauMau = Gap(ref random, dauMau, stats),
                    Adoption = Gap(ref random, adoption, stats),
                    Logins = Gap(ref random, logins, stats),
                    UsageTrend = double.IsNaN(usageTrend) ? double.NaN : Gap(ref random, usageTrend, stats),
                    Tickets = tickets90,
                    Severe = severe90,
                    Csat = csat,
                    LastNps = lastNps,
                    DaysSinceLogin = daysSinceLogin,
                    Onboarded = state.Onboarded,
                    Sponsor = sponsor,
                    Late = late90,
                    Expansion = expansion90,
                    Truth = truth,
                    Hazard = hazard,
                };
                buffer.Add(snapshot);
                if (t == total - 1)
                {
                    WriteUsageEvents(writers, stats, id, asOf, activeUsers, dauMau, adoption, options, ref random);
                }
            }

            if (churnNext)
            {
                state.Active = false;
                if (t >= 0 && t + 1 < total)
                {
                    stats.Movement("churn");
                }
            }
        }

        WriteSnapshots(id, buffer, total, writers, stats);
    }

    /// <summary>The day of the month (1-28) an account's contract started on: a stable hash of its id.</summary>
    internal static int AnniversaryDay(string id)
    {
        var hash = 2166136261u;
        foreach (var ch in id)
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return 1 + (int)(hash % 28);
    }

    /// <summary>
    /// The next renewal after the month-end snapshot <paramref name="asOf"/>: the contract's anniversary day in the month
    /// it renews. A monthly contract renews every month on that day (next month, as <paramref name="asOf"/> is a month
    /// end), an annual one on the same day of its anniversary month, <paramref name="renewalIn"/> months on.
    /// </summary>
    internal static DateOnly RenewalDate(DateOnly asOf, int renewalIn, int anniversaryDay)
    {
        var month = new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(renewalIn);
        return month.AddDays(anniversaryDay - 1);
    }

    private static double Gap(ref SampleRandom random, double value, Stats stats)
    {
        stats.GapCells++;
        if (random.Chance(0.03))
        {
            stats.GapMissing++;
            return double.NaN;
        }

        return value;
    }

    private static void WriteSurvey(Writers writers, Stats stats, string id, int user, DateOnly monthStart, ref SampleRandom random, string kind, double score, bool inWindow)
    {
        var day = random.Next(0, 28);
        if (!inWindow || writers.Surveys is null)
        {
            return;
        }

        writers.Surveys.WriteField(id);
        writers.Surveys.WriteField(UserId(user));
        writers.Surveys.WriteField(monthStart.AddDays(day));
        writers.Surveys.WriteField(kind);
        writers.Surveys.WriteField((long)score);
        writers.Surveys.EndRow();
        stats.SurveyRows++;
    }

    // User ids are scoped to their account: (account_id, user_id) identifies a person.
    private static string UserId(int user) => string.Create(CultureInfo.InvariantCulture, $"U{user:D3}");

    private static void WriteUsageEvents(Writers writers, Stats stats, string id, DateOnly asOf, int activeUsers, double dauMau, double adoption, SampleOptions options, ref SampleRandom random)
    {
        if (writers.Usage is null || activeUsers == 0)
        {
            return;
        }

        // Features in order of discovery: more adopted accounts reach further down the list.
        var reach = Math.Clamp(1 + (int)Math.Round(adoption * (Features.Length - 1)), 1, Features.Length);
        Span<double> cumulative = stackalloc double[reach];
        for (var f = 0; f < reach; f++)
        {
            cumulative[f] = FeatureWeights[f];
        }

        var users = Math.Min(activeUsers, MaxEventUsers);
        for (var day = options.UsageEventDays - 1; day >= 0; day--)
        {
            var date = asOf.AddDays(-day);
            for (var user = 1; user <= users; user++)
            {
                // Users differ in habit: the first users of an account are its power users.
                var activity = Math.Clamp(dauMau * (1.6 - 1.2 * (user - 1) / Math.Max(1, users)), 0.01, 0.98);
                if (!random.Chance(activity))
                {
                    continue;
                }

                var count = 1 + random.Poisson(adoption);
                for (var k = 0; k < count; k++)
                {
                    writers.Usage.WriteField(id);
                    writers.Usage.WriteField(UserId(user));
                    writers.Usage.WriteField(date);
                    writers.Usage.WriteField(Features[random.Pick(cumulative)]);
                    writers.Usage.EndRow();
                    stats.UsageRows++;
                }
            }
        }
    }

    private static void WriteSnapshots(string id, List<Snapshot> buffer, int total, Writers writers, Stats stats)
    {
        if (buffer.Count > 0)
        {
            stats.AccountsWithSnapshots++;
        }

        for (var i = 0; i < buffer.Count; i++)
        {
            var s = buffer[i];

            // Labelled only when the whole 90-day window lies inside the data; churned = not active three months on.
            int? label = null;
            if (s.Month + 3 <= total - 1)
            {
                var activeAfter = i + 3 < buffer.Count && buffer[i + 3].Month == s.Month + 3
                    && buffer[i + 1].Month == s.Month + 1 && buffer[i + 2].Month == s.Month + 2;
                label = activeAfter ? 0 : 1;
                stats.Label(s.Truth, label.Value);
            }

            stats.Snapshots++;
            var w = writers.Accounts;
            w.WriteField(id);
            w.WriteField(s.AsOf);
            w.WriteField(Plans[s.Plan]);
            w.WriteField(Regions[s.Region]);
            w.WriteField(Industries[s.Industry]);
            w.WriteField((long)s.Seats);
            w.WriteField(s.Mrr, "0.00");
            w.WriteField((long)s.Tenure);
            w.WriteField(s.Annual ? "annual" : "monthly");
            w.WriteField(s.RenewalDate);
            w.WriteField((long)(s.RenewalDate.DayNumber - s.AsOf.DayNumber));
            w.WriteField((long)s.ActiveUsers);
            w.WriteField((double)s.ActiveUsers / s.Seats, "0.000");
            w.WriteField(s.DauMau, "0.000");
            w.WriteField(s.Adoption, "0.000");
            w.WriteField(s.Logins, "0");
            w.WriteField(s.UsageTrend, "0.000");
            w.WriteField((long)s.Tickets);
            w.WriteField((long)s.Severe);
            w.WriteField(s.Csat, "0.00");
            w.WriteField(s.LastNps, "0");
            w.WriteField((long)s.DaysSinceLogin);
            w.WriteField(s.Onboarded);
            w.WriteField(s.Sponsor);
            w.WriteField((long)s.Late);
            w.WriteField(s.Expansion, "0.00");
            if (label is null)
            {
                w.WriteEmpty();
            }
            else
            {
                w.WriteField((long)label.Value);
            }

            w.EndRow();
            writers.Truth.WriteField(id);
            writers.Truth.WriteField(s.AsOf);
            writers.Truth.WriteField(s.Truth, "0.00000");
            writers.Truth.EndRow();
        }
    }

    /// <summary>Classifies each ledger row the way retention KPIs will: opening, new, expansion, contraction, flat, reactivation.</summary>
    private sealed class LedgerTrack
    {
        private int _lastMonth = int.MinValue;
        private double _lastMrr;

        public string Classify(int month, double mrr)
        {
            var kind = _lastMonth == int.MinValue ? (month == 0 ? "opening" : "new")
                : _lastMonth < month - 1 ? "reactivation"
                : mrr > _lastMrr ? "expansion" : mrr < _lastMrr ? "contraction" : "flat";
            _lastMonth = month;
            _lastMrr = mrr;
            return kind;
        }
    }

    private sealed record Writers(CsvWriter Accounts, CsvWriter Truth, CsvWriter Ledger, CsvWriter? Surveys, CsvWriter? Usage);

    private sealed class AccountState
    {
        public int Seats { get; set; }

        public double Engagement { get; set; }

        public int ContractStart { get; set; }

        public bool Annual { get; set; }

        public bool Onboarded { get; set; }

        public bool Stressed { get; set; }

        public bool Active { get; set; }
    }

    private readonly record struct Snapshot
    {
        public int Month { get; init; }

        public DateOnly AsOf { get; init; }

        public int Plan { get; init; }

        public int Region { get; init; }

        public int Industry { get; init; }

        public int Seats { get; init; }

        public double Mrr { get; init; }

        public int Tenure { get; init; }

        public bool Annual { get; init; }

        public DateOnly RenewalDate { get; init; }

        public int ActiveUsers { get; init; }

        public double DauMau { get; init; }

        public double Adoption { get; init; }

        public double Logins { get; init; }

        public double UsageTrend { get; init; }

        public int Tickets { get; init; }

        public int Severe { get; init; }

        public double Csat { get; init; }

        public double LastNps { get; init; }

        public int DaysSinceLogin { get; init; }

        public bool Onboarded { get; init; }

        public bool Sponsor { get; init; }

        public int Late { get; init; }

        public double Expansion { get; init; }

        public double Truth { get; init; }

        public double Hazard { get; init; }
    }

    private sealed class Stats
    {
        private readonly List<(double Probability, int Label)> _labelled = [];
        private readonly SortedDictionary<string, long> _movements = new(StringComparer.Ordinal);

        public long Snapshots { get; set; }

        public int AccountsWithSnapshots { get; set; }

        public long GapCells { get; set; }

        public long GapMissing { get; set; }

        public long LedgerRows { get; set; }

        public long SurveyRows { get; set; }

        public long UsageRows { get; set; }

        public void Label(double probability, int label) => _labelled.Add((probability, label));

        public void Movement(string kind) => _movements[kind] = _movements.GetValueOrDefault(kind) + 1;

        public SampleSummary ToSummary(SampleOptions options)
        {
            var positives = _labelled.Count(x => x.Label == 1);
            return new SampleSummary
            {
                Accounts = options.Accounts,
                AccountsWithSnapshots = AccountsWithSnapshots,
                Months = options.Months,
                Seed = options.Seed,
                Snapshots = Snapshots,
                LabelledSnapshots = _labelled.Count,
                ChurnRate = _labelled.Count == 0 ? double.NaN : (double)positives / _labelled.Count,
                RandomMissingRate = GapCells == 0 ? 0 : (double)GapMissing / GapCells,
                OracleAuc = CsScoring.Metrics.RocAuc.Compute(_labelled.Select(x => x.Probability).ToArray(), _labelled.Select(x => x.Label == 1).ToArray()),
                LedgerRows = LedgerRows,
                SurveyRows = SurveyRows,
                UsageEventRows = UsageRows,
                MrrMovements = _movements,
            };
        }
    }
}
