using CsScoring.Data;

namespace CsScoring.Tests.Data;

public sealed class DataWarningsTests
{
    [Fact]
    public void Add_SameCodeSourceAndColumn_AddsUpAndKeepsTheFirstRow()
    {
        var warnings = new DataWarnings();
        warnings.Add("imputed-cells", "cells imputed", "a.csv", "csat", row: 4);
        warnings.Add("imputed-cells", "cells imputed", "a.csv", "csat", row: 9);
        warnings.Add("imputed-cells", "cells imputed", "a.csv", "nps", row: 2, count: 3);

        Assert.Equal(2, warnings.Items.Count);
        var csat = warnings.Items[0];
        Assert.Equal(2, csat.Count);
        Assert.Equal(4, csat.FirstRow);
        Assert.Equal(3, warnings.Items[1].Count);
        Assert.Equal("cells imputed: 2 (a.csv, column 'csat', first at row 4)", csat.ToString());
    }

    [Fact]
    public void Add_FromManyThreads_CountsEveryOccurrence()
    {
        var warnings = new DataWarnings();
        Parallel.For(0, 10_000, i => warnings.Add("x", "x", column: (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(10_000, warnings.Items.Sum(w => w.Count));
    }
}
