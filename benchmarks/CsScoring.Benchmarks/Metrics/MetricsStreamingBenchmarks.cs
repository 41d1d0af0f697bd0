using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using CsScoring.Data;
using CsScoring.Metrics;

namespace CsScoring.Benchmarks.Metrics;

/// <summary>
/// The KPI readers on 10 million rows: the MRR ledger into the bridge (monthly and quarterly periods and the trailing
/// twelve months) and the usage event log into stickiness, adoption and retention. Each operation is one row
/// (<see cref="BenchmarkAttribute.OperationsPerInvoke"/>), so the mean is nanoseconds per row: rows per second =
/// 1e9 / mean. Allocated is bytes per row; the peak working set of the process is printed after each run, and must
/// stay near the per-account state (accounts x months of decimals for the ledger, accounts x users for the log),
/// not grow with the rows.
/// </summary>
[MemoryDiagnoser]
public class MetricsStreamingBenchmarks
{
    private const int Rows = 10_000_000;
    private string _directory = string.Empty;
    private string _ledger = string.Empty;
    private string _events = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("csscoring-metrics-bench-").FullName;
        _ledger = Path.Combine(_directory, "mrr_ledger.csv");
        _events = Path.Combine(_directory, "usage_events.csv");
        MetricsBenchmarkData.WriteLedger(_ledger, Rows, seed: 11);
        MetricsBenchmarkData.WriteEvents(_events, Rows, seed: 12);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// MetricsStreamingBenchmarks peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "ledger -> MRR bridge, per row")]
    public decimal LedgerBridge()
    {
        using var reader = TabularReader.Open(_ledger);
        var history = MrrHistory.Read(reader);
        var months = MrrBridge.Periods(history, PeriodLength.Month);
        var quarters = MrrBridge.Periods(history, PeriodLength.Quarter);
        return months[^1].ClosingMrr + quarters[^1].ClosingMrr + (MrrBridge.TrailingTwelveMonths(history)?.OpeningMrr ?? 0);
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "event log -> usage, per event")]
    public double UsageLog()
    {
        using var reader = TabularReader.Open(_events);
        var report = UsageReport.Read(reader);
        return report.Overall.DauMau + report.Accounts.Count;
    }
}

/// <summary>Deterministic synthetic inputs for the metrics benchmarks (and for timing the console by hand).</summary>
internal static class MetricsBenchmarkData
{
    /// <summary>
    /// A ledger of exactly <paramref name="rows"/> rows: accounts start in one of 60 months, pay for a geometric
    /// lifetime (2% monthly churn) with a monthly MRR random walk, and occasionally skip a month.
    /// </summary>
    public static void WriteLedger(string path, int rows, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), 1 << 20);
        writer.Write("account_id,month,mrr\n");
        var written = 0;
        for (var account = 0; written < rows; account++)
        {
            var start = random.Next(60);
            var mrr = 50 + random.Next(5000);
            for (var m = start; m < 60 && written < rows; m++)
            {
                if (random.NextDouble() < 0.02)
                {
                    break;
                }

                if (random.NextDouble() < 0.01)
                {
                    continue;
                }

                mrr = Math.Max(10, mrr + (random.NextDouble() < 0.1 ? random.Next(-200, 300) : 0));
                var month = new DateOnly(2021 + (m / 12), (m % 12) + 1, 1);
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"A{account:D7},{month:yyyy-MM-dd},{mrr}.{random.Next(100):D2}\n"));
                written++;
            }
        }
    }

    /// <summary><paramref name="rows"/> events of 20,000 accounts of 10 users each over 365 days, in date order, 8 features.</summary>
    public static void WriteEvents(string path, int rows, int seed)
    {
        string[] features = ["dashboards", "reports", "alerts", "api", "exports", "integrations", "automations", "admin"];
        var random = new Random(seed);
        var first = new DateOnly(2025, 1, 1);
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), 1 << 20);
        writer.Write("account_id,user_id,date,feature\n");
        for (var i = 0; i < rows; i++)
        {
            var day = first.AddDays((int)((long)i * 365 / rows));
            var account = random.Next(20_000);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"A{account:D6},U{random.Next(10):D2},{day:yyyy-MM-dd},{features[Math.Min(random.Next(10), 7)]}\n"));
        }
    }
}
