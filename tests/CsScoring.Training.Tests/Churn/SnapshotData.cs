using System.Globalization;
using System.Text;

namespace CsScoring.Training.Tests.Churn;

/// <summary>Monthly account snapshots with a 1/0 churn label (blank for the last rows), for out-of-time tests.</summary>
internal static class SnapshotData
{
    public static string Write(string directory, int accounts = 150, int months = 12, int seed = 3)
    {
        var random = new Random(seed);
        var text = new StringBuilder("account,as_of,plan,usage,tickets,renewal,churned\n");
        var c = CultureInfo.InvariantCulture;
        var unlabelled = 0;
        for (var a = 0; a < accounts; a++)
        {
            var health = random.NextDouble();
            var plan = random.Next(3) switch { 0 => "basic", 1 => "pro", _ => "enterprise" };
            for (var m = 0; m < months; m++)
            {
                var asOf = new DateOnly(2024, 1, 1).AddMonths(m + 1).AddDays(-1);
                var usage = Math.Round((health * 100) + (random.NextDouble() * 20), 1);
                var tickets = random.Next(0, health < 0.3 ? 6 : 2);
                var churn = random.NextDouble() < (health < 0.3 ? 0.25 : 0.03);
                var label = m == months - 1 && unlabelled < 5 ? string.Empty : churn ? "1" : "0";
                unlabelled += label.Length == 0 ? 1 : 0;
                text.Append(c, $"A{a:0000},{asOf:yyyy-MM-dd},{plan},{(random.NextDouble() < 0.05 ? string.Empty : usage.ToString(c))},{tickets},{asOf.AddDays(random.Next(1, 300)):yyyy-MM-dd},{label}\n");
                if (churn)
                {
                    break;
                }
            }
        }

        var path = Path.Combine(directory, "snapshots.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
