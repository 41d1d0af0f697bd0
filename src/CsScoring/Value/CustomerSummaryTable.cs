using System.Globalization;

namespace CsScoring.Value;

/// <summary>One distinct (x, t_x, T) of a <see cref="CustomerSummaryTable"/> and how many customers share it.</summary>
/// <param name="Frequency">Repeat transactions x.</param>
/// <param name="Recency">Time of the last repeat transaction t_x.</param>
/// <param name="Age">The customers' age T.</param>
/// <param name="Weight">How many customers have exactly this summary (≥ 1).</param>
public readonly record struct WeightedCustomerSummary(int Frequency, double Recency, double Age, long Weight);

/// <summary>
/// Customer summaries reduced to their sufficient statistics for the BG/NBD and Pareto/NBD likelihoods: one row per
/// distinct (x, t_x, T) with the number of customers that share it. Fits on the table give the same optimum as fits
/// on the customers, in time and memory that grow with the distinct rows, not the customers.
/// </summary>
/// <remarks>
/// Summaries built from dated transactions sit on a grid of whole days, so even tens of millions of customers
/// reduce to a few hundred thousand rows at most (CDNOW: 2357 customers, 1016 rows). Monetary values are not kept
/// (the Gamma-Gamma fit needs them per customer). Rows are grouped by x in ascending order, in order of first
/// appearance within an x, so the same input gives the same table and the same fit. Immutable and thread-safe.
/// </remarks>
/// <example>
/// <code>
/// var builder = new CustomerSummaryTableBuilder();
/// foreach (var summary in ReadSummaries()) builder.Add(summary); // streaming: memory follows the distinct rows
/// var fit = ParetoNbdModel.FitTable(builder.Build());
/// </code>
/// </example>
public sealed class CustomerSummaryTable
{
    internal CustomerSummaryTable(int[] frequency, double[] recency, double[] age, long[] weight)
    {
        FrequencyColumn = frequency;
        RecencyColumn = recency;
        AgeColumn = age;
        WeightColumn = new double[weight.Length];
        long customers = 0;
        var maxFrequency = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            WeightColumn[i] = weight[i];
            customers += weight[i];
            maxFrequency = Math.Max(maxFrequency, frequency[i]);
        }

