using System.Runtime.Intrinsics;
using CsScoring.Health;
using FsCheck.Xunit;

namespace CsScoring.Tests.Health;

/// <summary>The batch kernel against the single-account scorer, bit for bit, at every vector width the processor runs.</summary>
public sealed class CompiledScorecardBatchTests
{
    private static readonly int[] BlockSizes = [8, 16, 64, 0];

    // 128-bit vectors run everywhere (in software where not accelerated); the wider ones only where accelerated.
    private static IEnumerable<int> Widths()
    {
        yield return 128;
        if (Vector256.IsHardwareAccelerated)
        {
            yield return 256;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            yield return 512;
        }
    }

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 100)]
    public bool BatchEqualsSingleBitForBit_AtTileBoundaries_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var compiled = HealthTestData.RandomScorecard(random, minimumCoverage: random.NextDouble()).Compile();
        var block = BlockSizes[random.Next(BlockSizes.Length)];
        var tile = block == 0 ? 64 : block;
        int[] sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, tile - 1, tile, tile + 1, (2 * tile) + 3, (2 * random.Next(20, 90)) + 1];
        var missing = random.NextDouble() * 0.6;
        foreach (var n in sizes)
        {
            var (columns, rows) = Accounts(random, compiled.MetricCount, n, missing);
            var (expected, expectedContributions) = Single(compiled, rows);
            foreach (var width in Widths())
            {
                if (!Check(compiled, width, block, columns, expected, expectedContributions))
                {
                    return false;
                }
            }

            // The public entry point picks the widest width itself.
            var results = new HealthScore[n];
            var contributions = new double[compiled.MetricCount * n];
            compiled.ScoreBatch(columns, results, contributions, new HealthBatchOptions { BlockSize = block });
            if (!SameResults(expected, results) || !SameBits(expectedContributions, contributions))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void ScoreBatch_UnscoredLanesBesideScoredOnes_GetNaNBandMinusOneAndZeroContributions()
    {
        var compiled = HealthTestData.Mixed(minimumCoverage: 0.9).Compile();
        var m = compiled.MetricCount;
        const int n = 37;
        var random = new Random(11);
        var (columns, rows) = Accounts(random, m, n, missingShare: 0.0);
        for (var i = 0; i < n; i += 3)
        {
            // Every third account loses most of its data, so vectors mix scored and unscored lanes.
            for (var k = 0; k < m - 1; k++)
            {
                rows[i][k] = double.NaN;
                columns[(k * n) + i] = double.NaN;
            }
        }

        var (expected, expectedContributions) = Single(compiled, rows);
        foreach (var width in Widths())
        {
            var results = new HealthScore[n];
            var contributions = Enumerable.Repeat(42.0, m * n).ToArray(); // stale values must be overwritten
            compiled.ScoreBatch(width, columns, results, contributions, blockSize: 8);
            Assert.True(SameResults(expected, results), $"results differ at {width} bits");
            Assert.True(SameBits(expectedContributions, contributions), $"contributions differ at {width} bits");
            for (var i = 0; i < n; i += 3)
            {
                Assert.Equal(HealthStatus.InsufficientData, results[i].Status);
                Assert.True(double.IsNaN(results[i].Score));
                Assert.Equal(-1, results[i].Band);
                for (var k = 0; k < m; k++)
                {
                    Assert.Equal(0.0, contributions[(k * n) + i]);
                }
            }

            Assert.Contains(results, r => r.IsScored);
        }
    }

    [Fact]
    public void ScoreBatch_NoAccounts_LeavesNothingWritten()
    {
        var compiled = HealthTestData.Mixed().Compile();
        foreach (var width in Widths())
        {
            compiled.ScoreBatch(width, [], [], [], blockSize: 0);
        }

        compiled.ScoreBatch([], []);
    }

    [Fact]
    public void ScoreBatch_EveryWidth_AllocatesNothingAfterWarmUp()
    {
        var compiled = HealthTestData.Mixed(minimumCoverage: 0.6).Compile();
        const int n = 3001;
        var (columns, _) = Accounts(new Random(5), compiled.MetricCount, n, missingShare: 0.1);
        var results = new HealthScore[n];
        var contributions = new double[columns.Length];
        foreach (var width in Widths())
        {
            compiled.ScoreBatch(width, columns, results, contributions, blockSize: 0);
            compiled.ScoreBatch(width, columns, results, default, blockSize: 0);
            var before = GC.GetAllocatedBytesForCurrentThread();
            compiled.ScoreBatch(width, columns, results, contributions, blockSize: 0);
            compiled.ScoreBatch(width, columns, results, default, blockSize: 0);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static bool Check(CompiledScorecard compiled, int width, int block, double[] columns, HealthScore[] expected, double[] expectedContributions)
    {
        var n = expected.Length;
        var results = new HealthScore[n];
        var contributions = Enumerable.Repeat(-7.0, compiled.MetricCount * n).ToArray();
        compiled.ScoreBatch(width, columns, results, contributions, block);
        if (!SameResults(expected, results) || !SameBits(expectedContributions, contributions))
        {
            return false;
        }

        // Without contributions the results are the same.
        var withoutContributions = new HealthScore[n];
        compiled.ScoreBatch(width, columns, withoutContributions, default, block);
        return SameResults(expected, withoutContributions);
    }

    private static (double[] Columns, double[][] Rows) Accounts(Random random, int metrics, int n, double missingShare)
    {
        var columns = new double[metrics * n];
        var rows = new double[n][];
        for (var i = 0; i < n; i++)
        {
            rows[i] = HealthTestData.RandomValues(random, metrics, missingShare);
            for (var k = 0; k < metrics; k++)
            {
                columns[(k * n) + i] = rows[i][k];
            }
        }

        return (columns, rows);
    }

    private static (HealthScore[] Results, double[] Contributions) Single(CompiledScorecard compiled, double[][] rows)
    {
        var n = rows.Length;
        var m = compiled.MetricCount;
        var results = new HealthScore[n];
        var contributions = new double[m * n];
        var one = new double[m];
        for (var i = 0; i < n; i++)
        {
            results[i] = compiled.Score(rows[i], one);
            for (var k = 0; k < m; k++)
            {
                contributions[(k * n) + i] = one[k];
            }
        }

        return (results, contributions);
    }

    private static bool SameResults(HealthScore[] expected, HealthScore[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var (x, y) = (expected[i], actual[i]);
            if (BitConverter.DoubleToInt64Bits(x.Score) != BitConverter.DoubleToInt64Bits(y.Score)
                || BitConverter.DoubleToInt64Bits(x.Coverage) != BitConverter.DoubleToInt64Bits(y.Coverage)
                || x.Band != y.Band || x.Status != y.Status || x.Version != y.Version)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameBits(double[] expected, double[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                return false;
            }
        }

        return true;
    }
}
