using System.Globalization;
using System.Text;
using CsScoring.Tests.Data;

namespace CsScoring.Tests.Churn;

/// <summary>The raw rows of <see cref="ModelDirectories"/> as a CSV table with ids, dates and labels.</summary>
internal static class ChurnTables
{
    public const string Header = "account_id,as_of,tickets_90d,seat_utilization,tenure_months,executive_sponsor,plan,usage_trend,churned_within_90d";

    /// <summary>A table of generated accounts; every <paramref name="unlabelledEvery"/>-th row has a blank label.</summary>
    public static string Csv(int count, int seed, string idPrefix = "A", int unlabelledEvery = 0, Func<int, string>? tenure = null)
    {
        var random = new Random(seed + 1);
        var text = new StringBuilder(Header).Append('\n');
        var rows = ModelDirectories.Rows(count, seed);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var label = unlabelledEvery > 0 && i % unlabelledEvery == 0 ? string.Empty : ModelDirectories.Label(r, random) ? "1" : "0";
            text.Append(CultureInfo.InvariantCulture, $"{idPrefix}{i},2025-06-01,{r["tickets_90d"]},{r["seat_utilization"]},{tenure?.Invoke(i) ?? r["tenure_months"]},{r["executive_sponsor"]},{r["plan"]},{r["usage_trend"]},{label}\n");
        }

        return text.ToString();
    }

    public static MemoryDataFolder Folder(string csv) => new(new Dictionary<string, string> { ["accounts.csv"] = csv });
}
