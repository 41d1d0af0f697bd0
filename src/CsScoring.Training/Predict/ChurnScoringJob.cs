using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Data;

namespace CsScoring.Training.Predict;

/// <summary>One scored account kept for the "most at risk" list.</summary>
internal sealed record AtRiskAccount(string? Id, string? AsOf, double Probability, RiskBand Band, IReadOnlyList<string> Reasons);

/// <summary>What a scoring pass did.</summary>
internal sealed record ChurnScoringSummary(
    long Rows,
    long Skipped,
    IReadOnlyDictionary<string, long> Bands,
    double MeanProbability,
    int Explain,
    string? Background,
    bool BackgroundFromModel,
    IReadOnlyList<AtRiskAccount> TopAtRisk);

/// <summary>
/// Streams a data file through a churn model into a predictions CSV (probability, band, raw score and the top-K
/// reasons per row): one row in memory at a time, so a file larger than memory works. Shared by
/// <c>csscoring predict</c> and the main job's scoring step.
/// </summary>
internal sealed class ChurnScoringJob
{
    private const double FirstPassShare = 0.3;

    public required ChurnModel Model { get; init; }

    public required string DataPath { get; init; }

    public required string OutputPath { get; init; }

    /// <summary>How many reasons per row (0: none).</summary>
    public int Explain { get; init; }

    /// <summary>How many of the highest-risk accounts to report.</summary>
    public int TopAtRisk { get; init; } = 10;

    public bool Overwrite { get; init; } = true;

    /// <summary>Which rows to score (null: all); given the reader positioned on a row.</summary>
    public Func<TabularReader, bool>? Include { get; init; }

    public IProgress<double>? Progress { get; init; }

    public ChurnScoringSummary Run()
    {
        var model = Model;
        string? background = null;
        var learnt = false;
        if (Explain > 0 && model.Background is { } stored)
        {
            // The model directory carries its explanation background (written by training from its training rows).
            background = string.Create(CultureInfo.InvariantCulture, $"the {stored.Rows} {stored.Population ?? "background rows"} stored with the model");
        }
        else if (Explain > 0)
        {
            // Explanations need the features' background distribution; learn it from the rows being scored, in a
            // first streaming pass (counts per tree node only, so memory does not grow with the file).
            var builder = model.CreateBackground();
            ForEachRow(model, (_, features) => builder.Add(features), 0, FirstPassShare);
            if (builder.Rows > 0)
            {
                model = builder.Build();
                background = string.Create(CultureInfo.InvariantCulture, $"the {builder.Rows} scored rows");
                learnt = true;
            }
        }

        var bands = new Dictionary<string, long>(StringComparer.Ordinal) { ["high"] = 0, ["medium"] = 0, ["low"] = 0 };
        var top = new PriorityQueue<AtRiskAccount, double>();
        long rows = 0;
        var sum = 0.0;
        var contributions = new float[model.FeatureCount];
        var reasons = new ChurnReason[Math.Max(Explain, 0)];
        string? idColumn = null, timeColumn = null;
        AtomicOutput.WriteText(OutputPath, text =>
        {
            using var csv = new CsvWriter(text);
            var headerWritten = false;
            ForEachRow(model, (reader, features) =>
            {
                if (!headerWritten)
                {
                    idColumn = model.Manifest.IdColumn is { } idName && reader.TryGetOrdinal(idName, out _) ? idName : null;
                    timeColumn = model.Manifest.TimeColumn is { } timeName && reader.TryGetOrdinal(timeName, out _) ? timeName : null;
                    WriteHeader(csv, idColumn, timeColumn);
                    headerWritten = true;
                }

                var prediction = model.Predict(features);
                var count = 0;
                if (Explain > 0)
                {
                    model.Explain(features, contributions);
                    count = model.TopReasons(features, contributions, reasons);
                }

                var id = idColumn is null ? null : reader.GetString(reader.GetOrdinal(idColumn));
                var asOf = timeColumn is null ? null : reader.GetString(reader.GetOrdinal(timeColumn));
                if (id is not null)
                {
                    csv.WriteField(id);
                }

                if (asOf is not null)
                {
                    csv.WriteField(asOf);
                }

                csv.WriteField(prediction.Probability, "0.######");
                csv.WriteField(BandName(prediction.Band));
                csv.WriteField(prediction.RawScore, "0.######");
                for (var k = 0; k < Explain; k++)
                {
                    if (k < count)
                    {
                        csv.WriteField(model.DescribeReason(reasons[k]));
                        csv.WriteField(reasons[k].Contribution, "0.######");
                    }
                    else
                    {
                        csv.WriteEmpty();
                        csv.WriteEmpty();
                    }
                }

                csv.EndRow();
                rows++;
                sum += float.IsNaN(prediction.Probability) ? 0 : prediction.Probability;
                bands[BandName(prediction.Band)]++;
                Keep(top, new AtRiskAccount(id, asOf, prediction.Probability, prediction.Band,
                    [.. reasons.Take(count).Select(r => model.DescribeReason(r))]));
            }, learnt ? FirstPassShare : 0, 1);
            if (!headerWritten)
            {
                WriteHeader(csv, model.Manifest.IdColumn, null);
            }
        }, Overwrite);

        var topList = new List<AtRiskAccount>();
        while (top.Count > 0)
        {
            topList.Add(top.Dequeue());
        }

        topList.Reverse();
        return new ChurnScoringSummary(rows, 0, bands, rows == 0 ? double.NaN : sum / rows, Explain, background, !learnt && background is not null, topList);
    }

