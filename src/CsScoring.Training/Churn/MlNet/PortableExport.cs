using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Training.Churn.MlNet;

/// <summary>A trained model in the library's portable form, with the parity proved against ML.NET.</summary>
/// <param name="Scorer">The portable scorer, carrying the edge rows as self-test rows.</param>
/// <param name="Parity">The parity figures for the manifest.</param>
internal sealed record PortableExportResult(PortableScorer Scorer, ManifestParity Parity);

/// <summary>
/// Exports an ML.NET model to the library's portable scorer and proves, before anything is written, that the
/// library's compiled scorer reproduces ML.NET: on every given row and on edge rows (NaN, infinities, values on and
/// beside each split threshold), tree scores bit for bit and probabilities to 1e-6.
/// </summary>
internal static class PortableExport
{
    /// <summary>The largest probability difference accepted (ML.NET computes Platt in double and rounds to float, as we do; isotonic interpolates in float).</summary>
    public const double ProbabilityTolerance = 1e-6;

    /// <summary>The largest relative raw-score difference accepted for linear models (float products summed in another order).</summary>
    public const double LinearScoreTolerance = 1e-5;

    /// <param name="model">The ML.NET model (learner and calibrator).</param>
    /// <param name="manifestFor">The manifest for a scorer hash.</param>
    /// <param name="features">Row-major features.</param>
    /// <param name="width">Features per row.</param>
    /// <param name="rows">The rows to compare.</param>
    /// <param name="calibrate">
    /// The training library's calibrator, or <see langword="null"/>. A linear model's score agrees with ML.NET's only
    /// to float rounding (ML.NET sums in another order), and a steep isotonic segment can turn that last-bit
    /// difference into more than 1e-6 of probability; with the calibrator, such a row passes when the score agrees
    /// to rounding and ML.NET's calibrator gives the compiled probability for the compiled score (so the calibration
    /// is exact and only the rounding of the sum differs). The parity figures record the difference either way.
    /// </param>
    /// <param name="rowFigures">
    /// Gives ML.NET's score and probability for each of <paramref name="rows"/> from work already done (<see
    /// cref="MlNetScores(LearnerScores, ITransformer)"/>: the learner's scores, often scored while other fits ran,
    /// through the model's own calibrator transformer), called after <paramref name="scorerReady"/>; else the model
    /// is run on the rows here.
    /// </param>
    /// <exception cref="ChurnModelException">The model is not a supported shape, or the compiled scorer disagrees with ML.NET.</exception>
    /// <param name="scorerReady">
    /// Called with the exported scorer (self-test rows included) once the edge rows agree, before the slower check on
    /// <paramref name="rows"/>, so work that needs only the scorer can start beside it; the export still fails if
    /// that check does.
    /// </param>
    public static PortableExportResult Export(ITransformer model, Func<string, ModelManifest> manifestFor, float[] features, int width, int[] rows, Func<float, double>? calibrate = null,
        Func<(float[] Scores, float[] Probabilities)>? rowFigures = null, Action<PortableScorer>? scorerReady = null)
    {
        var schema = MatrixDataView.CreateSchema(width);
        var scorer = MlNetModelReader.Read(model, schema, null);
        var edges = MlNetModelReader.EdgeRows(scorer);
        var edgeFeatures = new float[edges.Count * width];
        for (var i = 0; i < edges.Count; i++)
        {
            edges[i].CopyTo(edgeFeatures.AsSpan(i * width, width));
        }

        var (edgeScores, edgeProbabilities) = MlNetScores(model, edgeFeatures, width, [.. Enumerable.Range(0, edges.Count)]);
        var compiled = ChurnModel.Create(
            manifestFor(ChurnModelDirectory.ScorerSha256(scorer)),
            scorer,
            new ChurnModelLoadOptions { VerifySelfTest = false });
        var isTrees = scorer.Trees is not null;
        var parity = new ParityAccumulator(isTrees, calibrate);
        parity.Compare(compiled, edgeFeatures, width, [.. Enumerable.Range(0, edges.Count)], edgeScores, edgeProbabilities, "edge row");
        var withSelfTest = scorer with
        {
            SelfTest = new PortableSelfTest([.. edges.Select(r => (IReadOnlyList<float>)r)], edgeScores, edgeProbabilities),
        };
        scorerReady?.Invoke(withSelfTest);

        var (rowScores, rowProbabilities) = rowFigures?.Invoke() ?? MlNetScores(model, features, width, rows);
        if (rowScores.Length != rows.Length || rowProbabilities.Length != rows.Length)
        {
            throw new ArgumentException($"one score and probability per row ({rows.Length}), got {rowScores.Length} and {rowProbabilities.Length}", nameof(rowFigures));
        }

        parity.Compare(compiled, features, width, rows, rowScores, rowProbabilities, "training row");
        return new PortableExportResult(withSelfTest,
            new ManifestParity(rows.Length + edges.Count, edges.Count, parity.MaxScoreDifference, parity.MaxProbabilityDifference));
    }

