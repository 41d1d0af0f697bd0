using System.Globalization;
using CsScoring.Value;

namespace CsScoring.Tests.Value;

/// <summary>
/// Locates the public CLV reference data (shared/data/clv) by walking up from the test binaries, and loads it.
/// The data are never copied into the repository; tests that need them skip when they are absent.
/// </summary>
internal static class ClvReferenceData
{
    private static readonly Lazy<string?> Folder = new(Find);

    public static string? Directory => Folder.Value;

    public static string SkipReason => "The CLV reference data (shared/data/clv beside or above the repository) is absent.";

    public static string File(string name) => Path.Combine(Directory ?? throw new InvalidOperationException(SkipReason), name);

    public static CustomerSummary[] CdnowSummaries()
    {
        var rows = new List<CustomerSummary>();
        foreach (var line in System.IO.File.ReadLines(File("cdnow_customers_summary_with_transactions.csv")).Skip(1))
        {
            var f = line.Split(',');
            rows.Add(new CustomerSummary(int.Parse(f[1], CultureInfo.InvariantCulture), Parse(f[2]), Parse(f[3]), Parse(f[4])));
        }

        return [.. rows];
    }

    public static DiscreteCustomerSummary[] Donations()
    {
        var rows = new List<DiscreteCustomerSummary>();
        foreach (var line in System.IO.File.ReadLines(File("donations.csv")).Skip(1))
        {
            var f = line.Split(',');
            rows.Add(new DiscreteCustomerSummary(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), Parse(f[3])));
        }

        return [.. rows];
    }

    public static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "clv");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs the CLV reference data and skips, saying why, when it is absent.</summary>
public sealed class ClvDataFactAttribute : FactAttribute
{
    public ClvDataFactAttribute()
    {
        if (ClvReferenceData.Directory is null)
        {
            Skip = ClvReferenceData.SkipReason;
        }
    }
}

internal static class Approx
{
    public static void Relative(double expected, double actual, double tolerance, string what)
    {
        var error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(error <= tolerance, string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected} within relative {tolerance}, got {actual} (relative error {error:G3})"));
    }
}
