namespace CsScoring.Value;

/// <summary>
/// A fitted "buy till you die" model of repeat transactions in continuous time (BG/NBD, Pareto/NBD): what
/// <see cref="CustomerValue"/> needs to value customers. Times are in the unit the model was fitted in.
/// </summary>
/// <remarks>Implementations are immutable structs; every member is thread-safe.</remarks>
public interface IRepeatTransactionModel
{
    /// <summary>The probability that the customer is still alive (active) at the end of calibration, in [0, 1].</summary>
    /// <param name="customer">The customer's calibration summary.</param>
    double ProbabilityAlive(in CustomerSummary customer);

    /// <summary>The expected number of transactions in (T, T + t] given the customer's history; ≥ 0, non-decreasing in t.</summary>
    /// <param name="customer">The customer's calibration summary.</param>
    /// <param name="t">The length of the future period (≥ 0), in the model's time unit.</param>
    double ExpectedTransactions(in CustomerSummary customer, double t);

    /// <summary>The expected number of repeat transactions of a new customer in (0, t].</summary>
    /// <param name="t">The period length (≥ 0), in the model's time unit.</param>
    double ExpectedTransactions(double t);
}
