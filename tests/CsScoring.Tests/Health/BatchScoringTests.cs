using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class BatchScoringTests
{
    private static (CompiledScorecard Scorecard, double[] Columns, double[][] Rows) Data(int accounts, int seed)
    {
        var random = new Random(seed);
        var compiled = HealthTestData.Mixed(minimumCoverage: 0.6).Compile();
        var m = compiled.MetricCount;
        var columns = new double[m * accounts];
        var rows = new double[accounts][];
        for (var i = 0; i < accounts; i++)
        {
            rows[i] = [random.NextDouble(), random.Next(0, 2000), random.Next(0, 40), random.Next(0, 8), random.Next(0, 11)];
            for (var k = 0; k < m; k++)
            {
                if (random.NextDouble() < 0.1)
                {
                    rows[i][k] = double.NaN;
                }

                columns[(k * accounts) + i] = rows[i][k];
            }
        }

        return (compiled, columns, rows);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void ScoreBatch_EqualsSingle_ForEveryAccount(int accounts)
    {
        var (compiled, columns, rows) = Data(accounts, accounts);
        var results = new HealthScore[accounts];
        var contributions = new double[columns.Length];
        compiled.ScoreBatch(columns, results, contributions);
        var single = new double[compiled.MetricCount];
        for (var i = 0; i < accounts; i++)
        {
            Assert.Equal(compiled.Score(rows[i], single), results[i]);
            for (var k = 0; k < single.Length; k++)
            {
                Assert.Equal(single[k], contributions[(k * accounts) + i]);
            }
        }

        if (accounts >= 1000)
        {
            Assert.Contains(results, r => r.Status == HealthStatus.InsufficientData);
        }
    }

    [Fact]
    public void ScoreBatchParallel_EqualsSequential()
    {
        var (compiled, columns, _) = Data(5000, 3);
        var sequential = new HealthScore[5000];
        var parallel = new HealthScore[5000];
        compiled.ScoreBatch(columns, sequential);
        compiled.ScoreBatchParallel(columns, parallel, options: new HealthBatchOptions { MaxDegreeOfParallelism = 4, BlockSize = 64 });
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void ScoreBatch_ColumnsOfWrongLength_Throws()
    {
        var (compiled, columns, _) = Data(10, 1);
        var ex = Assert.Throws<ArgumentException>(() => compiled.ScoreBatch(columns.AsSpan(1), new HealthScore[10]));
        Assert.Equal("columns", ex.ParamName);
    }

    [Fact]
    public void ScoreBatch_ContributionsTooShort_Throws()
    {
        var (compiled, columns, _) = Data(10, 1);
        var ex = Assert.Throws<ArgumentException>(() => compiled.ScoreBatch(columns, new HealthScore[10], new double[columns.Length - 1]));
        Assert.Equal("contributions", ex.ParamName);
    }

    [Fact]
    public void Options_InvalidValues_Throw()
    {
        Assert.Equal("HealthBatchOptions.BlockSize", Assert.Throws<InvalidOptionException>(() => new HealthBatchOptions { BlockSize = -1 }).Option);
        Assert.Equal("HealthBatchOptions.MaxDegreeOfParallelism", Assert.Throws<InvalidOptionException>(() => new HealthBatchOptions { MaxDegreeOfParallelism = -2 }).Option);
    }

    [Fact]
    public void Score_Single_AllocatesNothing()
    {
        var (compiled, _, rows) = Data(1, 5);
        var contributions = new double[compiled.MetricCount];
        compiled.Score(rows[0], contributions);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            compiled.Score(rows[0], contributions);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ScoreBatch_AllocatesNothingAfterWarmUp()
    {
        var (compiled, columns, _) = Data(10_000, 6);
        var results = new HealthScore[10_000];
        var contributions = new double[columns.Length];
        compiled.ScoreBatch(columns, results, contributions);
        var before = GC.GetAllocatedBytesForCurrentThread();
        compiled.ScoreBatch(columns, results, contributions);
        compiled.ScoreBatch(columns, results);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WhatIf_AllocatesNothing()
    {
        var (compiled, _, rows) = Data(1, 5);
        compiled.WhatIf(rows[0], 0, 0.9);
        var before = GC.GetAllocatedBytesForCurrentThread();
        compiled.WhatIf(rows[0], 0, 0.9);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
