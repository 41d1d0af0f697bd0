using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Playbooks;
using CsScoring.Portfolio;
using CsScoring.Training.Cli;
using CsScoring.Training.Sample;

namespace CsScoring.Benchmarks.Portfolio;

/// <summary>
/// The portfolio over 1,000,000 generated accounts with a model trained once in the setup on a generated sample: two
/// streaming passes over the snapshot CSV (batched churn scoring, health, tiers, priorities, TreeSHAP reasons and the
/// default playbook). One operation is one account, so the mean time is the time per account (accounts/s = 1 / mean);
/// the peak working set of the process is printed after the run (aim: at least 100,000 accounts/s on one core, under 1 GB).
/// </summary>
[MemoryDiagnoser]
public class PortfolioBenchmarks
{
    private const int Accounts = 1_000_000;
    private string _directory = string.Empty;
    private string _accounts = string.Empty;
    private PortfolioBuilder _builder = null!;

    [Params(0, 3)]
    public int Reasons { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("csscoring-portfolio-bench-").FullName;
        var sample = Directory.CreateDirectory(Path.Combine(_directory, "sample")).FullName;
        SampleGenerator.Generate(new SampleOptions { Accounts = 2_000, Months = 13, Seed = 7 }, sample);
        var model = Path.Combine(_directory, "model");
        var code = CliApp.Run(["train", "--data", Path.Combine(sample, "accounts.csv"), "--label", "churned_within_90d", "--id", "account_id", "--time", "as_of", "--folds", "2", "--repeats", "1", "--out", model, "--quiet"], TextWriter.Null, TextWriter.Null);
        if (code != 0)
        {
            throw new InvalidOperationException($"Training the benchmark model failed with exit code {code}.");
        }

        _accounts = Path.Combine(_directory, "accounts.csv");
        Replicate(Path.Combine(sample, "accounts.csv"), _accounts, Accounts);
        var scorecard = Health.HealthBenchmarkData.SampleScorecard().Compile();
        _builder = new PortfolioBuilder(ChurnModel.Load(model), scorecard, Playbook.Default, new PortfolioOptions { TopReasons = Reasons, TopDrivers = 0, QueueLength = 25 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MB"));
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Accounts)]
    public long Portfolio()
    {
        long rows = 0;
        var summary = _builder.Build(() => TabularReader.Open(_accounts), batch => rows += batch.Count);
        return rows + summary.Accounts;
    }

    // The sample's current snapshots, repeated under new ids up to `count` accounts (one snapshot each).
    private static void Replicate(string source, string destination, int count)
    {
        var lines = File.ReadAllLines(source);
        var header = lines[0];
        var last = lines.Skip(1).Select(l => l.Split(',')[1]).Max(StringComparer.Ordinal);
        var current = lines.Skip(1).Where(l => l.Split(',')[1] == last).Select(l => l[l.IndexOf(',', StringComparison.Ordinal)..]).ToArray();
        using var writer = new StreamWriter(destination);
        writer.WriteLine(header);
        for (var i = 0; i < count; i++)
        {
            writer.Write('B');
            writer.Write(i.ToString("D7", CultureInfo.InvariantCulture));
            writer.WriteLine(current[i % current.Length]);
        }
    }
}
