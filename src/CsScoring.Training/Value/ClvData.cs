using System.Globalization;
using CsScoring.Data;
using CsScoring.Value;

namespace CsScoring.Training.Value;

/// <summary>
/// Loads the inputs of <c>clv fit</c> and <c>clv predict</c> through the one tabular reader: customer summaries
/// (frequency, recency, T, monetary value; the lifetimes / BTYD column names x, t_x, zbar are accepted too), BG/BB
/// histories (frequency, recency, periods, weights) or a raw transaction log (customer_id, date, amount) that is
/// summarised for a calibration end date.
/// </summary>
internal static class ClvData
{
    public sealed record Loaded(string[] Ids, CustomerSummary[] Customers, string Source, DateOnly? CalibrationEnd);

    public static bool IsTransactionLog(string path)
    {
        using var reader = TabularReader.Open(path);
        return reader.TryGetOrdinal("date", out _) && reader.TryGetOrdinal("customer_id", out _);
    }

    public static Loaded ReadCustomers(string path, TimeUnit unit, DateOnly? calibrationEnd)
    {
        if (IsTransactionLog(path))
        {
            IReadOnlyList<Transaction> log;
            using (var reader = TabularReader.Open(path))
            {
                log = TransactionLog.Read(reader, amountColumn: reader.TryGetOrdinal("amount", out _) ? "amount" : null);
            }

            if (log.Count == 0)
            {
                throw new DataFormatException("the transaction log has a header but no rows", path, null, null);
            }

            var end = calibrationEnd ?? log.Max(t => t.Date);
            var summaries = TransactionLog.Summarize(log, end, unit);
            return new Loaded([.. summaries.Select(s => s.CustomerId)], [.. summaries.Select(s => s.Summary)], "transaction log", end);
        }

        using var table = TabularReader.Open(path);
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
            throw new DataFormatException("the file has a header but no customers", path, null, null);
        }

        return new Loaded([.. ids], [.. customers], "customer summaries", null);
    }

    public static DiscreteCustomerSummary[] ReadHistories(string path)
    {
        using var table = TabularReader.Open(path);
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
            throw new DataFormatException("the file has a header but no histories", path, null, null);
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