        Weights = weight;
        Customers = customers;
        MaxFrequency = maxFrequency;

    }

    private TimeGrid? _grid;

    /// <summary>The number of distinct (x, t_x, T) rows.</summary>
    public int Count => FrequencyColumn.Length;

    /// <summary>The number of customers the rows stand for (the sum of the weights).</summary>
    public long Customers { get; }

    /// <summary>The largest frequency x in the table.</summary>
    public int MaxFrequency { get; }

    internal int[] FrequencyColumn { get; }

    internal double[] RecencyColumn { get; }

    internal double[] AgeColumn { get; }

    /// <summary>The weights as doubles, as the likelihood sums use them.</summary>
    internal double[] WeightColumn { get; }

    internal long[] Weights { get; }

    /// <summary>
    /// The distinct values of t_x and T with each row's indexes into them, built on first use (the Pareto/NBD fit
    /// takes log(α + t) once per value, not once per row). Building it twice on two threads is harmless.
    /// </summary>
    internal TimeGrid Grid => _grid ??= new TimeGrid(RecencyColumn, AgeColumn);

    /// <summary>The row at <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    /// <param name="index">The row.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the table.</exception>
    public WeightedCustomerSummary this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return new WeightedCustomerSummary(FrequencyColumn[index], RecencyColumn[index], AgeColumn[index], Weights[index]);
        }
    }

    /// <summary>Reduces customer summaries to their distinct rows.</summary>
    /// <param name="customers">One summary per customer.</param>
    /// <returns>The table.</returns>
    /// <exception cref="InvalidModelInputException">A summary is invalid (the error names its row, 0-based).</exception>
    public static CustomerSummaryTable From(ReadOnlySpan<CustomerSummary> customers)
    {
        var builder = new CustomerSummaryTableBuilder();
        for (var i = 0; i < customers.Length; i++)
        {
            builder.Add(customers[i]);
        }

        return builder.Build();
    }

    /// <summary>
    /// Streams a transaction log grouped by customer into the table, holding one customer's purchases at a time,
    /// with the same summaries as <see cref="TransactionLog.Summarize"/> (same-day purchases merged, customers first
    /// seen after the calibration end left out).
    /// </summary>
    /// <param name="transactions">The purchases, ordered by customer id (ordinal, as <c>ORDER BY</c> or a sorted
    /// export gives them); within a customer in any order.</param>
    /// <param name="calibrationEnd">The last day of the calibration period (inclusive).</param>
    /// <param name="unit">The time unit of recency and T (the model's unit).</param>
    /// <returns>The table.</returns>
    /// <exception cref="InvalidModelInputException">A customer id is blank or out of order, or an amount is negative (the row is named, 0-based).</exception>
    public static CustomerSummaryTable FromTransactions(IEnumerable<Transaction> transactions, DateOnly calibrationEnd, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var days = TimeUnits.Days(unit);
        var builder = new CustomerSummaryTableBuilder();
        var purchaseDays = new List<int>();
        string? current = null;
        var row = 0L;
        foreach (var transaction in transactions)
        {
            if (string.IsNullOrWhiteSpace(transaction.CustomerId))
            {
                throw new InvalidModelInputException("customer_id", double.NaN, "is blank", row);
            }

            if (transaction.Amount < 0)
            {
                throw new InvalidModelInputException("amount", (double)transaction.Amount, "must be >= 0", row);
            }

            if (current is null || !string.Equals(current, transaction.CustomerId, StringComparison.Ordinal))
            {
                if (current is not null && string.CompareOrdinal(current, transaction.CustomerId) > 0)
                {
                    throw new InvalidModelInputException(string.Create(CultureInfo.InvariantCulture, $"Row {row}: customer_id '{transaction.CustomerId}' comes after '{current}'; the streamed log must be ordered by customer id (ordinal)."));
                }

                AddCustomer(builder, purchaseDays, calibrationEnd, days);
                current = transaction.CustomerId;
            }

            purchaseDays.Add(transaction.Date.DayNumber);
            row++;
        }

        AddCustomer(builder, purchaseDays, calibrationEnd, days);
        return builder.Build();
    }

    private static void AddCustomer(CustomerSummaryTableBuilder builder, List<int> purchaseDays, DateOnly calibrationEnd, double days)
    {
        if (purchaseDays.Count == 0)
        {
            return;
        }

        purchaseDays.Sort();
        var first = purchaseDays[0];
        var end = calibrationEnd.DayNumber;
        if (first <= end)
        {
            var frequency = 0;
            var last = first;
            for (var i = 1; i < purchaseDays.Count; i++)
            {
                var day = purchaseDays[i];
                if (day != purchaseDays[i - 1] && day <= end)
                {
                    frequency++;
                    last = day;
                }
            }

            // The same arithmetic as TransactionLog.Summarize, so both paths give identical rows.
            builder.Add(frequency, (last - first) / days, (end - first) / days, 1);
        }

        purchaseDays.Clear();
    }
}

/// <summary>The distinct time values of a table and each row's t_x and T as indexes into them.</summary>
internal sealed class TimeGrid
{
    public TimeGrid(double[] recency, double[] age)
    {
        var index = new Dictionary<double, int>(Math.Min(2 * recency.Length, 1 << 16));
        var times = new List<double>();
        RecencyIndex = new int[recency.Length];
        AgeIndex = new int[recency.Length];
        for (var i = 0; i < recency.Length; i++)
        {
            RecencyIndex[i] = IndexOf(index, times, recency[i]);
            AgeIndex[i] = IndexOf(index, times, age[i]);
        }

        Times = [.. times];
    }

    /// <summary>The distinct values of t_x and T, in order of first use.</summary>
    public double[] Times { get; }

    /// <summary>Each row's t_x as an index into <see cref="Times"/>.</summary>
    public int[] RecencyIndex { get; }

    /// <summary>Each row's T as an index into <see cref="Times"/>.</summary>
    public int[] AgeIndex { get; }