    private void Keep(PriorityQueue<AtRiskAccount, double> top, AtRiskAccount account)
    {
        if (TopAtRisk <= 0 || double.IsNaN(account.Probability))
        {
            return;
        }

        if (top.Count < TopAtRisk)
        {
            top.Enqueue(account, account.Probability);
        }
        else if (top.TryPeek(out _, out var lowest) && account.Probability > lowest)
        {
            top.DequeueEnqueue(account, account.Probability);
        }
    }

    private void WriteHeader(CsvWriter csv, string? idColumn, string? timeColumn)
    {
        if (idColumn is not null)
        {
            csv.WriteField(idColumn);
        }

        if (timeColumn is not null)
        {
            csv.WriteField(timeColumn);
        }

        csv.WriteField("churn_probability");
        csv.WriteField("risk_band");
        csv.WriteField("raw_score");
        for (var k = 1; k <= Explain; k++)
        {
            csv.WriteField(string.Create(CultureInfo.InvariantCulture, $"reason_{k}"));
            csv.WriteField(string.Create(CultureInfo.InvariantCulture, $"reason_{k}_contribution"));
        }

        csv.EndRow();
    }

    private void ForEachRow(ChurnModel model, Action<TabularReader, float[]> action, double from, double to)
    {
        using var reader = TabularReader.Open(DataPath);
        model.CheckColumns(reader.Columns, DataPath);
        var features = new float[model.FeatureCount];
        var estimatedRows = Progress is null ? 0 : EstimateRows(DataPath);
        while (reader.Read())
        {
            if (Progress is not null && (reader.RowNumber & 1023) == 0)
            {
                Progress.Report(Math.Min(to, from + ((to - from) * reader.RowNumber / estimatedRows)));
            }

            if (Include is not null && !Include(reader))
            {
                continue;
            }

            model.Mapper.Map(reader, features);
            action(reader, features);
        }
    }

    // From the line length of the file's first 64 KiB: enough for a progress bar, without reading the file twice.
    private static double EstimateRows(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(stream.Length, 1 << 16)];
        var read = stream.Read(buffer, 0, buffer.Length);
        var lines = Math.Max(1, buffer.AsSpan(0, read).Count((byte)'\n'));
        return Math.Max(1, (double)stream.Length * lines / Math.Max(1, read));
    }

    internal static string BandName(RiskBand band) => band switch
    {
        RiskBand.High => "high",
        RiskBand.Medium => "medium",
        _ => "low",
    };
}
