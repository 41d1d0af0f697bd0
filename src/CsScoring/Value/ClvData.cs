using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Value;

/// <summary>The customers of a repeat-transaction model, as read by <see cref="ClvData.ReadCustomers"/>.</summary>
/// <param name="Ids">Each customer's id (the row number when the table has no id column).</param>
/// <param name="Customers">Their summaries, in the order of <paramref name="Ids"/>.</param>
/// <param name="Source">What the table was: <c>customer summaries</c> or <c>transaction log</c>.</param>
/// <param name="CalibrationEnd">The calibration end a transaction log was summarised for; <see langword="null"/> for summaries.</param>
public sealed record ClvCustomers(IReadOnlyList<string> Ids, ReadOnlyMemory<CustomerSummary> Customers, string Source, DateOnly? CalibrationEnd);

/// <summary>
/// Reads the inputs of the repeat-transaction models from a table: customer summaries (frequency, recency, T,
/// monetary value; the lifetimes / BTYD column names x, t_x, zbar are accepted too), BG/BB histories (frequency,
/// recency, periods, weights) or a raw transaction log (customer_id, date, amount) summarised for a calibration end.
/// </summary>
/// <remarks>Every value error names the source, row and column. Thread-safe: the methods are pure apart from reading.</remarks>
public static class ClvData
{
    /// <summary>Whether a table is a raw transaction log (it has <c>customer_id</c> and <c>date</c> columns).</summary>
    /// <param name="columns">The table's columns.</param>
    public static bool IsTransactionLog(IReadOnlyCollection<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return columns.Contains("date", StringComparer.Ordinal) && columns.Contains("customer_id", StringComparer.Ordinal);
    }

    /// <summary>Reads customer summaries, or summarises a transaction log (see <see cref="IsTransactionLog"/>).</summary>
    /// <param name="table">A reader positioned before its first row; read to its end, not disposed.</param>
    /// <param name="unit">The time unit of recency and T when summarising a log.</param>
    /// <param name="calibrationEnd">The calibration end for a log (default: its last date).</param>
    /// <returns>The customers.</returns>
    /// <exception cref="DataFormatException">A column is absent, a cell is blank or invalid, or there are no rows (source, row and column named).</exception>
    public static ClvCustomers ReadCustomers(TabularReader table, TimeUnit unit, DateOnly? calibrationEnd)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (IsTransactionLog(table.Columns))
        {
            var log = TransactionLog.Read(table, amountColumn: table.TryGetOrdinal("amount", out _) ? "amount" : null);
            if (log.Count == 0)
            {
                throw new DataFormatException("the transaction log has a header but no rows", table.SourceName, null, null);
            }

            var end = calibrationEnd ?? log.Max(t => t.Date);
            var summaries = TransactionLog.Summarize(log, end, unit);
            return new ClvCustomers([.. summaries.Select(s => s.CustomerId)], summaries.Select(s => s.Summary).ToArray(), "transaction log", end);
        }

        var frequency = Column(table, "frequency", "x");
        var recency = Column(table, "recency", "t_x");
        var age = Column(table, "T", "age");
        var monetary = OptionalColumn(table, "monetary_value", "zbar", "monetary");
        var id = OptionalColumn(table, "customer_id", "ID", "id");
        var ids = new List<string>();
        var customers = new List<CustomerSummary>();
        while (table.Read())
        {
            var x = WholeNumber(table, frequency);
            var tx = Number(table, recency);
            var t = Number(table, age);
            var m = monetary >= 0 && !table.IsBlank(monetary) ? Number(table, monetary) : 0;
            try
            {
                customers.Add(new CustomerSummary(x, tx, t, m));
            }
            catch (InvalidModelInputException ex)
            {
                var column = ex.Field switch { "frequency" => frequency, "recency" => recency, "T" => age, _ => monetary };
                throw table.Error(column, ex.Message);
            }

            ids.Add(id >= 0 ? table.GetString(id) : table.RowNumber.ToString(CultureInfo.InvariantCulture));
        }

        if (customers.Count == 0)
        {
            throw new DataFormatException("the file has a header but no customers", table.SourceName, null, null);
        }

        return new ClvCustomers([.. ids], customers.ToArray(), "customer summaries", null);
    }

    /// <summary>Reads BG/BB histories: frequency, recency and periods (whole numbers) and an optional weight.</summary>
    /// <param name="table">A reader positioned before its first row; read to its end, not disposed.</param>
    /// <returns>The histories, in row order.</returns>
    /// <exception cref="DataFormatException">A column is absent, a cell is blank or invalid, or there are no rows (source, row and column named).</exception>
    public static DiscreteCustomerSummary[] ReadHistories(TabularReader table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var frequency = Column(table, "frequency", "x");
        var recency = Column(table, "recency", "t_x");
        var periods = Column(table, "periods", "n");
        var weights = OptionalColumn(table, "weights", "weight", "count");
        var rows = new List<DiscreteCustomerSummary>();
        while (table.Read())
        {
            var x = WholeNumber(table, frequency);
            var tx = WholeNumber(table, recency);
            var n = WholeNumber(table, periods);
            var w = weights >= 0 ? Number(table, weights) : 1;
            try
            {
                rows.Add(new DiscreteCustomerSummary(x, tx, n, w));
            }
            catch (InvalidModelInputException ex)
            {
                var column = ex.Field switch { "frequency" => frequency, "recency" => recency, "periods" => periods, _ => weights };
                throw table.Error(column, ex.Message);
            }
        }

        if (rows.Count == 0)
        {
            throw new DataFormatException("the file has a header but no histories", table.SourceName, null, null);
        }

        return [.. rows];
    }

    private static int Column(TabularReader table, params string[] names)
    {
        var ordinal = OptionalColumn(table, names);
        return ordinal >= 0
            ? ordinal
            : throw new DataFormatException($"column '{names[0]}' (or {string.Join(", ", names.Skip(1).Select(n => $"'{n}'"))}) is absent (columns: {string.Join(", ", table.Columns)})", table.SourceName, null, null);
    }

    private static int OptionalColumn(TabularReader table, params string[] names)
    {
        foreach (var name in names)
        {
            if (table.TryGetOrdinal(name, out var ordinal))
            {
                return ordinal;
            }
        }

        return -1;
    }

    private static double Number(TabularReader table, int ordinal)
    {
        var value = table.GetDoubleOrNaN(ordinal);
        return double.IsNaN(value) ? throw table.Error(ordinal, "a number is required but the cell is blank") : value;
    }

    private static int WholeNumber(TabularReader table, int ordinal)
    {
        var value = Number(table, ordinal);
        return value == Math.Floor(value) && Math.Abs(value) < int.MaxValue
            ? (int)value
            : throw table.Error(ordinal, $"'{table.GetString(ordinal)}' is not a whole number");
    }
}
