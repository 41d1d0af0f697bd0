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

    [Property(Arbitrary = [typeof(HealthArbitraries)], MaxTest = 60)]
    public bool BatchEqualsSingleBitForBit_MissingPatterns_Meets_Specification(ScorecardCase c)
    {
        var random = new Random(c.Seed);
        var compiled = HealthTestData.RandomScorecard(random, minimumCoverage: random.NextDouble() * 0.8).Compile();
        var m = compiled.MetricCount;

        // Several blocks (so the columns get aligned first), behind an offset that misaligns them.
        var n = random.Next(200, 1500);
        var offset = random.Next(0, 8);
        var block = BlockSizes[random.Next(BlockSizes.Length)];
        var storage = new double[offset + (m * n)];
        var rows = new double[n][];
        for (var i = 0; i < n; i++)
        {
            rows[i] = MissingPattern(random, m);
            for (var k = 0; k < m; k++)
            {
                storage[offset + (k * n) + i] = rows[i][k];
            }
        }

        var (expected, expectedContributions) = Single(compiled, rows);
        foreach (var width in Widths())
        {
            foreach (var fieldByField in new[] { false, true })
            {
                var results = new HealthScore[n];
                var contributions = Enumerable.Repeat(-7.0, m * n).ToArray();
                compiled.ScoreBatch(width, storage.AsSpan(offset), results, contributions, block, fieldByField);
                if (!SameResults(expected, results) || !SameBits(expectedContributions, contributions))
                {
                    return false;
                }

                var withoutContributions = new HealthScore[n];
                compiled.ScoreBatch(width, storage.AsSpan(offset), withoutContributions, default, block, fieldByField);
                if (!SameResults(expected, withoutContributions))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Fact]
    public void ScoreBatch_SampleScorecard_EqualsSingleForEveryAccountAtEveryWidth()
    {
        var compiled = ScorecardJson.Load(SampleData.File("scorecard.json")).Compile();
        const int n = 5003;
        var (columns, rows) = Accounts(new Random(42), compiled.MetricCount, n, missingShare: 0.05);
        var (expected, expectedContributions) = Single(compiled, rows);
        foreach (var width in Widths())
        {
            Assert.True(Check(compiled, width, 0, columns, expected, expectedContributions), $"{width} bits");
        }

        var results = new HealthScore[n];
        compiled.ScoreBatch(columns, results);
        Assert.True(SameResults(expected, results));
        Assert.Contains(results, r => !r.IsScored);
    }

    [Fact]
    public void ScoreBatch_LogarithmOfSubnormalValues_EqualsSingle()
    {
        // min + offset below the smallest normal double: the logarithm must rescale subnormal inputs.
        var definition = new Scorecard
        {
            Name = "tiny",
            Groups =
            [
                new ScorecardGroup
                {
                    Name = "g",
                    Metrics =
                    [
                        new ScorecardMetric { Column = "a", Scaling = MetricScaling.Logarithmic(1e-310, 1.0, 0.0) },
                        new ScorecardMetric { Column = "b", Scaling = MetricScaling.Linear(0, 1) },
                    ],
                },
            ],
        };
        var compiled = definition.Compile();
        const int n = 203;
        var random = new Random(3);
        var rows = new double[n][];
        var columns = new double[2 * n];
        for (var i = 0; i < n; i++)
        {
            var a = random.Next(4) switch
            {
                0 => 1e-309 * random.NextDouble(),
                1 => 5e-324 * random.Next(1, 1000),
                2 => random.NextDouble(),
                _ => double.NaN,
            };
            rows[i] = [a, random.NextDouble()];
            columns[i] = a;
            columns[n + i] = rows[i][1];
        }

        var (expected, expectedContributions) = Single(compiled, rows);
        foreach (var width in Widths())
        {
            Assert.True(Check(compiled, width, 0, columns, expected, expectedContributions), $"{width} bits");
        }
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

            // Steady state: the runtime may still be recompiling a pass method (tiering) during an early call, and
            // that bookkeeping is counted on this thread; scoring itself allocates nothing in some attempt.
            long allocated = -1;
            for (var attempt = 0; attempt < 5 && allocated != 0; attempt++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                compiled.ScoreBatch(width, columns, results, contributions, blockSize: 0);
                compiled.ScoreBatch(width, columns, results, default, blockSize: 0);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.Equal(0, allocated);
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

    // One account's values: complete, all missing, a run of neighbouring metrics missing (often a whole group, whose
    // metrics are contiguous), or each metric missing with some probability; missing as NaN or an infinity.
    private static double[] MissingPattern(Random random, int metrics)
    {
        var values = HealthTestData.RandomValues(random, metrics, missingShare: 0.0);
        double Missing() => random.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity };
        switch (random.Next(6))
        {
            case 0:
                break;
            case 1:
                for (var k = 0; k < metrics; k++)
                {
                    values[k] = Missing();
                }

                break;
            case 2:
                {
                    var first = random.Next(metrics);
                    var last = Math.Min(metrics, first + random.Next(1, 4));
                    for (var k = first; k < last; k++)
                    {
                        values[k] = Missing();
                    }

                    break;
                }

            default:
                {
                    var share = new[] { 0.05, 0.3, 0.7 }[random.Next(3)];
                    for (var k = 0; k < metrics; k++)
                    {
                        if (random.NextDouble() < share)
                        {
                            values[k] = Missing();
                        }
                    }

                    break;
                }
        }

        return values;
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
