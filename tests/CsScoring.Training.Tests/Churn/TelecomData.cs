using System.Globalization;
using System.Text;

namespace CsScoring.Training.Tests.Churn;

/// <summary>A small telecom-style churn export: Yes/No label, text categories, blank numeric cells, an id and e-mails.</summary>
internal static class TelecomData
{
    public const string Header = "customerID,gender,SeniorCitizen,Partner,tenure,Contract,PaymentMethod,MonthlyCharges,TotalCharges,Email,Churn";

    public static string Write(string directory, int rows = 600, int seed = 7, string name = "telco.csv", Func<int, double>? tenureShift = null)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, Create(rows, seed, tenureShift));
        return path;
    }

    public static string Create(int rows, int seed, Func<int, double>? tenureShift = null)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Header).Append('\n');
        string[] contracts = ["Month-to-month", "One year", "Two year"];
        string[] payments = ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"];
        var c = CultureInfo.InvariantCulture;
        for (var i = 0; i < rows; i++)
        {
            var contract = random.Next(3);
            var tenure = Math.Round(random.NextDouble() * (contract == 0 ? 30 : 70) + (tenureShift?.Invoke(i) ?? 0));
            var monthly = Math.Round(20 + (random.NextDouble() * 90), 2);
            var senior = random.NextDouble() < 0.16 ? 1 : 0;
            var logit = -1.0 + (contract == 0 ? 1.4 : contract == 1 ? -0.6 : -1.8) - (0.04 * tenure) + (0.015 * (monthly - 60)) + (0.5 * senior);
            var churn = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            var total = random.NextDouble() < 0.03 ? " " : (tenure * monthly).ToString("0.00", c);
            text.Append(c, $"{1000 + i:0000}-{(char)('A' + (i % 26))}{(char)('A' + (i / 26 % 26))}XYZ,")
                .Append(random.Next(2) == 0 ? "Male" : "Female").Append(',')
                .Append(senior).Append(',')
                .Append(random.Next(2) == 0 ? "Yes" : "No").Append(',')
                .Append(tenure.ToString(c)).Append(',')
                .Append(contracts[contract]).Append(',')
                .Append('"').Append(payments[random.Next(4)]).Append("\",")
                .Append(random.NextDouble() < 0.02 ? string.Empty : monthly.ToString("0.00", c)).Append(',')
                .Append(total).Append(',')
                .Append(c, $"user{i}@example.com,")
                .Append(churn ? "Yes" : "No").Append('\n');
        }

        return text.ToString();
    }
}
