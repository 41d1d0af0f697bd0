using CsScoring.Value.Numerics;

namespace CsScoring.Tests.Value.Numerics;

public sealed class BoundedBfgsTests
{
    [Fact]
    public void Minimize_Unbounded_FindsTheRosenbrockMinimum()
    {
        var objective = new Rosenbrock();
        double[] x = [-1.2, 1];
        var result = BoundedBfgs.Minimize(ref objective, x, [double.NegativeInfinity, double.NegativeInfinity], [double.PositiveInfinity, double.PositiveInfinity], 500, 1e-8, 0, 0);
        Assert.Equal(BoundedBfgsExit.RelativeGradient, result.Exit);
        Assert.Equal(1, x[0], 6);
        Assert.Equal(1, x[1], 6);
    }

    [Fact]
    public void Minimize_MinimumOutsideTheBox_StopsExactlyOnTheBound()
    {
        // With x >= 1.5 the constrained minimum is x = 1.5, y = 2.25 (the valley floor y = x²).
        var objective = new Rosenbrock();
        double[] x = [3, 0];
        var result = BoundedBfgs.Minimize(ref objective, x, [1.5, -10], [10, 10], 500, 1e-7, 0, 0);
        Assert.Equal(BoundedBfgsExit.RelativeGradient, result.Exit);
        Assert.Equal(1.5, x[0]);
        Assert.Equal(2.25, x[1], 6);
    }

    [Fact]
    public void Minimize_CoupledQuadratic_SatisfiesTheBoundConstrainedOptimalityConditions()
    {
        // f = ½ xᵀ A x − bᵀ x with 0 <= x <= 1: at the optimum the gradient is 0 on free variables, >= 0 at the
        // lower bound and <= 0 at the upper bound.
        var objective = new Quadratic();
        double[] x = [0.5, 0.5, 0.5, 0.5];
        var result = BoundedBfgs.Minimize(ref objective, x, [0, 0, 0, 0], [1, 1, 1, 1], 500, 1e-9, 0, 0);
        Assert.Equal(BoundedBfgsExit.RelativeGradient, result.Exit);
        var gradient = new double[4];
        objective.Evaluate(x, gradient);
        var atBound = 0;
        for (var i = 0; i < 4; i++)
        {
            Assert.InRange(x[i], 0, 1);
            if (x[i] == 0)
            {
                atBound++;
                Assert.True(gradient[i] >= -1e-9);
            }
            else if (x[i] == 1)
            {
                atBound++;
                Assert.True(gradient[i] <= 1e-9);
            }
            else
            {
                Assert.True(Math.Abs(gradient[i]) <= 1e-8);
            }
        }

        Assert.True(atBound >= 2, "the problem is built to have active bounds");
    }

    [Fact]
    public void Minimize_NonFiniteStart_ReportsInvalidValues()
    {
        var objective = new Rosenbrock();
        double[] x = [double.NaN, 0];
        var result = BoundedBfgs.Minimize(ref objective, x, [double.NegativeInfinity, double.NegativeInfinity], [double.PositiveInfinity, double.PositiveInfinity], 10, 1e-8, 0, 0);
        Assert.Equal(BoundedBfgsExit.InvalidValues, result.Exit);
    }

    private struct Rosenbrock : IObjective
    {
        public readonly int Dimension => 2;

        public readonly double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
        {
            var (x, y) = (u[0], u[1]);
            gradient[0] = (-2 * (1 - x)) - (400 * x * (y - (x * x)));
            gradient[1] = 200 * (y - (x * x));
            return ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x)));
        }
    }

    private struct Quadratic : IObjective
    {
        private static readonly double[] A = [4, 1, 0.5, 0, 1, 3, 0, 0.2, 0.5, 0, 2, 0.3, 0, 0.2, 0.3, 1];
        private static readonly double[] B = [-1, 5, 1, 0.4];

        public readonly int Dimension => 4;

        public readonly double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
        {
            var value = 0.0;
            for (var i = 0; i < 4; i++)
            {
                var row = 0.0;
                for (var j = 0; j < 4; j++)
                {
                    row += A[(i * 4) + j] * u[j];
                }

                gradient[i] = row - B[i];
                value += (0.5 * u[i] * row) - (B[i] * u[i]);
            }

            return value;
        }
    }
}