    internal static (float[] Scores, float[] Probabilities) MlNetScores(ITransformer model, float[] features, int width, int[] rows)
    {
        // ML.NET maps each cursor of a cursor set on the thread that reads it. The view's cursors cover consecutive
        // ranges of the rows, read on the cores at once, so no ML.NET splitter or merger threads sit in between and
        // each row's figures go to its own slot. More ranges than cores keep a core busy when another is not.
        var threads = Math.Clamp(Environment.ProcessorCount, 1, 8);
        var scores = new float[rows.Length];
        var probabilities = new float[rows.Length];
        var labels = new bool[features.Length / width];
        var view = new MatrixDataView(features, width, labels, rows) { SplitsCursors = true };
        var output = model.Transform(view);
        DataViewSchema.Column[] columns = [output.Schema["Score"], output.Schema["Probability"]];
        var cursors = output.GetRowCursorSet(columns, threads * 4);
        try
        {
            // A cursor's Batch is its range, as ML.NET's mapping cursors pass it through from the view's. A pipeline
            // that splits or merges rows itself does not, and is read through one cursor over the rows in order.
            var parts = cursors.Length;
            if (!cursors.Select(c => c.Batch).Order().SequenceEqual(Enumerable.Range(0, parts).Select(k => (long)k)))
            {
                var plain = model.Transform(new MatrixDataView(features, width, labels, rows));
                using var cursor = plain.GetRowCursor([plain.Schema["Score"], plain.Schema["Probability"]]);
                Read(cursor, 0, rows.Length, scores, probabilities);
                return (scores, probabilities);
            }

            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
            {
                var part = (int)cursors[k].Batch;
                Read(cursors[k], view.PartStart(parts, part), view.PartStart(parts, part + 1), scores, probabilities);
            });
        }
        finally
        {
            foreach (var cursor in cursors)
            {
                cursor.Dispose();
            }
        }