    private static int IndexOf(Dictionary<double, int> index, List<double> times, double time)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(index, time, out var exists);
        if (!exists)
        {
            slot = times.Count;
            times.Add(time);
        }

        return slot;
    }
}

/// <summary>
/// Accumulates customer summaries into a <see cref="CustomerSummaryTable"/> one at a time, in memory that grows
/// with the distinct (x, t_x, T) rows only. Not thread-safe; use one builder per thread.
/// </summary>
public sealed class CustomerSummaryTableBuilder
{
    private readonly Dictionary<RowKey, long> _rows;
    private long _added;

    /// <summary>Creates an empty builder.</summary>
    public CustomerSummaryTableBuilder()
    {
        // No presized capacity: the distinct rows are usually far fewer than the customers.
        _rows = [];
    }

    /// <summary>The distinct rows so far.</summary>
    public int Count => _rows.Count;

    /// <summary>The customers added so far.</summary>
    public long Customers { get; private set; }

    /// <summary>Adds one customer (the monetary value is ignored).</summary>
    /// <param name="customer">The customer's summary.</param>
    /// <exception cref="InvalidModelInputException">The summary is invalid (the error names its 0-based position among the additions).</exception>
    public void Add(in CustomerSummary customer)
    {
        customer.Validate(_added);
        Accumulate(customer.Frequency, customer.Recency, customer.Age, 1);
    }

    /// <summary>Adds <paramref name="weight"/> customers that share one summary (a row of a pre-aggregated table).</summary>
    /// <param name="frequency">Repeat transactions x (≥ 0).</param>
    /// <param name="recency">Time of the last repeat transaction t_x (0 ≤ t_x ≤ T; 0 when x = 0).</param>
    /// <param name="age">The age T (finite, ≥ 0).</param>
    /// <param name="weight">How many customers (≥ 1).</param>
    /// <exception cref="InvalidModelInputException">A value is invalid (the error names its 0-based position among the additions).</exception>
    public void Add(int frequency, double recency, double age, long weight)
    {
        if (weight < 1)
        {
            ThrowHelper.InvalidModelInput("weight", weight, "must be >= 1", _added);
        }

        CustomerSummary.Check(frequency, recency, age, _added);
        Accumulate(frequency, recency, age, weight);
    }

    /// <summary>Builds the table from the rows added so far (the builder can keep accumulating).</summary>
    /// <returns>The table, its rows grouped by x in ascending order.</returns>
    /// <exception cref="InvalidModelInputException">No customer was added.</exception>
    public CustomerSummaryTable Build()
    {
        if (_rows.Count == 0)
        {
            throw new InvalidModelInputException("The customer summary table needs at least one customer.");
        }

        // Grouped by x (a counting sort), in order of first appearance within each x: the Pareto/NBD fit builds its
        // series once per x, and the same input always sums in the same order.
        var maxFrequency = 0;
        foreach (var key in _rows.Keys)
        {
            maxFrequency = Math.Max(maxFrequency, key.Frequency);
        }

        var next = new int[maxFrequency + 2];
        foreach (var key in _rows.Keys)
        {
            next[key.Frequency + 1]++;
        }

        for (var x = 1; x < next.Length; x++)
        {
            next[x] += next[x - 1];
        }

        var frequency = new int[_rows.Count];
        var recency = new double[_rows.Count];
        var age = new double[_rows.Count];
        var weights = new long[_rows.Count];
        foreach (var (key, weight) in _rows)
        {
            var i = next[key.Frequency]++;
            frequency[i] = key.Frequency;
            recency[i] = key.Recency;
            age[i] = key.Age;
            weights[i] = weight;
        }

        return new CustomerSummaryTable(frequency, recency, age, weights);
    }

    private void Accumulate(int frequency, double recency, double age, long weight)
    {
        // + 0.0 folds −0 into 0 so both land in one row.
        var key = new RowKey(frequency, recency + 0.0, age + 0.0);
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_rows, key, out _);
        slot += weight;
        Customers += weight;
        _added++;
    }

    private readonly record struct RowKey(int Frequency, double Recency, double Age);
}
