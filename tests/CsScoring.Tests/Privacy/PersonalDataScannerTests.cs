using System.Globalization;
using CsScoring.Privacy;

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
}