        return (scores, probabilities);
    }

    /// <summary>
    /// ML.NET's score and probability for a learner followed by its calibrator transformer, as the saved model's
    /// chain computes them: the learner's <c>Score</c> column (<paramref name="learnerScores"/>), then the
    /// calibrator's <c>Probability</c> of each score. The chain runs exactly these two steps, so the figures are the
    /// chain's bits; a test holds them to it.
    /// </summary>
    internal static (float[] Scores, float[] Probabilities) MlNetScores(LearnerScores learnerScores, ITransformer calibrator)
    {
        var scores = learnerScores.Complete();
        var probabilities = new float[scores.Length];
        ReadColumn(calibrator.Transform(new ScoreDataView(scores, new bool[scores.Length], null)), "Probability", probabilities, 0);
        return (scores, probabilities);
    }

    /// <summary>Reads a float column of a view into <paramref name="destination"/>, which must hold exactly the
    /// view's rows (rows <paramref name="firstRow"/> onwards of a bigger whole, for the error message).</summary>
    internal static void ReadColumn(IDataView view, string name, Span<float> destination, int firstRow)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        float value = 0;
        var i = 0;
        while (cursor.MoveNext())
        {
            if (i == destination.Length)
            {
                ThrowRange(firstRow, firstRow + destination.Length);
            }

            getter(ref value);
            destination[i++] = value;
        }

        if (i != destination.Length)
        {
            ThrowRange(firstRow, firstRow + destination.Length);
        }
    }

    // One pass reading both columns (each GetColumn call would run the model again) into slots start .. end - 1.
    private static void Read(DataViewRowCursor cursor, int start, int end, float[] scores, float[] probabilities)
    {
        var score = cursor.GetGetter<float>(cursor.Schema["Score"]);
        var probability = cursor.GetGetter<float>(cursor.Schema["Probability"]);
        float value = 0;
        var i = start;
        while (cursor.MoveNext())
        {
            if (i == end)
            {
                ThrowRange(start, end);
            }

            score(ref value);
            scores[i] = value;
            probability(ref value);
            probabilities[i] = value;
            i++;
        }

        if (i != end)
        {
            ThrowRange(start, end);
        }
    }

    [DoesNotReturn]
    private static void ThrowRange(int start, int end)
        => throw new InvalidOperationException($"An ML.NET cursor did not return exactly the rows {start} to {end - 1} it was given.");

    internal sealed class ParityAccumulator(bool trees, Func<float, double>? calibrate)
    {
        public double MaxScoreDifference { get; private set; }

        public double MaxProbabilityDifference { get; private set; }

        public void Compare(ChurnModel compiled, float[] features, int width, int[] rows, float[] scores, float[] probabilities, string kind)
        {
            // Blocks are scored on the cores at once, then checked in row order, so the first disagreement reported
            // is the same either way.
            const int Block = 4096;
            var predictions = new ChurnPrediction[rows.Length];
            var blocks = (rows.Length + Block - 1) / Block;
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 8) },
                () => new float[Block * width],
                (b, _, buffer) =>
                {
                    var start = b * Block;
                    var count = Math.Min(Block, rows.Length - start);
                    for (var i = 0; i < count; i++)
                    {
                        features.AsSpan(rows[start + i] * width, width).CopyTo(buffer.AsSpan(i * width, width));
                    }

                    compiled.PredictBatch(buffer.AsSpan(0, count * width), count, predictions.AsSpan(start, count));
                    return buffer;
                },
                _ => { });

            for (var i = 0; i < rows.Length; i++)
            {
                Check(predictions[i], scores[i], probabilities[i], kind, i);
            }
        }

        private void Check(ChurnPrediction prediction, float score, float probability, string kind, int index)
        {
            var scoreDifference = Difference(prediction.RawScore, score);
            var probabilityDifference = Difference(prediction.Probability, probability);
            var scoreOk = prediction.RawScore.Equals(score) || (!trees && scoreDifference <= LinearScoreTolerance * Math.Max(1, Math.Abs(score)));
            var probabilityOk = probabilityDifference <= ProbabilityTolerance
                || (!trees && scoreOk && calibrate is not null && Math.Abs((float)calibrate(prediction.RawScore) - (double)prediction.Probability) <= ProbabilityTolerance);
            if (!scoreOk || !probabilityOk)
            {
                throw new ChurnModelException(ChurnModelError.UnsupportedModel, string.Create(CultureInfo.InvariantCulture,
                    $"The portable scorer disagrees with ML.NET on {kind} {index}: score {prediction.RawScore:R} vs {score:R}, probability {prediction.Probability:R} vs {probability:R}; the model is not written."));
            }

            MaxScoreDifference = Math.Max(MaxScoreDifference, scoreDifference);
            MaxProbabilityDifference = Math.Max(MaxProbabilityDifference, probabilityDifference);
        }

        // Equal values (infinities and NaN included) differ by 0.
        private static double Difference(float actual, float expected)
            => actual.Equals(expected) ? 0 : Math.Abs((double)actual - expected);
    }
}
