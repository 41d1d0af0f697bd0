using System.Globalization;
using System.Text;
using System.Text.Json;
using CsScoring.Training.Cli;
using CsScoring.Training.Tests.Cli;

namespace CsScoring.Training.Tests.Churn;

public sealed class PersonalDataTrainingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-personal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Monthly snapshots whose street address, contact and e-mail repeat on every row of their account.</summary>
    private string WriteSnapshots()
    {
        string[] streets = ["Main Street", "Oak Avenue", "Mill Road", "Elm Lane", "Park Drive"];
        string[] first = ["Ada", "Grace", "Alan", "Linus", "Barbara", "Edsger", "Donald", "Frances", "Ken", "Dennis"];
        string[] last = ["Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Dijkstra", "Knuth", "Allen", "Thompson", "Ritchie", "Kay", "Wirth", "Hoare", "Lamport", "Milner"];
        var random = new Random(7);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder("account_id,as_of,street,contact,contact_email,plan,usage,churned\n");
        for (var a = 0; a < 150; a++)
        {
            var health = random.NextDouble();
            for (var m = 0; m < 12; m++)
            {
                var asOf = new DateOnly(2024, 1, 1).AddMonths(m + 1).AddDays(-1);
                var churn = random.NextDouble() < (health < 0.3 ? 0.3 : 0.03);
                text.Append(c, $"A{a:000},{asOf:yyyy-MM-dd},{a + 1} {streets[a % 5]},{first[a % 10]} {last[a / 10]},person{a}@mail{a}.example,{(a % 3 == 0 ? "pro" : "basic")},{Math.Round(health * 100 + random.NextDouble() * 10, 1).ToString(c)},{(churn ? 1 : 0)}\n");
                if (churn)
                {
                    break;
                }
            }
        }

        var path = Path.Combine(_directory, "snapshots.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void Train_PersonalColumnsRepeatedAcrossSnapshots_AreLeftOutAndNoValueReachesAnArtifact()
    {
        var data = WriteSnapshots();
        var output = Path.Combine(_directory, "model");
        var (code, stdout, error) = CliAppTests.Run("train", "--data", data, "--label", "churned", "--id", "account_id", "--time", "as_of",
            "--trainer", "logistic", "--out", output, "--json", "--quiet");

        Assert.True(code == ExitCodes.Success, error);

        // --quiet hides notes, never these warnings.
        foreach (var column in new[] { "street", "contact", "contact_email" })
        {
            Assert.Contains($"column '{column}' looks like personal data", error, StringComparison.Ordinal);
        }

        foreach (var file in Directory.GetFiles(output).Where(f => !f.EndsWith(".zip", StringComparison.Ordinal) && !f.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("Main Street", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Lovelace", text, StringComparison.Ordinal);
            Assert.DoesNotContain("@mail", text, StringComparison.Ordinal);
        }

        using var json = JsonDocument.Parse(stdout);
        var privacy = json.RootElement.GetProperty("privacy");
        Assert.Equal(["contact", "contact_email", "street"], privacy.GetProperty("dropped").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("street", json.RootElement.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Privacy", File.ReadAllText(Path.Combine(output, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_AllowPersonal_LearnsFromTheNamedColumnOnly()
    {
        var data = WriteSnapshots();
        var output = Path.Combine(_directory, "model");
        var (code, stdout, error) = CliAppTests.Run("train", "--data", data, "--label", "churned", "--id", "account_id", "--time", "as_of",
            "--trainer", "logistic", "--out", output, "--json", "--allow-personal", "street");

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(stdout);
        var privacy = json.RootElement.GetProperty("privacy");
        Assert.Equal(["street"], privacy.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()!));
        Assert.Contains("learnt from it because --allow-personal names it", error, StringComparison.Ordinal);
        Assert.DoesNotContain("contact_email", json.RootElement.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Train_AllowPersonalNamesAbsentColumn_ExitsTwo()
    {
        var data = WriteSnapshots();
        var (code, _, error) = CliAppTests.Run("train", "--data", data, "--label", "churned", "--id", "account_id", "--time", "as_of",
            "--out", Path.Combine(_directory, "m"), "--allow-personal", "nickname");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("nickname", error, StringComparison.Ordinal);
    }
}
