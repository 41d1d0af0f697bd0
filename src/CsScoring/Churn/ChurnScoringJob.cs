using System.Globalization;
using CsScoring.Churn.Explain;
using CsScoring.Data;

namespace CsScoring.Churn;

/// <summary>One scored row: its id and date as the data holds them, the prediction and its reasons in words.</summary>
/// <param name="Id">The row's id (the manifest's id column), raw; <see langword="null"/> when the data has no such column.</param>
/// <param name="AsOf">The row's date text (the manifest's time column), raw; <see langword="null"/> when absent.</param>
/// <param name="Probability">The calibrated churn probability.</param>
/// <param name="Band">The risk band.</param>
/// <param name="Reasons">The top reasons, strongest first (empty without explanations).</param>
public sealed record ScoredRow(string? Id, string? AsOf, float Probability, RiskBand Band, IReadOnlyList<string> Reasons);

/// <summary>What a scoring pass did.</summary>
/// <param name="Rows">The rows scored.</param>
/// <param name="Bands">Rows per risk band, keyed by <see cref="ChurnScoringJob.BandName"/>.</param>
/// <param name="MeanProbability">The mean probability (NaN without rows).</param>
/// <param name="Explain">The reasons per row.</param>
/// <param name="Background">What the reasons are relative to, in words; <see langword="null"/> without explanations.</param>
/// <param name="BackgroundFromModel">Whether the background came with the model (else it was learnt from the scored rows).</param>
/// <param name="TopAtRisk">The rows with the highest probabilities, highest first.</param>
/// <param name="Scores">Every scored row in data order when <see cref="ChurnScoringJob.KeepScores"/> is set; otherwise empty.</param>
public sealed record ChurnScoringSummary(
    long Rows,
    IReadOnlyDictionary<string, long> Bands,
    double MeanProbability,
    int Explain,
    string? Background,
    bool BackgroundFromModel,
    IReadOnlyList<ScoredRow> TopAtRisk,
    IReadOnlyList<ScoredRow> Scores);

/// <summary>
/// Streams a table through a churn model into a predictions CSV (id, date, probability, band, raw score and the
/// top-K reasons per row): one row in memory at a time, so a file larger than memory works.
/// </summary>
/// <remarks>
/// Explanations need a background: the model's own (stored with it by training), else one learnt from the scored
/// rows in a first pass (the data is then opened twice). Ids and dates are kept raw in memory and made
/// spreadsheet-safe only in the CSV. Not thread-safe; one job is one run.
/// </remarks>
/// <example>
/// <code>
/// var summary = new ChurnScoringJob
/// {
///     Model = ChurnModel.Load("out/model"),
///     OpenData = () => TabularReader.Open("accounts.csv"),
///     OutputPath = "predictions.csv",
///     Explain = 3,
/// }.Run();
/// </code>
/// </example>
public sealed class ChurnScoringJob
{
    private const double FirstPassShare = 0.3;

    /// <summary>The model.</summary>
    public required ChurnModel Model { get; init; }

    /// <summary>Opens the data from its first row; called once per pass.</summary>
    public required Func<TabularReader> OpenData { get; init; }

    /// <summary>The predictions file (written atomically).</summary>
    public required string OutputPath { get; init; }

    /// <summary>How many reasons per row (0: none).</summary>
    /// <value>The default value is 0.</value>
    public int Explain { get; init; }

    /// <summary>How many of the highest-risk rows to report.</summary>
    /// <value>The default value is 10.</value>
    public int TopAtRisk { get; init; } = 10;

    /// <summary>Whether an existing output file is replaced.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Overwrite { get; init; } = true;

    /// <summary>Whether every scored row is kept in <see cref="ChurnScoringSummary.Scores"/> (for the next step of a job).</summary>
    /// <value>The default value is <see langword="false"/> (memory stays flat for any file size).</value>
    public bool KeepScores { get; init; }

    /// <summary>
    /// Replaces each id as the predictions file is written, for example with
    /// <see cref="Privacy.Pseudonymizer.Pseudonymize"/> so the file joins other outputs made with the same key without
    /// holding the raw ids. <see cref="ChurnScoringSummary"/> keeps the raw ids, for the caller's next step in memory.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: ids are written as the data holds them.</value>
    public Func<string, string>? MapId { get; init; }

    /// <summary>Which rows to score (<see langword="null"/>: all); given the reader positioned on a row.</summary>
    public Func<TabularReader, bool>? Include { get; init; }

    /// <summary>The number of rows the data is expected to have, for <see cref="Progress"/>; progress is reported only with it.</summary>
    public double? EstimatedRows { get; init; }

    /// <summary>Receives the share of the work done, in [0, 1].</summary>
    public IProgress<double>? Progress { get; init; }

    /// <summary>Scores the data and writes the predictions.</summary>
    /// <returns>What the pass did.</returns>
    /// <exception cref="ChurnModelException">The data lacks a column the model needs.</exception>
    /// <exception cref="DataFormatException">A cell cannot be read (file, row and column named).</exception>
    /// <exception cref="OutputExistsException">The output exists and <see cref="Overwrite"/> is false.</exception>
    /// <exception cref="OutputWriteException">The output path is a folder, under a file or not writable (checked before any row is scored).</exception>
    public ChurnScoringSummary Run()
    {
        ArgumentNullException.ThrowIfNull(Model);
        ArgumentNullException.ThrowIfNull(OpenData);
        ArgumentException.ThrowIfNullOrEmpty(OutputPath);
        ArgumentOutOfRangeException.ThrowIfNegative(Explain);

        // What can be checked before the work starts is checked now, not after every row was scored.
        AtomicOutput.EnsureWritableFile(OutputPath);
        if (!Overwrite && File.Exists(OutputPath))
        {
            throw new OutputExistsException($"Output file '{OutputPath}' already exists; pass --force to replace it.", OutputPath);
        }

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
        var top = new PriorityQueue<ScoredRow, double>();
        var scores = new List<ScoredRow>();
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
                    csv.WriteField(MapId is { } map ? map(id) : id);
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
                var scored = new ScoredRow(id, asOf, prediction.Probability, prediction.Band, [.. reasons.Take(count).Select(r => model.DescribeReason(r))]);
                Keep(top, scored);
                if (KeepScores)
                {
                    scores.Add(scored);
                }
            }, learnt ? FirstPassShare : 0, 1);
            if (!headerWritten)
            {
                WriteHeader(csv, model.Manifest.IdColumn, null);
            }
        }, Overwrite);

        var topList = new List<ScoredRow>();
        while (top.Count > 0)
        {
            topList.Add(top.Dequeue());
        }

        topList.Reverse();
        return new ChurnScoringSummary(rows, bands, rows == 0 ? double.NaN : sum / rows, Explain, background, !learnt && background is not null, topList, scores);
    }

    private void Keep(PriorityQueue<ScoredRow, double> top, ScoredRow account)
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
        using var reader = OpenData();
        model.CheckColumns(reader.Columns, reader.SourceName);
        var features = new float[model.FeatureCount];
        var estimatedRows = Math.Max(1, EstimatedRows ?? 1);
        while (reader.Read())
        {
            if (Progress is not null && EstimatedRows is not null && (reader.RowNumber & 1023) == 0)
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

    /// <summary>The lower-case name of a risk band, as the predictions file writes it: <c>high</c>, <c>medium</c> or <c>low</c>.</summary>
    /// <param name="band">The band.</param>
    public static string BandName(RiskBand band) => band switch
    {
        RiskBand.High => "high",
        RiskBand.Medium => "medium",
        _ => "low",
    };
}
