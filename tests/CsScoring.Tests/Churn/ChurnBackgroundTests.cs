using CsScoring.Churn;

namespace CsScoring.Tests.Churn;

public sealed class ChurnBackgroundTests
{
    [Theory]
    [InlineData("fast_tree")]
    [InlineData("logistic")]
    public void ExplainBatch_EqualsExplainRowByRow(string name)
    {
        var rows = ModelDirectories.Rows(130, 14).Select(ModelDirectories.Features).ToList();
        var model = ChurnModel.Load(ModelDirectories.Get(name)).WithBackground(rows.SelectMany(r => r).ToArray(), rows.Count);
        ExplainBatchAssert.EqualsRowByRow(model, rows);
        Assert.Throws<ArgumentException>(() => model.ExplainBatch(new float[model.FeatureCount + 1], new float[model.FeatureCount + 1]));
    }

    [Theory]
    [InlineData("fast_tree")]
    [InlineData("logistic")]
    public void Streaming_EqualsWithBackground(string name)
    {
        var model = ChurnModel.Load(ModelDirectories.Get(name));
        var rows = ModelDirectories.Rows(300, 12).Select(ModelDirectories.Features).ToList();
        var builder = model.CreateBackground();
        Assert.Throws<InvalidOperationException>(builder.Build);
        rows.ForEach(r => builder.Add(r));
        Assert.Equal(rows.Count, builder.Rows);
        var streamed = builder.Build();
        var direct = model.WithBackground(rows.SelectMany(r => r).ToArray(), rows.Count);
        var a = new float[model.FeatureCount];
        var b = new float[model.FeatureCount];
        foreach (var row in rows.Take(50))
        {
            Assert.Equal(direct.Explain(row, a), streamed.Explain(row, b));
            Assert.Equal(a, b);
        }
    }

    // Builders learnt on parts of the rows and added together give the background of all the rows: the same bits for
    // trees (counts), the same means up to rounding for a linear model.
    [Theory]
    [InlineData("fast_tree")]
    [InlineData("logistic")]
    public void Add_PartsTogether_EqualsOneBuilder(string name)
    {
        var model = ChurnModel.Load(ModelDirectories.Get(name));
        var rows = ModelDirectories.Rows(300, 21).Select(ModelDirectories.Features).ToList();
        var whole = model.CreateBackground();
        rows.ForEach(r => whole.Add(r));
        var first = model.CreateBackground();
        var second = model.CreateBackground();
        var empty = model.CreateBackground();
        rows.Take(111).ToList().ForEach(r => first.Add(r));
        rows.Skip(111).ToList().ForEach(r => second.Add(r));
        first.Add(second);
        first.Add(empty);
        Assert.Equal(rows.Count, first.Rows);
        var merged = first.Build();
        var direct = whole.Build();
        var a = new float[model.FeatureCount];
        var b = new float[model.FeatureCount];
        foreach (var row in rows.Take(50))
        {
            var expected = direct.Explain(row, a);
            var actual = merged.Explain(row, b);
            if (name == "fast_tree")
            {
                Assert.Equal(expected, actual);
                Assert.Equal(a, b);
            }
            else
            {
                Assert.Equal(expected, actual, 9);
                Assert.All(a.Zip(b), p => Assert.Equal(p.First, p.Second, 4));
            }
        }

        Assert.Throws<ArgumentException>(() => first.Add(first));
        Assert.Throws<ArgumentException>(() => first.Add(ChurnModel.Load(ModelDirectories.Get(name)).CreateBackground()));
    }

