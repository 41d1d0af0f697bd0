using System.Globalization;
using CsScoring.Churn.Explain;
using FsCheck.Xunit;

namespace CsScoring.Tests.Churn.Explain;

public class ThreeDecimalsTests
{
    [Property(MaxTest = 2000)]
    public void Prints_as_the_custom_format_does(int mantissa, int exponent)
    {
        var value = (float)(mantissa * Math.Pow(10, (Math.Abs(exponent) % 14) - 8));
        var expected = value.ToString("0.###", CultureInfo.InvariantCulture);
        Assert.Equal(expected == "-0" ? "0" : expected, new ThreeDecimals(value).ToString());
    }

    [Theory]
    [InlineData(12345.678f, "12345.68")]
    [InlineData(0.1f, "0.1")]
    [InlineData(2.5f, "2.5")]
    [InlineData(-3f, "-3")]
    [InlineData(0.0004f, "0")]
    [InlineData(-0.0004f, "0")]
    [InlineData(1e20f, "100000000000000000000")]
    [InlineData(float.NaN, "NaN")]
    public void Prints_typical_and_edge_values(float value, string expected)
        => Assert.Equal(expected, new ThreeDecimals(value).ToString());

    [Fact]
    public void Writes_into_an_interpolated_string_without_the_runtime_format()
        => Assert.Equal("usage = 7.125 raises churn risk", string.Create(CultureInfo.InvariantCulture, $"usage = {new ThreeDecimals(7.125f)} raises churn risk"));
}
