using CsScoring.Value;

namespace CsScoring.Tests.Value;

public sealed class CustomerSummaryTableTests
{
    [Fact]
    public void From_RepeatedSummaries_MergesThemIntoWeightedRowsGroupedByFrequency()
    {
        var table = CustomerSummaryTable.From([new(2, 3, 10), new(0, 0, 10), new(2, 3, 10, 55), new(1, 1, 10), new(0, 0, 10), new(0, 0, 12)]);

        Assert.Equal(4, table.Count);
        Assert.Equal(6, table.Customers);
        Assert.Equal(2, table.MaxFrequency);
        Assert.Equal(new WeightedCustomerSummary(0, 0, 10, 2), table[0]);
        Assert.Equal(new WeightedCustomerSummary(0, 0, 12, 1), table[1]);
        Assert.Equal(new WeightedCustomerSummary(1, 1, 10, 1), table[2]);
        Assert.Equal(new WeightedCustomerSummary(2, 3, 10, 2), table[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => table[4]);
    }

    [Fact]
    public void Builder_WeightedRows_EqualTheSameCustomersAddedOneByOne()
    {
        var builder = new CustomerSummaryTableBuilder();
        builder.Add(3, 5, 20, 4);
        builder.Add(0, 0, 20, 2);
        var single = new CustomerSummaryTableBuilder();
        for (var i = 0; i < 4; i++)
        {
            single.Add(new CustomerSummary(3, 5, 20));
        }

        single.Add(new CustomerSummary(0, 0, 20));
        single.Add(new CustomerSummary(0, 0, 20));

        var a = builder.Build();
        var b = single.Build();
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i], b[i]);
        }
    }

    [Fact]
    public void Builder_InvalidRow_NamesFieldAndPosition()
    {
        var builder = new CustomerSummaryTableBuilder();
        builder.Add(1, 2, 5, 1);

        var recency = Assert.Throws<InvalidModelInputException>(() => builder.Add(1, 6, 5, 1));
        Assert.Contains("recency", recency.Message, StringComparison.Ordinal);
        Assert.Contains("1", recency.Message, StringComparison.Ordinal);
        var weight = Assert.Throws<InvalidModelInputException>(() => builder.Add(1, 2, 5, 0));
        Assert.Contains("weight", weight.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidModelInputException>(() => new CustomerSummaryTableBuilder().Build());
    }

    [Fact]
    public void FromTransactions_CustomerOrderedLog_MatchesSummarize()
    {
        var log = new List<Transaction>();
        var random = new Random(5);
        for (var c = 0; c < 300; c++)
        {
            var id = $"c{c:D4}";
            var first = new DateOnly(2024, 1, 1).AddDays(random.Next(0, 120));
            var purchases = random.Next(1, 8);
            for (var p = 0; p < purchases; p++)
            {
                log.Add(new Transaction(id, first.AddDays(p == 0 ? 0 : random.Next(0, 200)), 10m));
            }
        }

        var calibrationEnd = new DateOnly(2024, 5, 31);
        var expected = CustomerSummaryTable.From([.. TransactionLog.Summarize(log, calibrationEnd, TimeUnit.Week).Select(s => s.Summary)]);

        var streamed = CustomerSummaryTable.FromTransactions(log, calibrationEnd, TimeUnit.Week);

        Assert.Equal(expected.Customers, streamed.Customers);
        Assert.Equal(expected.Count, streamed.Count);
        var rows = Enumerable.Range(0, expected.Count).Select(i => expected[i]).ToHashSet();
        for (var i = 0; i < streamed.Count; i++)
        {
            Assert.Contains(streamed[i], rows);
        }
    }

    [Fact]
    public void FromTransactions_CustomerOutOfOrder_NamesTheRow()
    {
        var log = new[]
        {
            new Transaction("b", new DateOnly(2024, 1, 1), 1m),
            new Transaction("a", new DateOnly(2024, 1, 2), 1m),
        };

        var error = Assert.Throws<InvalidModelInputException>(() => CustomerSummaryTable.FromTransactions(log, new DateOnly(2024, 2, 1), TimeUnit.Day));

        Assert.Contains("Row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("ordered by customer id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BgNbdFitTable_SameOptimumAsTheFitOnCustomers()
    {
        // Values of the per-customer fit before it moved to weighted rows (same data, same optimizer).
        var customers = OnDailyGrid(CustomerSimulator.BgNbd(new BgNbdParameters(0.24, 4.4, 0.79, 2.4), 3000, 20, 40, seed: 12));
        var table = CustomerSummaryTable.From(customers);

        var fit = BgNbdModel.FitTable(table);

        Assert.True(table.Count < customers.Length / 2, $"{table.Count} rows for {customers.Length} customers");
        Assert.Equal(3000, fit.Observations);
        double[] before = [0.2621276097455969, 4.704626080644848, 0.7619412738092938, 2.8119370745206096];
        for (var i = 0; i < 4; i++)
        {
            Approx.Relative(before[i], fit.Values[i], 1e-9, fit.ParameterNames[i]);
        }

        Approx.Relative(-12132.14236426603, fit.LogLikelihood, 1e-12, "log-likelihood");
        Assert.Equal(fit.Values, BgNbdModel.Fit(customers).Values);
    }

    [Fact]
    public void ParetoNbdFitTable_SameOptimumAsTheFitOnCustomers()
    {
        var customers = OnDailyGrid(CustomerSimulator.ParetoNbd(new ParetoNbdParameters(0.55, 10.6, 0.61, 11.7), 3000, 20, 40, seed: 11));

        var fit = ParetoNbdModel.FitTable(CustomerSummaryTable.From(customers));

        // The likelihood is flat in β: the optimum is pinned by the log-likelihood, the parameters to 1e-6.
        double[] before = [0.5841371688494024, 10.924446454710003, 0.5976155627337593, 11.362667046207363];
        for (var i = 0; i < 4; i++)
        {
            Approx.Relative(before[i], fit.Values[i], 1e-6, fit.ParameterNames[i]);
        }

        Approx.Relative(-11888.44640199585, fit.LogLikelihood, 1e-12, "log-likelihood");
    }

    [Fact]
    public void ParetoNbdFitTable_PurchaseRateAboveDropoutRate_SameOptimumAsBefore()
    {
        // α > β takes the other branch of the 2F1 argument (b = s + 1).
        var customers = OnDailyGrid(CustomerSimulator.ParetoNbd(new ParetoNbdParameters(1.2, 20, 0.4, 3), 3000, 20, 40, seed: 13));

        var fit = ParetoNbdModel.Fit(customers);

        double[] before = [1.509998279987546, 23.666547616138534, 0.48248876377668415, 3.473014698008146];
        for (var i = 0; i < 4; i++)
        {
            Approx.Relative(before[i], fit.Values[i], 1e-8, fit.ParameterNames[i]);
        }
    }

    [ClvDataFact]
    public void Fits_Cdnow_AgreeWithThePerCustomerFitToTightTolerance()
    {
        var customers = ClvReferenceData.CdnowSummaries();
        var table = CustomerSummaryTable.From(customers);

        var pareto = ParetoNbdModel.FitTable(table);
        var bgNbd = BgNbdModel.FitTable(table);

        Assert.Equal(1016, table.Count);
        double[] paretoBefore = [0.5532755484801979, 10.577612098003556, 0.6062139380710101, 11.667922007770866];
        double[] bgNbdBefore = [0.24259296093028768, 4.41353378718499, 0.7928858306890589, 2.425752038948658];
        for (var i = 0; i < 4; i++)
        {
            Approx.Relative(paretoBefore[i], pareto.Values[i], 1e-8, pareto.ParameterNames[i]);
            Approx.Relative(bgNbdBefore[i], bgNbd.Values[i], 1e-9, bgNbd.ParameterNames[i]);
        }

        Approx.Relative(-9594.973929826825, pareto.LogLikelihood, 1e-12, "Pareto/NBD log-likelihood");
        Approx.Relative(-9582.425560567395, bgNbd.LogLikelihood, 1e-12, "BG/NBD log-likelihood");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Fits_TenMillionCustomersStreamed_RecoverTheParametersInBoundedMemory()
    {
        // 10,000,000 customers simulated in chunks and streamed into the builders: only the distinct rows are held.
        var bgTruth = new BgNbdParameters(0.24, 4.4, 0.79, 2.4);
        var paretoTruth = new ParetoNbdParameters(0.55, 10.6, 0.61, 11.7);
        var bgBuilder = new CustomerSummaryTableBuilder();
        var paretoBuilder = new CustomerSummaryTableBuilder();
        const int Chunk = 250_000;
        for (var chunk = 0; chunk < 40; chunk++)
        {
            foreach (var customer in OnDailyGrid(CustomerSimulator.BgNbd(bgTruth, Chunk, 26, 52, seed: 100 + chunk)))
            {
                bgBuilder.Add(customer);
            }

            foreach (var customer in OnDailyGrid(CustomerSimulator.ParetoNbd(paretoTruth, Chunk, 26, 52, seed: 200 + chunk)))
            {
                paretoBuilder.Add(customer);
            }
        }

        var bgTable = bgBuilder.Build();
        var paretoTable = paretoBuilder.Build();
        Assert.Equal(10_000_000, bgTable.Customers);
        Assert.Equal(10_000_000, paretoTable.Customers);
        Assert.True(bgTable.Count < 500_000, $"{bgTable.Count} BG/NBD rows");
        Assert.True(paretoTable.Count < 500_000, $"{paretoTable.Count} Pareto/NBD rows");

        var bg = BgNbdModel.FitTable(bgTable);
        var pareto = ParetoNbdModel.FitTable(paretoTable);

        Assert.True(bg.Converged);
        Approx.Relative(bgTruth.R, bg.Parameters.R, 0.03, "r");
        Approx.Relative(bgTruth.Alpha, bg.Parameters.Alpha, 0.03, "alpha");
        Approx.Relative(bgTruth.A, bg.Parameters.A, 0.05, "a");
        Approx.Relative(bgTruth.B, bg.Parameters.B, 0.05, "b");
        Approx.Relative(paretoTruth.R, pareto.Parameters.R, 0.03, "r");
        Approx.Relative(paretoTruth.Alpha, pareto.Parameters.Alpha, 0.03, "alpha");
        Approx.Relative(paretoTruth.S, pareto.Parameters.S, 0.1, "s");
        Approx.Relative(paretoTruth.Beta, pareto.Parameters.Beta, 0.2, "beta");
    }

    // Summaries from dated transactions sit on whole days; times here are in weeks.
    private static CustomerSummary[] OnDailyGrid(CustomerSummary[] customers)
        => [.. customers.Select(c => new CustomerSummary(c.Frequency, Math.Round(c.Recency * 7) / 7, Math.Round(c.Age * 7) / 7))];
}
