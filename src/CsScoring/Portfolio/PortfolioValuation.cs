using CsScoring.Metrics;
using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>An account valued from its current MRR and churn probability.</summary>
/// <param name="AccountId">The account, raw.</param>
/// <param name="Inputs">What it was valued from.</param>
/// <param name="Value">Its hazard, expected LTV (with its status) and value at risk.</param>
public sealed record ValuedAccount(string AccountId, AccountValueInputs Inputs, AccountValue Value);

/// <summary>
/// Values scored accounts: each paying account's expected revenue LTV and value at risk from its MRR in the
/// ledger's last month and its churn probability over the horizon (see <see cref="AccountValuation"/>).
/// </summary>
public static class PortfolioValuation
{
    /// <summary>Values the accounts that pay in the ledger's last month and have a probability in [0, 1].</summary>
    /// <param name="probabilities">Account id and churn probability over <paramref name="horizonMonths"/>, in the order wanted.</param>
    /// <param name="ledger">The MRR ledger.</param>
    /// <param name="monthlyDiscountRate">The monthly discount rate.</param>
    /// <param name="horizonMonths">The horizon of the probabilities, in months.</param>
    /// <param name="grossMargin">The gross margin (1: revenue LTV).</param>
    /// <returns>The valued accounts, in input order; accounts not paying or without a valid probability are left out.</returns>
    public static IReadOnlyList<ValuedAccount> Evaluate(
        IEnumerable<(string AccountId, double ChurnProbability)> probabilities, MrrLedger ledger, double monthlyDiscountRate, int horizonMonths, double grossMargin = 1)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(ledger);
        var ids = new List<string>();
        var inputs = new List<AccountValueInputs>();
        foreach (var (id, p) in probabilities)
        {
            var mrr = ledger.MrrOf(id, ledger.LastMonth);
            if (mrr <= 0 || !(p >= 0 && p <= 1))
            {
                continue; // not paying any more, or no probability
            }

            ids.Add(id);
            inputs.Add(new AccountValueInputs(mrr, grossMargin, monthlyDiscountRate, p, horizonMonths));
        }

        var values = new AccountValue[inputs.Count];
        AccountValuation.Evaluate(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(inputs), values);
        return [.. ids.Select((id, i) => new ValuedAccount(id, inputs[i], values[i]))];
    }
}
