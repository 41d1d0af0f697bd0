using System.Globalization;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Manifest;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CsScoring.Tests.Churn;

public sealed class ChurnModelTests
{
    public static TheoryData<string> Kinds => new("fast_tree", "light_gbm", "logistic");

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_PredictionsMatchPredictionEngine_OnRawRows(string name)
    {
        var directory = ModelDirectories.Get(name);
        var model = ChurnModel.Load(directory);
        var context = new MLContext(seed: 1);
        var reference = context.Model.Load(Path.Combine(directory, "model.zip"), out _);
        var rows = ModelDirectories.Rows(2000, 101).Select(ModelDirectories.Features).ToList();
        rows.AddRange(EdgeRows(model.FeatureCount, 500));
        var definition = SchemaDefinition.Create(typeof(Input));
        definition[nameof(Input.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
        var engine = context.Model.CreatePredictionEngine<Input, Output>(reference, inputSchemaDefinition: definition);
        var maxDelta = 0.0;
        foreach (var row in rows)
        {
            var expected = new Output();
            engine.Predict(new Input { Features = row }, ref expected);
            var actual = model.Predict(row);
            if (model.Kind != ModelKind.LogisticRegression)
            {
                Assert.Equal(expected.Score, actual.RawScore);
            }

            if (float.IsNaN(expected.Probability))
            {
                Assert.True(float.IsNaN(actual.Probability));
                continue;
            }

            maxDelta = Math.Max(maxDelta, Math.Abs(expected.Probability - actual.Probability));
        }

        Assert.True(maxDelta <= 1e-6, $"max |dp| = {maxDelta}");
    }

    [Fact]
    public void Predict_DictionaryTypedRecordAndSpan_Agree()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        foreach (var row in ModelDirectories.Rows(200, 5))
        {
            var fromSpan = model.Predict(ModelDirectories.Features(row));
            Assert.Equal(fromSpan, model.Predict(row));
            var record = new Account
            {
                Tickets90d = double.TryParse(row["tickets_90d"], CultureInfo.InvariantCulture, out var t) ? t : null,
                SeatUtilization = row["seat_utilization"],
                TenureMonths = int.Parse(row["tenure_months"]!, CultureInfo.InvariantCulture),
                ExecutiveSponsor = row["executive_sponsor"],
                Plan = row["plan"],
                UsageTrend = double.Parse(row["usage_trend"]!, CultureInfo.InvariantCulture),
            };
            Assert.Equal(fromSpan, model.PredictRecord(record));
        }
    }

    [Fact]
    public void Predict_RecordWithoutAColumn_ThrowsSchemaMismatchNamingIt()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var error = Assert.Throws<ChurnModelException>(() => model.PredictRecord(new { Tickets90d = 3.0 }));
        Assert.Equal(ChurnModelError.SchemaMismatch, error.Error);
        Assert.Contains("plan", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WrongFeatureCount_ThrowsArgumentExceptionNamingBoth()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var error = Assert.Throws<ArgumentException>(() => model.Predict(new float[model.FeatureCount + 1]));
        Assert.Contains(model.FeatureCount.ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains((model.FeatureCount + 1).ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_UnseenCategory_ScoresLikeAllZeroOneHot()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var row = ModelDirectories.Rows(1, 9)[0];
        row["plan"] = "never-seen-plan";
        var features = ModelDirectories.Features(row);
        var plan = model.FeatureNames.Select((n, i) => (n, i)).Where(p => p.n.StartsWith("plan=", StringComparison.Ordinal)).ToList();
        Assert.All(plan, p => Assert.Equal(0f, features[p.i]));
        Assert.Equal(model.Predict(features), model.Predict(row));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Batch_EqualsSingle_AndParallelEqualsSequential(string name)
    {
        var model = ChurnModel.Load(ModelDirectories.Get(name));
        var rows = ModelDirectories.Rows(10_000, 8).Select(ModelDirectories.Features).ToList();
        var flat = rows.SelectMany(r => r).ToArray();
        var batch = new float[rows.Count];
        model.PredictBatch(flat, rows.Count, batch);
        var predictions = new ChurnPrediction[rows.Count];
        model.PredictBatch(flat, rows.Count, predictions);
        var parallel = new float[rows.Count];
        model.PredictBatchParallel(flat, rows.Count, parallel, maxDegreeOfParallelism: 4);
        for (var i = 0; i < rows.Count; i++)
        {
            var single = model.Predict(rows[i]);
            Assert.Equal(single.Probability, batch[i]);
            Assert.Equal(single, predictions[i]);
            Assert.Equal(single.Probability, parallel[i]);
        }
    }

    [Fact]
    public void BandOf_UsesManifestThresholds()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        Assert.Equal(RiskBand.High, model.BandOf(0.5f));
        Assert.Equal(RiskBand.Medium, model.BandOf(0.49f));
        Assert.Equal(RiskBand.Medium, model.BandOf(0.2f));
        Assert.Equal(RiskBand.Low, model.BandOf(0.19f));
        Assert.Equal(RiskBand.Low, model.BandOf(float.NaN));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Explain_ContributionsPlusExpectedValue_EqualRawScore(string name)
    {
        var rows = ModelDirectories.Rows(500, 21).Select(ModelDirectories.Features).ToList();
        var model = ChurnModel.Load(ModelDirectories.Get(name));
        Assert.False(model.CanExplain);
        Assert.Throws<InvalidOperationException>(() => model.Explain(rows[0], new float[model.FeatureCount]));
        model = model.WithBackground(rows.SelectMany(r => r).ToArray(), rows.Count);
        Assert.True(model.CanExplain);
        var contributions = new float[model.FeatureCount];
        foreach (var row in rows.Concat(EdgeRows(model.FeatureCount, 200)))
        {
            var expected = model.Explain(row, contributions);
            var score = model.Predict(row).RawScore;
            if (!float.IsFinite(score))
            {
                continue;
            }

            var sum = expected + contributions.Sum(c => (double)c);
            Assert.True(Math.Abs(sum - score) <= 1e-6 * Math.Max(1, Math.Abs(score)), $"{sum} vs {score}");
        }
    }

    [Fact]
    public void TopReasons_AreLargestContributionsWithReadableText()
    {
        var rows = ModelDirectories.Rows(300, 4).Select(ModelDirectories.Features).ToList();
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree")).WithBackground(rows.SelectMany(r => r).ToArray(), rows.Count);
        var contributions = new float[model.FeatureCount];
        model.Explain(rows[0], contributions);
        Span<ChurnReason> reasons = new ChurnReason[3];
        var count = model.TopReasons(rows[0], contributions, reasons);
        Assert.InRange(count, 1, 3);
        var expected = contributions.Select((c, i) => (c, i)).Where(p => p.c != 0).OrderByDescending(p => Math.Abs(p.c)).ThenBy(p => p.i).Take(3).ToList();
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(expected[i].i, reasons[i].FeatureIndex);
            Assert.Equal(model.FeatureNames[expected[i].i], reasons[i].Feature);
            Assert.Contains(reasons[i].RaisesRisk ? "raises churn risk" : "lowers churn risk", reasons[i].Describe(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HotPaths_AllocateNothing()
    {
        var rows = ModelDirectories.Rows(1000, 6).Select(ModelDirectories.Features).ToList();
        var flat = rows.SelectMany(r => r).ToArray();
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree")).WithBackground(flat, rows.Count);
        var probabilities = new float[rows.Count];
        var predictions = new ChurnPrediction[rows.Count];
        var contributions = new float[model.FeatureCount];
        var reasons = new ChurnReason[3];
        var row = rows[3];

        // Warm up every path (JIT, tiering) before measuring.
        for (var i = 0; i < 3; i++)
        {
            model.Predict(row);
            model.PredictBatch(flat, rows.Count, probabilities);
            model.PredictBatch(flat, rows.Count, predictions);
            model.Explain(row, contributions);
            model.TopReasons(row, contributions, reasons);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        model.Predict(row);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        before = GC.GetAllocatedBytesForCurrentThread();
        model.PredictBatch(flat, rows.Count, probabilities);
        model.PredictBatch(flat, rows.Count, predictions);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        before = GC.GetAllocatedBytesForCurrentThread();
        model.Explain(row, contributions);
        model.TopReasons(row, contributions, reasons);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Concurrency_EightThreadsOnOneInstance_EqualSequential()
    {
        const int Threads = 8;
        const int PerThread = 200_000;
        var model = ChurnModel.Load(ModelDirectories.Get("light_gbm"));
        var rows = ModelDirectories.Rows(4096, 77).Select(ModelDirectories.Features).ToArray();
        var sequential = rows.Select(r => model.Predict(r)).ToArray();
        var mismatches = new int[Threads];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                var index = ((i * 7919) + (t * 104729)) % rows.Length;
                if (model.Predict(rows[index]) != sequential[index])
                {
                    mismatches[t]++;
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(mismatches, m => Assert.Equal(0, m));
    }

    internal static IEnumerable<float[]> EdgeRows(int width, int count)
    {
        var random = new Random(width * 31 + count);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -1f, 1f, 1e30f, -1e30f, 0.5f];
        for (var i = 0; i < count; i++)
        {
            var row = new float[width];
            for (var j = 0; j < width; j++)
            {
                row[j] = random.Next(3) == 0 ? specials[random.Next(specials.Length)] : (float)(random.NextDouble() * 40 - 5);
            }

            yield return row;
        }
    }

    private sealed class Input
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float Score { get; set; }

        public float Probability { get; set; }
    }

    private sealed class Account
    {
        public double? Tickets90d { get; init; }

        public string? SeatUtilization { get; init; }

        public int TenureMonths { get; init; }

        public string? ExecutiveSponsor { get; init; }

        public string? Plan { get; init; }

        public double UsageTrend { get; init; }
    }
}
