using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CsScoring.Churn.Features;
using CsScoring.Data;
using CsScoring.Training.Churn;
using CsScoring.Training.Data;
using CsScoring.Training.Tests.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CsScoring.Training.Tests.Churn;

/// <summary>
/// The single pass (cells kept typed while profiling, mapped after inference) must give the dataset the two-pass
/// path gives, bit for bit, with the same warnings in the same order, and the same error when there is one.
/// </summary>
public sealed class ChurnDatasetTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("csscoring-dataset-").FullName;

    public ChurnDatasetTests() => TabularReader.RegisterFormat(ParquetFormat.Instance);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Property(MaxTest = 60)]
    public Property Single_Pass_Equals_Two_Passes(int seed)
    {
        // Fewer rows than distinct values kept: every column maps from the kept cells.
        var (_, options) = Generate(seed, big: false);
        return Compare(options, singlePass: true).ToProperty();
    }

    [Property(MaxTest = 8)]
    public Property Single_Pass_Equals_Two_Passes_Beyond_The_Distinct_Values_Kept(int seed)
    {
        var (_, options) = Generate(seed, big: true);
        return Compare(options).ToProperty();
    }

    [Fact]
    public void Conflicting_Labels_Are_Refused_As_Before()
    {
        var path = Path.Combine(_directory, "conflict.csv");
        File.WriteAllText(path, "id,as_of,seats,churned\nA,2024-01-31,3,Yes\nB,2024-01-31,4,No\nA,2024-01-31,3,No\nC,2024-01-31,x,Yes\n");
        var options = new ChurnDataOptions { DataPath = path, Label = "churned", IdColumn = "id", TimeColumn = "as_of" };
        Assert.True(Compare(options));
        var error = Assert.Throws<DataFormatException>(() => Load(options, singlePass: true, out _));
        Assert.Contains("has two rows for 2024-01-31 with different labels (rows 1 and 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Date_Column_Beyond_The_Distinct_Values_Kept_Falls_Back_To_A_Second_Pass()
    {
        // Forced to a date, numbers past the distinct values kept were never tried as dates (yyyyMMdd reads them):
        // only reading again maps them. Some ISO dates make the profile see dates at all.
        var path = Path.Combine(_directory, "forced.csv");
        var text = new StringBuilder("id,day,seats,churned\n");
        var start = new DateOnly(2000, 1, 1);
        for (var i = 0; i < ColumnProfiler.MaxDistinct + 500; i++)
        {
            var cell = i % 10 == 0 ? start.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : start.AddDays(i).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"A{i},{cell},{i % 7},{(i % 3 == 0 ? "Yes" : "No")}\n");
        }

        File.WriteAllText(path, text.ToString());
        var options = new ChurnDataOptions
        {
            DataPath = path,
            Label = "churned",
            IdColumn = "id",
            Kinds = new Dictionary<string, FeatureKind?> { ["day"] = FeatureKind.Date },
            ReadOptions = new TabularReadOptions { DateFormat = "yyyyMMdd" },
        };

        Assert.True(Compare(options));
        var dataset = Load(options, singlePass: true, out _);
        Assert.Equal(2, dataset.Passes);
        var day = dataset.Schema.Columns.ToList().FindIndex(c => c.Name == "day");
        var offset = dataset.Schema.FeatureOffset(day);
        var last = dataset.Rows - 1;
        Assert.Equal(start.AddDays(last).DayNumber - new DateOnly(1970, 1, 1).DayNumber, dataset.Features[(last * dataset.Width) + offset]);
    }

    [Fact]
    public void A_Parquet_Folder_Gives_The_Same_Dataset_With_Warnings_Per_Part()
    {
        var csv = Path.Combine(_directory, "parts.csv");
        var text = new StringBuilder("id,as_of,seats,plan,churned\n");
        for (var i = 0; i < 300; i++)
        {
            var seats = i % 17 == 0 ? "lots" : (i % 11).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"A{i % 120},2024-0{1 + (i % 3)}-15,{seats},{(i % 4 == 0 ? "pro" : "basic")},{(i % 5 == 0 ? "" : (i * 7) % 3 == 0 ? "1" : "0")}\n");
        }

        File.WriteAllText(csv, text.ToString());
        var folder = ParquetParts.Write(csv, Path.Combine(_directory, "parts"), 3);
        var options = new ChurnDataOptions { DataPath = folder, Label = "churned", IdColumn = "id", TimeColumn = "as_of" };
        Assert.True(Compare(options));
        Assert.Equal(1, Load(options, singlePass: true, out var warnings).Passes);
        Assert.Equal(3, warnings.Items.Count(w => w.Code == "imputed-cells" && w.Column == "seats"));
    }

    // Loads both ways, each with its own warnings, and says whether everything observable is the same; with
    // singlePass, that the file was read once.
    private static bool Compare(ChurnDataOptions options, bool singlePass = false)
    {
        var (a, twoError, twoWarnings) = Try(options, singlePass: false);
        var (b, oneError, oneWarnings) = Try(options, singlePass: true);
        if (twoError is not null || oneError is not null)
        {
            Assert.Equal(twoError?.GetType(), oneError?.GetType());
            Assert.Equal(twoError?.Message, oneError?.Message);
            return true;
        }

        Assert.Equal(a!.Schema.Columns, b!.Schema.Columns);
        Assert.Equal(a.Schema.TimeColumn, b.Schema.TimeColumn);
        Assert.Equal(a.Decisions, b.Decisions);
        Assert.True(MemoryMarshal.AsBytes(a.Features.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.Features.AsSpan())), "features differ");
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Groups, b.Groups);
        Assert.Equal(a.GroupKeys, b.GroupKeys);
        Assert.Equal(a.Days, b.Days);
        Assert.Equal(a.Positive, b.Positive);
        Assert.Equal(a.LabelValues, b.LabelValues);
        Assert.Equal(a.RowsRead, b.RowsRead);
        Assert.Equal(a.UnlabelledRows, b.UnlabelledRows);
        Assert.Equal(a.SourceName, b.SourceName);
        Assert.Equal(a.DataSha256, b.DataSha256);
        Assert.Equal(a.PersonalColumns, b.PersonalColumns);
        Assert.Equal(a.AllowedPersonal, b.AllowedPersonal);

        // Opening the file twice said twice how its dates read; once is what happened, unless the single pass fell
        // back to reading twice.
        Assert.Equal(2, a.Passes);
        Assert.True(!singlePass || b.Passes == 1, "read twice");
        var expected = b.Passes == 2 ? twoWarnings : [.. twoWarnings.Select(w => w.Code == "inferred-date-order" ? w with { Count = w.Count / 2 } : w)];
        Assert.Equal(expected, oneWarnings);
        return true;
    }

    private static (ChurnDataset? Dataset, DataFormatException? Error, IReadOnlyList<DataWarning> Warnings) Try(ChurnDataOptions options, bool singlePass)
    {
        DataWarnings? warnings = null;
        try
        {
            var dataset = Load(options, singlePass, out warnings);
            return (dataset, null, warnings.Items);
        }
        catch (DataFormatException ex)
        {
            return (null, ex, warnings?.Items ?? []);
        }
    }

    // Each load gets its own warnings in its read options, so the two are counted apart.
    private static ChurnDataset Load(ChurnDataOptions options, bool singlePass, out DataWarnings warnings)
    {
        var read = options.ReadOptions;
        var local = new DataWarnings();
        warnings = local;
        var own = options with
        {
            ReadOptions = new TabularReadOptions
            {
                MissingValues = read.MissingValues,
                DecimalMark = read.DecimalMark,
                DateFormat = read.DateFormat,
                Delimiter = read.Delimiter,
                Warnings = local,
            },
        };

        return ChurnDataset.Load(own, () => TabularReader.Open(own.DataPath, own.ReadOptions), () => "sha256", singlePass);
    }

    private (string Path, ChurnDataOptions Options) Generate(int seed, bool big)
    {
        var random = new Random(seed);
        var comma = random.Next(3) == 0;
        var delimiter = comma ? ';' : ',';
        var rows = big ? ColumnProfiler.MaxDistinct + random.Next(200, 800) : random.Next(30, 400);
        var hasId = random.Next(5) > 1;
        var hasTime = random.Next(5) > 1;
        var dateOrder = random.Next(3); // ISO, day-first, month-first
        var marker = random.Next(2) == 0 ? "?" : null;
        var accounts = Math.Max(3, rows / 3);
        string Number(double value, string format) => value.ToString(format, comma ? s_decimalComma : CultureInfo.InvariantCulture);
        string Missing() => random.Next(4) switch { 0 => "", 1 => "NA", 2 => " ", _ => marker ?? "NULL" };

        var columns = new List<string> { "churned", "seats", "mrr", "plan", "sponsor", "flag", "renewal", "contact" };
        if (hasId)
        {
            columns.Insert(0, "acct");
        }

        if (hasTime)
        {
            columns.Insert(hasId ? 1 : 0, "as_of");
        }

        if (big)
        {
            columns.Add("spread");
            columns.Add("code");
        }

        var text = new StringBuilder(string.Join(delimiter, columns)).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            var account = random.Next(accounts);
            var day = new DateOnly(2024, 1, 31).AddDays(30 * random.Next(4));
            var cells = new List<string>();
            foreach (var column in columns)
            {
                cells.Add(column switch
                {
                    "acct" => $"A{account:000}",
                    "as_of" => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),

                    // Duplicates of an (account, day) pair keep one label, as a blank one is only unlabelled.
                    "churned" => random.Next(12) == 0 ? "" : ((account * 31) + day.DayNumber) % 3 == 0 ? (random.Next(2) == 0 ? "Yes" : "yes") : "No",
                    "seats" => random.Next(40) switch
                    {
                        0 => Missing(),
                        1 => "many",
                        2 => "inf",
                        3 => "1e300",
                        4 => "Nan",
                        _ => random.Next(1, 60).ToString(CultureInfo.InvariantCulture),
                    },
                    "mrr" => random.Next(20) == 0 ? Missing() : Number(random.Next(1000, 99999) / 100.0, "0.00"),
                    "plan" => random.Next(10) switch
                    {
                        0 => Missing(),
                        1 => $"rare{random.Next(30)}",
                        2 => " pro ",
                        _ => random.Next(2) == 0 ? "basic" : "enterprise",
                    },
                    "sponsor" => random.Next(12) switch
                    {
                        0 => Missing(),
                        1 => "maybe",
                        var k => new[] { "yes", "no", "1", "0", "true", "false", "Y", "N", "No", "YES" }[k % 10],
                    },
                    "flag" => random.Next(8) == 0 ? Missing() : new[] { "yes", "No", "1", "0" }[random.Next(4)],
                    "renewal" => random.Next(15) switch
                    {
                        0 => Missing(),
                        1 => "soon",
                        2 => "Nan",
                        _ => Date(day.AddDays(random.Next(-20, 400)), dateOrder),
                    },
                    "contact" => random.Next(3) == 0 ? $"user{account}@example.com" : Missing(),
                    "spread" => random.Next(30) == 0 ? "x" : Number(random.NextDouble() * 1e6, "0.000"),
                    "code" => random.Next(50) == 0 ? Missing() : random.Next(20) == 0 ? (random.Next(2) == 0 ? "yes" : "n") : $"C{i}",
                    _ => throw new InvalidOperationException(column),
                });
            }

            text.Append(string.Join(delimiter, cells)).Append('\n');
        }

        var path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"data-{seed}-{big}.csv"));
        File.WriteAllText(path, text.ToString());
        var kinds = new Dictionary<string, FeatureKind?>();
        switch (random.Next(big ? 5 : 6))
        {
            case 0:
                kinds["seats"] = FeatureKind.Categorical;
                break;
            case 1:
                kinds["sponsor"] = FeatureKind.Numeric;
                kinds["mrr"] = FeatureKind.Categorical;
                break;
            case 2:
                kinds["plan"] = null;
                kinds["renewal"] = FeatureKind.Date;
                break;
            case 3:
                kinds["sponsor"] = FeatureKind.Boolean;
                kinds["flag"] = FeatureKind.Categorical;
                break;
            case 4 when big:
                // Yes/no among more texts than are kept: only reading again maps them.
                kinds["spread"] = FeatureKind.Categorical;
                kinds["code"] = FeatureKind.Boolean;
                break;
        }

        var options = new ChurnDataOptions
        {
            DataPath = path,
            Label = "churned",
            IdColumn = hasId ? "acct" : null,
            TimeColumn = hasTime ? "as_of" : null,
            Kinds = kinds,
            AllowPersonal = random.Next(4) == 0 ? ["contact"] : [],
            Seed = seed,
            ReadOptions = new TabularReadOptions
            {
                MissingValues = marker is null ? [] : [marker],
                DecimalMark = comma && random.Next(2) == 0 ? ',' : null,
            },
        };

        return (path, options);
    }

    private static readonly NumberFormatInfo s_decimalComma = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = "." };

    private static string Date(DateOnly date, int order) => order switch
    {
        0 => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        1 => date.ToString("d/M/yyyy", CultureInfo.InvariantCulture),
        _ => date.ToString("M/d/yyyy", CultureInfo.InvariantCulture),
    };
}
