using CsScoring.Value.Numerics;

namespace CsScoring.Tests.Value.Numerics;

public sealed class SmallDenseTests
{
    [Fact]
    public void InverseDiagonal_MatchesMathNetsInverse()
    {
        // A random symmetric positive definite matrix: B Bᵀ + I.
        var random = new Random(5);
        const int n = 5;
        var b = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (_, _) => random.NextDouble() - 0.5);
        var a = (b * b.Transpose()) + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(n);
        var inverse = a.Inverse();
        var rowMajor = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                rowMajor[(i * n) + j] = a[i, j];
            }
        }

        var diagonal = new double[n];
        Assert.True(SmallDense.InverseDiagonal(rowMajor, n, diagonal));
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(inverse[i, i], diagonal[i], 13);
        }
    }

    [Theory]
    [InlineData(1.0, 2.0, 1.0)]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(-1.0, 0.0, 1.0)]
    [InlineData(double.NaN, 0.0, 1.0)]
    public void InverseDiagonal_NotPositiveDefinite_ReportsFailure(double a11, double a12, double a22)
    {
        double[] matrix = [a11, a12, a12, a22];
        Assert.False(SmallDense.InverseDiagonal(matrix, 2, new double[2]));
    }

    [Fact]
    public void Cholesky_ReproducesTheMatrix()
    {
        double[] a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
        var l = new double[9];
        Assert.True(SmallDense.Cholesky(a, 3, l));
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < 3; k++)
                {
                    sum += l[(i * 3) + k] * l[(j * 3) + k];
                }

                Assert.Equal(a[(i * 3) + j], sum, 14);
            }
        }
    }
}
