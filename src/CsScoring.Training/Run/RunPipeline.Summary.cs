using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    /// <summary>The data at a glance: accounts, snapshots, the window, labelled churn and the latest MRR.</summary>
    private static void SummarizeData(RunContext context, CustomerBase customers)
    {
        var first = customers.FirstDate;
        var last = customers.AsOf;
        var labelled = customers.LabelledSnapshots;
        var mrrNow = customers.CurrentMrr;
        var figures = new DataSummary(customers.AccountCount, customers.SnapshotCount, first, last, labelled,
            labelled == 0 ? double.NaN : (double)customers.ChurnedSnapshots / labelled, mrrNow, mrrNow * 12);
        context.Summary["data"] = figures;
        var c = CultureInfo.InvariantCulture;
        context.Report.Section("The data")
            .Paragraph($"Accounts and their monthly snapshots from {context.Data.Name}.")
            .Facts(
            [
                ("accounts", figures.Accounts.ToString(c)),
                ("snapshots", figures.Snapshots.ToString(c)),
                ("window", $"{first:yyyy-MM-dd} to {last:yyyy-MM-dd}"),
                ("labelled snapshots", figures.LabelledSnapshots.ToString(c)),
                ("90-day churn rate (labelled snapshots)", figures.ChurnRate.ToString("P2", c)),
                ($"MRR at {last:yyyy-MM-dd}", figures.LatestMrr.ToString("N0", c)),
                ("ARR (12 x MRR)", figures.LatestArr.ToString("N0", c)),
            ]);
        context.Console.Note($"Data: {figures.Accounts} accounts, {figures.Snapshots} snapshots, {first:yyyy-MM-dd}..{last:yyyy-MM-dd}.");
    }

    private sealed record DataSummary(
        int Accounts, long Snapshots, DateOnly First, DateOnly Last, long LabelledSnapshots, double ChurnRate, double LatestMrr, double LatestArr);
}
