using System.Globalization;
using System.Text;

namespace CsScoring.Benchmarks.Training;

/// <summary>
/// Generated churn exports for the training benchmark: an id, a label (Yes/No) and 30 feature columns
/// (20 numeric with about 3 % blank cells, 5 categorical, 3 yes/no, 2 dates), written row by row (bounded memory).
/// </summary>
internal static class TrainingData
{
    public static void Write(string path, int rows, int seed)
    {
        var random = new Random(seed);
        var c = CultureInfo.InvariantCulture;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var header = new StringBuilder("id,as_of");
        for (var i = 0; i < 20; i++)
        {
            header.Append(c, $",num{i}");
        }

        for (var i = 0; i < 5; i++)
        {
            header.Append(c, $",cat{i}");
        }

        header.Append(",flag0,flag1,flag2,renewal,signup,churn");
        writer.WriteLine(header);
        var line = new StringBuilder(512);
        var epoch = new DateOnly(2024, 1, 31);
        var values = new double[20];
        for (var r = 0; r < rows; r++)
        {
            line.Clear();
            var asOf = epoch.AddMonths(r % 24);
            line.Append(c, $"C{r:0000000},{asOf:yyyy-MM-dd}");
            var logit = -2.5;
            for (var i = 0; i < 20; i++)
            {
                values[i] = Gaussian(random);
                logit += i < 6 ? values[i] * (0.6 - (0.1 * i)) : 0;
                line.Append(',');
                if (random.NextDouble() >= 0.03)
                {
                    line.Append((Math.Round(values[i] * 100) / 10).ToString(c));
                }
            }

            for (var i = 0; i < 5; i++)
            {
                var level = random.Next(3 + (2 * i));
                logit += i == 0 ? (level - 1) * 0.4 : 0;
                line.Append(c, $",L{i}_{level}");
            }

            for (var i = 0; i < 3; i++)
            {
                var flag = random.Next(2) == 0;
                logit += i == 0 && flag ? -0.7 : 0;
                line.Append(flag ? ",Yes" : ",No");
            }

            var toRenewal = random.Next(1, 365);
            logit += toRenewal < 60 ? 0.8 : 0;
            line.Append(c, $",{asOf.AddDays(toRenewal):yyyy-MM-dd},{asOf.AddDays(-random.Next(30, 2000)):yyyy-MM-dd}");
            line.Append(random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? ",Yes" : ",No");
            writer.WriteLine(line);
        }
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
