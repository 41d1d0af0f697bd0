using System.Globalization;
using CsScoring.Privacy;
using FsCheck.Xunit;

namespace CsScoring.Tests.Privacy;

public sealed class PersonalDataScannerTests
{
    private static readonly string[] Streets = ["Main Street", "Oak Avenue", "Mill Road", "Elm Lane", "Park Drive"];
    private static readonly string[] First = ["Ada", "Grace", "Alan", "Linus", "Barbara", "Edsger", "Donald", "Frances"];
    private static readonly string[] Last = ["Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Dijkstra", "Knuth", "Allen"];

    [Fact]
    public void Build_ValuesRepeatedAcrossMonthlySnapshots_AreJudgedPerAccount()
    {
        // 150 accounts x 12 monthly rows: per row only 150 of 1,800 values are distinct, so a "mostly unique" rule never fires.
        var columns = new[] { "street", "contact", "owner_email", "support_line", "last_login_ip", "plan", "seats", "email_opt_in" };
        var scanner = new PersonalDataScanner(columns);
        for (var month = 0; month < 12; month++)
        {
            for (var a = 0; a < 150; a++)
            {
                var account = "A" + a.ToString(CultureInfo.InvariantCulture);
                string[] row =
                [
                    string.Create(CultureInfo.InvariantCulture, $"{a + 1} {Streets[a % 5]}"),
                    $"{First[a % 8]} {Last[a / 8 % 8]}{(a >= 64 ? "-" + Last[a % 7] : string.Empty)}",
                    string.Create(CultureInfo.InvariantCulture, $"owner{a}@customer{a}.example"),
                    string.Create(CultureInfo.InvariantCulture, $"+1 555-01{a:00}"),
                    string.Create(CultureInfo.InvariantCulture, $"10.0.{a / 200}.{a % 200}"),
                    a % 3 == 0 ? "pro" : "basic",
                    (a % 40 + month).ToString(CultureInfo.InvariantCulture),
                    a % 2 == 0 ? "yes" : "no",
                ];
                for (var c = 0; c < row.Length; c++)
                {
                    scanner.Add(c, account, row[c]);
                }
            }
        }

        var found = scanner.Build().ToDictionary(c => c.Name, c => c.Kind);
        Assert.Equal(PersonalDataKind.Address, found["street"]);
        Assert.Equal(PersonalDataKind.Name, found["contact"]);
        Assert.Equal(PersonalDataKind.Email, found["owner_email"]);
        Assert.Equal(PersonalDataKind.Phone, found["support_line"]);
        Assert.Equal(PersonalDataKind.IpAddress, found["last_login_ip"]);
        Assert.False(found.ContainsKey("plan"));
        Assert.False(found.ContainsKey("seats"));
        Assert.False(found.ContainsKey("email_opt_in"));
    }

