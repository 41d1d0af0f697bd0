namespace CsScoring.Value.Numerics;

/// <summary>Dense linear algebra for the few-parameter matrices of the fits (n up to about ten), row-major.</summary>
internal static class SmallDense
{
    /// <summary>
    /// Factors the symmetric matrix <paramref name="a"/> (n × n, row-major; left unchanged) as L Lᵀ and writes the
    /// diagonal of its inverse to <paramref name="diagonal"/>. Returns <see langword="false"/> when the matrix is not
    /// positive definite (a pivot that is not a finite number &gt; 0).
    /// </summary>
    public static bool InverseDiagonal(ReadOnlySpan<double> a, int n, Span<double> diagonal)
    {
        var l = new double[n * n];
        if (!Cholesky(a, n, l))
        {
            return false;
        }

        // (A⁻¹)_ii = Σ_k ((L⁻¹)_ki)²: invert the triangle column by column by forward substitution.
        var column = new double[n];
        diagonal.Clear();
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < n; k++)
            {
                var sum = k == i ? 1.0 : 0.0;
                for (var j = i; j < k; j++)
                {
                    sum -= l[(k * n) + j] * column[j];
                }

                column[k] = k < i ? 0 : sum / l[(k * n) + k];
                diagonal[i] += column[k] * column[k];
            }
        }

        return true;
    }

    /// <summary>The lower Cholesky factor of a symmetric matrix; <see langword="false"/> if it is not positive definite.</summary>
    public static bool Cholesky(ReadOnlySpan<double> a, int n, Span<double> l)
    {
        l.Clear();
        for (var j = 0; j < n; j++)
        {
            var pivot = a[(j * n) + j];
            for (var k = 0; k < j; k++)
            {
                pivot -= l[(j * n) + k] * l[(j * n) + k];
            }

            if (!(pivot > 0) || !double.IsFinite(pivot))
            {
                return false;
            }

            var root = Math.Sqrt(pivot);
            l[(j * n) + j] = root;
            for (var i = j + 1; i < n; i++)
            {
                var sum = a[(i * n) + j];
                for (var k = 0; k < j; k++)
                {
                    sum -= l[(i * n) + k] * l[(j * n) + k];
                }

                l[(i * n) + j] = sum / root;
            }
        }

        return true;
    }
}
