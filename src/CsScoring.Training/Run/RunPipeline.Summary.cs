using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Training.Run;

internal sealed partial class RunPipeline
{
    /// <summary>The data at a glance: accounts, snapshots, the window, labelled churn and the latest MRR.</summary>
    partial void SummarizeData(RunContext context)
    {
        var path = context.DataFile("accounts.csv");
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        long snapshots = 0, labelled = 0, churned = 0;
        DateOnly first = DateOnly.MaxValue, last = DateOnly.MinValue;
        var latestMrr = new Dictionary<DateOnly, double>();
        using (var reader = TabularReader.Open(path))
        {
            var id = reader.GetOrdinal("account_id");
            var asOf = reader.GetOrdinal("as_of");
            var mrr = reader.GetOrdinal("mrr");
            var label = reader.GetOrdinal("churned_within_90d");
            while (reader.Read())
            {
                snapshots++;
                accounts.Add(reader.GetString(id));
                var date = reader.GetDate(asOf);
                first = date < first ? date : first;
                last = date > last ? date : last;
                var value = reader.GetDoubleOrNaN(mrr);
                latestMrr[date] = latestMrr.GetValueOrDefault(date) + (double.IsNaN(value) ? 0 : value);
                var outcome = reader.GetDoubleOrNaN(label);
                if (!double.IsNaN(outcome))
                {
                    labelled++;
                    churned += outcome > 0 ? 1 : 0;
                }
            }
        }

        if (snapshots == 0)
        {
            throw new DataFormatException("the file has a header but no rows", "accounts.csv", null, null);
        }

        var mrrNow = latestMrr[last];
        var figures = new DataSummary(accounts.Count, snapshots, first, last, labelled, labelled == 0 ? double.NaN : (double)churned / labelled, mrrNow, mrrNow * 12);
        context.Summary["data"] = figures;
        var c = CultureInfo.InvariantCulture;
        context.Report.Section("The data")
            .Paragraph($"Accounts and their monthly snapshots from {context.DataDirectory}.")
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
