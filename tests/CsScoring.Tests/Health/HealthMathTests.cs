using System.Runtime.Intrinsics;
using CsScoring.Health;

namespace CsScoring.Tests.Health;

public sealed class HealthMathTests
{
    public static TheoryData<double> Values() => [1.0, 2.0, 0.5, Math.E, 10, 1001, 1e-300, 5e-324, 1.4142135623730951, 1.4142135623730954, 123456.789, 1e300, double.MaxValue];

    [Theory]
    [MemberData(nameof(Values))]
    public void Log_MatchesMathLogWithinAnUlp(double x)
    {
        var expected = Math.Log(x);
        var actual = HealthMath.Log(x);
        Assert.True(Math.Abs(actual - expected) <= Math.Max(Math.Abs(expected), 1.0) * 2.3e-16, $"ln({x}) = {expected}, got {actual}");
    }

    [Fact]
    public void Log_VectorAndScalar_GiveTheSameBits()
    {
        var random = new Random(11);
        var values = new double[8];
        for (var trial = 0; trial < 20_000; trial++)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Math.Exp((random.NextDouble() * 80) - 40) * (trial % 97 == 0 ? 1e-300 : 1);
            }

            var v128 = HealthMath.Log(Vector128.Create(values.AsSpan(0, 2)));
            var v256 = HealthMath.Log(Vector256.Create(values.AsSpan(0, 4)));
            var v512 = HealthMath.Log(Vector512.Create(values));
            for (var i = 0; i < values.Length; i++)
            {
                var expected = BitConverter.DoubleToInt64Bits(HealthMath.Log(values[i]));
                Assert.Equal(expected, BitConverter.DoubleToInt64Bits(v512[i]));
                if (i < 4)
                {
                    Assert.Equal(expected, BitConverter.DoubleToInt64Bits(v256[i]));
                }

                if (i < 2)
                {
                    Assert.Equal(expected, BitConverter.DoubleToInt64Bits(v128[i]));
                }
            }
        }
    }

    [Fact]
    public void LogOfNormal_NormalLanes_GiveTheBitsOfLog()
    {
        var random = new Random(12);
        var values = new double[8];
        for (var trial = 0; trial < 20_000; trial++)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = trial % 101 == 0 ? HealthMath.SmallestNormal * (1 + i) : Math.Exp((random.NextDouble() * 1400) - 700);
            }

            var v128 = Vector128.Create(values.AsSpan(0, 2));
            var v256 = Vector256.Create(values.AsSpan(0, 4));
            var v512 = Vector512.Create(values);
            Assert.Equal(HealthMath.Log(v128).AsInt64(), HealthMath.LogOfNormal<Vector128<double>, Simd128>(v128).AsInt64());
            Assert.Equal(HealthMath.Log(v256).AsInt64(), HealthMath.LogOfNormal<Vector256<double>, Simd256>(v256).AsInt64());
            Assert.Equal(HealthMath.Log(v512).AsInt64(), HealthMath.LogOfNormal<Vector512<double>, Simd512>(v512).AsInt64());
        }
    }

    [Fact]
    public void Log_RandomValues_AreAccurate()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 100_000; trial++)
        {
            var x = Math.Exp((random.NextDouble() * 1400) - 700);
            var expected = Math.Log(x);
            Assert.True(Math.Abs(HealthMath.Log(x) - expected) <= Math.Max(Math.Abs(expected), 1.0) * 2.3e-16, $"ln({x})");
        }
    }
}