    // Chosen rows of a matrix, learnt in parts on the cores: the covers of the rows added one by one for trees, the
    // same means up to rounding for a linear model; bad indices and ragged matrices are refused.
    [Theory]
    [InlineData("fast_tree")]
    [InlineData("logistic")]
    public void WithBackground_ChosenRowsOfAMatrix_EqualsAddingThemOneByOne(string name)
    {
        var model = ChurnModel.Load(ModelDirectories.Get(name));
        var rows = ModelDirectories.Rows(200, 33).Select(ModelDirectories.Features).ToList();
        var matrix = rows.SelectMany(r => r).ToArray();
        int[] chosen = [.. Enumerable.Range(0, rows.Count).Where(i => i % 3 != 1)];
        var sequential = model.CreateBackground();
        foreach (var i in chosen)
        {
            sequential.Add(rows[i]);
        }

        var expected = sequential.Build();
        var actual = model.WithBackground(matrix, chosen);
        Assert.Equal(chosen.Length, actual.Background!.Rows);
        var a = new float[model.FeatureCount];
        var b = new float[model.FeatureCount];
        foreach (var row in rows.Take(40))
        {
            var e = expected.Explain(row, a);
            var g = actual.Explain(row, b);
            if (name == "fast_tree")
            {
                Assert.Equal(e, g);
                Assert.Equal(a, b);
            }
            else
            {
                Assert.Equal(e, g, 9);
                Assert.All(a.Zip(b), p => Assert.Equal(p.First, p.Second, 4));
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => model.WithBackground(matrix, new[] { 0, rows.Count }));
        Assert.Throws<ArgumentException>(() => model.WithBackground(matrix, ReadOnlyMemory<int>.Empty));
        Assert.Throws<ArgumentException>(() => model.WithBackground(matrix.AsMemory(1), chosen));
    }

    // The batched background (leaf counts for trees, sums row after row) against adding the rows one by one: the
    // same background.json bytes, for tree models, a linear model and a blend of both; rows include the scorer's
    // edge rows (NaN, infinities, values on and beside the split thresholds).
    [Theory]
    [InlineData("fast_tree")]
    [InlineData("light_gbm")]
    [InlineData("logistic")]
    [InlineData("blend")]
    public void WithBackground_Batched_WritesTheBytesOfAddingRowByRow(string name)
    {
        var model = name == "blend" ? ChurnModel.Load(BlendModels.Get()) : ChurnModel.Load(ModelDirectories.Get(name));
        List<float[]> rows =
        [
            .. ModelDirectories.Rows(400, 41).Select(ModelDirectories.Features),
            .. BlendModels.Component("light_gbm").SelfTest!.Rows.Select(r => r.ToArray()),
            .. BlendModels.Component("fast_tree").SelfTest!.Rows.Select(r => r.ToArray()),
        ];
        var matrix = rows.SelectMany(r => r).ToArray();
        var oneByOne = model.CreateBackground();
        rows.ForEach(r => oneByOne.Add(r));
        var expected = oneByOne.Build().Background!.ToUtf8Bytes();
        Assert.Equal(expected, model.WithBackground(matrix, rows.Count).Background!.ToUtf8Bytes());

        // In parts on the cores: tree covers the same; a linear model's means as the parts add them.
        int[] all = [.. Enumerable.Range(0, rows.Count)];
        if (name is "fast_tree" or "light_gbm")
        {
            Assert.Equal(expected, model.WithBackground(matrix, all).Background!.ToUtf8Bytes());
        }
        else
        {
            var parts = model.WithBackground(matrix, all).Background!;
            var whole = oneByOne.Build().Background!;
            Assert.Equal(whole.Rows, parts.Rows);
            Assert.Equal(whole.ExpectedValue, parts.ExpectedValue, 9);
        }
    }

    [Fact]
    public void Load_FromStreams_EqualsLoadFromDirectory()
    {
        var directory = ModelDirectories.Get("light_gbm");
        using var manifest = File.OpenRead(Path.Combine(directory, "manifest.json"));
        using var zip = File.OpenRead(Path.Combine(directory, "scorer.json"));
        var fromStreams = ChurnModel.Load(manifest, zip);
        var fromDirectory = ChurnModel.Load(directory);
        foreach (var row in ModelDirectories.Rows(100, 2).Select(ModelDirectories.Features))
        {
            Assert.Equal(fromDirectory.Predict(row), fromStreams.Predict(row));
        }
    }

    [Fact]
    public void CheckColumns_ListsEveryMissingColumn()
    {
        var model = ChurnModel.Load(ModelDirectories.Get("fast_tree"));
        var error = Assert.Throws<ChurnModelException>(() => model.CheckColumns(["account_id", "plan"], "accounts.csv"));
        Assert.Equal(ChurnModelError.SchemaMismatch, error.Error);
        Assert.Contains("tickets_90d", error.Message, StringComparison.Ordinal);
        Assert.Contains("usage_trend", error.Message, StringComparison.Ordinal);
        Assert.Contains("accounts.csv", error.Message, StringComparison.Ordinal);
        model.CheckColumns([.. ModelDirectories.Schema.Columns.Select(c => c.Name)]);
    }
}