    [Fact]
    public void Build_UniqueFreeTextUnderAnInnocentHeader_IsFlaggedByContent()
    {
        var scanner = new PersonalDataScanner(["notes_field"]);
        for (var a = 0; a < 60; a++)
        {
            for (var month = 0; month < 6; month++)
            {
                scanner.Add(0, "A" + a.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{First[a % 8]} {Last[a % 7]} x{a}"));
            }
        }

        var column = Assert.Single(scanner.Build());
        Assert.Equal(PersonalDataKind.UniquePerAccount, column.Kind);
        Assert.DoesNotContain("Ada", column.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DatesUniquePerAccount_AreNotPhoneNumbers()
    {
        var scanner = new PersonalDataScanner(["renewal_date", "signed_on"]);
        var start = new DateOnly(2024, 1, 1);
        for (var a = 0; a < 100; a++)
        {
            var account = "A" + a.ToString(CultureInfo.InvariantCulture);
            scanner.Add(0, account, start.AddDays(a * 3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            scanner.Add(1, account, start.AddDays(a * 3).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture));
        }

        Assert.Empty(scanner.Build());
    }

    [Theory]
    [InlineData("email", PersonalDataKind.Email)]
    [InlineData("Contact Name", PersonalDataKind.Name)]
    [InlineData("billing_address", PersonalDataKind.Address)]
    [InlineData("mobile", PersonalDataKind.Phone)]
    [InlineData("ip_address", PersonalDataKind.IpAddress)]
    public void KindFromHeader_PersonalHeaders(string header, PersonalDataKind kind)
        => Assert.Equal(kind, PersonalDataScanner.KindFromHeader(header));

    [Theory]
    [InlineData("plan_name")]
    [InlineData("industry")]
    [InlineData("tickets_90d")]
    public void KindFromHeader_OrdinaryHeaders_Null(string header) => Assert.Null(PersonalDataScanner.KindFromHeader(header));

    [Fact]
    public void Add_PastTheCapOfDistinctPairs_ExaminesNoMoreCells()
    {
        // The judgement rests on the first MaxPairsPerColumn distinct (account, value) pairs: plan names there, so the
        // e-mail addresses after them are never examined and the column is not called personal.
        var scanner = new PersonalDataScanner(["note"]);
        for (var a = 0; a < PersonalDataScanner.MaxPairsPerColumn; a++)
        {
            scanner.Add(0, "A" + a.ToString(CultureInfo.InvariantCulture), a % 2 == 0 ? "pro" : "basic");
        }

        for (var a = 0; a < PersonalDataScanner.MaxPairsPerColumn; a++)
        {
            scanner.Add(0, "B" + a.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"owner{a}@customer{a}.example"));
        }

        Assert.Empty(scanner.Build());

        var emailsFirst = new PersonalDataScanner(["note"]);
        for (var a = 0; a < 1000; a++)
        {
            emailsFirst.Add(0, "B" + a.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"owner{a}@customer{a}.example"));
        }

        Assert.Equal(PersonalDataKind.Email, Assert.Single(emailsFirst.Build()).Kind);
    }

    [Property(MaxTest = 60)]
    public void Build_Meets_Specification(int seed)
    {
        // The same columns and reasons as the scanner before its compact sets and reading cache, whatever the cells.
        var random = new Random(seed);
        string[] headers = ["contact", "notes", "owner_email", "support_line", "plan", "login_ip", "street", "seats"];
        var columns = headers.OrderBy(_ => random.Next()).Take(random.Next(1, headers.Length + 1)).ToArray();
        var styles = columns.Select(_ => random.Next(9)).ToArray();
        var fast = new PersonalDataScanner(columns);
        var reference = new ReferencePersonalDataScanner(columns);
        var accounts = random.Next(2) == 0 ? 0 : random.Next(1, 400);
        for (var row = 0; row < random.Next(1, 2500); row++)
        {
            var account = accounts == 0 ? row.ToString(CultureInfo.InvariantCulture) : "A" + random.Next(accounts).ToString(CultureInfo.InvariantCulture);
            for (var c = 0; c < columns.Length; c++)
            {
                var value = Value(random, styles[c]);
                fast.Add(c, account, value);
                reference.Add(c, account, value);
            }
        }

        Assert.Equal(reference.Build(), fast.Build());
    }

    [Fact]
    public void Add_PastTheCapOfDistinctPairs_AllocatesNothing()
    {
        var scanner = new PersonalDataScanner(["note"]);
        for (var a = 0; a < PersonalDataScanner.MaxPairsPerColumn; a++)
        {
            scanner.Add(0, "A" + a.ToString(CultureInfo.InvariantCulture), "pro");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var a = 0; a < 1000; a++)
        {
            scanner.Add(0, "B", "owner@customer.example");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static readonly string[] Odd =
    [
        "", " ", "NA", "-", ".", "+", "0", "-0", "-.5", "5.", "1e3", "1,234.5", "1.234,5", "01/03/2025", "2024-03-01", "2024.03.01", "yes", "Zürich",
        "東京", "::1", "a@b.co", "-0.317396", "+1234567", "1234567", "-123456", "-1234567890123456", "999999.5", "-1000000", "1.2.3", "12.", "-12.5.6",
    ];

    private static string Value(Random random, int style)
    {
        var a = random.Next(500);
        return random.Next(10) == 0
            ? Odd[random.Next(Odd.Length)]
            : style switch
            {
                0 => $"{First[a % 8]} {Last[a / 8 % 8]}",
                1 => string.Create(CultureInfo.InvariantCulture, $"owner{a}@customer{a % 50}.example"),
                2 => string.Create(CultureInfo.InvariantCulture, $"+1 555-01{a % 100:00}"),
                3 => string.Create(CultureInfo.InvariantCulture, $"{a + 1} {Streets[a % 5]}"),
                4 => string.Create(CultureInfo.InvariantCulture, $"10.0.{a / 200}.{a % 200}"),
                5 => new DateOnly(2024, 1, 1).AddDays(a).ToString(random.Next(2) == 0 ? "yyyy-MM-dd" : "dd/MM/yyyy", CultureInfo.InvariantCulture),
                6 => (random.NextDouble() * 2e6 - 1e6).ToString(random.Next(3) switch { 0 => "R", 1 => "N2", _ => "0.######" }, CultureInfo.InvariantCulture),
                7 => ((string[])["basic", "pro", "enterprise", "team"])[a % 4],
                _ => string.Create(CultureInfo.InvariantCulture, $"note {a} {Streets[a % 5][..3]}"),
            };
    }
}
