using System.Buffers;

namespace CsScoring.Tests;

public sealed class ScratchBufferTests
{
    [Fact]
    public void Rent_ExposesExactlyTheLength_AndReturnsTheArrayOnDispose()
    {
        var pool = new RecordingPool<double>();
        using (var owner = ScratchBuffer<double>.Rent(5, pool))
        {
            Assert.True(owner.IsRented);
            Assert.Equal(5, owner.Span.Length);
            owner.Span.Fill(1);
            Assert.Single(pool.Rented);
            Assert.Empty(pool.Returned);
        }

        Assert.Equal(pool.Rented, pool.Returned);
    }

    [Fact]
    public void Dispose_Twice_ReturnsOnce()
    {
        var pool = new RecordingPool<int>();
        var owner = ScratchBuffer<int>.Rent(3, pool);
        owner.Dispose();
        owner.Dispose();
        Assert.False(owner.IsRented);
        Assert.True(owner.Span.IsEmpty);
        Assert.Single(pool.Returned);
    }

    [Fact]
    public void Default_OwnsNothing_AndReturnsNothing()
    {
        var owner = default(ScratchBuffer<float>);
        Assert.False(owner.IsRented);
        Assert.True(owner.Span.IsEmpty);
        owner.Dispose();
    }

    [Fact]
    public void Rent_NegativeLength_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => ScratchBuffer<byte>.Rent(-1, new RecordingPool<byte>()));

    [Fact]
    public void Rent_WithoutPool_UsesTheSharedPool()
    {
        using var owner = ScratchBuffer<long>.Rent(1000);
        Assert.Equal(1000, owner.Span.Length);
    }

    [Fact]
    public void HealthBatch_ScratchAboveTheStackLimit_MatchesSingleScoring()
    {
        // One block of 4096 accounts needs far more scratch than the stack limit, so it is rented and returned.
        var scorecard = Health.HealthTestData.Mixed().Compile();
        const int Accounts = 4096;
        var random = new Random(7);
        var columns = new double[scorecard.MetricCount * Accounts];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = random.NextDouble() < 0.1 ? double.NaN : random.NextDouble() * 100;
        }

        var results = new CsScoring.Health.HealthScore[Accounts];
        scorecard.ScoreBatch(columns, results, default, new CsScoring.Health.HealthBatchOptions { BlockSize = Accounts });
        var one = new double[scorecard.MetricCount];
        for (var a = 0; a < Accounts; a += 97)
        {
            for (var m = 0; m < one.Length; m++)
            {
                one[m] = columns[(m * Accounts) + a];
            }

            Assert.Equal(scorecard.Score(one), results[a]);
        }
    }

    /// <summary>A pool that hands out fresh arrays and records every rental and return.</summary>
    private sealed class RecordingPool<T> : ArrayPool<T>
    {
        public List<T[]> Rented { get; } = [];

        public List<T[]> Returned { get; } = [];

        public override T[] Rent(int minimumLength)
        {
            var array = new T[minimumLength + 7];
            Rented.Add(array);
            return array;
        }

        public override void Return(T[] array, bool clearArray = false) => Returned.Add(array);
    }
}
