using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Value;

/// <summary>One purchase in a raw transaction log.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Date">The purchase date.</param>
/// <param name="Amount">The purchase value (≥ 0; 0 when unknown).</param>
public readonly record struct Transaction(string CustomerId, DateOnly Date, decimal Amount);

/// <summary>A customer's calibration summary built from a transaction log, with the hold-out period's counts.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Summary">Frequency, recency, T and mean repeat value over the calibration period.</param>
/// <param name="FirstPurchase">The date of the first purchase.</param>
/// <param name="HoldoutTransactions">Purchase days after the calibration end (for validating predictions).</param>
/// <param name="HoldoutValue">Their total value.</param>
public readonly record struct SummarizedCustomer(string CustomerId, CustomerSummary Summary, DateOnly FirstPurchase, int HoldoutTransactions, decimal HoldoutValue);

/// <summary>
/// Builds (frequency, recency, T, mean value) summaries from a raw transaction log for a calibration end date, the
/// input of BG/NBD, Pareto/NBD and Gamma-Gamma fits.
/// </summary>
/// <remarks>
/// Purchases on the same day are merged into one transaction (their amounts summed), as in the CDNOW analyses.
/// Frequency counts purchase days after the first; recency is the time from the first to the last purchase day
/// and T the time from the first purchase to the calibration end, both in <c>unit</c>. The mean value is that of the
/// repeat transactions (the first purchase is excluded, as the Gamma-Gamma model expects). Customers whose first
/// purchase is after the calibration end are not in the result.
/// </remarks>
public static class TransactionLog
{
    /// <summary>Summarises a log.</summary>
    /// <param name="transactions">The purchases, in any order.</param>
    /// <param name="calibrationEnd">The last day of the calibration period (inclusive).</param>
    /// <param name="unit">The time unit of recency and T (the model's unit).</param>
    /// <returns>One summary per customer acquired by the calibration end, ordered by customer id (ordinal).</returns>
    /// <exception cref="InvalidModelInputException">A customer id is blank or an amount is negative (the row is named, 0-based).</exception>
    public static IReadOnlyList<SummarizedCustomer> Summarize(IEnumerable<Transaction> transactions, DateOnly calibrationEnd, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var days = TimeUnits.Days(unit);
        var byCustomer = new Dictionary<string, SortedDictionary<DateOnly, decimal>>(StringComparer.Ordinal);
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

            if (!byCustomer.TryGetValue(transaction.CustomerId, out var purchases))
            {
                purchases = [];
                byCustomer.Add(transaction.CustomerId, purchases);
            }

            purchases[transaction.Date] = purchases.GetValueOrDefault(transaction.Date) + transaction.Amount;
            row++;
        }

        var result = new List<SummarizedCustomer>(byCustomer.Count);
        foreach (var (id, purchases) in byCustomer.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var first = purchases.Keys.First();
            if (first > calibrationEnd)
            {
                continue;
            }

            var frequency = 0;
            var last = first;
            decimal repeatValue = 0, holdoutValue = 0;
            var holdout = 0;
            foreach (var (date, amount) in purchases)
            {
                if (date == first)
                {
                    continue;
                }

                if (date <= calibrationEnd)
                {
                    frequency++;
                    repeatValue += amount;
                    last = date;
                }
                else
                {
                    holdout++;
                    holdoutValue += amount;
                }
            }

            var recency = (last.DayNumber - first.DayNumber) / days;
            var age = (calibrationEnd.DayNumber - first.DayNumber) / days;
            var mean = frequency == 0 ? 0 : (double)(repeatValue / frequency);
            result.Add(new SummarizedCustomer(id, new CustomerSummary(frequency, recency, age, mean), first, holdout, holdoutValue));
        }

        return result;
    }

    /// <summary>Reads a log from a table: a customer column, a date column (ISO) and optionally an amount column.</summary>
    /// <param name="reader">A reader positioned before the first row.</param>
    /// <param name="customerColumn">The customer id column.</param>
    /// <param name="dateColumn">The date column.</param>
    /// <param name="amountColumn">The amount column, or <see langword="null"/> when there is none (amounts are 0).</param>
    /// <exception cref="DataFormatException">A column is absent, an id blank, a date invalid or an amount negative or not a number (row and column named).</exception>
    public static IReadOnlyList<Transaction> Read(TabularReader reader, string customerColumn = "customer_id", string dateColumn = "date", string? amountColumn = "amount")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var id = reader.GetOrdinal(customerColumn);
        var date = reader.GetOrdinal(dateColumn);
        var amount = amountColumn is null ? -1 : reader.GetOrdinal(amountColumn);
        var rows = new List<Transaction>();
        while (reader.Read())
        {
            var customer = reader.GetString(id).Trim();
            if (customer.Length == 0)
            {
                throw reader.Error(id, "the customer id is blank");
            }

            var day = reader.GetDate(date);
            var value = 0m;
            if (amount >= 0)
            {
                var number = reader.GetDoubleOrNaN(amount);
                if (!(number >= 0) || double.IsInfinity(number))
                {
                    throw reader.Error(amount, string.Create(CultureInfo.InvariantCulture, $"the amount must be a number >= 0, not '{reader.GetString(amount)}'"));
                }

                value = (decimal)number;
            }

            rows.Add(new Transaction(customer, day, value));
        }

        return rows;
    }
}
